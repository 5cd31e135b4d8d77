"""Which property links an accepted date or duration to the fact the reviewer chose, checked against the document.

A date dates what the source reports as done with ``crm:P4_has_time-span``,
and what it plans, proposes or requests with ``hg:plannedTimeSpan`` (never
the other way round: ``shapes/fidelity.ttl``); a duration is a fact's
``time:hasDuration``. The fact must be declared in the document's own
``facts.ttl`` (outside the accepted-suggestions block, which this writes), and
may not already have the property, as each fact has at most one of each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from histgraph.ingest.accept import BEGIN, END, accepted_decision
from histgraph.vocab import PREFIXES
from histgraph.wikidata.review import ReviewError

HG, CRM, PPLAN, PROV = PREFIXES["hg"], PREFIXES["crm"], PREFIXES["pplan"], PREFIXES["prov"]
_RDF_TYPE = URIRef(PREFIXES["rdf"] + "type")
#: Classes of what is to happen, not what happened.
_PLANNED = frozenset(URIRef(c) for c in (
    PPLAN + "Step", PPLAN + "Plan", PROV + "Plan", CRM + "E29_Design_or_Procedure",
    HG + "Proposal", HG + "Request",
))
#: Classes of what happened.
_HAPPENED = frozenset(URIRef(c) for c in (CRM + "E7_Activity", CRM + "E5_Event", CRM + "E65_Creation", PROV + "Activity"))
PROPERTY_IRI = {
    "hg:plannedTimeSpan": HG + "plannedTimeSpan",
    "crm:P4_has_time-span": CRM + "P4_has_time-span",
    "time:hasDuration": PREFIXES["time"] + "hasDuration",
}


def _document_facts(folder: Path) -> Graph:
    """The document's ``facts.ttl`` as written by hand (and by the editor), without the accepted block."""
    path = folder / "facts.ttl"
    if not path.is_file():
        return Graph()
    current = path.read_text(encoding="utf-8")
    before, found, rest = current.partition(BEGIN)
    return Graph().parse(data=before + (rest.partition(END)[2] if found else ""), format="turtle")


def _date_property(graph: Graph, fact: URIRef) -> str:
    types = set(graph.objects(fact, _RDF_TYPE))
    modality = graph.value(fact, URIRef(HG + "modality"))
    if types & _PLANNED or (modality is not None and str(modality) != HG + "Reported"):
        return "hg:plannedTimeSpan"
    if types & _HAPPENED:
        return "crm:P4_has_time-span"
    raise ReviewError(f"<{fact}> is not an event, step, plan, request or proposal, so a date cannot be its time; "
                      "choose one of those, or accept the date without =FACT (a free time-span)")


def attachments(folder: Path, review: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """For each accepted date or duration with a ``fact``: the entry id to (fact IRI, property CURIE)."""
    wanted = [(entry, decision) for entry in review["entries"]
              if entry["kind"] in ("date", "duration") and (decision := accepted_decision(entry)) and decision.get("fact")]
    if not wanted:
        return {}
    graph = _document_facts(folder)
    found: dict[str, tuple[str, str]] = {}
    taken: dict[tuple[str, str], str] = {}
    for entry, decision in wanted:
        fact = URIRef(decision["fact"])
        if (fact, _RDF_TYPE, None) not in graph:
            raise ReviewError(f"{entry['id']}: <{fact}> is not declared in {folder / 'facts.ttl'}; give a fact of "
                              "this document (a CURIE such as step:… or its full IRI)")
        prop = "time:hasDuration" if entry["kind"] == "duration" else _date_property(graph, fact)
        already = graph.value(fact, URIRef(PROPERTY_IRI[prop]))
        if already is not None:
            raise ReviewError(f"{entry['id']}: <{fact}> already has {prop} <{already}> in facts.ttl; a fact has one: "
                              "remove that one by hand, or accept this without =FACT")
        other = taken.setdefault((str(fact), prop), entry["id"])
        if other != entry["id"]:
            raise ReviewError(f"{entry['id']} and {other} are both accepted as {prop} of <{fact}>; a fact has one: "
                              "reject one, or accept it without =FACT")
        found[entry["id"]] = (str(fact), prop)
    return found
