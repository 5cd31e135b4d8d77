"""The dataset described: VoID and DCAT, with counts read from the store.

Served at ``/.well-known/void`` (RFC 5785 / VoID §7) and written into the
generated dumps, so a harvester finds the same description wherever it looks.
The dataset's IRI is ``<base>.well-known/void#dataset``: dereferencing it
answers with this description.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, FOAF

from histgraph.store import Store
from histgraph.vocab import DCTERMS, HG, RDF, RDFS, VOID, XSD

LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")

GRAPH_COUNTS = """
SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) WHERE { GRAPH ?g { ?s ?p ?o } }
GROUP BY ?g ORDER BY ?g
"""
CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY ?class
"""
TOTALS = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) WHERE { GRAPH ?g { ?s ?p ?o } }
"""

#: The downloads: file name -> (media type, what it holds).
DUMPS = {
    "dataset.trig": ("application/trig", "every named graph, TriG"),
    "dataset.nq": ("application/n-quads", "every named graph, N-Quads"),
    "dataset.ttl": ("text/turtle", "all graphs merged, Turtle"),
    "dataset.jsonld": ("application/ld+json", "all graphs merged, JSON-LD"),
    "void.ttl": ("text/turtle", "this description (VoID and DCAT), Turtle"),
}


@dataclass(frozen=True)
class DatasetCounts:
    """Triples and subjects in total, per named graph, and instances per class."""

    triples: int
    subjects: int
    graphs: tuple[tuple[str, int, int], ...]
    classes: tuple[tuple[str, int], ...]


def dataset_counts(store: Store) -> DatasetCounts:
    """Count the dataset (three aggregate queries; cache the result per build)."""
    total = store.select(TOTALS).rows[0]
    graphs = tuple((str(r["g"]), int(r["triples"]), int(r["subjects"])) for r in store.select(GRAPH_COUNTS))
    classes = tuple((str(r["class"]), int(r["n"])) for r in store.select(CLASS_COUNTS))
    return DatasetCounts(int(total["triples"]), int(total["subjects"]), graphs, classes)


def dataset_iri(base_iri: str) -> URIRef:
    """The IRI of the dataset as a whole."""
    return URIRef(base_iri + ".well-known/void#dataset")


def void_graph(counts: DatasetCounts, base_iri: str, title: str, modified: str | None = None) -> Graph:
    """The VoID + DCAT description of the dataset, its graphs, dumps and endpoint."""
    g = Graph()
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF)):
        g.bind(prefix, ns)
    ds = dataset_iri(base_iri)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(title, lang="en")))
    g.add((ds, DCTERMS.description, Literal(
        "A knowledge graph of archival documents: the people, places, events, plans and options "
        "they name, every statement tied to the words of its source and marked as reported, "
        "planned, proposed, requested or asked.", lang="en")))
    g.add((ds, DCTERMS.license, LICENCE))
    g.add((ds, FOAF.homepage, URIRef(base_iri)))
    g.add((ds, VOID.uriSpace, Literal(base_iri + "id/")))
    g.add((ds, VOID.sparqlEndpoint, URIRef(base_iri + "sparql")))
    g.add((ds, VOID.triples, Literal(counts.triples, datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(counts.subjects, datatype=XSD.integer)))
    g.add((ds, VOID.entities, Literal(counts.subjects, datatype=XSD.integer)))
    g.add((ds, VOID.vocabulary, URIRef(str(HG))))
    if modified:
        g.add((ds, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    for name, (media, what) in DUMPS.items():
        url = URIRef(base_iri + "dumps/" + name)
        if name != "void.ttl":
            g.add((ds, VOID.dataDump, url))
        dist = URIRef(base_iri + ".well-known/void#dump-" + name.replace(".", "-"))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + media)))
        g.add((dist, DCTERMS.title, Literal(what, lang="en")))
        g.add((dist, DCTERMS.license, LICENCE))
    service = URIRef(base_iri + ".well-known/void#sparql")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, URIRef(base_iri + "sparql")))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((ds, DCAT.distribution, service))
    for graph, triples, subjects in counts.graphs:
        part = URIRef(graph)
        g.add((ds, VOID.subset, part))
        g.add((part, RDF.type, VOID.Dataset))
        g.add((part, VOID.triples, Literal(triples, datatype=XSD.integer)))
        g.add((part, VOID.distinctSubjects, Literal(subjects, datatype=XSD.integer)))
    for i, (cls, n) in enumerate(counts.classes):
        partition = URIRef(f"{base_iri}.well-known/void#class-{i}")
        g.add((ds, VOID.classPartition, partition))
        g.add((partition, VOID["class"], URIRef(cls)))
        g.add((partition, VOID.entities, Literal(n, datatype=XSD.integer)))
    g.add((URIRef(base_iri + ".well-known/void"), RDFS.label, Literal("VoID description", lang="en")))
    return g
