"""Slow clients and keep-alive: health checks while 200 sockets trickle their headers (issue #12, item 6).

Run: ``.venv/bin/python benchmarks/slow_clients.py [--seconds 20] [--slow 200] [--quick] [--json]``

A copy of the project is built (without SHACL validation) and served twice in
the same run, with default settings except the per-client budget (off: the
whole load comes from 127.0.0.1): once with the default server model (gevent
workers) and once with ``HISTGRAPH_SERVER_MODEL=sync`` (gunicorn's sync
workers, the model before). For each: ``--slow`` sockets connect and send the
start of a request head, then one more header byte every second; meanwhile
one client sends health checks one at a time for ``--seconds``: ``ASK {}``
(a fresh comment each time, so it runs in a query process) and
``/id/person/molotov`` (HTML) alternately, each with a 5 s timeout. Then 100
requests over one keep-alive connection (``http.client``) show whether the
server keeps connections open. Prints a Markdown table.

The slow sockets use the default ``header_timeout`` (10 s) of the gevent
model: a slow socket cut off is opened again at once, as an attacker would.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_harness import NO_CLIENT_BUDGET, emit, main_guard, need  # noqa: E402
from tests.conftest import copy_project  # noqa: E402
from tests.servers import BIN, free_port, running  # noqa: E402

from histgraph.build.pipeline import build  # noqa: E402
from histgraph.config import load_settings  # noqa: E402

HEAD_START = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


class SlowClients:
    """``count`` sockets trickling a request head, one byte a second each, reopened when cut off."""

    def __init__(self, port: int, count: int) -> None:
        self.port = port
        self.sockets: list[socket.socket | None] = [None] * count
        self.reopened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _open(self) -> socket.socket | None:
        try:
            conn = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            conn.sendall(HEAD_START)
            return conn
        except OSError:
            return None

    def _run(self) -> None:
        while not self._stop.is_set():
            for n, conn in enumerate(self.sockets):
                try:
                    if conn is None:
                        raise OSError
                    conn.sendall(b"a")
                except OSError:
                    if conn is not None:
                        conn.close()
                        self.reopened += 1
                    self.sockets[n] = self._open()
            self._stop.wait(1.0)

    def __enter__(self) -> SlowClients:
        self.sockets = [self._open() for _ in self.sockets]
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self.sockets:
            if conn is not None:
                conn.close()


def health_checks(url: str, seconds: float) -> list[tuple[bool, float]]:
    """Checks one at a time for ``seconds``: (answered 200, seconds taken) for each."""
    results = []
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
        if n % 2:
            request = urllib.request.Request(
                f"{url}/sparql?query=ASK%7B%7D%23{n}", headers={"Accept": "application/sparql-results+json"}
            )
        else:
            request = urllib.request.Request(f"{url}/id/person/molotov", headers={"Accept": "text/html"})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                response.read()
                ok = response.status == 200
        except (urllib.error.URLError, OSError):
            ok = False
        results.append((ok, time.monotonic() - started))
    return results


def keepalive_connections(port: int, requests: int = 100) -> int:
    """How many TCP connections ``requests`` sequential requests needed (1: all kept alive)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    ports = set()
    for n in range(requests):
        conn.request("GET", f"/sparql?query=ASK%7B%7D%23ka{n}", headers={"Accept": "application/sparql-results+json"})
        conn.getresponse().read()
        if conn.sock is not None:
            ports.add(conn.sock.getsockname()[1])
        else:
            ports.add(-n)  # closed by the server after answering
    conn.close()
    return len(ports)


def measure(project: Path, model: str, slow: int, seconds: float, folder: Path) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**NO_CLIENT_BUDGET, "HISTGRAPH_SERVER_MODEL": model}
    command = [str(BIN / "histgraph"), "--project", str(project), "serve", "--port", str(port)]
    with running(command, f"{url}/sparql?query=ASK%7B%7D", folder / f"server-{model}.log", env):
        load = os.getloadavg()
        with SlowClients(port, slow) as clients:
            checks = health_checks(url, seconds)
            open_at_end = sum(conn is not None for conn in clients.sockets)
            reopened = clients.reopened
        connections = keepalive_connections(port)
    times = sorted(t for _, t in checks)
    return {
        "checks": len(checks),
        "within_1s": sum(ok and t <= 1.0 for ok, t in checks) / len(checks),
        "failed": sum(not ok for ok, _ in checks),
        "p50": statistics.median(times) * 1000,
        "p99": times[min(len(times) - 1, int(len(times) * 0.99))] * 1000,
        "max": times[-1] * 1000,
        "reopened": reopened,
        "open_at_end": open_at_end,
        "connections": connections,
        "load": " ".join(f"{x:.2f}" for x in load),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="health checks for this long (default 20)")
    parser.add_argument("--slow", type=int, default=200, help="slow sockets (default 200)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 20 slow sockets, 3 s")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.slow = 3, 20
    need("histgraph")
    out = print if not args.json else (lambda *a, **k: None)
    results = {}
    with tempfile.TemporaryDirectory(prefix="histgraph-slow-") as tmp:
        folder = Path(tmp)
        project = copy_project(folder / "project")
        build(load_settings({"project_dir": project}, environ={}), validate=False)
        out(f"{args.slow} slow sockets, health checks for {args.seconds:g} s, 2 workers\n")
        out("| server model | health checks | 200 within 1 s | p50 ms | p99 ms | max ms | failed "
            "| slow sockets cut off and reopened | connections for 100 requests | load at start |")
        out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for model in ("gevent", "sync"):
            f = results[model] = measure(project, model, args.slow, args.seconds, folder)
            out(f"| {model} | {f['checks']} | {f['within_1s']:.1%} | {f['p50']:.0f} | {f['p99']:.0f} | "
                f"{f['max']:.0f} | {f['failed']} | {f['reopened']} | {f['connections']} | {f['load']} |",
                flush=True)
    emit({"slow": args.slow, "seconds": args.seconds, "models": results}, args.json)


if __name__ == "__main__":
    main_guard(main)
