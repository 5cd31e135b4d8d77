"""Pages of a large archive answer from the build's summaries, and none lists or draws everything.

On a generated archive of 500 documents (built without validation, the
generator's own tests validate; big enough that every list has more than a page
and the sitemap needs an index), every kind of page answers 200, each list and
picture is bounded by its page size, the sitemap is an index whose parts are
bounded and together name every browsed page, and what the pages say (counts,
sizes) is what the build wrote in ``pages/``, which is what the store gives when
counted live. HTML is parsed with lxml, JSON and XML with the standard library.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import lxml.html
import pytest

from histgraph.build.pipeline import build
from histgraph.config import load_settings
from histgraph.present.kinds import BROWSE_HEADINGS
from histgraph.present.label_search import NameIndex
from histgraph.present.labels import LabelIndex
from histgraph.present.network import (
    MAX_ACTORS,
    MAX_DRAWN,
    MAX_FACTS_LISTED,
    MAX_TIES,
    drawn_json,
    extract_network,
)
from histgraph.present.page_summaries import (
    HOME_DOCUMENTS,
    NAMES,
    NETWORK,
    NETWORK_ALL,
    SUMMARY,
    TEXTS,
    browse_members,
    names_from_json,
    network_from_rows,
    write_page_summaries,
)
from histgraph.present.text_search import TextIndex, text_rows
from histgraph.present.timeline import PAGE_SIZE as TIMELINE_PAGE
from histgraph.present.timeline import extract_timeline
from histgraph.present.void import dataset_counts
from histgraph.store import EmbeddedStore
from histgraph.store.layout import MANIFEST, PAGES_DIR, verify_manifest
from histgraph.web import create_app
from histgraph.web.browse import PAGE_SIZE
from histgraph.web.dataset import SITEMAP_PART
from histgraph.web.views import TABLE_ROWS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_archive import generate  # noqa: E402

BASE = "https://histgraph.example.org/"
HTML = {"Accept": "text/html"}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
DOCUMENTS = 500


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The built archive: its settings, its build folder, its store and a client of a fresh app."""
    project = tmp_path_factory.mktemp("scale-pages") / "archive"
    generate(DOCUMENTS, project)
    settings = load_settings({"project_dir": project, "build_dir": project / "build"}, environ={})
    build(settings, validate=False, pages=write_page_summaries)
    folder = (project / "build" / "current").resolve()
    app = create_app(settings)
    yield settings, folder, EmbeddedStore.open(folder), app.test_client()
    from tests.servers import close_app

    close_app(app)


def _page(client, path: str):  # type: ignore[no-untyped-def]
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, path
    return lxml.html.fromstring(response.get_data(as_text=True))


def _summary(folder: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((folder / PAGES_DIR / SUMMARY).read_text())


def test_every_kind_of_page_answers_and_no_list_is_whole(archive) -> None:  # type: ignore[no-untyped-def]
    """Protects goal 0 of issue #18: home, browse, documents, search, network, timeline, map, report, an
    entity page and a document answer 200, and each list or picture holds at most a page of what it shows."""
    _settings, folder, store, client = archive
    summary = _summary(folder)
    assert summary["documents"]["total"] == DOCUMENTS + 1  # and the cable
    home = _page(client, "/")
    assert len(home.xpath("//ul[@class='start-links']/li/a[@class='big']")) == HOME_DOCUMENTS + 1  # + "all documents"
    for kind, count in summary["kinds"]:
        first = _page(client, f"/browse/{kind}")
        assert len(first.xpath("//ul[@class='browse-list']/li")) == min(count, PAGE_SIZE), kind
        last = _page(client, f"/browse/{kind}?page={-(-count // PAGE_SIZE)}")
        assert len(last.xpath("//ul[@class='browse-list']/li")) == count - PAGE_SIZE * (-(-count // PAGE_SIZE) - 1)
    assert max(count for _, count in summary["kinds"]) > PAGE_SIZE, "the archive is too small to page"
    documents = _page(client, "/documents/")
    assert len(documents.xpath("//ul[@class='document-list']/li")) == PAGE_SIZE
    timeline = _page(client, "/timeline")
    assert summary["timeline"]["items"] > TIMELINE_PAGE
    assert len(timeline.xpath("//section[@class='timeline-list']//li")) == TIMELINE_PAGE
    timeline_json = client.get("/timeline.json?page=1").get_json()
    assert len(timeline_json["items"]) == TIMELINE_PAGE and timeline_json["pages"] > 1
    network = client.get("/network.json?view=actors").get_json()
    assert 0 < len(network["nodes"]) <= MAX_ACTORS and 0 < len(network["edges"]) <= MAX_TIES
    assert max(len(e["facts"]) for e in network["edges"]) <= MAX_FACTS_LISTED
    everything = client.get("/network.json?view=all").get_json()
    assert 0 < len(everything["nodes"]) <= MAX_DRAWN
    table = _page(client, "/network").xpath("//table[@id='network-table']/tbody/tr")
    assert 0 < len(table) <= TABLE_ROWS
    search = _page(client, "/search?q=Ashgrove")
    assert search.xpath("//ol[@class='search-results']/li")
    for path in ("/browse/", "/map", "/report", "/id/document/cable-1950-01-02-mao-to-ccp-cc"):
        _page(client, path)
    hub = str(store.select(
        "SELECT ?e (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?e } "
        "FILTER(STRSTARTS(STR(?e), 'https://histgraph.example.org/id/place/')) } GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1"
    ).rows[0]["e"])
    _page(client, "/" + hub[len(BASE):])
    assert client.get("/.well-known/void").status_code == 200


def test_sitemap_is_an_index_of_bounded_parts_naming_every_page(archive) -> None:  # type: ignore[no-untyped-def]
    """Protects the sitemaps.org limits: past SITEMAP_PART URLs /sitemap.xml is an index, each part holds at
    most SITEMAP_PART URLs, and the parts together name every browsed thing's page once."""
    _settings, folder, _store, client = archive
    index = ET.fromstring(client.get("/sitemap.xml").get_data())
    assert index.tag == SITEMAP + "sitemapindex"
    parts = [loc.text or "" for loc in index.iter(SITEMAP + "loc")]
    assert len(parts) > 1
    named: list[str] = []
    for url in parts:
        part = ET.fromstring(client.get(url.replace("http://localhost", "")).get_data())
        assert part.tag == SITEMAP + "urlset"
        locs = [loc.text or "" for loc in part.iter(SITEMAP + "loc")]
        assert 0 < len(locs) <= SITEMAP_PART
        named += locs
    assert len(named) == len(set(named))
    members = sum(count for _, count in _summary(folder)["kinds"])
    lists = len(_summary(folder)["kinds"])
    assert len(named) == 3 + lists + members  # home, documents, browse; each list; each member
    assert client.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404


def test_pages_say_what_the_build_summed_up_and_the_store_agrees(archive) -> None:  # type: ignore[no-untyped-def]
    """Protects the summaries from drifting: the home page's counts, the network's size and the timeline's
    totals are the build's, its name index and whole network are the store's, the build's are what the store gives when counted live, and the files are in
    the manifest."""
    _settings, folder, store, client = archive
    summary = _summary(folder)
    labels = LabelIndex.load(store)
    live = browse_members(store, labels, BASE)
    names = NameIndex.load(store, labels, BASE)
    built = names_from_json(json.loads((folder / PAGES_DIR / NAMES).read_text()), labels, BASE)
    assert (built.entries, built.sources) == (names.entries, names.sources)
    assert summary["kinds"] == [[kind, len(live[kind])] for kind in BROWSE_HEADINGS if kind in live]
    home = _page(client, "/")
    shown = {row.xpath("string(th)"): row.xpath("string(td)") for row in home.xpath("//table[@class='counts']//tr")}
    assert shown["statements (triples)"] == str(dataset_counts(store, BASE).triples) == str(
        summary["dataset"]["triples"])
    network = extract_network(store)
    assert network_from_rows(json.loads((folder / PAGES_DIR / NETWORK).read_text())) == network
    # Every kind, as drawn: the build's file is the store's network cut as the page cuts it,
    # and it is what /network.json?view=all serves.
    every_kind = json.loads(json.dumps(drawn_json(network, BASE)))
    assert json.loads((folder / PAGES_DIR / NETWORK_ALL).read_text()) == every_kind
    assert client.get("/network.json?view=all").get_json() == every_kind
    assert (summary["network"]["nodes"], summary["network"]["edges"]) == (len(network.nodes), len(network.edges))
    said = " ".join(_page(client, "/network").xpath("//p[contains(., 'Every node and relation')]//text()"))
    assert re.search(rf"\b{len(network.nodes)} things, {len(network.edges)} relations\b", said)
    timeline = extract_timeline(store).to_json(BASE)
    page = client.get("/timeline.json?page=1").get_json()
    assert page["total"] == {"items": len(timeline["items"]), "undated": len(timeline["undated"]),
                             "flags": len(timeline["flags"])}
    assert json.loads((folder / PAGES_DIR / "timeline.json").read_text()) == json.loads(json.dumps(timeline))
    # The text search's rows are the build's, and searching them finds what searching the store finds.
    rows = text_rows(store, BASE)
    assert [tuple(r) for r in json.loads((folder / PAGES_DIR / TEXTS).read_text())] == rows
    found = TextIndex.from_texts(rows).search("Ashgrove", 50)
    assert found and found == TextIndex.load(store, BASE).search("Ashgrove", 50)
    assert not verify_manifest(folder)
    listed = json.loads((folder / MANIFEST).read_text())
    files = {str(path.relative_to(folder)) for path in (folder / PAGES_DIR).rglob("*.json")}
    assert {f"{PAGES_DIR}/{SUMMARY}", f"{PAGES_DIR}/timeline.json", f"{PAGES_DIR}/browse/person.json"} <= files
    assert files <= set(listed)
