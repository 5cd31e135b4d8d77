"""``/reconcile`` is bounded: client mistakes get 400, big batches pay, slow reads stop (issue #12, items 3 and 11).

Before: a ``limit`` of ``1e400`` or 100,000 ``[`` in ``queries`` were answered
500 with a traceback logged; there was no budget, no time limit, and two 60 KB
requests of ``(`` kept both workers busy for 50 s. The mistakes are now 400
with a sentence saying what to send, a batch costs one unit of the client's
budget per query, the index is read through the time-limited executor, and
matching is linear (tests/security/test_user_text_linear.py).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from histgraph.build.load import read_project
from histgraph.present.reconcile_input import MAX_BATCH, MAX_LIMIT, MAX_TEXT
from histgraph.store import EmbeddedStore
from histgraph.web import create_app

from ..conftest import ROOT
from ..servers import close_app, make_client
from .harness import built_project, histgraph_serve

PAGE = "/id/person/mao-zedong"


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    return EmbeddedStore.from_quads(read_project(ROOT / "data").quads, version="reconcile-bounded")


@contextmanager
def app_client(store: EmbeddedStore, **settings: Any) -> Iterator[FlaskClient]:
    """The real app over the real data with ``settings``; its query processes stop at the end."""
    app = create_app({"project_dir": ROOT, **settings}, store=store, environ={})
    try:
        yield app.test_client()
    finally:
        close_app(app)


@pytest.fixture(scope="module")
def client(store: EmbeddedStore) -> Iterator[FlaskClient]:
    with app_client(store, client_rate=0) as test_client:
        yield test_client


def one(query: dict[str, Any]) -> str:
    return json.dumps({"q0": query})


#: Each mistake, and the word its message must name so the sender knows what to fix.
MISTAKES = {
    "limit 1e400 (infinite)": ('{"q0": {"query": "Mao", "limit": 1e400}}', "limit"),
    "limit NaN": ('{"q0": {"query": "Mao", "limit": NaN}}', "limit"),
    'limit "x"': (one({"query": "Mao", "limit": "x"}), "limit"),
    "limit -1": (one({"query": "Mao", "limit": -1}), "limit"),
    "limit 0": (one({"query": "Mao", "limit": 0}), "limit"),
    "limit true": (one({"query": "Mao", "limit": True}), "limit"),
    "limit 2.5": (one({"query": "Mao", "limit": 2.5}), "limit"),
    # 30,000 fit in a request (url-encoded, under max_request_bytes); Python's parser gives up at ~1,000.
    "30,000 [": ("[" * 30_000, "nests"),
    "30,000 { inside a query": ('{"q0": {"query": "Mao", "properties": ' + "{" * 30_000 + "}}", "nests"),
    "nesting just past the bound": ('{"q0": {"query": "Mao", "properties": [{"v": ' + "[" * 13 + "]" * 13 + "}]}}",
                                    "nests"),
    "not JSON": ("not json", "JSON"),
    "a list, not an object": ("[1, 2]", "object"),
    "a query that is text, not an object": (json.dumps({"q0": "Mao"}), "object"),
    "a query that is a number": (json.dumps({"q0": 7}), "object"),
    "query text that is a number": (one({"query": 1950}), "query"),
    "a name too long": (one({"query": "(" * (MAX_TEXT + 1)}), "query"),
    "a batch too big": (json.dumps({f"q{i}": {"query": "Mao"} for i in range(MAX_BATCH + 1)}), "batch"),
    "type an object": (one({"query": "Mao", "type": {"id": "E21_Person"}}), "type"),
    "properties not a list": (one({"query": "Mao", "properties": "asWritten"}), "properties"),
    "a property value too long": (one({"query": "Mao", "properties": [{"pid": "asWritten", "v": "x" * 5000}]}),
                                  "properties"),
}


@pytest.mark.parametrize("name", list(MISTAKES))
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_client_mistakes_get_400_with_a_message(client: FlaskClient, name: str, method: str) -> None:
    """Protects against 500s and tracebacks: each malformed batch gets 400 and a message naming what to fix."""
    raw, word = MISTAKES[name]
    if method == "POST":
        response = client.post("/reconcile", data={"queries": raw})
    else:
        response = client.get("/reconcile", query_string={"queries": raw})
    assert response.status_code == 400
    body = response.get_json()
    assert body["status"] == "error"
    assert word.lower() in body["message"].lower()
    assert "Traceback" not in body["message"] and len(body["message"]) < 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # OpenRefine can read why


def test_limits_above_the_maximum_are_the_maximum(client: FlaskClient) -> None:
    """Protects clients asking for many candidates: a limit over the maximum is answered with at most the maximum."""
    response = client.post("/reconcile", data={"queries": one({"query": "a", "limit": 10**6})})
    assert response.status_code == 200
    assert len(response.get_json()["q0"]["result"]) <= MAX_LIMIT
    text_limit = client.post("/reconcile", data={"queries": one({"query": "Leningrad", "limit": "2"})})
    assert text_limit.get_json()["q0"]["result"][0]["id"] == "place/leningrad"


def test_queries_longer_than_the_request_limit_get_413(store: EmbeddedStore) -> None:
    """Protects memory and time: a ``queries`` parameter over max_request_bytes is refused before it is parsed."""
    with app_client(store, client_rate=0, max_request_bytes=1000) as small:
        response = small.get("/reconcile", query_string={"queries": one({"query": "x" * 2000})})
        assert response.status_code == 413 and "smaller" in response.get_json()["message"]
        body = small.post("/reconcile", data={"queries": one({"query": "x" * 2000})})
        assert body.status_code == 413


def test_a_batch_costs_one_unit_per_query(store: EmbeddedStore) -> None:
    """Protects the budget: a batch of n queries costs n; past the burst, 429 with Retry-After and advice."""
    batch = json.dumps({f"q{i}": {"query": "Zhou Enlai"} for i in range(MAX_BATCH)})
    with app_client(store, client_rate=0.01, client_burst=MAX_BATCH + 5) as limited:
        first = limited.post("/reconcile", data={"queries": batch})
        assert first.status_code == 200 and len(first.get_json()) == MAX_BATCH
        second = limited.post("/reconcile", data={"queries": batch})
        assert second.status_code == 429
        assert int(second.headers["Retry-After"]) >= 1
        assert "budget" in second.get_json()["message"]
        small = json.dumps({f"q{i}": {"query": "Mao"} for i in range(4)})
        assert limited.post("/reconcile", data={"queries": small}).status_code == 200  # 5 were left
        assert limited.post("/reconcile", data={"queries": small}).status_code == 429
        other = limited.post("/reconcile", data={"queries": batch}, environ_base={"REMOTE_ADDR": "192.0.2.9"})
        assert other.status_code == 200  # another client has its own budget


def test_index_read_out_of_time_is_503_and_not_cached(store: EmbeddedStore) -> None:
    """Protects the time limit: the index is read in a killable query process; out of time is 503 + Retry-After."""
    # A limit of 0: the answer is looked for at once, before any process could have
    # made it, so the read is always stopped (a tiny positive limit is rounded up to
    # the millisecond by poll(), and a small index can be read in that time).
    with app_client(store, client_rate=0, query_timeout=0) as hurried:
        for path in ("/reconcile?queries=" + urllib.parse.quote(one({"query": "Mao"})), "/api/labels?q=Mao"):
            for _ in range(2):  # nothing half-read was kept: the second request tries again
                response = hurried.get(path)
                assert response.status_code == 503
                assert int(response.headers["Retry-After"]) >= 1
                assert "time limit" in response.get_json()["message"]


def test_remote_backend_reads_the_index_through_its_executor(tmp_path: Path) -> None:
    """Protects the remote backend: reconcile and search read their index from the remote store within the limit."""
    with make_client("remote", tmp_path, client_rate=0) as remote:
        response = remote.post("/reconcile", data={"queries": one({"query": "Alice"})})
        assert response.status_code == 200 and response.get_json()["q0"]["result"] == []
        assert remote.get("/api/labels", query_string={"q": "Alice"}).status_code == 200


def _post(url: str, raw: str) -> tuple[int, dict]:
    data = urllib.parse.urlencode({"queries": raw}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(f"{url}/reconcile", data=data), timeout=120) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.load(exc)


def _page(url: str) -> int:
    request = urllib.request.Request(url + PAGE, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        answer.read()
        return answer.status


@pytest.mark.server
def test_hostile_batches_leave_the_site_answering(tmp_path: Path) -> None:
    """Protects availability on a real 2-worker server: while two clients send 90 KB requests of "(" without
    pause (the reported attack, refused, and a batch of 50 hostile names, answered), entity pages are answered."""
    project = built_project(tmp_path / "project")
    # As large as a form-encoded request may be (max_request_bytes; "(" is sent as %28).
    reported = one({"query": "(" * 30_000})
    largest = json.dumps({f"q{i}": {"query": "a(" * 350} for i in range(MAX_BATCH)})
    assert len(urllib.parse.urlencode({"queries": largest})) < 100_000
    most_rounds = 200  # the attack goes on until pages were answered during it (bounded)
    answers: list[tuple[bool, int, dict]] = []  # (was it the reported attack, status, body)
    in_flight = [0]
    lock = threading.Lock()
    enough = threading.Event()

    def attacker() -> None:
        for n in range(most_rounds):
            if enough.is_set() and n >= 2:
                return
            with lock:
                in_flight[0] += 1
            try:
                is_reported = bool(n % 2)
                answers.append((is_reported, *_post(server.url, reported if is_reported else largest)))
            finally:
                with lock:
                    in_flight[0] -= 1

    env = {"HISTGRAPH_CLIENT_RATE": "0"}
    with histgraph_serve(tmp_path, ["--project", str(project), "serve", "--workers", "2"], env) as server:
        attackers = [threading.Thread(target=attacker) for _ in range(2)]
        for thread in attackers:
            thread.start()
        pages: list[tuple[int, int]] = []  # (status, hostile requests in flight when it came back)
        while any(thread.is_alive() for thread in attackers) and len(pages) < 2000:
            status = _page(server.url)
            with lock:
                pages.append((status, in_flight[0]))
            if sum(1 for _, busy in pages if busy) >= 5:
                enough.set()
        enough.set()
        for thread in attackers:
            thread.join()
    assert len(answers) >= 4
    # The largest batch is answered; 30,000 "(" as one name is refused (too long), quickly.
    for is_reported, status, body in answers:
        assert status == (400 if is_reported else 200), body
        assert len(body) == MAX_BATCH if status == 200 else "query" in body["message"]
    assert pages and all(status == 200 for status, _ in pages)
    assert any(busy for _, busy in pages)  # answered while a hostile batch was being worked on
