"""A process under ``sandbox.forbid_network`` opens no network connection, whatever it runs.

This is the second line against SSRF, independent of the SERVICE check in
``histgraph.endpoint.safety``: the SERVICE query goes straight to pyoxigraph inside a
filtered process. Each scenario runs in a fresh interpreter (the filter cannot
be removed, so it must never be installed in the test process) and prints what
happened as JSON. A SPARQL endpoint on 127.0.0.1 counts the TCP connections
it accepts and the requests it answers: under the filter both stay at zero,
and without it (the control) the very same calls reach it.
"""

from __future__ import annotations

import errno
import http.server
import json
import platform
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

#: The row the endpoint answers: seeing it proves the engine's request went through.
LEAKED = "http://leaked.example/row"

#: The scenarios, run as ``python -c PROBE SCENARIO PORT [STORE]``; each prints one JSON object.
PROBE = r'''
import errno, json, socket, sys, threading
import pyoxigraph as ox
from histgraph.endpoint import sandbox

scenario, port = sys.argv[1], int(sys.argv[2])
filtered = not scenario.endswith("-unfiltered")
result = {"before": sandbox.network_forbidden()}


def attempt(call):
    """The call's outcome: its value, or the name and errno of what it raised."""
    try:
        return {"ok": repr(call())}
    except OSError as exc:
        return {"error": type(exc).__name__, "errno": exc.errno}


def connect():
    with socket.create_connection(("127.0.0.1", port), timeout=10):
        return "connected"


if scenario.startswith("sockets"):
    # A thread that exists before the filter and connects after it (TSYNC).
    go, done = threading.Event(), {}
    worker = threading.Thread(target=lambda: go.wait(10) and done.update(attempt(connect)))
    worker.start()
    if filtered:
        sandbox.forbid_network()
    result["inet"] = attempt(lambda: socket.socket(socket.AF_INET).close())
    result["inet6"] = attempt(lambda: socket.socket(socket.AF_INET6).close())
    result["udp"] = attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close())
    result["connect"] = attempt(connect)
    # May answer from /etc/hosts (no socket needed) or fail: either way nothing may connect.
    attempt(lambda: socket.getaddrinfo("localhost", port))
    go.set()
    worker.join(20)
    result["thread_connect"] = done
elif scenario.startswith("engine"):
    if filtered:
        sandbox.forbid_network()
    store = ox.Store()
    endpoint = f"127.0.0.1:{port}/sparql"
    queries = {
        "service": f"SELECT ?s WHERE {{ SERVICE <http://{endpoint}> {{ ?s ?p ?o }} }}",
        "silent": f"SELECT ?s WHERE {{ SERVICE SILENT <http://{endpoint}> {{ ?s ?p ?o }} }}",
        "escaped": f"SELECT ?s WHERE {{ SERVICE <http\\u003A//{endpoint}> {{ ?s ?p ?o }} }}",
        "by_name": f"SELECT ?s WHERE {{ SERVICE <http://localhost:{port}/sparql> {{ ?s ?p ?o }} }}",
    }
    for name, query in queries.items():
        try:
            result[name] = {"rows": [{k: s[k].value for k in ("s",) if s[k] is not None} for s in store.query(query)]}
        except Exception as exc:
            result[name] = {"error": type(exc).__name__}
elif scenario == "needed":
    sandbox.forbid_network()
    from multiprocessing.connection import Connection
    ours, theirs = socket.socketpair()
    with Connection(ours.detach()) as a, Connection(theirs.detach()) as b:
        a.send(("job", 1))
        result["socketpair"] = list(b.recv())
    store = ox.Store.read_only(sys.argv[3])
    result["rows"] = [s["o"].value for s in store.query("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o")]
elif scenario == "held-socket":
    held = socket.socket(socket.AF_INET)
    try:
        sandbox.forbid_network()
    except sandbox.SandboxUnavailable as exc:
        result["refused"] = {"error": type(exc).__name__, "message": str(exc), "fd": held.fileno()}
elif scenario.startswith("other-calls"):
    import ctypes, platform, subprocess
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    if filtered:
        sandbox.forbid_network()

    def raw(number, *args):
        code = libc.syscall(ctypes.c_long(number), *(ctypes.c_long(a) for a in args))
        return {"errno": ctypes.get_errno() if code == -1 else None}

    result["io_uring_setup"] = raw(425, 8, 0)
    result["pidfd_getfd"] = raw(438, 0, 0, 0)
    ptrace = {"x86_64": 101, "aarch64": 117}[platform.machine()]
    # Our own child: attaching to it is allowed to anyone without the filter.
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    result["ptrace_attach"] = raw(ptrace, 16, child.pid, 0, 0)
    child.kill()
    child.wait()
    if filtered and platform.machine() == "x86_64":
        # getpid through the x32 ABI: the filter's rules speak of native numbers only.
        print(json.dumps(result), flush=True)
        raw(0x40000000 | 39)
        result["survived_x32"] = True
result["after"] = sandbox.network_forbidden()
print(json.dumps(result))
'''


@dataclass
class Endpoint:
    """The counts of the SPARQL endpoint: TCP connections accepted, requests answered."""

    port: int
    connections: int = 0
    requests: int = 0


@contextmanager
def counting_endpoint() -> Iterator[Endpoint]:
    """A SPARQL endpoint on 127.0.0.1 answering one row to anything, counting connections and requests."""
    endpoint = Endpoint(port=0)
    body = json.dumps(
        {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "value": LEAKED}}]}}
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            endpoint.requests += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        def process_request(self, request, client_address):  # type: ignore[no-untyped-def]
            # Counted before any byte is read: a connection that never sends a request counts too.
            endpoint.connections += 1
            super().process_request(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    endpoint.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    with counting_endpoint() as counting:
        yield counting


def probe(scenario: str, port: int, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    """Run one scenario of :data:`PROBE` in a fresh interpreter: the process and its parsed last line."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, scenario, str(port), *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    lines = done.stdout.strip().splitlines()
    assert lines, f"the probe printed nothing (exit {done.returncode}): {done.stderr[-2000:]}"
    return done, json.loads(lines[-1])


def refused(outcome: dict) -> bool:
    """Whether a probed call failed the way the filter makes it fail."""
    return outcome == {"error": "PermissionError", "errno": errno.EACCES}


def test_no_socket_on_any_thread_reaches_a_listener(endpoint: Endpoint) -> None:
    """Protects the second line: no TCP/UDP socket, no connect, on the main thread or one started before."""
    done, result = probe("sockets", endpoint.port)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (result["before"], result["after"]) == (False, True)
    for call in ("inet", "inet6", "udp", "connect", "thread_connect"):
        assert refused(result[call]), (call, result[call])
    assert endpoint.connections == 0


def test_engine_sends_no_service_request(endpoint: Endpoint) -> None:
    """Protects against a SERVICE query that got past the SPARQL check: pyoxigraph itself cannot reach out."""
    done, result = probe("engine", endpoint.port)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("service", "escaped", "by_name"):
        assert result[name] == {"error": "PermissionError"}, (name, result[name])
    # SILENT turns the failure into one empty solution: no row from the endpoint.
    assert result["silent"] == {"rows": [{}]}
    assert (endpoint.connections, endpoint.requests) == (0, 0)
    assert result["after"] is True


def test_without_the_filter_the_same_calls_reach_the_listener(endpoint: Endpoint) -> None:
    """Protects the two tests above from passing vacuously: unfiltered, the same probes do connect."""
    done, sockets = probe("sockets-unfiltered", endpoint.port)
    assert done.returncode == 0, done.stderr[-2000:]
    assert sockets["connect"] == {"ok": "'connected'"}
    assert sockets["thread_connect"] == {"ok": "'connected'"}
    assert endpoint.connections == 2

    done, engine = probe("engine-unfiltered", endpoint.port)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("service", "silent", "escaped", "by_name"):
        assert engine[name] == {"rows": [{"s": LEAKED}]}, (name, engine[name])
    assert endpoint.requests == 4
    assert engine["after"] is False


def test_socketpair_and_store_still_work_under_the_filter(tmp_path: Path) -> None:
    """Protects the query process's own work: its socketpair and a read-only store (RocksDB threads) work."""
    writer = ox.Store(str(tmp_path / "store"))
    for value in ("a", "b"):
        writer.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                           ox.Literal(value)))
    writer.flush()
    del writer
    done, result = probe("needed", 0, str(tmp_path / "store"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert result["socketpair"] == ["job", 1]
    assert result["rows"] == ["a", "b"]
    assert result["after"] is True


def test_refuses_to_start_while_holding_a_network_socket() -> None:
    """Protects the filter's one gap: an inherited network socket could still send, so that is refused."""
    done, result = probe("held-socket", 0)
    assert done.returncode == 0, done.stderr[-2000:]
    assert result["refused"]["error"] == "SandboxUnavailable"
    # The message names the descriptor, so whoever started the process can find it.
    assert f"[{result['refused']['fd']}]" in result["refused"]["message"]
    # Refusing does not leave the process open: the filter is on all the same.
    assert result["after"] is True


def test_side_doors_are_shut() -> None:
    """Protects against io_uring, taking another process's socket or tracing it, and foreign-ABI syscalls."""
    done, unfiltered = probe("other-calls-unfiltered", 0)
    assert done.returncode == 0, done.stderr[-2000:]
    # The control: without the filter these calls get past the door (bad arguments, or success).
    assert unfiltered["io_uring_setup"] == {"errno": errno.EFAULT}
    assert unfiltered["pidfd_getfd"] == {"errno": errno.EBADF}
    assert unfiltered["ptrace_attach"] == {"errno": None}

    done, result = probe("other-calls", 0)
    assert result["io_uring_setup"] == {"errno": errno.ENOSYS}
    assert result["pidfd_getfd"] == {"errno": errno.EPERM}
    assert result["ptrace_attach"] == {"errno": errno.EPERM}
    if platform.machine() == "x86_64":
        assert done.returncode == -signal.SIGSYS
        assert "survived_x32" not in result
    else:
        assert done.returncode == 0, done.stderr[-2000:]
