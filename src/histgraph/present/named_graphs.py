"""What a named graph (``<base>graph/<name>``) holds and where it came from, for its page and its RDF.

Every triple of the dataset is in a named graph, one per document and one per
shared folder or file (the rule is :func:`histgraph.build.load.shared_graph`).
:func:`describe_graph` counts a graph (triples, subjects, things of each kind),
lists one page of its subjects with their labels, gathers what the dataset says
about the graph itself (who made a batch of links, when, how), and names its
origin: the document it is the graph of, or the project file or folder it is
read from. :func:`graph_rdf` writes the same as VoID and PROV.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from histgraph.present.kinds import kind_of
from histgraph.present.labels import LabelIndex
from histgraph.store import Store
from histgraph.store.layout import AUTHORITIES_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH
from histgraph.vocab import DCTERMS, PROV, RDF, RDFS, VOID, XSD

GRAPH_COUNTS = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) WHERE { GRAPH ?g { ?s ?p ?o } }
"""
GRAPH_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?class } } GROUP BY ?class ORDER BY DESC(?n) ?class
"""
GRAPH_SUBJECTS = """
SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(isIRI(?s)) }}
ORDER BY (CONTAINS(STR(?s), "/id/annotation/")) ?s LIMIT {limit} OFFSET {offset}
"""
"""One page of the subjects, the things a reader looks for before the annotations that anchor them; LIMIT and OFFSET take numbers, so whole numbers are formatted in (no text)."""
ALL_GRAPHS = """
SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }
"""
ABOUT_GRAPH = """
SELECT ?p ?o ?in WHERE { GRAPH ?in { ?g ?p ?o } } ORDER BY ?p ?o
"""
DOCUMENT_EXISTS = """
PREFIX rico: <https://www.ica.org/standards/RiC/ontology#>
ASK { ?document a rico:Record }
"""


#: Subjects listed per page of a graph.
PAGE_SIZE = 50


@dataclass(frozen=True)
class GraphOrigin:
    """Where a graph's triples come from: a document of the archive, or files of the project."""

    #: What the graph is, in words ("the graph of a document", "the authority records").
    what: str
    #: The project files or folder it is read from (as ``histgraph build`` reads them).
    files: str
    #: The document it is the graph of, when it is a document's.
    document: str | None = None


@dataclass(frozen=True)
class GraphView:
    """A named graph: counts, kinds, a page of its subjects, what is said about it, and its origin."""

    iri: str
    name: str
    triples: int
    subjects: int
    classes: tuple[tuple[str, str, int], ...]
    members: tuple[tuple[str, str, str | None], ...]
    page: int
    pages: int
    about: tuple[tuple[str, Node, str], ...]
    origin: GraphOrigin

    @property
    def first(self) -> int:
        """The number of the first subject listed on this page (1-based)."""
        return (self.page - 1) * PAGE_SIZE + 1


def graph_name(iri: str, base_iri: str) -> str | None:
    """``authorities`` for ``<base>graph/authorities``; None for an IRI that is not a graph of this site."""
    prefix = base_iri + "graph/"
    return iri[len(prefix):] if iri.startswith(prefix) and len(iri) > len(prefix) else None


def graph_iris(store: Store) -> frozenset[str]:
    """The IRIs of every named graph holding at least one triple (one query; keep it per build)."""
    return frozenset(str(r["g"]) for r in store.select(ALL_GRAPHS))


def origin_of(store: Store, name: str, base_iri: str) -> GraphOrigin:
    """Where the graph ``name`` comes from, by the build's rule for the graph each file goes into."""
    if name == ONTOLOGY_GRAPH:
        return GraphOrigin("the project's ontology: its classes, properties and concept schemes", "ontology/*.ttl")
    if name == AUTHORITIES_GRAPH:
        return GraphOrigin("the authority records shared by every document: people, groups, roles, places, works, "
                           "sources, names", "data/authorities/*.ttl (every file of the folder)")
    if name == PROVENANCE_GRAPH:
        return GraphOrigin("what the batches of links and enrichment say about themselves",
                           "data/links/*.trig and data/enrichment/ (triples outside a batch's own graph)")
    if name.startswith("record-"):
        return GraphOrigin("claims of sources other than the archive's documents, each attributed to its source",
                           f"data/record/{name[len('record-'):]}.ttl")
    if name.startswith("links-"):
        return GraphOrigin("a batch of Wikidata links, with who decided, when and how", "a batch in data/links/*.trig")
    if name == "wikidata-snapshot":
        return GraphOrigin("what Wikidata said about the reviewed matches when it was fetched", "data/enrichment/")
    document = f"{base_iri}id/document/{name}"
    if store.ask(DOCUMENT_EXISTS, {"document": URIRef(document)}):
        return GraphOrigin("the graph of one document: its record, texts, facts and their anchors in the text",
                           f"data/documents/{name}/ (document.ttl, facts.ttl, text*.txt)", document)
    return GraphOrigin("a named graph of the data being served", "the RDF files served")


def describe_graph(store: Store, iri: str, labels: LabelIndex, base_iri: str, page: int = 1) -> GraphView:
    """Counts, kinds, page ``page`` of the subjects (by IRI), what is said about ``iri``, and its origin."""
    g = {"g": URIRef(iri)}
    counts = store.select(GRAPH_COUNTS, g).rows[0]
    subjects = int(counts["subjects"])
    pages = max(1, -(-subjects // PAGE_SIZE))
    page = min(max(1, page), pages)
    classes = tuple((str(r["class"]), labels.label(r["class"]), int(r["n"])) for r in store.select(GRAPH_CLASSES, g))
    rows = store.select(GRAPH_SUBJECTS.format(limit=int(PAGE_SIZE), offset=int((page - 1) * PAGE_SIZE)), g)
    members = tuple((str(r["s"]), labels.label(r["s"]), kind_of(str(r["s"]), base_iri)) for r in rows)
    about = tuple((str(r["p"]), r["o"], str(r["in"])) for r in store.select(ABOUT_GRAPH, g))
    name = graph_name(iri, base_iri) or iri
    return GraphView(iri, name, int(counts["triples"]), subjects, classes, members, page, pages, about,
                     origin_of(store, name, base_iri))


def graph_rdf(view: GraphView) -> Graph:
    """The graph described in VoID (counts, class partitions) and PROV (its document), with what the data says."""
    out = Graph()
    g = URIRef(view.iri)
    out.add((g, RDF.type, VOID.Dataset))
    out.add((g, VOID.triples, Literal(view.triples, datatype=XSD.integer)))
    out.add((g, VOID.distinctSubjects, Literal(view.subjects, datatype=XSD.integer)))
    out.add((g, RDFS.label, Literal(f"named graph {view.name}", lang="en")))
    out.add((g, DCTERMS.description, Literal(view.origin.what, lang="en")))
    out.add((g, DCTERMS.source, Literal(view.origin.files)))
    if view.origin.document:
        out.add((g, PROV.wasDerivedFrom, URIRef(view.origin.document)))
    for cls, _label, n in view.classes:
        partition = BNode()
        out.add((g, VOID.classPartition, partition))
        out.add((partition, VOID["class"], URIRef(cls)))
        out.add((partition, VOID.entities, Literal(n, datatype=XSD.integer)))
    for predicate, obj, _in in view.about:
        out.add((g, URIRef(predicate), obj))
    return out


__all__ = ["GraphOrigin", "GraphView", "describe_graph", "graph_iris", "graph_name", "graph_rdf", "origin_of"]
