"""A fact selected in the editor as triples of the editor's block, and where a node's words are in the text.

A fact is written as the reference format asks (docs/adding-a-document.md):
its classes and modality (:mod:`~histgraph.editing.fact_kinds`), a short
``rdfs:label``, ``hg:accordingTo`` who states it, the selected words as
``hg:quote`` (with ``hg:quoteOccurrence`` when they occur more than once) and as
``rdf:value``, the agents and places of its roles, and a time-span of its own
(``timespan:<fact>``, with the date's words and bounds) when a date is given.
A planned step belongs to a plan: an existing one, or a new plan stated by the
same words.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from histgraph.editing.fact_kinds import ACTIVITY_TYPES, FACT_KINDS, FactKind
from histgraph.errors import HistgraphError
from histgraph.ingest.turtle_writer import slugify
from histgraph.vocab import PREFIXES

HG = PREFIXES["hg"]
MINTED = "https://histgraph.example.org/id/"
QUOTE, OCCURRENCE, MENTION = URIRef(HG + "quote"), URIRef(HG + "quoteOccurrence"), URIRef(HG + "mention")


class FactRejected(HistgraphError):
    """A fact from the editor is incomplete or names something it may not; the message says what to fix."""


def expand(curie: str) -> URIRef:
    """``hg:modality`` → the full IRI, through the project's prefixes."""
    prefix, _, local = curie.partition(":")
    return URIRef(PREFIXES[prefix] + local)


def occurrences(whole: str, words: str) -> Iterator[int]:
    """Every start of ``words`` in ``whole``."""
    at = whole.find(words) if words else -1
    while at >= 0:
        yield at
        at = whole.find(words, at + 1)


def passages(graph: Graph, whole: str) -> list[dict[str, Any]]:
    """Where the quotes and mentions of ``graph`` are in ``whole``: one row per marked stretch, in text order."""
    rows: list[dict[str, Any]] = []
    for subject, words in graph.subject_objects(QUOTE):
        starts = list(occurrences(whole, str(words)))
        nth = graph.value(subject, OCCURRENCE)
        index = int(str(nth)) - 1 if nth is not None and str(nth).isdigit() else 0
        if 0 <= index < len(starts):
            rows.append({"start": starts[index], "end": starts[index] + len(str(words)), "iri": str(subject), "kind": "fact"})
    for subject, words in graph.subject_objects(MENTION):
        rows += [{"start": s, "end": s + len(str(words)), "iri": str(subject), "kind": "mention"}
                 for s in occurrences(whole, str(words))]
    return sorted(rows, key=lambda r: (r["start"], -r["end"], r["iri"]))


def _iri(value: Any, what: str) -> URIRef:
    if not isinstance(value, str) or not value.startswith(MINTED) or any(c in value for c in " <>\"{}|\\^`"):
        raise FactRejected(f"{what} must be an entity of the archive (choose it from the search), not {value!r}")
    return URIRef(value)


def _time(value: Any, what: str) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise FactRejected(f"{what} must be a date and time like 1951-03-09T00:00:00, not {value!r}") from None


def fresh_iri(segment: str, label: str, taken: set[str]) -> str:
    """``<segment>:<slug of label>``, with ``-2``, ``-3``… when a node of the document already has that IRI."""
    base = PREFIXES[segment] + (slugify(label) or segment)
    iri, n = base, 1
    while iri in taken:
        n += 1
        iri = f"{base}-{n}"
    return iri


def _quote(block: Graph, node: URIRef, whole: str, start: int, words: str) -> None:
    block.add((node, QUOTE, Literal(words)))
    if whole.count(words) > 1:
        block.add((node, OCCURRENCE, Literal(whole.count(words, 0, start) + 1)))


def add_fact(block: Graph, everything: Graph, whole: str, fact: dict[str, Any]) -> str:
    """Add ``fact`` (the editor's form as JSON) to ``block``; ``everything`` is the document's whole facts graph.

    Returns the new node's IRI. Raises :class:`FactRejected` naming the field to fix.
    """
    kind: FactKind | None = FACT_KINDS.get(str(fact.get("kind")))
    if kind is None:
        raise FactRejected(f"choose what the words state: one of {', '.join(FACT_KINDS)}")
    modality = str(fact.get("modality") or kind.modalities[0])
    if modality not in kind.modalities:
        raise FactRejected(f"a {kind.segment} is {' or '.join(kind.modalities)}, not {modality!r}")
    label = " ".join(str(fact.get("label") or "").split())
    if not label or len(label) > 300:
        raise FactRejected("give the fact a short label (up to 300 characters) saying what it is")
    start, end = fact.get("start"), fact.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(whole)):
        raise FactRejected("select the words of the text that state the fact")
    words = whole[start:end]
    if words != words.strip():
        raise FactRejected("the selection starts or ends with a space: select the words only")
    taken = {str(s) for s in everything.subjects()} | {str(s) for s in block.subjects()}
    node = URIRef(fresh_iri(kind.segment, label, taken))
    taken.add(str(node))
    for cls in kind.classes_for(modality):
        block.add((node, RDF.type, expand(cls)))
    block.add((node, RDFS.label, Literal(label, lang="en")))
    block.add((node, expand("hg:modality"), expand("hg:" + modality)))
    block.add((node, expand("hg:accordingTo"), _iri(fact.get("according_to"), "who states it (according to)")))
    block.add((node, RDF.value, Literal(words)))
    _quote(block, node, whole, start, words)
    roles = fact.get("roles") or {}
    if not isinstance(roles, dict):
        raise FactRejected("roles must map a property to the entities chosen for it")
    known = {r.property: r for r in kind.roles}
    for prop, values in roles.items():
        if prop not in known:
            raise FactRejected(f"a {kind.segment} has no role {prop!r}: use one of {', '.join(known)}")
        for value in values if isinstance(values, list) else [values]:
            block.add((node, expand(prop), _iri(value, known[prop].name)))
    missing = [r.name for r in kind.roles if r.required and not roles.get(r.property)]
    if missing:
        raise FactRejected(f"a {kind.segment} needs {', '.join(missing)}: choose them from the search")
    activity = str(fact.get("type") or "")
    if activity or kind.needs_type:
        if activity not in ACTIVITY_TYPES or kind.segment not in ("event", "step"):
            raise FactRejected(f"choose the type of {kind.segment}: one of {', '.join(ACTIVITY_TYPES)}")
        block.add((node, expand("crm:P2_has_type"), expand("hg:" + activity)))
    if fact.get("date"):
        _add_date(block, node, kind, whole, fact["date"])
    if kind.segment == "step":
        _add_to_plan(block, everything, node, fact, taken, whole, start, words)
    return str(node)


def _add_date(block: Graph, node: URIRef, kind: FactKind, whole: str, date: Any) -> None:
    if kind.date is None:
        raise FactRejected(f"a {kind.segment} has no date of its own in the shapes: leave the date out")
    if not isinstance(date, dict):
        raise FactRejected("a date needs its words, begin and end")
    words = " ".join(str(date.get("words") or "").split())
    if not words or words not in whole:
        raise FactRejected("the date's words must be words of the text as written (select them, e.g. 'on 9 March')")
    begin, end = _time(date.get("begin"), "the date's begin"), _time(date.get("end"), "the date's end")
    if begin > end:
        raise FactRejected("the date begins after it ends: swap begin and end")
    span = URIRef(PREFIXES["timespan"] + str(node).rpartition("/")[2])
    block.add((span, RDF.type, expand("crm:E52_Time-Span")))
    label = begin.date().isoformat() if begin.date() == end.date() else f"{begin.date()} to {end.date()}"
    block.add((span, RDFS.label, Literal(label + (" (planned)" if kind.segment != "event" else ""), lang="en")))
    block.add((span, expand("hg:asWritten"), Literal(words)))
    block.add((span, expand("crm:P82a_begin_of_the_begin"), Literal(begin.isoformat(), datatype=XSD.dateTime)))
    block.add((span, expand("crm:P82b_end_of_the_end"), Literal(end.isoformat(), datatype=XSD.dateTime)))
    block.add((node, expand(kind.date), span))


def _add_to_plan(block: Graph, everything: Graph, node: URIRef, fact: dict[str, Any], taken: set[str],
                 whole: str, start: int, words: str) -> None:
    step_of, order = expand("pplan:isStepOfPlan"), expand("hg:stepOrder")
    plan_iri = str(fact.get("plan") or "")
    if plan_iri:
        plan = _iri(plan_iri, "the plan the step belongs to")
        both = everything + block
        if (plan, RDF.type, expand("pplan:Plan")) not in both:
            raise FactRejected(f"{plan_iri} is not a plan of this document: choose one, or leave it empty for a new plan")
        steps = [int(str(o)) for s in both.subjects(step_of, plan) for o in both.objects(s, order) if str(o).isdigit()]
        position = max(steps, default=0) + 1
    else:
        plan = URIRef(fresh_iri("plan", str(fact.get("label")), taken))
        for cls in FACT_KINDS["plan"].classes:
            block.add((plan, RDF.type, expand(cls)))
        block.add((plan, RDFS.label, Literal(f"Plan: {' '.join(str(fact.get('label')).split())}", lang="en")))
        block.add((plan, expand("hg:modality"), expand("hg:Planned")))
        block.add((plan, expand("hg:accordingTo"), _iri(fact.get("according_to"), "who states it")))
        _quote(block, plan, whole, start, words)
        position = 1
    block.add((node, step_of, plan))
    block.add((node, order, Literal(position)))
