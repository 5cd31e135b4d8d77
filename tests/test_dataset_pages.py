"""The dataset described: home page, VoID/DCAT, dumps, ontology docs, SHACL report, sitemap."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from histgraph.web import create_app

VOID = Namespace("http://rdfs.org/ns/void#")
BASE = "https://histgraph.example.org/"
DATASET = URIRef(BASE + ".well-known/void#dataset")


@pytest.fixture(scope="module")
def client(settings, built):  # type: ignore[no-untyped-def]
    return create_app(settings).test_client()


def test_void_describes_counts_dumps_endpoint_and_licence(client, store) -> None:  # type: ignore[no-untyped-def]
    """/.well-known/void parses (rdflib and pyoxigraph) and its counts equal the store's."""
    response = client.get("/.well-known/void")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.get_data(), format="turtle")
    assert len(list(ox.parse(response.get_data(), format=ox.RdfFormat.TURTLE))) == len(graph)
    triples = int(store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0]["n"])
    assert (DATASET, VOID.triples, Literal(triples)) in graph
    assert (DATASET, RDF.type, DCAT.Dataset) in graph
    assert (DATASET, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in graph
    assert (DATASET, VOID.sparqlEndpoint, URIRef(BASE + "sparql")) in graph
    dumps = set(graph.objects(DATASET, VOID.dataDump))
    assert {URIRef(BASE + "dumps/dataset." + ext) for ext in ("trig", "nq", "ttl", "jsonld")} <= dumps
    as_jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=as_jsonld.get_data(), format="json-ld")) == len(graph)


@pytest.mark.parametrize("name, fmt", [("dataset.trig", ox.RdfFormat.TRIG), ("dataset.nq", ox.RdfFormat.N_QUADS),
                                       ("dataset.ttl", ox.RdfFormat.TURTLE), ("dataset.jsonld", ox.RdfFormat.JSON_LD),
                                       ("void.ttl", ox.RdfFormat.TURTLE)])
def test_dumps_download_and_parse(client, store, name, fmt) -> None:  # type: ignore[no-untyped-def]
    """Each dump parses; the merged ones hold every triple of the store plus the VoID description."""
    with client.get(f"/dumps/{name}") as response:  # closes the file send_file opened
        assert response.status_code == 200
        body = response.get_data()
    parsed = list(ox.parse(body, format=fmt))
    assert parsed
    if name in ("dataset.ttl", "dataset.jsonld"):
        subjects = {q.subject for q in parsed}
        assert ox.NamedNode(BASE + "id/person/molotov") in subjects
        assert ox.NamedNode(str(DATASET)) in subjects


def test_home_page_says_what_the_dataset_is_and_links_everything(client) -> None:  # type: ignore[no-untyped-def]
    """Home: the cable to read, counts, dumps, VoID, ontology, report, licence."""
    html = client.get("/").get_data(as_text=True)
    for link in ("/id/document/cable-1950-01-02-mao-to-ccp-cc", "/dumps/dataset.trig", "/.well-known/void",
                 "/ontology", "/report", "/sitemap.xml", "https://creativecommons.org/licenses/by/4.0/"):
        assert f'href="{link}"' in html, link


def test_ontology_documentation_and_file(client) -> None:  # type: ignore[no-untyped-def]
    """pyLODE documentation for browsers (mentions our terms), Turtle for programs."""
    page = client.get("/ontology", headers={"Accept": "text/html"})
    assert page.status_code == 200 and b"plannedAgent" in page.get_data()
    with client.get("/ontology.ttl") as turtle:
        graph = Graph().parse(data=turtle.get_data(), format="turtle")
    assert (URIRef("https://histgraph.example.org/ontology#modality"), None, None) in graph


def test_report_page_and_sitemap(client) -> None:  # type: ignore[no-untyped-def]
    """The SHACL report page renders; sitemap.xml is valid XML listing entity pages."""
    assert client.get("/report").status_code == 200
    sitemap = client.get("/sitemap.xml")
    root = ET.fromstring(sitemap.get_data())
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any(loc.endswith("/id/person/molotov") for loc in locs)


def test_report_page_shows_the_report_the_build_described(client, built) -> None:  # type: ignore[no-untyped-def]
    """The report page and `histgraph validate --format json` share one presenter: every entity of
    the build's report.json is on the page under its document, and the counts are its counts."""
    from html.parser import HTMLParser

    from histgraph.validation.report import read_described

    class Uris(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.uris: list[str] = []
            self._in_uri = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self._in_uri = tag == "code" and ("class", "uri") in attrs

        def handle_data(self, data: str) -> None:
            if self._in_uri:
                self.uris.append(data)
                self._in_uri = False

    described = read_described(built.path / "report.json")
    assert described is not None
    html = client.get("/report").get_data(as_text=True)
    parser = Uris()
    parser.feed(html)
    expected = [uri for document in described["documents"]
                for uri in [document["graph"], *(entity["iri"] for entity in document["entities"])]]
    assert parser.uris == expected
    if expected:
        counts = described["counts"]
        assert f"{counts['violations']} violation(s), {counts['warnings']} warning(s)" in html
    else:
        assert "The data conforms to the shapes" in html
