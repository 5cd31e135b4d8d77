"""Under faults the service keeps answering and loses nothing (a real gunicorn server each).

Short, count-based versions of the load test's fault runs (benchmarks/load_test.py):
as many runaway queries as workers, a rebuild and reload while requests flow, a
corrupt build, a build that fails, the per-client budget across workers, and
SIGTERM with a request in flight.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from histgraph.build.finish import switch_current
from histgraph.build.pipeline import build
from histgraph.errors import InputError

from ..servers import BIN
from .harness import built_project, histgraph_serve, project_settings, sparql

pytestmark = pytest.mark.server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
MARKER = "https://histgraph.example.org/id/person/reload-marker"
MARKER_QUERY = f"ASK {{ <{MARKER}> ?p ?o }}"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: Quiet, fast settings for these servers: no budget (one client sends everything).
ENV = {"HISTGRAPH_CLIENT_RATE": "0", "HISTGRAPH_RELOAD_POLL": "0.2"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh built copy of the project per test (a build takes well under a second)."""
    return built_project(tmp_path / "project")


def _until(condition, what: str, limit: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Wait for ``condition()``; fail saying ``what`` did not happen (a safety net, not a measure)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {limit} s")
        time.sleep(0.1)


def test_runaways_as_many_as_workers_leave_service_answering(project: Path, tmp_path: Path) -> None:
    """Protects admission control: 2 runaway queries on 2 workers; point queries are all answered meanwhile."""
    env = {**ENV, "HISTGRAPH_QUERY_TIMEOUT": "4"}
    with histgraph_serve(tmp_path, ["--project", str(project), "serve", "--workers", "2"], env) as server:
        runaway_answers: list[tuple[int, dict]] = []
        runaways = [
            threading.Thread(target=lambda: runaway_answers.append(sparql(server.url, RUNAWAY)))
            for _ in range(2)
        ]
        for thread in runaways:
            thread.start()
        served, failed = 0, []
        while any(t.is_alive() for t in runaways):
            # A fresh text each time, so the answer cache cannot answer for the query process.
            status, body = sparql(server.url, f"ASK {{ ?s ?p ?o }} # {served}")
            if status == 200 and body.get("boolean") is True:
                served += 1
            else:
                failed.append((status, body))
        for thread in runaways:
            thread.join()
    assert failed == []
    assert served > 0
    assert sorted(status for status, _ in runaway_answers) == [503, 503]
    messages = " ".join(body["message"] for _, body in runaway_answers)
    assert "slots for expensive queries are busy" in messages  # one refused at once
    assert "was stopped" in messages  # the other admitted, then stopped at the limit


def test_reload_while_requests_flow_loses_nothing(project: Path, tmp_path: Path) -> None:
    """Protects publishing without loss: a rebuild switches the server to the new data, no request fails."""
    with histgraph_serve(tmp_path, ["--project", str(project), "serve"], ENV) as server:
        stop = threading.Event()
        results: list[tuple[int, object]] = []

        def traffic() -> None:
            n = 0
            while not stop.is_set():
                n += 1
                status, body = sparql(server.url, f"{MARKER_QUERY} # {n}")
                results.append((status, body.get("boolean")))

        clients = [threading.Thread(target=traffic) for _ in range(3)]
        for thread in clients:
            thread.start()
        _until(lambda: len(results) > 20, "traffic before the rebuild")
        extra = project / "data" / "authorities" / "reload-marker.ttl"
        extra.write_text(f"<{MARKER}> <http://www.w3.org/2000/01/rdf-schema#label> \"Marker\"@en .\n")
        try:
            build(project_settings(project), validate=False)
            _until(lambda: results[-1] == (200, True), "the switch to the new build")
            seen = len(results)
            _until(lambda: len(results) > seen + 20, "traffic after the rebuild")
        finally:
            stop.set()
            for thread in clients:
                thread.join()
            extra.unlink()
    assert [r for r in results if r[0] != 200] == []
    answers = [answer for _, answer in results]
    assert answers[0] is False and answers[-1] is True
    # Once switched, never back: old workers stop taking requests when new ones start.
    switched = answers.index(True)
    assert all(answers[switched:])


def test_failed_and_corrupt_builds_leave_last_good_serving(project: Path, tmp_path: Path) -> None:
    """Protects the last good build: a parse error publishes nothing; a corrupt store is refused with a message."""
    with histgraph_serve(tmp_path, ["--project", str(project), "serve"], ENV) as server:
        _, before = sparql(server.url, COUNT)
        broken = project / "data" / "authorities" / "broken.ttl"
        broken.write_text("<http://example.org/a> <http://example.org/b> .\n")
        try:
            with pytest.raises(InputError):
                build(project_settings(project), validate=False)
        finally:
            broken.unlink()
        # A sound build made elsewhere, copied in, then truncated: what a full disk leaves.
        other = built_project(tmp_path / "other")
        (other / "data" / "authorities" / "reload-marker.ttl").write_text(
            f"<{MARKER}> <http://www.w3.org/2000/01/rdf-schema#label> \"Marker\"@en .\n"
        )
        made = build(project_settings(other), validate=False)
        root = project / "build"
        target = root / "builds" / made.build_id
        shutil.copytree(made.path, target)
        biggest = max((target / "store").glob("*.sst"), key=lambda p: p.stat().st_size)
        with open(biggest, "r+b") as handle:
            handle.truncate(biggest.stat().st_size // 2)
        switch_current(root, target)
        _until(lambda: "refusing the new build" in server.log_text(), "the refusal in the log")
        status, after = sparql(server.url, COUNT)
        marker_status, marker = sparql(server.url, MARKER_QUERY)
    assert "do not match its manifest" in server.log_text()
    assert status == 200 and after == before
    assert marker_status == 200 and marker["boolean"] is False


def test_client_budget_is_shared_by_workers(project: Path, tmp_path: Path) -> None:
    """Protects the per-client budget: a burst of 5 across 2 workers, then 429 with Retry-After."""
    env = {"HISTGRAPH_CLIENT_RATE": "0.01", "HISTGRAPH_CLIENT_BURST": "5"}
    with histgraph_serve(tmp_path, ["--project", str(project), "serve", "--workers", "2"], env) as server:
        statuses, retry_after = [], set()
        for n in range(12):
            status, body = sparql(server.url, f"ASK {{ ?s ?p ?o }} # {n}")
            statuses.append(status)
            if status == 429:
                retry_after.add("budget" in body["message"])
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{server.url}/sparql?query=ASK%7B%7D", timeout=30)
        refused.value.close()
    # The server's readiness probe spent the fifth token.
    assert statuses.count(200) == 4
    assert statuses.count(429) == 8
    assert retry_after == {True}
    assert refused.value.code == 429 and int(refused.value.headers["Retry-After"]) >= 1


def test_sigterm_lets_a_request_in_flight_finish(project: Path, tmp_path: Path) -> None:
    """Protects graceful shutdown: a request being received when SIGTERM arrives is still answered."""
    query = COUNT.encode()
    with histgraph_serve(tmp_path, ["--project", str(project), "serve", "--workers", "2"], ENV) as server:
        _, expected = sparql(server.url, COUNT)
        port = urllib.parse.urlsplit(server.url).port
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                b"Accept: application/sparql-results+json\r\n"
                b"Content-Type: application/sparql-query\r\n"
                + f"Content-Length: {len(query)}\r\n\r\n".encode()
                + query[:10]
            )
            time.sleep(0.5)  # let a worker take the request (not a measure: either way it must finish)
            workers = server.workers()
            os.kill(server.process.pid, signal.SIGTERM)
            # The idle worker exits at once; the busy one waits for its request.
            _until(lambda: len(server.workers()) < len(workers), "the idle worker's exit")
            conn.sendall(query[10:])
            reply = b""
            while chunk := conn.recv(65536):
                reply += chunk
        code = server.process.wait(timeout=60)
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == b"200"
    assert json.loads(body) == expected
    assert code == 0


def test_serve_refuses_a_corrupt_build_at_start(project: Path) -> None:
    """Protects the first start: a truncated store is refused with a message saying what to do, nothing served."""
    current = (project / "build" / "current").resolve()
    biggest = max((current / "store").glob("*.sst"), key=lambda p: p.stat().st_size)
    with open(biggest, "r+b") as handle:
        handle.truncate(1)
    done = subprocess.run(
        [str(BIN / "histgraph"), "--project", str(project), "serve", "--port", "9"],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert done.returncode != 0
    assert "do not match its manifest" in done.stderr
    assert "histgraph build" in done.stderr
