"""Hostile data renders inert: escaped text, no javascript: links, JSON-LD that cannot break out.

The fixture (tests/fixtures/hostile/hostile.trig) labels an entity with
``<script>``, ``</script>``, attribute-breaking quotes and ``javascript:`` IRIs,
and gives it a 200,000-character comment; the pages are parsed with an HTML
parser and checked element by element.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.store import EmbeddedStore
from histgraph.web import create_app

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "hostile" / "hostile.trig"
LONG = "A" * 200_000


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each script element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


@pytest.fixture(scope="module")
def client(settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    data = FIXTURE.read_text(encoding="utf-8").replace("LONGLITERAL", LONG).encode("utf-8")
    quads = list(ox.parse(data, format=ox.RdfFormat.TRIG))
    store = EmbeddedStore.from_quads(quads, version="hostile")
    app = create_app({"project_dir": settings.project_dir,
                      "build_dir": tmp_path_factory.mktemp("hostile-build")}, store=store)
    return app.test_client()


def _parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("path", ["/id/person/hostile", "/id/group/hostile-group", "/search?q=script",
                                  "/browse/person"])
def test_hostile_labels_render_inert(client, path: str) -> None:  # type: ignore[no-untyped-def]
    """No element comes from the data: only our own scripts, no event handlers, no javascript: links."""
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = _parse(response.get_data(as_text=True))
    for attrs, _text in page.scripts:
        assert attrs.get("src") or attrs.get("type") == "application/ld+json", attrs
        assert "alert" not in (attrs.get("src") or "")
    for tag, attrs in page.tags:
        assert tag not in {"img", "svg"} or "onerror" not in attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src", "action"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:text")), (tag, attrs)
    assert "Content-Security-Policy" in response.headers


def test_embedded_json_ld_is_one_script_holding_the_literal(client) -> None:  # type: ignore[no-untyped-def]
    """``</script>`` in a label cannot end the JSON-LD block; the block parses back to the label."""
    page = _parse(client.get("/id/person/hostile", headers={"Accept": "text/html"}).get_data(as_text=True))
    blocks = [text for attrs, text in page.scripts if attrs.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["name"] == "<script>alert('label')</script>"
    assert "</script><script>alert(1)</script>" in data["alternateName"]
    assert "sameAs" not in data  # a javascript: "match" is no identifier


def test_very_long_literal_is_shortened_on_the_page(client) -> None:  # type: ignore[no-untyped-def]
    """A 200,000-character comment is cut on the page (the RDF keeps it whole)."""
    html = client.get("/id/group/hostile-group", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert LONG not in html and "A" * 1000 in html
    rdf = client.get("/id/group/hostile-group.nt").get_data()
    triples = list(ox.parse(rdf, format=ox.RdfFormat.N_TRIPLES))
    assert any(isinstance(t.object, ox.Literal) and t.object.value == LONG for t in triples)


def test_hostile_iris_stay_text_and_rdf_round_trips(client) -> None:  # type: ignore[no-untyped-def]
    """javascript: IRIs are shown as text, never linked, and the RDF still carries them faithfully."""
    html = client.get("/id/person/hostile", headers={"Accept": "text/html"}).get_data(as_text=True)
    page = _parse(html)
    assert not [a for t, a in page.tags if t == "a" and "alert" in (a.get("href") or "")]
    assert "javascript:alert(4)" in html  # shown as text
    graph = client.get("/id/person/hostile.ttl").get_data()
    objects = {str(t.object.value) for t in ox.parse(graph, format=ox.RdfFormat.TURTLE)
               if isinstance(t.object, ox.NamedNode)}
    assert "javascript:alert(4)" in objects
