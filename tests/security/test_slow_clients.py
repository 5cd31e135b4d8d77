"""Slow clients hold a connection, not a worker; connections are kept alive (issue #12, item 6).

Under gunicorn's sync workers, two sockets sending their headers a byte at a
time took both workers and nobody else was answered. ``histgraph serve`` now
runs gevent workers (histgraph.web.server_worker): a slow connection holds only a
greenlet, the request head of a new connection must arrive within
``header_timeout`` seconds and the next one on a kept-alive connection within
``keepalive`` seconds, and connections are kept alive between requests. The
figures with times, side by side with the sync model, come from
benchmarks/slow_clients.py (docs/benchmarks.md).
"""

from __future__ import annotations

import http.client
import json
import select
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .harness import built_project, histgraph_serve

pytestmark = pytest.mark.server

SLOW_SOCKETS = 200
CHECKS = 100
#: An entity page (read in the worker) and a query (run in a query process).
ENTITY = "/id/person/molotov"
ASK = "/sparql?query=ASK%7B%7D"


def _slow_sockets(port: int, count: int) -> list[socket.socket]:
    """``count`` connections that have sent the start of a request head, and no end."""
    sockets = []
    for _ in range(count):
        conn = socket.create_connection(("127.0.0.1", port), timeout=30)
        conn.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        sockets.append(conn)
    return sockets


def _trickle(sockets: list[socket.socket], stop: threading.Event, failed: list[int]) -> None:
    """One more header byte on every socket each second, until ``stop`` (at most 10 minutes)."""
    for _ in range(600):
        for n, conn in enumerate(sockets):
            if n not in failed:
                try:
                    conn.sendall(b"a")
                except OSError:
                    failed.append(n)
        if stop.wait(1.0):
            return


def _still_open(conn: socket.socket) -> bool:
    """True when the server has neither closed nor reset ``conn`` (nothing to read, no EOF)."""
    # (select, not a non-blocking recv: a socket with a timeout waits before it reads)
    readable, _, _ = select.select([conn], [], [], 0)
    if not readable:
        return True
    try:
        return conn.recv(1) != b""
    except OSError:
        return False


def _health_check(url: str, n: int) -> bool:
    """An entity page or a SPARQL query answered 200 with the right body."""
    path = ENTITY if n % 2 else ASK
    request = urllib.request.Request(url + path, headers={"Accept": "application/sparql-results+json"})
    if path == ENTITY:
        request = urllib.request.Request(url + path, headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            if path == ASK:
                return response.status == 200 and json.loads(body)["boolean"] is True
            return response.status == 200 and b"Molotov" in body and response.headers.get_content_type() == "text/html"
    except (urllib.error.URLError, OSError):
        return False


def test_200_slow_clients_leave_the_service_answering(tmp_path: Path) -> None:
    """Protects availability: 200 sockets trickling header bytes; >= 99% of health checks answered while they stay open."""
    project = built_project(tmp_path / "project")
    # A long header_timeout keeps the slow sockets open through every check: what
    # is tested here is that they hold no worker, not that they are cut off.
    env = {"HISTGRAPH_CLIENT_RATE": "0", "HISTGRAPH_HEADER_TIMEOUT": "600"}
    with histgraph_serve(tmp_path, ["--project", str(project), "serve"], env) as server:
        port = urllib.parse.urlsplit(server.url).port
        assert port is not None
        sockets = _slow_sockets(port, SLOW_SOCKETS)
        stop = threading.Event()
        failed: list[int] = []
        trickle = threading.Thread(target=_trickle, args=(sockets, stop, failed))
        trickle.start()
        try:
            answered = sum(_health_check(server.url, n) for n in range(CHECKS))
            open_after = sum(_still_open(conn) for conn in sockets)
        finally:
            stop.set()
            trickle.join()
            for conn in sockets:
                conn.close()
    assert answered >= 0.99 * CHECKS
    assert failed == [] and open_after == SLOW_SOCKETS  # the checks ran while all 200 were open


def test_slow_heads_are_cut_off_and_connections_kept_alive(tmp_path: Path) -> None:
    """Protects the time limits: a head trickling past header_timeout is closed; keep-alive reuses, then idles out."""
    project = built_project(tmp_path / "project")
    env = {"HISTGRAPH_CLIENT_RATE": "0", "HISTGRAPH_HEADER_TIMEOUT": "1", "HISTGRAPH_KEEPALIVE": "1"}
    with histgraph_serve(tmp_path, ["--project", str(project), "serve"], env) as server:
        port = urllib.parse.urlsplit(server.url).port
        assert port is not None
        with socket.create_connection(("127.0.0.1", port), timeout=30) as slow:
            slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            sent, closed = 0, False
            while sent < 300 and not closed:  # 300 bytes at 5 a second: a minute at most
                try:
                    slow.sendall(b"a")
                    sent += 1
                except OSError:
                    closed = True
                    break
                closed = not _still_open(slow)
                threading.Event().wait(0.2)
        assert closed and sent < 300  # cut off long before its head could end

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        statuses, local_ports = [], set()
        for n in range(3):
            conn.request("GET", f"/sparql?query=ASK%7B%7D%23{n}", headers={"Accept": "application/sparql-results+json"})
            response = conn.getresponse()
            statuses.append((response.status, json.loads(response.read())["boolean"]))
            assert conn.sock is not None
            local_ports.add(conn.sock.getsockname()[1])
        sock = conn.sock
        sock.settimeout(30)
        idle_end = sock.recv(1)  # the server closes the idle connection after keepalive
        conn.close()
    assert statuses == [(200, True)] * 3
    assert len(local_ports) == 1  # three answers over one connection
    assert idle_end == b""
