"""Long lists on entity pages are bounded, and their paging reaches every item.

A place of a generated archive (300 documents, shared pools) is named in more
documents than fit one page: its events, passages, citations and relation groups
each show at most ``PAGE_SIZE`` items, and following each list's "next" link
walks through all of them exactly once, so every fact's passage stays reachable.
Pages are parsed with the standard library's HTML parser.
"""

from __future__ import annotations

import sys
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

from histgraph.build.pipeline import build
from histgraph.config import load_settings
from histgraph.present.annotated_text import entity_passages
from histgraph.present.entity import describe
from histgraph.present.labels import LabelIndex
from histgraph.present.site_paths import local_href
from histgraph.store import EmbeddedStore
from histgraph.web import create_app
from histgraph.web.entities import PAGE_SIZE

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_archive import generate  # noqa: E402

BASE = "https://histgraph.example.org/"
HTML = {"Accept": "text/html"}


class Lists(HTMLParser):
    """Per list of an entity page: the hrefs of its items, and its "next" link."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.items: dict[str, list[str]] = {}
        self.next: dict[str, str] = {}
        self.current_passages: list[str] = []
        self._stack: list[tuple[str, str | None]] = []  # (tag, list key) of open elements
        self._section: str | None = None
        self._group: str | None = None
        self._pager: str | None = None
        self._item: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "section":
            self._section = {"events": "events", "passages": "passages", "cite": "cite"}.get(attrs.get("id", ""))
        if tag == "dt":
            self._group = attrs.get("id")
        if tag == "p" and "pager" in classes:
            self._pager = attrs.get("data-list")
        if tag == "li" and self._section == "events" and "modality-row" in classes:
            self._item = "events"
        if tag == "li" and self._section == "passages" and "passage" in classes:
            self._item = "passages"
            if "current" in classes:
                self.current_passages.append(attrs.get("id", ""))
        if tag == "div" and self._section == "cite" and "citation" in classes:
            self._item = "cite"
        if tag == "ul" and "values" in classes and self._group:
            self._item = self._group
        if tag != "a" or not attrs.get("href"):
            return
        href = attrs["href"]
        if self._pager and attrs.get("rel") == "next":
            self.next[self._pager] = href
        elif self._pager is None and self._item:
            wanted = {"passages": "to-text" in classes, "cite": True, "events": True}.get(self._item, True)
            if wanted and (self._item != "cite" or href.startswith("/id/document/")):
                self.items.setdefault(self._item, []).append(href)
                if self._item in ("events", "cite"):
                    self._item = None  # the first link of an event or citation names it

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "p":
            self._pager = None
        if tag in ("li", "div") and self._item in ("events", "passages", "cite"):
            self._item = None
        if tag == "ul" and self._group:
            self._item = None
        if tag == "section":
            self._section = None


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A 300-document generated archive, built without validation (the generator's own tests validate)."""
    project = tmp_path_factory.mktemp("paging") / "archive"
    generate(300, project)
    settings = load_settings({"project_dir": project, "build_dir": project / "build"}, environ={})
    build(settings, validate=False)
    store = EmbeddedStore.open(project / "build" / "current")
    place = str(store.select(
        "SELECT ?e (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?e } "
        "FILTER(STRSTARTS(STR(?e), 'https://histgraph.example.org/id/place/')) } GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1"
    ).rows[0]["e"])
    return settings, store, place


def _walk(client, path: str, key: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The items of list ``key``, page by page, following its "next" links from ``path``."""
    pages, url, seen = [], path, set()
    while url and url not in seen:
        seen.add(url)
        response = client.get(url, headers=HTML)
        assert response.status_code == 200, url
        lists = Lists(response.get_data(as_text=True))
        pages.append(lists.items.get(key, []))
        following = lists.next.get(key)
        url = path + following.split("#")[0] if following else None
    return pages


def test_long_lists_are_bounded_and_paging_reaches_every_item(archive) -> None:  # type: ignore[no-untyped-def]
    """Protects bounded pages with nothing lost: each long list shows at most PAGE_SIZE items a page,
    and its "next" links reach every event, passage, citation and related entity exactly once."""
    settings, store, place = archive
    labels = LabelIndex.load(store)
    view = describe(store, place, labels, BASE)
    passages = entity_passages(store, place, labels, BASE)
    expected = {
        "events": [e.value.href for e in view.events],
        "passages": [p.href for p in passages],
        "cite": sorted({local_href(p.document.iri, BASE) for p in passages if p.document and p.document.iri}),
    }
    for key, items in expected.items():
        assert len(items) > PAGE_SIZE, f"the archive is too small to page {key}"
    _assert_walks_reach(create_app(settings).test_client(), "/" + place[len(BASE):], expected)


def test_a_large_relation_group_pages_through_every_value(cable) -> None:  # type: ignore[no-untyped-def]
    """Protects relation groups: Mao is the source of more statements than fit a page; the
    group's "next" links reach each of them once."""
    settings, store = cable
    mao = BASE + "id/person/mao-zedong"
    view = describe(store, mao, LabelIndex.load(store), BASE)
    big = max(view.incoming + view.outgoing, key=lambda g: len(g.values))
    assert len(big.values) > PAGE_SIZE
    expected = {big.key: [v.href or v.text for v in big.values]}
    _assert_walks_reach(create_app(settings).test_client(), "/id/person/mao-zedong", expected)


def _assert_walks_reach(client, path: str, expected: dict[str, list[str]]) -> None:  # type: ignore[no-untyped-def]
    for key, items in expected.items():
        pages = _walk(client, path, key)
        assert len(pages) == -(-len(items) // PAGE_SIZE), key
        assert all(0 < len(page) <= PAGE_SIZE for page in pages), key
        walked = [href for page in pages for href in page]
        assert sorted(walked) == sorted(items), key  # every item once, none twice


def test_a_passage_linked_from_its_document_is_on_the_page_shown(archive) -> None:  # type: ignore[no-untyped-def]
    """Protects the way back from a document: ``?from=`` opens the page of passages that holds it, marked."""
    settings, store, place = archive
    passages = entity_passages(store, place, LabelIndex.load(store), BASE)
    last = passages[-1]
    client = create_app(settings).test_client()
    query = urllib.parse.urlencode({"from": f"{last.start}-{last.end}"})
    lists = Lists(client.get(f"/{place[len(BASE):]}?{query}", headers=HTML).get_data(as_text=True))
    assert f"passage-{last.start}-{last.end}" in lists.current_passages
    assert last.href in lists.items["passages"]


def test_a_page_past_the_end_shows_the_last(archive) -> None:  # type: ignore[no-untyped-def]
    """Protects hand-edited URLs: a page number past the end shows the last page, not an empty list."""
    settings, store, place = archive
    client = create_app(settings).test_client()
    lists = Lists(client.get(f"/{place[len(BASE):]}?more=passages&page=9999", headers=HTML).get_data(as_text=True))
    assert lists.items["passages"] and "passages" not in lists.next


class _Note(HTMLParser):
    """The href of the link inside the element with id ``incoming-truncated``, if there is one."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found, self.href, self._inside = False, None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attrs = dict(attrs)
        if attrs.get("id") == "incoming-truncated":
            self.found, self._inside = True, True
        elif self._inside and tag == "a" and self.href is None:
            self.href = attrs.get("href")

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "p":
            self._inside = False


def test_more_links_than_a_page_lists_says_so_and_gives_the_query(settings, built, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Protects fidelity of the relations list: past the page's limit, the page says it lists only some
    and links the endpoint query that returns every link (nothing is silently cut off)."""
    import pyoxigraph as ox

    from histgraph.present.entity import ALL_INCOMING, INCOMING_LIMIT
    from histgraph.store.layout import read_quads

    iri = "https://histgraph.example.org/id/person/mao-zedong"
    graph = ox.NamedNode("https://histgraph.example.org/graph/many-links")
    extra = [ox.Quad(ox.NamedNode(f"https://histgraph.example.org/id/event/many-{n}"),
                     ox.NamedNode("http://www.cidoc-crm.org/cidoc-crm/P11_had_participant"), ox.NamedNode(iri), graph)
             for n in range(INCOMING_LIMIT + 1)]
    quads = read_quads(built.path)
    pages = {}
    for name, store in (("as built", EmbeddedStore.from_quads(quads, "plain")),
                        ("with many links", EmbeddedStore.from_quads(quads + extra, "many"))):
        client = create_app({"project_dir": settings.project_dir, "build_dir": tmp_path}, store=store).test_client()
        pages[name] = _Note(client.get("/id/person/mao-zedong", headers={"Accept": "text/html"}).get_data(as_text=True))
    assert not pages["as built"].found
    note = pages["with many links"]
    assert note.found
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(note.href).query)["query"]
    assert urllib.parse.urlsplit(note.href).path == "/sparql" and query == [ALL_INCOMING.format(iri=iri)]
