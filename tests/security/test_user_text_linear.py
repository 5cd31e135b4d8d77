"""Text from users is handled in linear time (issue #12, item 3).

A reconciliation query of 60,000 "(" took 25 s: a regular expression for
parenthetical qualifiers retried from every "(" (quadratic), and Unicode
normalisation sorts a run of combining accents with an insertion sort
(quadratic too). Two such requests stopped the site.

Hypothesis feeds adversarial strings (long runs of brackets, spaces, quotes,
backslashes, accents, mixed scripts) to every function that reads user text,
and to the real routes through the Flask test client. Its per-example
``deadline`` is generous (2 s): it catches only super-linear blow-ups, never a
slow machine. The scaling tests compare each function on n and 4n characters
of its worst input: linear work grows about 4 times, quadratic 16 times; the
bound is 10 (a ratio of two timings on the same machine, not a threshold).
"""

from __future__ import annotations

import doctest
import json
import time
from collections.abc import Callable, Iterator

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from histgraph import normal_forms
from histgraph.build.load import read_project
from histgraph.normal_forms import without_marks
from histgraph.present import reconcile, reconcile_input
from histgraph.present.label_search import NameIndex, fold
from histgraph.present.labels import LabelIndex, local_name
from histgraph.present.reconcile_input import Query, ReconcileRefused, nesting_depth, read_batch
from histgraph.store import EmbeddedStore
from histgraph.web import create_app
from histgraph.wikidata import names as name_forms
from histgraph.wikidata.names import clean, normalise, search_forms, similarity, tokens

from ..conftest import ROOT
from ..servers import close_app

BASE = "https://histgraph.example.org/"
#: What made the old code quadratic, and its relatives: runs of one opener,
#: openers between letters, spaces before "(", accents of alternating classes
#: (each pair is reordered), a Tibetan sign that decomposes into two marks, quotes
#: and backslashes (JSON and regular-expression escapes), leading articles.
BLOCKS = ["(", "a(", " (", " ", "\t", '"', "\\", "\\\"", "[", "]", ")(", "\u0301\u0316", "\u0f73",
          "e\u0301", "the ", "Ǆ", "Ленин", "毛", "{", "[{", "\u00a0"]
LONG = 60_000

hostile_text = st.one_of(
    # One block, or a few joined, repeated up to about 60,000 characters.
    st.tuples(st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=3).map("".join), st.integers(1, LONG))
    .map(lambda pair: (pair[0] * (pair[1] // len(pair[0]) + 1))[:LONG]),
    # Mixed text of any script, with a long tail of one block.
    st.tuples(st.text(max_size=200), st.sampled_from(BLOCKS), st.integers(1, LONG // 2))
    .map(lambda t: t[0] + t[1] * t[2]),
)
#: The inputs that were slow before, always tried first.
REPORTED = ["(" * LONG, "a(" * (LONG // 2), " " * LONG + "(", "\u0301\u0316" * (LONG // 2), "\u0f73" * LONG,
            '\\"' * (LONG // 2), "[" * LONG]
_SETTINGS = settings(deadline=2000, max_examples=40, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.data_too_large])


def linear_time(test=None, *, deadline: int | None = 2000):  # type: ignore[no-untyped-def]
    """Hypothesis settings for these properties, with the reported inputs as explicit examples.

    ``linear_time(deadline=None)`` drops the deadline, for a test whose time is not the text's.
    """
    def decorate(test):  # type: ignore[no-untyped-def]
        for text in REPORTED:
            test = example(text)(test)
        return settings(_SETTINGS, deadline=deadline)(test)

    return decorate if test is None else decorate(test)


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    return EmbeddedStore.from_quads(read_project(ROOT / "data").quads, version="linear-text")


@pytest.fixture(scope="module")
def indexes(store: EmbeddedStore) -> tuple[reconcile.Index, NameIndex]:
    """The reconciliation index and the search index of the real data."""
    return reconcile.build_index(store, BASE), NameIndex.load(store, LabelIndex.load(store), BASE)


@pytest.fixture(scope="module")
def client(store: EmbeddedStore) -> Iterator[FlaskClient]:
    """The real app over the real data, without a budget (this file sends many requests)."""
    app = create_app({"project_dir": ROOT, "client_rate": 0}, store=store, environ={})
    try:
        yield app.test_client()
    finally:
        close_app(app)


def test_examples_in_docstrings() -> None:
    """Protects the documented behaviour of the text functions (brackets, articles, accents, nesting)."""
    for module in (normal_forms, name_forms, reconcile_input):
        assert doctest.testmod(module).failed == 0


@linear_time
@given(hostile_text)
def test_name_functions_take_any_text(text: str) -> None:
    """Protects the name functions (reconcile, `histgraph link`): linear on hostile text, and still correct."""
    normalised = normalise(text)
    assert normalised == " ".join(normalised.split())  # single spaces, none at the ends
    assert normalised == normalised.casefold()
    cleaned = clean(text)
    assert "[" not in cleaned and "]" not in cleaned
    assert tokens(text) == set(normalised.split())
    assert 0.0 <= similarity(text, "Zhou Enlai") <= 1.0
    assert search_forms(text) in ([], [cleaned])
    assert not any(0x300 <= ord(ch) <= 0x36F for ch in without_marks(text))
    assert fold(text) == fold(text).casefold()
    assert nesting_depth(text, 16) >= 0
    local_name("https://example.org/" + text)


@linear_time
@given(hostile_text)
def test_matching_takes_any_text(indexes: tuple[reconcile.Index, NameIndex], text: str) -> None:
    """Protects the matchers: a hostile name of any length is matched in linear time with sane results."""
    index, names = indexes
    results = reconcile.match(index, Query(text, frozenset(), 100, (text,)))
    assert all(0 <= r["score"] <= 100 for r in results)
    assert isinstance(reconcile.suggest_entities(index, text), list)
    assert isinstance(names.search(text, limit=10), list)


@linear_time
@given(hostile_text)
def test_batch_reader_takes_any_text(text: str) -> None:
    """Protects the batch reader: any text, as the batch or as a name in one, is read or refused (400)."""
    for raw in (text, json.dumps({"q0": {"query": text}}), json.dumps({"q0": {"query": text[:1000]}})):
        try:
            batch = read_batch(raw)
        except ReconcileRefused as exc:
            assert exc.status == 400 and str(exc)
        else:
            assert all(len(q.text) <= 1000 for q in batch.values())


# No deadline here: a route's answer goes through query processes and the web stack,
# whose time on a loaded machine says nothing about the text; the functions that
# handle user text have the deadline and the n-versus-4n scaling checks above.
@linear_time(deadline=None)
@given(hostile_text)
def test_routes_answer_any_text(client: FlaskClient, text: str) -> None:
    """Protects the routes: hostile text in search, autocomplete, reconcile and suggest gets 200 or 4xx JSON."""
    short = text[:1000]
    answers = [
        client.get("/api/labels", query_string={"q": text}),
        client.get("/reconcile/suggest/entity", query_string={"prefix": text}),
        client.post("/reconcile", data={"queries": text}),
        client.post("/reconcile", data={"queries": json.dumps({"q0": {"query": short}, "q1": {"query": text}})}),
        client.post("/reconcile", data={"queries": json.dumps({f"q{i}": {"query": short} for i in range(50)})}),
    ]
    for response in answers:
        assert response.status_code == 200 or 400 <= response.status_code < 500
        assert isinstance(response.get_json(), dict)  # JSON, never a traceback page
    assert client.get("/search", query_string={"q": text}).status_code == 200


def _best_time(work: Callable[[], object], repeats: int = 3) -> float:
    """The fastest of a few runs: noise only ever adds time."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


#: Each function with the input that was worst for it (or for the code it replaced).
WORST: dict[str, tuple[Callable[[str], object], str]] = {
    "clean on (": (clean, "("),
    "clean on a(": (clean, "a("),
    "clean on spaces before (": (clean, " " * 50 + "("),
    "normalise on alternating accents": (normalise, "\u0301\u0316"),
    "normalise on a sign of two marks": (normalise, "\u0f73"),
    "fold on alternating accents": (fold, "\u0301\u0316"),
    "batch reader on [": (lambda t: _refused(read_batch, t), "["),
    "batch reader on escaped quotes": (lambda t: _refused(read_batch, '"' + t), '\\"'),
}


def _refused(read: Callable[[str], object], text: str) -> None:
    try:
        read(text)
    except ReconcileRefused:
        pass


@pytest.mark.parametrize("name", list(WORST))
def test_work_grows_linearly(name: str) -> None:
    """Protects linear time directly: 4 times the input costs far less than 16 times the work (quadratic)."""
    function, unit = WORST[name]
    small, large = unit * (15_000 // len(unit)), unit * (60_000 // len(unit))
    function(small)  # warm up caches and imports
    ratio = _best_time(lambda: function(large)) / max(_best_time(lambda: function(small)), 1e-6)
    assert ratio < 10, f"{name}: 4x the input took {ratio:.1f}x the time"


def test_matching_grows_linearly(indexes: tuple[reconcile.Index, NameIndex]) -> None:
    """Protects the matcher: a query 4 times longer costs about 4 times more, not 16."""
    index, _ = indexes

    def match(text: str) -> Callable[[], object]:
        return lambda: reconcile.match(index, Query(text, frozenset(), 5, ()))

    ratio = _best_time(match("a(" * 30_000)) / max(_best_time(match("a(" * 7_500)), 1e-6)
    assert ratio < 10
