"""Named-graph IRIs (/graph/…) dereference: HTML for a browser, RDF for a program (issue #14 item 8)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, VOID

from histgraph.web import create_app

BASE = "https://histgraph.example.org/"
CABLE = "cable-1950-01-02-mao-to-ccp-cc"


@pytest.fixture(scope="module")
def client(settings, built):  # type: ignore[no-untyped-def]
    return create_app(settings).test_client()


class GraphPage(HTMLParser):
    """The links of each section of a graph page, its class table's rows, and the text of its counts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: dict[str, list[str]] = {}
        self.rows: list[list[str]] = []
        self.counts: dict[str, str] = {}
        self._section = ""
        self._span = ""
        self._cell = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "section" and classes:
            self._section = classes[0]
        if tag == "a" and attrs.get("href"):
            self.links.setdefault(self._section, []).append(attrs["href"])
        if tag == "span" and classes and classes[0] in ("graph-triples", "graph-subjects"):
            self._span = classes[0]
        if tag == "tr":
            self.rows.append([])
        self._cell = tag == "td"

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "span":
            self._span = ""
        if tag == "td":
            self._cell = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._span:
            self.counts[self._span] = self.counts.get(self._span, "") + data
        if self._cell and self.rows:
            self.rows[-1].append(data)


def _count(store, graph: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    row = store.select("SELECT (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?s) WHERE { GRAPH <" + graph + "> { ?s ?p ?o } }")
    first = next(iter(row))
    return int(first["t"]), int(first["s"])


def test_a_document_graph_page_says_what_it_holds_and_whose_graph_it_is(client, store) -> None:  # type: ignore[no-untyped-def]
    """The cable's graph: its counts match the store, its kinds are listed, its subjects link to their pages,
    and it names the document and the project folder it comes from."""
    response = client.get(f"/graph/{CABLE}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["Content-Location"] == f"/graph/{CABLE}"
    assert f'</graph/{CABLE}.ttl>; rel="alternate"' in response.headers["Link"]
    page = GraphPage(response.get_data(as_text=True))
    triples, subjects = _count(store, f"{BASE}graph/{CABLE}")
    assert int(page.counts["graph-triples"].replace(",", "")) == triples
    assert int(page.counts["graph-subjects"].replace(",", "")) == subjects
    assert f"/id/document/{CABLE}" in page.links["graph-origin"]
    members = page.links["graph-members"]
    assert len([m for m in members if "?page=" not in m]) == 50  # one page of subjects
    assert f"/graph/{CABLE}?page=2" in members
    # Things a reader looks for come before the annotations that anchor them in the text.
    assert f"/id/document/{CABLE}" in members
    kinds = {row[0]: int(row[1]) for row in page.rows if len(row) == 2}
    annotations = next(iter(store.select(
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH <" + f"{BASE}graph/{CABLE}" + "> "
        "{ ?a a <http://www.w3.org/ns/oa#Annotation> } }")))["n"]
    assert kinds["annotation"] == int(annotations) > 0


def test_later_pages_list_other_subjects(client) -> None:  # type: ignore[no-untyped-def]
    """Page 2 lists subjects page 1 does not; a page past the end shows the last one; a bad page is a 400."""
    first = GraphPage(client.get(f"/graph/{CABLE}", headers={"Accept": "text/html"}).get_data(as_text=True))
    second = GraphPage(client.get(f"/graph/{CABLE}?page=2", headers={"Accept": "text/html"}).get_data(as_text=True))
    ones = {m for m in first.links["graph-members"] if "?page=" not in m}
    twos = {m for m in second.links["graph-members"] if "?page=" not in m}
    assert twos and not ones & twos
    assert client.get(f"/graph/{CABLE}?page=99999", headers={"Accept": "text/html"}).status_code == 200
    assert client.get(f"/graph/{CABLE}?page=first").status_code == 400


def test_a_graph_in_turtle_counts_itself_and_says_where_it_came_from(client, store) -> None:  # type: ignore[no-untyped-def]
    """Negotiated Turtle: VoID counts equal the store's, class partitions, and prov:wasDerivedFrom the document."""
    response = client.get(f"/graph/{CABLE}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["Content-Location"] == f"/graph/{CABLE}.ttl"
    g = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    me = URIRef(f"{BASE}graph/{CABLE}")
    triples, subjects = _count(store, str(me))
    assert (me, RDF.type, VOID.Dataset) in g
    assert g.value(me, VOID.triples).toPython() == triples
    assert g.value(me, VOID.distinctSubjects).toPython() == subjects
    assert g.value(me, PROV.wasDerivedFrom) == URIRef(f"{BASE}id/document/{CABLE}")
    classes = {g.value(p, VOID["class"]) for p in g.objects(me, VOID.classPartition)}
    assert URIRef("http://www.w3.org/ns/oa#Annotation") in classes


def test_a_links_batch_graph_carries_who_decided_and_how(client) -> None:  # type: ignore[no-untyped-def]
    """The reviewed Wikidata links: JSON-LD by suffix, with the batch's own provenance from the dataset."""
    response = client.get("/graph/links-wikidata-reviewed.jsonld")
    assert response.status_code == 200
    g = Graph().parse(data=response.get_data(as_text=True), format="json-ld")
    me = URIRef(f"{BASE}graph/links-wikidata-reviewed")
    assert g.value(me, PROV.wasAttributedTo) == URIRef(f"{BASE}id/agent/histgraph-editors")
    assert (me, URIRef("https://histgraph.example.org/ontology#matchStatus"),
            URIRef("https://histgraph.example.org/ontology#Reviewed")) in g
    assert g.value(me, URIRef("http://purl.org/dc/terms/source")) == Literal("a batch in data/links/*.trig")


def test_the_authorities_graph_names_its_folder(client) -> None:  # type: ignore[no-untyped-def]
    """Shared graphs name the project files they are read from."""
    g = Graph().parse(data=client.get("/graph/authorities.ttl").get_data(as_text=True), format="turtle")
    source = g.value(URIRef(f"{BASE}graph/authorities"), URIRef("http://purl.org/dc/terms/source"))
    assert str(source).startswith("data/authorities/")


@pytest.mark.parametrize("path", ["/graph/no-such-graph", "/graph/no such", "/graph/%ff", "/graph/x.ttl"])
def test_unknown_graphs_are_404(client, path) -> None:  # type: ignore[no-untyped-def]
    """An IRI that names no graph of the dataset is a 404 with a readable message, never a 5xx."""
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404


def test_graph_names_agree_with_the_build() -> None:
    """The pages name shared graphs as the build fills them: one set of names, in store.layout, used by both."""
    from histgraph.build import load
    from histgraph.present import named_graphs
    from histgraph.store import layout

    assert (named_graphs.ONTOLOGY_GRAPH, named_graphs.AUTHORITIES_GRAPH, named_graphs.PROVENANCE_GRAPH) == (
        layout.ONTOLOGY_GRAPH, layout.AUTHORITIES_GRAPH, layout.PROVENANCE_GRAPH)
    assert str(load.shared_graph(Path("data/authorities/people.ttl"), None)).endswith(
        "/graph/" + named_graphs.AUTHORITIES_GRAPH + ">")
