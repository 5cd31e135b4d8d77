"""Validation units: one per named graph, with the context its rules need.

A unit's data is its own graph plus the authority records of its subjects, what
the dataset says about the graph itself (a batch of links' status and
provenance), and the types of the records it points to in other graphs. Its
focus nodes are the subjects of its own graph. Not other documents' triples:
adding a document then leaves every other unit, and its cached result,
unchanged. Terms are N-Triples text, as the build's parts write them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox
from rdflib.namespace import RDF

from histgraph.store.layout import AUTHORITIES_GRAPH, ONTOLOGY_GRAPH

_RDF_TYPE = str(RDF.type)
#: Bump when the way units are made or results are stored changes, to void caches.
_CACHE_VERSION = "1"

#: An RDF term in N-Triples syntax, and a triple of them: the form units are made of.
Triple = tuple[str, str, str]


class ContextIndex(Protocol):
    """Where a unit finds its context: :class:`UnitIndex` or :class:`StoreUnitIndex`."""

    def records(self, subject: str) -> list[Triple]: ...

    def types(self, node: str) -> list[Triple]: ...

    def about(self, graph: str) -> list[Triple]: ...


@dataclass(frozen=True)
class Unit:
    """One named graph to validate: its data (N-Triples, with context) and focus nodes."""

    graph: str
    data: bytes
    focus: tuple[str, ...]

    def digest(self, shapes_text: str, validator: str = "pyshacl") -> str:
        """A content hash: same shapes, data, focus nodes and validator give the same result."""
        digest = hashlib.sha256(_CACHE_VERSION.encode())
        if validator != "pyshacl":  # keeps the existing pyshacl cache entries valid
            digest.update(validator.encode("utf-8"))
        digest.update(hashlib.sha256(shapes_text.encode("utf-8")).digest())
        digest.update(hashlib.sha256(self.data).digest())
        digest.update("\n".join(self.focus).encode("utf-8"))
        return digest.hexdigest()



def split_lines(lines: Iterable[str]) -> Iterator[tuple[str, Triple]]:
    """Each N-Quads line (every quad in a named graph) as its graph and its three terms.

    The graph is the last term of a line and an IRI, which has no spaces, so it is
    everything after the last `` <``; subject and predicate are IRIs too, so only
    the object can hold spaces. Faster than parsing: a build splits millions.
    """
    for line in lines:
        body = line[:-3]  # drop " .\n"
        cut = body.rfind(" <")
        subject, _, remainder = body[:cut].partition(" ")
        predicate, _, obj = remainder.partition(" ")
        yield body[cut + 1 :], (subject, predicate, obj)


def triples_by_graph(lines: Iterable[str]) -> dict[str, list[Triple]]:
    """N-Quads lines (every quad in a named graph) as N-Triples terms, by graph."""
    out: dict[str, list[Triple]] = {}
    for graph, triple in split_lines(lines):
        out.setdefault(graph, []).append(triple)
    return out


class UnitIndex:
    """The context a unit may need from the rest of the dataset, as N-Triples terms.

    ``records(subject)``: the authority records' triples about ``subject``;
    ``types(node)``: every ``rdf:type`` triple of ``node`` outside the ontology;
    ``about(graph)``: what any graph but the ontology says about the named graph.
    """

    def __init__(self, records: dict[str, list[Triple]], types: dict[str, list[Triple]],
                 about: dict[str, list[Triple]]) -> None:
        self._records, self._types, self._about = records, types, about

    def records(self, subject: str) -> list[Triple]:
        return self._records.get(subject, [])

    def types(self, node: str) -> list[Triple]:
        return self._types.get(node, [])

    def about(self, graph: str) -> list[Triple]:
        return self._about.get(graph, [])


class StoreUnitIndex:
    """:class:`UnitIndex` for a build that changes a few documents: types from its store.

    Types are IRIs, which the store keeps as written, and the store finds them
    wherever they are. The authority records and what graphs say about graphs
    are given as triples read from their files instead: the store writes some
    literals in canonical form (an ``xsd:nonNegativeInteger`` comes back as an
    ``xsd:integer``), and a unit must hold the data exactly as written, as a
    full build's units do.
    """

    def __init__(self, store: ox.Store, base_iri: str, records: dict[str, list[Triple]],
                 about: dict[str, list[Triple]]) -> None:
        self.store = store
        self._records, self._about = records, about
        self.ontology = ox.NamedNode(f"{base_iri}graph/{ONTOLOGY_GRAPH}")
        self.rdf_type = ox.NamedNode(_RDF_TYPE)

    def records(self, subject: str) -> list[Triple]:
        return self._records.get(subject, [])

    def types(self, node: str) -> list[Triple]:
        if not node.startswith("<"):
            return []
        found = {(node, str(q.predicate), str(q.object))
                 for q in self.store.quads_for_pattern(ox.NamedNode(node[1:-1]), self.rdf_type, None, None)
                 if q.graph_name != self.ontology and isinstance(q.object, ox.NamedNode)}
        return sorted(found)

    def about(self, graph: str) -> list[Triple]:
        return self._about.get(graph, [])


def unit_from_triples(graph: str, own: Iterable[Triple], index: ContextIndex) -> Unit:
    """The validation unit of the named graph ``graph`` (a term, ``<IRI>``) from its own triples.

    Own triples, what the dataset says about the graph, the authority records of
    its subjects, and the types of every node those triples point to.
    """
    own = set(own)
    context = own | set(index.about(graph))
    subjects = {s for s, _p, _o in own}
    for subject in subjects:
        context.update(index.records(subject))
    for _s, _p, obj in list(context):
        context.update(index.types(obj))
    focus = tuple(sorted(s[1:-1] for s in subjects if s.startswith("<")))
    data = "".join(sorted(f"{s} {p} {o} .\n" for s, p, o in context)).encode("utf-8")
    return Unit(graph[1:-1], data, focus)




def dataset_by_graph(quads: Iterable[ox.Quad], base_iri: str) -> dict[str, list[Triple]]:
    """A whole dataset's triples as N-Triples terms, by graph term, the ontology aside.

    Triples of the default graph, if any, are under ``""``: that unit's graph is ``""``.
    """
    ontology = ox.NamedNode(f"{base_iri}graph/{ONTOLOGY_GRAPH}")
    out: dict[str, set[Triple]] = {}
    for q in quads:
        if q.graph_name != ontology:
            name = str(q.graph_name) if isinstance(q.graph_name, ox.NamedNode) else ""
            out.setdefault(name, set()).add((str(q.subject), str(q.predicate), str(q.object)))
    return {name: sorted(triples) for name, triples in out.items()}


def dataset_index(by_graph: dict[str, list[Triple]], base_iri: str) -> UnitIndex:
    """The context of every unit of a whole dataset (:func:`dataset_by_graph`), as a build gathers it from parts."""
    rdf_type = f"<{_RDF_TYPE}>"
    records: dict[str, list[Triple]] = {}
    types: dict[str, set[Triple]] = {}
    about: dict[str, set[Triple]] = {}
    for triple in by_graph.get(f"<{base_iri}graph/{AUTHORITIES_GRAPH}>", []):
        records.setdefault(triple[0], []).append(triple)
    for triples in by_graph.values():
        for triple in triples:
            if triple[1] == rdf_type:
                types.setdefault(triple[0], set()).add(triple)
            if triple[0] in by_graph:  # it speaks about a named graph of the dataset
                about.setdefault(triple[0], set()).add(triple)
    return UnitIndex(records, {k: sorted(v) for k, v in types.items()}, {k: sorted(v) for k, v in about.items()})


def dataset_order(by_graph: dict[str, list[Triple]], base_iri: str) -> list[str]:
    """The graphs of a whole dataset in the order its units are reported: the authority records first.

    Findings about shared records are then reported under the authorities rather
    than under whichever document met them first.
    """
    authorities = f"<{base_iri}graph/{AUTHORITIES_GRAPH}>"
    return sorted(by_graph, key=lambda g: (g != authorities, g[1:-1]))


def dataset_units(quads: Iterable[ox.Quad], base_iri: str) -> list[Unit]:
    """Every unit of a whole dataset held in memory (the ontology aside), in :func:`dataset_order`."""
    by_graph = dataset_by_graph(quads, base_iri)
    index = dataset_index(by_graph, base_iri)
    return [unit_from_triples(graph, by_graph[graph], index) for graph in dataset_order(by_graph, base_iri)]
