"""Entity pages, the document view, browsing and search, read as a historian would.

Pages are parsed (HTML with the standard library parser, embedded JSON-LD with
rdflib) rather than searched for substrings where the structure matters.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from histgraph.store import EmbeddedStore
from histgraph.store.layout import read_quads
from histgraph.web import create_app

from .conftest import CABLE

BASE = "https://histgraph.example.org/"
HTML = {"Accept": "text/html"}


class Page(HTMLParser):
    """Links, elements by class, and the JSON-LD blocks of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.classes: dict[str, int] = {}
        self.json_ld: list[str] = []
        self._ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in (attrs.get("class") or "").split():
            self.classes[name] = self.classes.get(name, 0) + 1
        self._ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self._ld = False


@pytest.fixture(scope="module")
def client(settings, built):  # type: ignore[no-untyped-def]
    return create_app(settings).test_client()


def _html(client, path: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_person_page_has_names_identifiers_events_and_passages(client) -> None:  # type: ignore[no-untyped-def]
    """Molotov: names in en/ru and as written, a reviewed Wikidata match, events with modality, passages."""
    html = _html(client, "/id/person/molotov")
    page = Page(html)
    assert "Вячеслав Молотов" in html and "Comrade Molotov" in html
    assert "https://www.wikidata.org/entity/Q132899" in page.links or "http://www.wikidata.org/entity/Q132899" in page.links
    assert page.classes.get("status-reviewed") == 1
    assert page.classes.get("modality-planned", 0) >= 1 and page.classes.get("modality-reported", 0) >= 1
    assert "/id/event/molotov-endorses-option-a" in page.links
    assert page.classes.get("passage", 0) >= 3 and "<mark>Molotov</mark>" in html
    assert any(link.startswith(f"/id/document/{CABLE}?hl=") for link in page.links)
    assert page.classes.get("hg-network") == 1
    assert f"/cite/{CABLE}.bib" in page.links


def test_events_are_in_time_order_with_modality(client) -> None:  # type: ignore[no-untyped-def]
    """Zhou Enlai's planned steps come in the order of their dates, each badged as planned."""
    html = _html(client, "/id/person/zhou-enlai")
    section = html.split('class="events"', 1)[1].split("</section>", 1)[0]
    dates = re.findall(r'<time datetime="([^"]+)"', section)
    assert dates == sorted(dates) and len(dates) >= 3
    items = re.findall(r'<li class="modality-row modality-row-(\w+)">', section)
    # "inferred" (issue #15): the editors' inference that option (a) requires Zhou's travel names him.
    modalities = {"reported", "planned", "proposed", "requested", "asked", "conditional", "inferred"}
    assert "planned" in items and set(items) <= modalities


def test_a_plan_never_looks_like_a_fact(client) -> None:  # type: ignore[no-untyped-def]
    """A planned step's page says so in its head, and its JSON-LD is not a schema:Event."""
    html = _html(client, "/id/step/zhou-journey-travel")
    page = Page(html)
    assert page.classes.get("modality-note") == 1
    data = json.loads(page.json_ld[0])
    assert data["@type"] != "Event"
    event = json.loads(Page(_html(client, "/id/event/meeting-1950-01-02")).json_ld[0])
    assert event["@type"] == "Event"


def test_json_ld_for_search_engines_parses_as_rdf(client) -> None:  # type: ignore[no-untyped-def]
    """The embedded schema.org block is valid JSON-LD naming the entity and its reviewed sameAs."""
    page = Page(_html(client, "/id/place/moscow"))
    data = json.loads(page.json_ld[0])
    # Offline: the part of the schema.org context this block uses, instead of fetching it.
    data["@context"] = {"@vocab": "https://schema.org/", "sameAs": {"@type": "@id"}}
    graph = Graph().parse(data=json.dumps(data), format="json-ld")
    moscow = URIRef(BASE + "id/place/moscow")
    assert (moscow, URIRef("https://schema.org/sameAs"), URIRef("http://www.wikidata.org/entity/Q649")) in graph


def test_candidate_links_are_marked_unconfirmed(client, store) -> None:  # type: ignore[no-untyped-def]
    """A candidate (skos:closeMatch) shows as an unconfirmed candidate, never as reviewed."""
    rows = store.select("SELECT ?s WHERE { GRAPH <https://histgraph.example.org/graph/links-wikidata-candidates> "
                        "{ ?s <http://www.w3.org/2004/02/skos/core#closeMatch> ?o } }")
    iri = str(rows.rows[0]["s"])
    page = Page(_html(client, "/" + iri[len(BASE):]))
    assert page.classes.get("status-candidate", 0) >= 1 and "status-reviewed" not in page.classes


def test_large_relation_groups_are_paged(client) -> None:  # type: ignore[no-untyped-def]
    """Mao is the source of more statements than fit a page: the group pages, and page 2 differs."""
    html = _html(client, "/id/person/mao-zedong")
    nexts = re.findall(r'href="\?more=([\w-]+)&amp;page=2#', html)
    assert nexts
    second = _html(client, f"/id/person/mao-zedong?more={nexts[0]}&page=2")
    assert 'page=1#' in second


def test_document_view_links_every_mention_and_marks_fact_spans(client, store) -> None:  # type: ignore[no-untyped-def]
    """The cable's text: every mention annotation is a link to its entity, facts carry data-facts."""
    html = _html(client, f"/id/document/{CABLE}")
    page = Page(html)
    mentions = [link for link in page.links if "?from=" in link]
    count = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?a <http://www.w3.org/ns/oa#motivatedBy> "
                         "<http://www.w3.org/ns/oa#identifying> }").rows[0]["n"]
    assert len(mentions) >= int(count) * 0.9  # nested or touching mentions may share a link
    assert "/id/person/molotov?from=" in " ".join(mentions)
    assert page.classes.get("fact", 0) > 50
    assert "https://digitalarchive.wilsoncenter.org/document/110390" in page.links


def test_document_view_highlights_and_filters_without_javascript(client) -> None:  # type: ignore[no-untyped-def]
    """?hl= marks the passage's words; ?show=places leaves only places linked."""
    html = _html(client, f"/id/document/{CABLE}?hl=2044-2125")
    marked = re.findall(r'class="[^"]*\bhl\b[^"]*"[^>]*>([^<]*)<', html)
    assert "said promptly that option (a) was good" in "".join(marked)
    only_places = Page(_html(client, f"/id/document/{CABLE}?show=places"))
    linked = [link for link in only_places.links if "?from=" in link]
    assert linked and all(link.startswith("/id/place/") for link in linked)


def test_browse_and_search(client) -> None:  # type: ignore[no-untyped-def]
    """Browse lists kinds and their members; search and its API find names as written."""
    assert "/browse/person" in Page(_html(client, "/browse/")).links
    assert "/id/person/molotov" in Page(_html(client, "/browse/person")).links
    assert "/id/person/molotov" in Page(_html(client, "/search?q=Comrade+Molo")).links
    api = client.get("/api/labels?q=gorky").get_json()
    assert api["results"][0]["iri"] == BASE + "id/place/gorky"
    assert client.get("/api/labels?q=").get_json()["results"] == []


SNAPSHOT = """
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://histgraph.example.org/graph/wikidata-snapshot> {
  wd:Q132899 rdfs:label "Vyacheslav Molotov"@en, "Вячеслав Михайлович Молотов"@ru ;
    schema:description "Soviet politician and diplomat (1890-1986)"@en ;
    wdt:P569 "1890-03-09T00:00:00Z"^^xsd:dateTime ; wdt:P18 <javascript:alert(1)> .
}
<https://histgraph.example.org/graph/wikidata-snapshot> prov:generatedAtTime "2026-11-20T10:00:00Z"^^xsd:dateTime ;
  dcterms:source <https://www.wikidata.org/> .
"""


def test_wikidata_snapshot_is_shown_attributed(settings, built, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With a snapshot graph, the page shows what Wikidata says, dated; a bad image IRI is dropped."""
    quads = read_quads(built.path)
    quads += list(ox.parse(SNAPSHOT.encode(), format=ox.RdfFormat.TRIG))
    store = EmbeddedStore.from_quads(quads, version="with-snapshot")
    client = create_app({"project_dir": settings.project_dir, "build_dir": tmp_path}, store=store).test_client()
    html = _html(client, "/id/person/molotov")
    assert "According to Wikidata, retrieved 2026-11-20" in html
    assert "Soviet politician and diplomat (1890-1986)" in html and "1890-03-09" in html
    assert "javascript:alert" not in html
    plain = _html(client, "/id/person/mikoyan")
    assert "According to Wikidata" not in plain
