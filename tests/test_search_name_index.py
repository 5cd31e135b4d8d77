"""The name index answers exactly what comparing the query with every name answers, and is made once per build.

:class:`NameIndex` finds the names holding a query with one pass of ``str.find``
over all the folded names joined, and ranks words without splitting names
(issue #18: 296 ms warm at 10,000 documents when every name was compared). The
reference below is the plain scan it replaced, kept word for word: every
name folded and compared in turn. Hypothesis draws names and queries with
accents, case, Chinese characters, brackets, punctuation, unusual spaces and
the index's own separator, and entities sharing labels (ties keep their order).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from histgraph.build.pipeline import build
from histgraph.config import load_settings
from histgraph.present.kinds import kind_of
from histgraph.present.label_search import SEPARATOR, Match, NameIndex, fold, rank
from histgraph.present.labels import LabelIndex
from histgraph.present.page_summaries import (
    NAMES,
    names_from_json,
    names_json,
    write_page_summaries,
)
from histgraph.store.layout import PAGES_DIR
from histgraph.web import create_app
from histgraph.web.search import names

from .conftest import ROOT
from .servers import close_app

BASE = "https://histgraph.example.org/"
#: Letters that fold (case, accents, ligatures, a combining mark), Chinese, brackets, punctuation,
#: spaces other than " " (tab, no-break, ideographic, a line separator) and the index's separator.
ALPHABET = [*"aAbBeEéÉèzZ (-)'.,", "\t", "\u00a0", "\u3000", "\u2028", SEPARATOR,
            "北", "京", "周", "恩", "ﬁ", "ß", "İ", "\u0301", "（"]
KINDS = ["person", "place", "event", "note", "timespan", "annotation"]

names_text = st.text(alphabet=st.sampled_from(ALPHABET), max_size=10)
iris = st.builds(lambda kind, n: f"{BASE}id/{kind}/{n}", st.sampled_from(KINDS), st.integers(0, 6))


def reference(entries: list[tuple[str, str, str]], labels: LabelIndex, sources: dict[tuple[str, str], tuple[str, ...]],
              query: str, limit: int, kinds: set[str] | None) -> list[Match]:
    """The search as it was: every ``(folded, name, IRI)`` compared with the query, in order."""
    q = fold(" ".join(query.split()))
    if not q:
        return []
    ranked: dict[str, tuple[int, int, str, str]] = {}
    for folded, name, iri in entries:
        if folded.startswith(q):
            found = 0
        elif any(word.startswith(q) for word in folded.replace("(", " ").split()):
            found = 1
        elif q in folded:
            found = 2
        else:
            continue
        kind = kind_of(iri, BASE)
        if kind in ("annotation", "timespan") or (kinds and kind not in kinds):
            continue
        candidate = (found, len(name), name, iri)
        if iri not in ranked or candidate < ranked[iri]:
            ranked[iri] = candidate
    best = sorted(ranked.values(), key=lambda c: (c[0], labels.label(c[3]).lower()))[:limit]
    return [Match(iri, labels.label(iri), kind_of(iri, BASE), name, sources.get((iri, name), ()))
            for _, _, name, iri in best]


@st.composite
def archives(draw: st.DrawFn) -> tuple[list[tuple[str, str]], LabelIndex, dict[tuple[str, str], tuple[str, ...]]]:
    """Names of entities, their labels (often shared, differing in case) and the sources of some names."""
    named = draw(st.lists(st.tuples(names_text, iris), max_size=30))
    shared = draw(st.lists(st.sampled_from(["Zhou", "zhou", "Peking", "北京"]) | names_text, min_size=1, max_size=4))
    labels = LabelIndex(best={iri: draw(st.sampled_from(shared)) for _, iri in named if draw(st.booleans())})
    sources = {(iri, name): (f"{BASE}id/source/{len(name)}",) for name, iri in named if draw(st.booleans())}
    return named, labels, sources


@st.composite
def queries(draw: st.DrawFn, named: list[tuple[str, str]]) -> str:
    """Any short text, or a piece of one of the names (so that most queries find something)."""
    if named and draw(st.booleans()):
        name = draw(st.sampled_from(named))[0]
        start = draw(st.integers(0, len(name)))
        return name[start : start + draw(st.integers(1, 4))]
    return draw(st.text(alphabet=st.sampled_from(ALPHABET), max_size=4))


@given(st.data())
def test_index_answers_what_comparing_every_name_answers(data: st.DataObject) -> None:
    """Protects search results from the index: the same entities, in the same order (ties by first seen), with
    the same matched names (as written, older spellings) and their sources as the plain scan, also read back from
    names.json."""
    named, labels, sources = data.draw(archives())
    entries = sorted({(fold(name), name, iri) for name, iri in named})
    index = NameIndex.from_entries(entries, labels, BASE, sources)
    stored = names_from_json(json.loads(json.dumps(names_json(index))), labels, BASE)
    for _ in range(5):
        query = data.draw(queries(named))
        limit = data.draw(st.integers(1, 12))
        kinds = data.draw(st.none() | st.sets(st.sampled_from(KINDS), min_size=1))
        expected = reference(entries, labels, sources, query, limit, kinds)
        assert index.search(query, limit, kinds) == expected, (query, limit, kinds)
        assert stored.search(query, limit, kinds) == expected, (query, limit, kinds)


@given(names_text, names_text)
@example("ab\u2028cd", "cd")  # an unprintable space starts a word
@example("x(yz", "yz")  # so does a bracket
@example("x yz", "x y")  # a query with a space never starts a word
def test_ranks_are_the_definition(name: str, query: str) -> None:
    """Protects the rank of a single name (start, word, inside) against the definition in :func:`rank`."""
    folded, q = fold(name), fold(" ".join(query.split()))
    index = NameIndex.from_entries([(folded, name, f"{BASE}id/person/p")], LabelIndex(), BASE)
    found = index.search(query)
    expected = rank(folded, q) if q else None
    assert [m.matched for m in found] == ([name] if expected is not None else [])


def test_labels_differing_in_case_tie_in_the_order_first_seen() -> None:
    """Protects the order of ties: labels compare without case, and entities of one label keep the order of their
    first name found (not their IRIs', not upper case first)."""
    people = {f"{BASE}id/person/b": ("Ashgrove, Anne", "ashgrove"), f"{BASE}id/person/a": ("Ashgrove, Bea", "Ashgrove"),
              f"{BASE}id/person/c": ("Ashgrove, Cy", "ashgrove, cy")}
    entries = sorted((fold(name), name, iri) for iri, (name, _) in people.items())
    labels = LabelIndex(best={iri: label for iri, (_, label) in people.items()})
    found = NameIndex.from_entries(entries, labels, BASE).search("ashg")
    assert [m.iri for m in found] == [f"{BASE}id/person/b", f"{BASE}id/person/a", f"{BASE}id/person/c"]
    assert found == reference(entries, labels, {}, "ashg", 10, None)


def test_an_older_build_is_read_the_same() -> None:
    """Protects serving a build written before names.json was grouped: its ``entries`` rows give the same index."""
    entries = sorted({(fold(n), n, f"{BASE}id/{k}/{i}") for n, k, i in [
        ("Zhou Enlai", "person", "zhou"), ("Chou En-lai", "person", "zhou"), ("Peking", "place", "beijing"),
        ("1950", "timespan", "t1950")]})
    sources = {(f"{BASE}id/person/zhou", "Chou En-lai"): (f"{BASE}id/source/wade-giles",)}
    old = {"entries": entries, "sources": [[i, n, list(s)] for (i, n), s in sources.items()]}
    labels = LabelIndex()
    read = names_from_json(json.loads(json.dumps(old)), labels, BASE)
    assert read.entries == NameIndex.from_entries(entries, labels, BASE, sources).entries
    assert [(m.matched, m.sources) for m in read.search("chou")] == [("Chou En-lai", (f"{BASE}id/source/wade-giles",))]
    assert read.search("1950") == []  # timespans are never offered


@pytest.fixture(scope="module")
def built_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A fresh app over a small generated archive built with its pages (and so its names.json)."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate_archive import generate

    project = tmp_path_factory.mktemp("name-index") / "archive"
    generate(20, project)
    settings = load_settings({"project_dir": project, "build_dir": project / "build"}, environ={})
    build(settings, validate=False, pages=write_page_summaries)
    app = create_app({"project_dir": project, "build_dir": project / "build", "client_rate": 0}, environ={})
    try:
        yield app, (project / "build" / "current" / PAGES_DIR / NAMES).resolve()
    finally:
        close_app(app)


def test_the_index_is_made_once_per_build(built_app) -> None:  # type: ignore[no-untyped-def]
    """Protects the warm search: every request of a build answers from one index, the one the build wrote."""
    app, names_file = built_app
    client = app.test_client()
    with app.test_request_context("/search"):
        first = names()
    answers = [client.get("/api/search?q=Ashgrove").get_json() for _ in range(2)]
    assert answers[0] == answers[1] and answers[0]["names"]
    with app.test_request_context("/search"):
        assert names() is first
    written = json.loads(names_file.read_text())
    assert (first.folded, first.named) == (written["folded"], written["named"])
    assert {n["iri"] for n in answers[0]["names"]} == {m.iri for m in first.search("Ashgrove", limit=100)}
