"""What the build derives from the asserted data, kept in a named graph of its own (``graph:derived``).

A store without inference answers only what is written, so the build writes
out what the ontology implies and a few shortcuts, once, and a plain SPARQL
query finds them:

* **the closure**: every type a node has through ``rdfs:subClassOf`` and every
  triple implied by ``rdfs:subPropertyOf``, as ``ontology/hg.ttl`` declares
  them (so ``hg:consequence`` of an option includes its claimed advantages);
* **who, where, about**: ``hg:participant``, ``hg:place`` and ``hg:about`` are
  super-properties of the properties that say so (``crm:P14_carried_out_by``,
  ``hg:plannedAgent``, ``hg:requestedOf`` …), so the closure writes them; a
  plan also gets those of its steps;
* **when**: every node with a time-span (``crm:P4_has_time-span``,
  ``hg:plannedTimeSpan``) or a record's creation date gets ``hg:earliest`` and
  ``hg:latest`` (the span's outer bounds, copied) and, where both bounds fall in
  one second, day, month or year, one flat ``hg:when`` (``xsd:dateTime``,
  ``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``) with its
  ``hg:datePrecision``.

Nothing here corrects or replaces a stated value: the derived graph only adds,
and a triple already asserted somewhere is not repeated. Shortcuts keep no
modality of their own: a planned step's ``hg:participant`` is someone who was
*to* take part, and queries still tell plans from events by ``hg:modality``.
SHACL validates the asserted data only (the units are read from the parts, not
from the store); the derived graph follows from it and the ontology.

The graph is a function of the asserted quads, computed the same way after a
full or an incremental build, and written sorted, so the same input gives the
same bytes (``dump/derived.nq`` and ``dump/derived.trig``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from histgraph.build.load import ONTOLOGY_GRAPH, graph_iri
from histgraph.build.parts import trig_body
from histgraph.vocab import CRM, HG, PPLAN, RDF, RDFS, RICO, XSD

#: The name of the derived graph: ``<BASE>graph/derived``.
DERIVED_GRAPH = "derived"

_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
_SUBPROPERTY = ox.NamedNode(str(RDFS.subPropertyOf))
_STEP_OF = ox.NamedNode(str(PPLAN.isStepOfPlan))
_SPANS = (ox.NamedNode(str(CRM["P4_has_time-span"])), ox.NamedNode(str(HG.plannedTimeSpan)))
_BEGIN = ox.NamedNode(str(CRM.P82a_begin_of_the_begin))
_END = ox.NamedNode(str(CRM.P82b_end_of_the_end))
_CREATION = ox.NamedNode(str(RICO.hasCreationDate))
_NORMALIZED = ox.NamedNode(str(RICO.normalizedDateValue))
_SHORTCUTS = tuple(ox.NamedNode(str(p)) for p in (HG.participant, HG.place, HG.about))
_WHEN = ox.NamedNode(str(HG.when))
_PRECISION = ox.NamedNode(str(HG.datePrecision))
_EARLIEST = ox.NamedNode(str(HG.earliest))
_LATEST = ox.NamedNode(str(HG.latest))
_DATE_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$")
_PLAIN_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

Term = ox.NamedNode | ox.BlankNode | ox.Literal
TripleKey = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, Term]


def derived_graph(base_iri: str) -> ox.NamedNode:
    """The IRI of the derived graph for a deployment's base IRI."""
    return graph_iri(DERIVED_GRAPH, base_iri)


def derive(store: ox.Store, base_iri: str) -> list[ox.Quad]:
    """The derived graph's quads for the asserted data in ``store``, sorted (see the module's docstring).

    The store must not hold a derived graph yet: it is computed from everything else.
    """
    graph = derived_graph(base_iri)
    ontology = graph_iri(ONTOLOGY_GRAPH, base_iri)
    new: set[TripleKey] = set()
    #: The derived shortcuts of each node, for a plan to collect its steps' without scanning ``new``.
    shortcuts: dict[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode], set[Term]] = defaultdict(set)

    asserted = _Asserted(store)

    def add(subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode, obj: Term) -> None:
        if (subject, predicate, obj) not in new and not asserted.has(subject, predicate, obj):
            new.add((subject, predicate, obj))
            if predicate in _SHORTCUTS:
                shortcuts[(subject, predicate)].add(obj)

    for cls, supers in _closure(_pairs(store, _SUBCLASS, ontology)).items():
        for quad in store.quads_for_pattern(None, _TYPE, cls, None):
            for parent in supers:
                add(_resource(quad.subject), _TYPE, parent)
    for prop, supers in _closure(_pairs(store, _SUBPROPERTY, ontology)).items():
        for quad in store.quads_for_pattern(None, prop, None, None):
            for parent in supers:
                add(_resource(quad.subject), parent, _term(quad.object))
    for step_quad in list(store.quads_for_pattern(None, _STEP_OF, None, None)):
        step, plan = _resource(step_quad.subject), _resource(step_quad.object)
        for shortcut in _SHORTCUTS:
            stated = {_term(q.object) for q in store.quads_for_pattern(step, shortcut, None, None)}
            for value in sorted(stated | shortcuts.get((step, shortcut), set()), key=str):
                add(plan, shortcut, value)
    for subject, begin, end in _dated(store):
        for predicate, obj in _date_shortcuts(begin, end):
            add(subject, predicate, obj)
    return sorted((ox.Quad(s, p, o, graph) for s, p, o in new), key=str)


def add_derived(store: ox.Store, base_iri: str) -> tuple[bytes, bytes]:
    """Compute the derived graph, add it to ``store`` and return its dump files' bytes (N-Quads, TriG).

    The TriG has no prefix lines, as a part's has, so the dump files concatenate.
    """
    quads, files = prepare_derived(store, base_iri)
    store.bulk_extend(quads)
    return files


def prepare_derived(store: ox.Store, base_iri: str) -> tuple[list[ox.Quad], tuple[bytes, bytes]]:
    """The derived graph's quads and dump files' bytes, computed from ``store`` without changing it.

    Only reads the store, so a full build runs it in a thread while its units are
    validated in other processes, and adds the quads once the report is written.
    """
    quads = derive(store, base_iri)
    nq = "".join(f"{quad} .\n" for quad in quads).encode("utf-8")
    return quads, (nq, trig_body(quads))


def count_derived(summary: dict[str, Any], derived: tuple[bytes, bytes], before: dict[str, Any] | None = None) -> None:
    """Count the derived triples into a build's summary: ``derived_triples``, and in ``triples`` (the whole dataset).

    ``before`` is the summary an incremental build starts from: its ``triples`` held its own derived ones.
    """
    count = derived[0].count(b"\n")
    previous = int((before or {}).get("derived_triples", 0))
    summary["triples"] = summary["triples"] - previous + count
    summary["derived_triples"] = count


class _Asserted:
    """Whether a triple is asserted, from one scan per property (per class for types), not one lookup per triple.

    An archive derives hundreds of thousands of triples; looking each up in the store
    took most of the time, and most implied properties (the shortcuts) have no asserted
    triple at all.
    """

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.known: dict[tuple[ox.NamedNode, Term | None], set[tuple[object, object]]] = {}

    def has(self, subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode, obj: Term) -> bool:
        typed = predicate == _TYPE
        key = (predicate, obj if typed else None)
        found = self.known.get(key)
        if found is None:
            quads = self.store.quads_for_pattern(None, predicate, obj if typed else None, None)
            found = {(q.subject, None if typed else q.object) for q in quads}
            self.known[key] = found
        return (subject, None if typed else obj) in found


def _resource(term: object) -> ox.NamedNode | ox.BlankNode:
    if not isinstance(term, ox.NamedNode | ox.BlankNode):
        raise TypeError(f"not a resource: {term!r}")
    return term


def _term(term: object) -> Term:
    if not isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        raise TypeError(f"not a plain RDF term: {term!r}")
    return term


def _pairs(store: ox.Store, relation: ox.NamedNode, ontology: ox.NamedNode) -> Iterator[tuple[ox.NamedNode, ox.NamedNode]]:
    """The ontology's ``sub relation super`` pairs between IRIs."""
    for quad in store.quads_for_pattern(None, relation, None, ontology):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            yield quad.subject, quad.object


def _closure(pairs: Iterable[tuple[ox.NamedNode, ox.NamedNode]]) -> dict[ox.NamedNode, list[ox.NamedNode]]:
    """Every term's strict ancestors (transitively), sorted, for terms that have any."""
    parents: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for child, parent in pairs:
        if child != parent:
            parents[child].add(parent)
    ancestors: dict[ox.NamedNode, list[ox.NamedNode]] = {}
    for start in sorted(parents, key=str):
        seen: set[ox.NamedNode] = set()
        todo = list(parents[start])
        while todo:
            term = todo.pop()
            if term not in seen and term != start:
                seen.add(term)
                todo.extend(parents.get(term, ()))
        ancestors[start] = sorted(seen, key=str)
    return ancestors


def _dated(store: ox.Store) -> Iterator[tuple[ox.NamedNode | ox.BlankNode, str | None, str | None]]:
    """Each dated node with the lexical outer bounds of its time-span (or its record's creation date)."""
    for span_property in _SPANS:
        for quad in store.quads_for_pattern(None, span_property, None, None):
            span = _resource(quad.object)
            yield _resource(quad.subject), _bound(store, span, _BEGIN), _bound(store, span, _END)
    for quad in store.quads_for_pattern(None, _CREATION, None, None):
        value = _bound(store, _resource(quad.object), _NORMALIZED)
        if value is not None and _PLAIN_DATE.match(value):
            yield _resource(quad.subject), value, value


def _bound(store: ox.Store, node: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode) -> str | None:
    values = sorted(q.object.value for q in store.quads_for_pattern(node, predicate, None, None)
                    if isinstance(q.object, ox.Literal))
    return values[0] if values else None


def _date_shortcuts(begin: str | None, end: str | None) -> list[tuple[ox.NamedNode, Term]]:
    """``hg:earliest``/``hg:latest`` from the bounds, and the one flat ``hg:when`` the bounds allow."""
    out: list[tuple[ox.NamedNode, Term]] = []
    if begin is not None and _DATE_TIME.match(begin):
        out.append((_EARLIEST, ox.Literal(begin, datatype=ox.NamedNode(str(XSD.dateTime)))))
    if end is not None and _DATE_TIME.match(end):
        out.append((_LATEST, ox.Literal(end, datatype=ox.NamedNode(str(XSD.dateTime)))))
    if begin is None or end is None:
        return out
    flat = _flat(begin, end)
    if flat is not None:
        value, datatype, precision = flat
        out.append((_WHEN, ox.Literal(value, datatype=ox.NamedNode(str(datatype)))))
        out.append((_PRECISION, ox.NamedNode(str(precision))))
    return out


def _flat(begin: str, end: str) -> tuple[str, object, object] | None:
    """The most precise calendar value holding both bounds: (lexical form, datatype, precision concept)."""
    if begin == end and _DATE_TIME.match(begin):
        return begin, XSD.dateTime, HG.SecondPrecision
    if begin == end and len(begin) == 10:  # a record's normalized date, as written there
        return begin, XSD.date, HG.DayPrecision
    if begin[:10] == end[:10] and len(begin) >= 10:
        return begin[:10], XSD.date, HG.DayPrecision
    if begin[:7] == end[:7] and len(begin) >= 7:
        return begin[:7], XSD.gYearMonth, HG.MonthPrecision
    if begin[:4] == end[:4]:
        return begin[:4], XSD.gYear, HG.YearPrecision
    return None
