"""The site's shell and loose ends of issue #14: one count per kind, dumps of what is served,
the ontology page in the site's layout, compressed answers, errors in the format asked for.

All through the Flask test client on the session's real build (or, for served
files, a store made from the SPARQL fixture file as `histgraph serve FILE` makes it).
"""

from __future__ import annotations

import gzip
from html.parser import HTMLParser
from pathlib import Path

import brotli
import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from histgraph.store import EmbeddedStore
from histgraph.web import create_app
from histgraph.web.serve import load_files

from .servers import FIXTURE_DATA


class Outline(HTMLParser):
    """The parts of a page these tests read: title, nav links, skip link, table rows (th text, td text)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.title = ""
        self.nav: list[str] = []
        self.skip: list[str] = []
        self.rows: list[tuple[str, str]] = []
        self._stack: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self._stack.append(tag)
        if tag == "a" and "nav" in self._stack and found.get("href"):
            self.nav.append(found["href"] or "")
        if tag == "a" and found.get("class") == "skip-link":
            self.skip.append(found.get("href") or "")
        if tag == "tr":
            self._row = []
        if tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "tr" and len(self._row) == 2:
            self.rows.append((self._row[0], self._row[1]))
        while self._stack and self._stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1] == "title":
            self.title += data
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def client(settings, built) -> FlaskClient:  # type: ignore[no-untyped-def]
    """The app on the session's build."""
    return create_app(settings).test_client()


def test_home_and_browse_show_the_same_counts(client: FlaskClient) -> None:
    """Protects one source of counts: every kind the home page counts has the browse index's number (groups were 21 vs 16)."""
    home = dict(Outline(client.get("/").get_data(as_text=True)).rows)
    browse = dict(Outline(client.get("/browse/").get_data(as_text=True)).rows)
    assert browse, "the browse index lists no kinds"
    assert {k: v for k, v in home.items() if k in browse} == browse
    assert set(browse) <= set(home)


def test_ontology_page_has_its_title_and_the_site_navigation(client: FlaskClient) -> None:
    """Protects the ontology page: the ontology's own title (not every scheme's run together), nav and skip link."""
    response = client.get("/ontology", headers={"Accept": "text/html"})
    page = Outline(response.get_data(as_text=True))
    assert response.status_code == 200
    assert page.title.strip() == "histgraph ontology · histgraph"
    assert "/browse/" in page.nav and page.skip == ["#main"]
    assert b"plannedAgent" in response.get_data()  # pyLODE's documentation of our terms is there


def test_served_files_dumps_are_the_files_not_the_project_build(settings, built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Protects `histgraph serve FILE`: /dumps offers FILE's data, not the project build found in build/current."""
    folder = load_files([FIXTURE_DATA], tmp_path)
    expected = set(EmbeddedStore.open(folder).native.quads_for_pattern(None, None, None, None))
    client = create_app(settings, store=EmbeddedStore.open(folder)).test_client()
    with client.get("/dumps/dataset.nq") as response:
        served = set(ox.parse(response.get_data(), format=ox.RdfFormat.N_QUADS))
    assert response.status_code == 200 and served == expected
    with client.get("/dumps/dataset.trig") as response:
        assert set(ox.parse(response.get_data(), format=ox.RdfFormat.TRIG)) == expected
    with client.get("/dumps/dataset.ttl") as response:
        triples = {ox.Triple(q.subject, q.predicate, q.object)
                   for q in ox.parse(response.get_data(), format=ox.RdfFormat.TURTLE)}
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in expected} <= triples


@pytest.mark.parametrize(
    ("path", "accept"),
    [("/", "text/html"), ("/static/histgraph.css", "*/*"), ("/assets/vendor/yasgui.min.js", "*/*"),
     ("/id/person/molotov", "text/turtle"),
     ("/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%20200", "application/sparql-results+json")],
)
def test_answers_are_compressed_and_decompress_to_the_same_bytes(client: FlaskClient, path: str, accept: str) -> None:
    """Protects compression: Brotli when accepted, gzip for a page, identical bytes once decoded, Vary set."""
    with client.get(path, headers={"Accept": accept}) as plain:
        body = plain.get_data()
    with client.get(path, headers={"Accept": accept, "Accept-Encoding": "gzip, br"}) as packed:
        assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "br"
        assert "Accept-Encoding" in packed.headers["Vary"]
        data = packed.get_data()
    assert len(data) < len(body) and brotli.decompress(data) == body or path.startswith("/sparql")
    if path == "/":
        with client.get(path, headers={"Accept": accept, "Accept-Encoding": "gzip"}) as zipped:
            assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.get_data()) == body


def test_a_yasgui_request_gets_its_error_as_json(client: FlaskClient) -> None:
    """Protects the editor's errors: YASGUI's Accept (results JSON, then */*) gets JSON with one sentence, not HTML."""
    accept = "application/sparql-results+json,*/*;q=0.9"
    response = client.post("/sparql", data={"query": "SELECT * WHERE {\n  ?s ?p ?o\n  FILTR }"}, headers={"Accept": accept})
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.json["message"] == "Unexpected 'FILTR' at line 3, column 3."
    missing = client.get("/id/person/nobody-at-all", headers={"Accept": accept})
    assert missing.status_code == 404 and missing.mimetype == "application/json"
