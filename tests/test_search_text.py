"""Search finds older spellings of names (with their sources) and words of the documents' text."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from histgraph.present.text_search import TextIndex
from histgraph.web import create_app

HTML = {"Accept": "text/html"}
BASE = "https://histgraph.example.org/"


@pytest.fixture(scope="module")
def client(settings, built):  # type: ignore[no-untyped-def]
    return create_app(settings).test_client()


class Results(HTMLParser):
    """The search page's name results (href, text) and passages (href, marked words, quoted text)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.names: list[tuple[str, str]] = []
        self.passages: list[dict[str, str]] = []
        self._section = ""
        self._in_a: str | None = None
        self._mark = False
        self._quote = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "section":
            self._section = classes[0] if classes else ""
        if tag == "li" and self._section == "search-passages":
            self.passages.append({"href": "", "mark": "", "quote": ""})
        if tag == "a" and self._section == "search-names" and not classes and not self._in_a:
            self._in_a = attrs.get("href") or ""
            self.names.append((self._in_a, ""))
        if tag == "a" and "passage-document" in classes:
            self.passages[-1]["href"] = attrs.get("href") or ""
        self._mark = self._mark or tag == "mark"
        self._quote = self._quote or tag == "blockquote"

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "a":
            self._in_a = None
        if tag == "mark":
            self._mark = False
        if tag == "blockquote":
            self._quote = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in_a is not None and self.names:
            href, text = self.names[-1]
            self.names[-1] = (href, text + data)
        if self._quote and self.passages:
            self.passages[-1]["quote"] += data
            if self._mark:
                self.passages[-1]["mark"] += data


@pytest.mark.parametrize(
    ("query", "path", "matched"),
    [
        ("Peking", "/id/place/beijing", "Peking"),
        ("Chou En-lai", "/id/person/zhou-enlai", "Chou En-lai"),
        ("mao tse-tung", "/id/person/mao-zedong", "Mao Tse-tung"),
    ],
)
def test_older_spellings_find_the_entity_and_name_their_source(client, query, path, matched) -> None:  # type: ignore[no-untyped-def]
    """Issue #14 item 7: Wade–Giles and older English spellings find the entity, and the answer says which
    source gives the spelling (variant names are data with a source, not guesses)."""
    data = client.get("/api/search", query_string={"q": query}).get_json()
    first = data["names"][0]
    assert first["href"] == path
    assert first["matched"] == matched
    assert first["sources"], "a variant spelling names the source that gives it"
    assert all(s["href"] and s["href"].startswith("/id/source/") for s in first["sources"])
    page = Results(client.get("/search", query_string={"q": query}, headers=HTML).get_data(as_text=True))
    assert page.names[0][0] == path
    # The name's own node (…#name-peking) is not a second result: its owner is found instead.
    assert not any("#" in href for href, _ in page.names)


def test_text_search_returns_passages_that_link_to_their_place(client, store) -> None:  # type: ignore[no-untyped-def]
    """Issue #14 item 7: words of the cable find the passage, with context, linking into the document at its
    offsets; the offsets round-trip (the text sliced there is the words found)."""
    data = client.get("/api/search", query_string={"q": "ordnance factory"}).get_json()
    assert data["names"] == [] or all("ordnance" in n["matched"].lower() for n in data["names"])
    (passage,) = data["passages"]
    assert passage["exact"] == "ordnance factory"
    assert "tours of such places as an" in passage["before"]
    text = next(iter(store.select(
        "SELECT ?v WHERE { <" + passage["text"] + "> <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?v }")))["v"]
    assert str(text)[passage["start"] : passage["end"]] == "ordnance factory"
    link = urlsplit(passage["href"])
    assert link.path == "/id/document/cable-1950-01-02-mao-to-ccp-cc"
    assert parse_qs(link.query)["hl"] == [f"{passage['start']}-{passage['end']}"]
    assert link.fragment == f"t{passage['start']}"
    page = Results(client.get("/search?q=ordnance+factory", headers=HTML).get_data(as_text=True))
    assert [p["mark"] for p in page.passages] == ["ordnance factory"]
    assert page.passages[0]["href"] == passage["href"]


def test_text_search_is_case_and_accent_blind_and_finds_every_occurrence(client) -> None:  # type: ignore[no-untyped-def]
    """"comrade molotov" finds each time the cable writes "Comrade Molotov", in text order."""
    passages = client.get("/api/search?q=comrade+molotov").get_json()["passages"]
    assert [p["exact"] for p in passages] == ["Comrade Molotov"] * len(passages)
    assert len(passages) >= 3
    assert [p["start"] for p in passages] == sorted(p["start"] for p in passages)


def test_a_query_of_no_words_finds_nothing_and_is_not_an_error(client) -> None:  # type: ignore[no-untyped-def]
    """Punctuation only, or nothing, is an empty answer (200), not a 4xx or 5xx."""
    for q in ("", "  ", "?!—", "x" * 5000):
        response = client.get("/api/search", query_string={"q": q})
        assert response.status_code == 200
        assert response.get_json()["passages"] == []


def test_the_last_word_may_be_unfinished() -> None:
    """Typing "ordnance fac" already finds "ordnance factory"; a finished word does not match a longer one."""
    index = TextIndex.from_texts([("t", "d", "en", "an ordnance factory, the subway and a collective farm")])
    assert [p.exact for p in index.search("ordnance fac")] == ["ordnance factory"]
    assert [p.exact for p in index.search("subw")] == ["subway"]
    assert index.search("ordnanc factory") == []


def test_chinese_text_is_searched_character_by_character() -> None:
    """A text in Chinese has no spaces: each character is a word, so a name of several characters is found."""
    index = TextIndex.from_texts([("t", "d", "zh", "周恩来同志及贸易部长")])
    (passage,) = index.search("周恩来")
    assert (passage.start, passage.end, passage.exact) == (0, 3, "周恩来")


class _Marked(HTMLParser):
    """The document page's anchors (ids ``t<offset>``) and the words inside its ``hl`` marks."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.anchors: set[str] = set()
        self.marked = ""
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attrs = dict(attrs)
        if (attrs.get("id") or "").startswith("t"):
            self.anchors.add(attrs["id"])
        if self._depth or "hl" in (attrs.get("class") or "").split():
            self._depth += 1

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._depth:
            self.marked += data


def test_a_search_result_link_marks_exactly_its_words(client) -> None:  # type: ignore[no-untyped-def]
    """Issue #14 item 7: following a passage found by search, the document shows those words marked and
    has the anchor the link scrolls to, though no fact or mention begins or ends there."""
    (passage,) = client.get("/api/search", query_string={"q": "ordnance factory"}).get_json()["passages"]
    page = _Marked(client.get(passage["href"], headers=HTML).get_data(as_text=True))
    assert f"t{passage['start']}" in page.anchors
    assert page.marked == "ordnance factory"
