"""SIGTERM answers every connection already made; none is reset (issue #12, item 8).

A stopping gunicorn worker closed its listening socket at once, and the kernel
reset the connections still waiting in the listen backlog: clients that had
connected and sent their request got ECONNRESET (6 of 8 under load). Now the
master first stops the socket from completing new handshakes, and each worker
accepts and answers everything queued before it closes the socket, then
finishes the requests in flight. A client arriving after that is refused
(connection refused), which a client or load balancer can retry safely.

To have connections certainly queued in the backlog, the test stops both
workers (SIGSTOP) while clients connect, then sends SIGTERM to the master and
lets the workers go on (SIGCONT) once the master has closed its own socket.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import threading
import urllib.parse
from pathlib import Path

import pytest

from ..servers import FIXTURE_DATA
from .harness import Server, histgraph_serve, sparql, until

pytestmark = pytest.mark.server

QUEUED = 8
ASK = "ASK { ?s ?p ?o }"


def _request(query: str) -> bytes:
    return (
        f"GET /sparql?{urllib.parse.urlencode({'query': query})} HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\nAccept: application/sparql-results+json\r\nConnection: close\r\n\r\n"
    ).encode()


def _answer(conn: socket.socket) -> tuple[int, dict]:
    """Read the whole HTTP answer on ``conn``: its status and parsed JSON body."""
    response = http.client.HTTPResponse(conn)
    response.begin()
    return response.status, json.loads(response.read())


def _listening_inode(port: int) -> str:
    """The inode of the socket listening on 127.0.0.1:``port``, from /proc/net/tcp."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A":
            return fields[9]
    raise AssertionError(f"nothing listens on port {port}")


def _holds(pid: int, inode: str) -> bool:
    """True while process ``pid`` has the socket ``inode`` open."""
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except FileNotFoundError:
        return False
    links = set()
    for name in names:
        try:
            links.add(os.readlink(f"/proc/{pid}/fd/{name}"))
        except OSError:
            continue
    return f"socket:[{inode}]" in links


def _late(port: int) -> str:
    """What a client connecting now gets: an answer, or a refusal."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall(_request(f"{ASK} # late"))
            return f"answered {_answer(conn)[0]}"
    except ConnectionRefusedError:
        return "refused"


def _load(server: Server, port: int, stop: threading.Event, outcomes: list[str]) -> None:
    """Connections one after another until ``stop``: each answered, refused, or (never) reset."""
    for n in range(2000):
        if stop.is_set():
            return
        try:
            conn = socket.create_connection(("127.0.0.1", port), timeout=30)
        except (ConnectionRefusedError, TimeoutError):
            outcomes.append("refused")  # the socket is closed (or sealed): the server is gone
            stop.wait(0.1)
            continue
        with conn:
            try:
                conn.sendall(_request(f"{ASK} # load {n}"))
                status, body = _answer(conn)
                outcomes.append("answered" if status == 200 and body["boolean"] is True else f"{status}")
            except (OSError, http.client.HTTPException) as exc:
                outcomes.append(f"reset: {exc!r}")


def test_sigterm_answers_queued_and_in_flight_requests(tmp_path: Path) -> None:
    """Protects shutdown under load: 8 connections queued, 1 in flight, a looping client: 0 resets; later ones refused."""
    env = {"HISTGRAPH_CLIENT_RATE": "0"}
    with histgraph_serve(tmp_path, ["serve", "--workers", "2", str(FIXTURE_DATA)], env) as server:
        port = urllib.parse.urlsplit(server.url).port
        assert port is not None
        _, expected = sparql(server.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        query = b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # in flight"
        in_flight = socket.create_connection(("127.0.0.1", port), timeout=60)
        in_flight.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Accept: application/sparql-results+json\r\nContent-Type: application/sparql-query\r\n"
            + f"Content-Length: {len(query)}\r\n\r\n".encode()
            + query[:10]
        )
        stop = threading.Event()
        outcomes: list[str] = []
        load = threading.Thread(target=_load, args=(server, port, stop, outcomes))
        load.start()
        until(lambda: len(outcomes) >= 5, "answers to the looping client")

        workers = server.workers()
        for pid in workers:
            os.kill(pid, signal.SIGSTOP)
        queued = []
        try:
            for n in range(QUEUED):
                conn = socket.create_connection(("127.0.0.1", port), timeout=60)
                conn.sendall(_request(f"{ASK} # queued {n}"))
                queued.append(conn)
            inode = _listening_inode(port)
            os.kill(server.process.pid, signal.SIGTERM)
            until(lambda: not _holds(server.process.pid, inode), "the master closing its socket")
            # The master sealed the socket before closing it: this handshake cannot complete,
            # so the client cannot be accepted into a queue that is about to be closed.
            late: list[str] = []
            late_client = threading.Thread(target=lambda: late.append(_late(port)))
            late_client.start()
        finally:
            for pid in workers:
                os.kill(pid, signal.SIGCONT)
        in_flight.sendall(query[10:])
        answers = []
        for conn in queued:
            with conn:
                answers.append(_answer(conn))
        with in_flight:
            in_flight_answer = _answer(in_flight)
        code = server.process.wait(timeout=60)
        stop.set()
        load.join()
        late_client.join()
    assert answers == [(200, {"head": {}, "boolean": True})] * QUEUED
    assert in_flight_answer == (200, expected)
    assert [outcome for outcome in outcomes if outcome not in ("answered", "refused")] == []
    assert late == ["refused"]
    assert code == 0
