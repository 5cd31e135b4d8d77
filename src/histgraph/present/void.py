"""The dataset described: VoID and DCAT, with counts read from the store.

Served at ``/.well-known/void`` (RFC 5785 / VoID §7) and written into the
generated dumps, so a harvester finds the same description wherever it looks.
The dataset's IRI is ``<base>.well-known/void#dataset``: dereferencing it
answers with this description.

It follows VoID (W3C Interest Group Note 2011) and DCAT 3 with DCAT-AP 3.0.1's
mandatory properties where a publisher of one archive can state them: the
SPARQL endpoint is a ``dcat:DataService`` that ``dcat:servesDataset`` the dataset
(a service is not a distribution), reached through a ``dcat:Distribution`` whose
``dcat:accessService`` it is; every distribution has its ``dcat:accessURL``;
licence and media types are IRIs typed ``dct:LicenseDocument`` and
``dct:MediaType``. docs/publishing.md says how each rule is checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, FOAF

from histgraph.store import Store
from histgraph.vocab import DCTERMS, PREFIXES, RDF, RDFS, VOID, XSD

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
#: VoID §4.5: entities are the subjects whose IRI starts with the void:uriSpace (bound as ?space).
ENTITIES = """
SELECT (COUNT(DISTINCT ?s) AS ?entities) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?space)) }
"""
#: The terms the data uses as properties and classes, whose vocabularies void:vocabulary lists.
TERMS = """
SELECT DISTINCT ?term WHERE { { GRAPH ?g { ?s ?term ?o } } UNION { GRAPH ?g { ?s a ?term } FILTER(isIRI(?term)) } }
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
    #: Subjects inside the dataset's URI space (``<base>id/``), VoID's entities.
    entities: int = 0
    #: The namespaces of every property and class the data uses.
    vocabularies: tuple[str, ...] = ()


def uri_space(base_iri: str) -> str:
    """Where the dataset's entities are minted: ``<base>id/``."""
    return base_iri + "id/"


def vocabulary_of(term: str) -> str:
    """The vocabulary ``term`` belongs to: a namespace the project binds, else the IRI up to its last # or /."""
    known = [ns for ns in PREFIXES.values() if term.startswith(ns)]
    if known:
        return max(known, key=len)
    cut = max(term.rfind("#"), term.rfind("/"))
    return term[: cut + 1]


def dataset_counts(store: Store, base_iri: str) -> DatasetCounts:
    """Count the dataset (a few aggregate queries; cache the result per build)."""
    total = store.select(TOTALS).rows[0]
    graphs = tuple((str(r["g"]), int(r["triples"]), int(r["subjects"])) for r in store.select(GRAPH_COUNTS))
    classes = tuple((str(r["class"]), int(r["n"])) for r in store.select(CLASS_COUNTS))
    entities = store.select(ENTITIES, {"space": Literal(uri_space(base_iri))}).rows[0]
    vocabularies = sorted({vocabulary_of(str(r["term"])) for r in store.select(TERMS)})
    return DatasetCounts(int(total["triples"]), int(total["subjects"]), graphs, classes,
                         int(entities["entities"]), tuple(vocabularies))


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
    g.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    g.add((ds, FOAF.homepage, URIRef(base_iri)))
    g.add((ds, VOID.uriSpace, Literal(uri_space(base_iri))))
    g.add((ds, VOID.sparqlEndpoint, URIRef(base_iri + "sparql")))
    g.add((ds, VOID.triples, Literal(counts.triples, datatype=XSD.integer)))
    g.add((ds, VOID.distinctSubjects, Literal(counts.subjects, datatype=XSD.integer)))
    g.add((ds, VOID.entities, Literal(counts.entities, datatype=XSD.integer)))
    for vocabulary in counts.vocabularies:
        g.add((ds, VOID.vocabulary, URIRef(vocabulary)))
    if modified:
        g.add((ds, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    for name, (media, what) in DUMPS.items():
        url = URIRef(base_iri + "dumps/" + name)
        if name != "void.ttl":
            g.add((ds, VOID.dataDump, url))
        dist = URIRef(base_iri + ".well-known/void#dump-" + name.replace(".", "-"))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        # DCAT-AP: accessURL is mandatory on every distribution; a file's is its download.
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        _media_type(g, dist, media)
        g.add((dist, DCTERMS.title, Literal(what, lang="en")))
        g.add((dist, DCTERMS.license, LICENCE))
    endpoint = URIRef(base_iri + "sparql")
    service = URIRef(base_iri + ".well-known/void#sparql")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.servesDataset, ds))
    protocol = URIRef("https://www.w3.org/TR/sparql11-protocol/")
    g.add((service, DCTERMS.conformsTo, protocol))
    g.add((protocol, RDF.type, DCTERMS.Standard))
    g.add((service, DCTERMS.license, LICENCE))
    # The data reached through the service, as DCAT 3 §5.6 (data services) shows it: a
    # distribution whose accessService is the endpoint.
    through = URIRef(base_iri + ".well-known/void#sparql-distribution")
    g.add((ds, DCAT.distribution, through))
    g.add((through, RDF.type, DCAT.Distribution))
    g.add((through, DCTERMS.title, Literal("the dataset, queried through the SPARQL endpoint", lang="en")))
    g.add((through, DCAT.accessURL, endpoint))
    g.add((through, DCAT.accessService, service))
    g.add((through, DCTERMS.license, LICENCE))
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


def _media_type(g: Graph, distribution: URIRef, media: str) -> None:
    """``dcat:mediaType`` as DCAT-AP wants it: the IANA registry's IRI, typed ``dct:MediaType``."""
    iri = URIRef("https://www.iana.org/assignments/media-types/" + media)
    g.add((distribution, DCAT.mediaType, iri))
    g.add((iri, RDF.type, DCTERMS.MediaType))
