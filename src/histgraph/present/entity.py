"""Describe one entity for a page: labels, relations in words, events, passages, links.

No Flask here: :func:`describe` takes a store, the label index and the base IRI
and returns a plain :class:`EntityView`; the web layer only renders it. The
machine-readable description is :func:`concise_description` (an rdflib graph).

Each part is one query with the IRI bound (never pasted into the text), so a
page costs a handful of index lookups however large the dataset is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from histgraph.present.date_words import DateWords, date_words
from histgraph.present.kinds import kind_of
from histgraph.present.labels import LabelIndex, is_web_link, local_name
from histgraph.present.other_sources import SourceRef, describe_source, recorded_elsewhere
from histgraph.present.plain_prose import plain
from histgraph.present.site_paths import local_href
from histgraph.store import Store
from histgraph.vocab import HG, RDF, RDFS, RICO, SCHEMA, SKOS

#: The concise bounded description: the IRI's own triples, those of its fragment
#: sub-nodes (``IRI#…``, up to two hops away), and the links pointing at it.
DESCRIBE = """
CONSTRUCT { ?iri ?p ?o . ?s ?sp ?so . ?in ?ip ?iri . }
WHERE {
  { ?iri ?p ?o }
  UNION { ?iri ?p1 ?s . FILTER(isIRI(?s) && STRSTARTS(STR(?s), CONCAT(STR(?iri), "#"))) ?s ?sp ?so }
  UNION { ?iri ?p1 ?m . ?m ?p2 ?s . FILTER(isIRI(?s) && STRSTARTS(STR(?s), CONCAT(STR(?iri), "#"))) ?s ?sp ?so }
  UNION { ?in ?ip ?iri }
}
"""

EXISTS = "ASK WHERE { { ?iri ?p ?o } UNION { ?s ?p ?iri } }"

#: Pages show what the sources say: graph:derived (the closure and shortcuts the build
#: writes for queries, build/derived.py) would repeat it in other words.
NOT_DERIVED = 'FILTER(!STRENDS(STR(?g), "/graph/derived"))'

OUTGOING = """
SELECT ?s ?p ?o ?g WHERE {
  { GRAPH ?g { ?iri ?p ?o } }
  UNION { ?iri ?p1 ?s . FILTER(isIRI(?s) && STRSTARTS(STR(?s), CONCAT(STR(?iri), "#"))) GRAPH ?g { ?s ?p ?o } }
  """ + NOT_DERIVED + """
}
"""

#: Links listed on a page at most; one more is asked for, to know when there are more.
INCOMING_LIMIT = 5000
INCOMING = f"""
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT DISTINCT ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p ?iri }} FILTER(?p != oa:hasBody) {NOT_DERIVED} }}
LIMIT {INCOMING_LIMIT + 1}
"""
#: Every link to an entity, for the endpoint (the page says when it lists only some).
ALL_INCOMING = "SELECT ?s ?p WHERE {{ ?s ?p <{iri}> }} ORDER BY ?p ?s"

#: A part of an activity (crm:P9_consists_of) is dated by its whole's time-span: an outer bound.
EVENTS = """
PREFIX hg: <https://histgraph.example.org/ontology#>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?e ?p ?modality ?begin ?end ?written ?vague ?stated ?source WHERE {
  GRAPH ?g { ?e ?p ?iri } ?e hg:modality ?modality .
  FILTER(?p != hg:accordingTo && !STRENDS(STR(?g), "/graph/derived"))
  BIND(EXISTS { ?ann oa:hasBody ?e } AS ?stated)
  # Sources that are not actors (see other_sources.SOURCES_OF): an event no document
  # states is recorded elsewhere, by these.
  OPTIONAL { ?e hg:accordingTo ?source .
             FILTER NOT EXISTS { ?source a ?actor .
                                 VALUES ?actor { crm:E39_Actor crm:E21_Person crm:E74_Group prov:Agent } } }
  OPTIONAL { ?e crm:P4_has_time-span|hg:plannedTimeSpan|^crm:P9_consists_of/crm:P4_has_time-span ?ts .
             OPTIONAL { ?ts crm:P82a_begin_of_the_begin ?begin }
             OPTIONAL { ?ts crm:P82b_end_of_the_end ?end }
             OPTIONAL { ?ts hg:asWritten ?written }
             OPTIONAL { ?ts hg:vague ?vague } }
}
"""

#: "Who was this": a short line kept as data with the source that says it.
WHO_WAS_THIS = """
PREFIX hg: <https://histgraph.example.org/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?line ?text ?source WHERE {
  ?iri hg:whoWasThis ?line . ?line rdf:value ?text .
  OPTIONAL { ?line hg:accordingTo ?source }
}
"""

LINKS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX hg: <https://histgraph.example.org/ontology#>
SELECT ?match ?kind ?g ?status WHERE {
  VALUES ?kind { skos:exactMatch skos:closeMatch }
  GRAPH ?g { ?iri ?kind ?match }
  OPTIONAL { ?g hg:matchStatus ?status }
}
"""

WIKIDATA = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?wd ?p ?o ?retrieved WHERE {
  ?iri skos:exactMatch ?wd .
  GRAPH ?snapshot { ?wd ?p ?o }
  OPTIONAL { ?snapshot prov:generatedAtTime ?retrieved }
}
"""

#: The project's concepts (modalities) are named by their local names.
HG_NS = str(HG)
#: Shown in the page's head, not repeated among the relations.
HEADER_PREDICATES = {
    str(p) for p in (RDF.type, RDFS.label, SKOS.altLabel, HG.asWritten, HG.modality, SKOS.exactMatch,
                     SKOS.closeMatch, HG.whoWasThis)
}
DESCRIPTION_PREDICATES = (str(SKOS.definition), str(SCHEMA.description), str(RDFS.comment),
                          str(RICO.scopeAndContent))
WIKIDATA_FIELDS = {
    "http://www.wikidata.org/prop/direct/P569": "born",
    "http://www.wikidata.org/prop/direct/P570": "died",
    "http://www.wikidata.org/prop/direct/P18": "image",
    "http://www.wikidata.org/prop/direct/P625": "coordinates",
}


@dataclass(frozen=True)
class Value:
    """One value of a relation: a linked node or a literal, ready to show."""

    text: str
    iri: str | None = None
    href: str | None = None
    kind: str | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass
class RelationGroup:
    """All values of one property in one direction, labelled in words."""

    predicate: str
    phrase: str
    incoming: bool
    values: list[Value] = field(default_factory=list)

    @property
    def key(self) -> str:
        """A short stable key for paging links (``out-3f2a…``)."""
        import hashlib

        digest = hashlib.sha1(self.predicate.encode()).hexdigest()[:10]
        return f"{'in' if self.incoming else 'out'}-{digest}"


@dataclass(frozen=True)
class Involvement:
    """An event, plan or statement the entity takes part in, with its modality."""

    value: Value
    modality: str
    roles: tuple[str, ...]
    begin: str | None
    end: str | None
    as_written: str | None
    #: The date in words at its precision, with the source's words.
    date: DateWords | None = None
    #: Other sources, when no document states it ("recorded elsewhere").
    elsewhere: tuple[SourceRef, ...] = ()


@dataclass(frozen=True)
class WhoLine:
    """A short line saying who a person or group was, with the sources that say it."""

    text: str
    lang: str | None
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class WikidataLink:
    """A link to Wikidata and how sure the project is of it."""

    iri: str
    qid: str
    reviewed: bool
    graph: str


@dataclass
class WikidataFacts:
    """What the Wikidata snapshot says about the matched entity (shown attributed)."""

    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    retrieved: str | None = None


@dataclass
class EntityView:
    """Everything an entity page shows."""

    iri: str
    kind: str | None
    label: str
    labels: list[tuple[str, str, str]]
    types: list[Value]
    description: str | None
    modality: str | None
    links: list[WikidataLink]
    wikidata: list[WikidataFacts]
    outgoing: list[RelationGroup]
    incoming: list[RelationGroup]
    events: list[Involvement]
    sub_nodes: dict[str, list[RelationGroup]]
    #: More links point here than a page lists: the query that gives them all.
    all_incoming: str | None = None
    #: "Who was this" lines, each with its source.
    who: list[WhoLine] = field(default_factory=list)
    #: The sources of a claim no document makes (it was recorded elsewhere).
    elsewhere: tuple[SourceRef, ...] = ()


def to_value(term: Node, labels: LabelIndex, base_iri: str) -> Value:
    """A term as a :class:`Value` (IRIs labelled and linked, literals as they are)."""
    if isinstance(term, Literal):
        datatype = local_name(str(term.datatype)) if term.datatype else None
        return Value(str(term), lang=term.language, datatype=datatype)
    iri = str(term)
    return Value(labels.label(iri), iri, local_href(iri, base_iri), kind_of(iri, base_iri))


def modality_name(iri: Node | str | None) -> str | None:
    """``reported`` for ``hg:Reported``: the name used in CSS classes and badges."""
    return str(iri)[len(HG_NS):].lower() if iri and str(iri).startswith(HG_NS) else None


def exists(store: Store, iri: str) -> bool:
    """True when the store says anything about ``iri`` (as subject or object)."""
    return store.ask(EXISTS, {"iri": URIRef(iri)})


def concise_description(store: Store, iri: str) -> Graph:
    """The IRI's triples, its fragment sub-nodes' triples and the links to it."""
    return store.construct(DESCRIBE, {"iri": URIRef(iri)})


def _group(
    rows: Iterable[tuple[Node, Node]], labels: LabelIndex, base_iri: str, incoming: bool
) -> list[RelationGroup]:
    groups: dict[str, RelationGroup] = {}
    seen: set[tuple[str, Value]] = set()  # a set, not `in list`: a shared person has hundreds
    for predicate, term in rows:
        key = str(predicate)
        if key not in groups:
            groups[key] = RelationGroup(key, labels.phrase(key, incoming), incoming)
        value = to_value(term, labels, base_iri)
        if key in DESCRIPTION_PREDICATES and value.iri is None:
            value = replace(value, text=plain(value.text, labels))  # editors' notes in a reader's words
        if (key, value) not in seen:
            seen.add((key, value))
            groups[key].values.append(value)
    for group in groups.values():
        group.values.sort(key=lambda v: (v.iri is None, v.text.lower()))
    return sorted(groups.values(), key=lambda g: g.phrase.lower())


def _first_sentence(text: str, limit: int = 300) -> str:
    """The first sentence of ``text``, at most ``limit`` characters (a one-line description)."""
    head, dot, _ = text.partition(". ")
    head += "." if dot else ""
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"


def _wikidata(store: Store, iri: str) -> list[WikidataFacts]:
    facts: dict[str, WikidataFacts] = {}
    for row in store.select(WIKIDATA, {"iri": URIRef(iri)}):
        wd = str(row["wd"])
        item = facts.setdefault(wd, WikidataFacts(wd))
        predicate, obj = str(row["p"]), row["o"]
        if "retrieved" in row:
            item.retrieved = str(row["retrieved"])[:10]
        if predicate == str(RDFS.label) and isinstance(obj, Literal):
            item.labels[obj.language or ""] = str(obj)
        elif predicate == str(SCHEMA.description) and isinstance(obj, Literal):
            item.descriptions[obj.language or ""] = str(obj)
        elif predicate in WIKIDATA_FIELDS:
            name = WIKIDATA_FIELDS[predicate]
            if name == "image" and not is_web_link(obj):
                continue
            item.fields[name] = str(obj)[:10] if name in ("born", "died") else str(obj)
    return [f for f in facts.values() if f.labels or f.descriptions or f.fields]


def _links(store: Store, iri: str) -> list[WikidataLink]:
    links = []
    for row in store.select(LINKS, {"iri": URIRef(iri)}):
        match = str(row["match"])
        reviewed = str(row["kind"]).endswith("exactMatch") and str(row.get("status", "")).endswith("Reviewed")
        links.append(WikidataLink(match, match.rsplit("/", 1)[-1], reviewed, str(row["g"])))
    return sorted(links, key=lambda link: (not link.reviewed, link.qid))


def _events(store: Store, iri: str, labels: LabelIndex, base_iri: str) -> list[Involvement]:
    found: dict[str, dict[str, Any]] = {}
    for row in store.select(EVENTS, {"iri": URIRef(iri)}):
        key = str(row["e"])
        entry = found.setdefault(key, {"roles": set(), "row": row, "sources": set()})
        entry["roles"].add(labels.phrase(row["p"], incoming=True))
        if "source" in row and str(row.get("stated", "")).lower() != "true":
            entry["sources"].add(str(row["source"]))
    # Few sources for many events: each described once.
    described = {s: describe_source(store, s, labels, base_iri)
                 for s in sorted({s for entry in found.values() for s in entry["sources"]})}
    events = []
    for key, entry in found.items():
        row = entry["row"]
        begin = str(row["begin"]) if "begin" in row else None
        end = str(row["end"]) if "end" in row else None
        written = str(row["written"]) if "written" in row else None
        when = date_words(begin, end, vague=str(row.get("vague", "")).lower() == "true", as_written=written)
        events.append(Involvement(
            to_value(URIRef(key), labels, base_iri),
            modality_name(row["modality"]) or "unknown",
            tuple(sorted(entry["roles"])),
            begin, end, written, when if when.text or when.as_written else None,
            tuple(described[s] for s in sorted(entry["sources"])),
        ))
    # Dated first, in time order; undated after, by label.
    return sorted(events, key=lambda e: (e.begin is None, e.begin or "", e.value.text.lower()))


def _who(store: Store, iri: str, labels: LabelIndex, base_iri: str) -> tuple[list[WhoLine], set[str]]:
    """The entity's "who was this" lines, and their nodes (not listed again as sub-nodes)."""
    texts: dict[str, Literal] = {}
    sources: dict[str, set[str]] = defaultdict(set)
    for row in store.select(WHO_WAS_THIS, {"iri": URIRef(iri)}):
        line = str(row["line"])
        if isinstance(row["text"], Literal):
            texts[line] = row["text"]
        if "source" in row:
            sources[line].add(str(row["source"]))
    lines = [WhoLine(str(text), text.language, tuple(describe_source(store, s, labels, base_iri)
                                                     for s in sorted(sources[line])))
             for line, text in sorted(texts.items())]
    return lines, set(texts)


def describe(store: Store, iri: str, labels: LabelIndex, base_iri: str) -> EntityView:
    """Everything an entity page shows about ``iri`` (which must exist)."""
    bound = {"iri": URIRef(iri)}
    own: list[tuple[Node, Node]] = []
    subs: dict[str, list[tuple[Node, Node]]] = defaultdict(list)
    for row in store.select(OUTGOING, bound):
        if "s" in row:
            subs[str(row["s"])].append((row["p"], row["o"]))
        else:
            own.append((row["p"], row["o"]))
    by_predicate: dict[str, list[Node]] = defaultdict(list)
    for own_predicate, obj in own:
        by_predicate[str(own_predicate)].append(obj)

    names: list[tuple[str, str, str]] = []
    for predicate, what in ((str(RDFS.label), "name"), (str(SKOS.altLabel), "also called"),
                            (str(HG.asWritten), "as written in the source")):
        for literal in sorted(by_predicate.get(predicate, []), key=str):
            lang = getattr(literal, "language", None) or ""
            if (lang, str(literal), what) not in names:
                names.append((lang, str(literal), what))
    description = None
    for predicate in DESCRIPTION_PREDICATES:
        if by_predicate.get(predicate):
            description = plain(_first_sentence(str(by_predicate[predicate][0])), labels)
            break
    modality = next((modality_name(m) for m in by_predicate.get(str(HG.modality), [])), None)
    incoming_rows = [(row["p"], row["s"]) for row in store.select(INCOMING, bound)]
    all_incoming = ALL_INCOMING.format(iri=iri) if len(incoming_rows) > INCOMING_LIMIT else None
    incoming_rows = incoming_rows[:INCOMING_LIMIT]
    who, who_nodes = _who(store, iri, labels, base_iri)
    return EntityView(
        iri=iri,
        kind=kind_of(iri, base_iri),
        label=labels.label(iri),
        labels=names,
        types=[to_value(t, labels, base_iri) for t in sorted(by_predicate.get(str(RDF.type), []), key=str)],
        description=description,
        modality=modality,
        links=_links(store, iri),
        wikidata=_wikidata(store, iri),
        outgoing=_group([(p, o) for p, o in own if str(p) not in HEADER_PREDICATES], labels, base_iri, False),
        incoming=_group(incoming_rows, labels, base_iri, True),
        all_incoming=all_incoming,
        events=_events(store, iri, labels, base_iri),
        sub_nodes={s: _group(rows, labels, base_iri, False) for s, rows in sorted(subs.items()) if s not in who_nodes},
        who=who,
        elsewhere=recorded_elsewhere(store, iri, labels, base_iri),
    )
