"""Hostile labels and IRIs render inert on the running server (`histgraph serve FILE`, gunicorn).

The entity-pages suite (tests/test_pages_hostile.py) checks the templates in
depth through the Flask client; this checks what a visitor of a real server
gets, end to end: the pages and the search with markup in labels and in the
query, ``javascript:`` and ``data:`` IRIs, the security headers, and RDF
representations that give the hostile text back exactly, as data.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest

from ..servers import histgraph_server

pytestmark = pytest.mark.server

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile" / "hostile.trig"
PERSON = "https://histgraph.example.org/id/person/hostile"
LABEL = "<script>alert('label')</script>"
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")


class Page(HTMLParser):
    """Start tags with their attributes, and the text inside script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in_script:
            self.script_text.append(data)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("inert")
    data = folder / "hostile.trig"
    data.write_text(HOSTILE.read_text(encoding="utf-8").replace("LONGLITERAL", "B" * 200_000), encoding="utf-8")
    with histgraph_server(folder, [str(data)], env={"HISTGRAPH_CLIENT_RATE": "0"}) as url:
        yield url


def fetch(url: str, accept: str = "text/html") -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=60) as response:
        return response.read(), dict(response.headers)


def assert_inert(html: str) -> None:
    """No element, attribute, link or script that the hostile data could have made."""
    page = Page()
    page.feed(html)
    for tag, attrs in page.tags:
        assert tag not in {"svg", "img"} or "onerror" not in attrs, (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if tag == "link" and attrs.get("rel") == "icon" and value == "data:,":
                continue  # the template's own empty favicon, not data
            if name in {"href", "src", "action", "formaction"} and value:
                assert not value.strip().lower().startswith(UNSAFE_SCHEMES), (tag, name, value)
    for tag, attrs in page.tags:
        if tag == "script":
            assert attrs.get("src") or attrs.get("type") in {"application/ld+json", "application/json"}, attrs
    for text in page.script_text:
        if text.strip():
            json.loads(text)  # an inline script is only ever a JSON data block that parses whole


@pytest.mark.parametrize(
    "path",
    ["/id/person/hostile", "/id/group/hostile-group", "/search?q=" + urllib.parse.quote(LABEL),
     "/search?q=" + urllib.parse.quote('"><svg onload=alert(9)>')],
)
def test_pages_render_hostile_data_inert(server: str, path: str) -> None:
    """Protects visitors: markup in labels, queries and IRIs is shown as text, never run, on a real server."""
    body, headers = fetch(server + path)
    html = body.decode("utf-8")
    assert_inert(html)
    assert "script-src" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"].split("script-src", 1)[1].split(";")[0]
    assert headers.get("X-Content-Type-Options") == "nosniff"


def test_hostile_label_shown_as_text(server: str) -> None:
    """Protects fidelity while escaping: the visitor reads the label exactly as written."""
    body, _ = fetch(f"{server}/id/person/hostile")
    texts: list[str] = []
    parser = HTMLParser()
    parser.handle_data = texts.append  # type: ignore[method-assign]
    parser.feed(body.decode("utf-8"))
    assert any(LABEL in text for text in texts)


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", ox.RdfFormat.TURTLE),
                                             ("application/ld+json", ox.RdfFormat.JSON_LD),
                                             ("application/n-triples", ox.RdfFormat.N_TRIPLES)])
def test_representations_carry_hostile_text_as_data(server: str, accept: str, fmt: ox.RdfFormat) -> None:
    """Protects programs: each RDF format parses and gives back the hostile label and IRIs exactly."""
    body, _ = fetch(f"{server}/id/person/hostile", accept)
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(body, format=fmt)}
    assert (PERSON, "http://www.w3.org/2000/01/rdf-schema#label", LABEL) in triples
    assert (PERSON, "https://schema.org/url", "javascript:alert(5)") in triples


def test_autocomplete_json_is_data(server: str) -> None:
    """Protects the search box: the JSON API returns the label as a string, served as JSON, not HTML."""
    body, headers = fetch(f"{server}/api/labels?q=" + urllib.parse.quote("<script"), "application/json")
    assert headers["Content-Type"].startswith("application/json")
    labels = [r["label"] for r in json.loads(body)["results"]]
    assert LABEL in labels
