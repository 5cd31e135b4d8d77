"""Query processes: where embedded queries run, so a runaway one can be killed.

A thread cannot stop a native pyoxigraph query, and forking a process per
query costs ~0.18 s. So each web worker keeps a small :class:`QueryPool` of
long-lived query processes, each holding the read-only store open. A request
sends a :class:`~histgraph.answers.QueryJob` over a socket and gets the
serialized :class:`~histgraph.answers.Answer` back (serialized inside the query
process). If no answer comes within the time limit, the web worker kills that
process (SIGKILL: nothing native can ignore it), starts a fresh one, and tells
the client 503; the next request finds a ready process.

Processes start lazily, on the first query in the process that owns the pool,
so a pool made before a fork (gunicorn) never shares children across workers.
A query process exits by itself when its web worker goes away (its socket
closes).

The child is started with ``python -m histgraph.isolation FD``: a fresh
interpreter, so no lock or RocksDB thread state is inherited from the web
worker, and it imports only pyoxigraph and :mod:`histgraph.answers`.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import weakref
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from .answers import Answer, BackendFailed, QueryJob, QueryTimeout, run
from .safety import QueryRejected

#: How long a fresh query process may take to open the store before we give up.
STARTUP_TIMEOUT = 60.0


def store_source(path: Path | None, native: ox.Store) -> tuple[str, str | bytes]:
    """How a query process gets the data: the store folder, or an N-Quads dump of an in-memory store."""
    if path is not None:
        return ("path", str(path))
    return ("nquads", native.dump(format=ox.RdfFormat.N_QUADS))


class _Process:
    """One query process and the socket to it."""

    def __init__(self, source: tuple[str, str | bytes]) -> None:
        ours, theirs = socket.socketpair()
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "histgraph.isolation", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.conn.send(source)
        self.ready = False

    def wait_ready(self) -> None:
        if self.ready:
            return
        if not self.conn.poll(STARTUP_TIMEOUT):
            raise BackendFailed("a query process did not start in time")
        message = self._receive()
        if message[0] != "ready":
            raise BackendFailed(f"a query process could not open the store: {message[1]}")
        self.ready = True

    def _receive(self) -> tuple:
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            code = self.popen.poll()
            raise BackendFailed(f"a query process died (exit status {code})") from None

    def ask(self, job: QueryJob, timeout: float) -> Answer:
        self.wait_ready()
        self.conn.send(job)
        if not self.conn.poll(timeout):
            raise QueryTimeout(
                f"the query took longer than the limit of {timeout:g} s and was stopped; "
                "simplify it, add LIMIT, or run it on your own copy of the data (setting query_timeout)"
            )
        status, payload = self._receive()
        if status == "ok":
            return payload
        if status == "syntax":
            raise QueryRejected(f"SPARQL syntax error {_syntax_message(payload)}")
        raise BackendFailed(f"the query failed: {payload}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        self.conn.close()


def _syntax_message(message: str, limit: int = 240) -> str:
    """pyoxigraph's "error at 3:17: expected …" as a sentence, cut to a readable length."""
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if match:
        message = f"at line {match[1]}, column {match[2]}: {match[3]}"
    # pyoxigraph lists every expected character class; the position is what helps.
    message = " ".join(message.split())
    return message if len(message) <= limit else message[:limit] + " …"


def _stop_all(processes: list[_Process]) -> None:
    for process in processes:
        process.stop()
    processes.clear()


class QueryPool:
    """A few query processes for one web worker; ``execute`` runs a job in one of them."""

    def __init__(self, source: tuple[str, str | bytes], size: int = 1) -> None:
        self._source = source
        self._size = max(1, size)
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._started: list[_Process] = []
        self._idle: queue.LifoQueue[_Process] = queue.LifoQueue()
        self._finalizer = weakref.finalize(self, _stop_all, self._started)

    def _take(self, timeout: float) -> _Process:
        with self._lock:
            if self._pid != os.getpid():
                # Forked after the pool was made: the children belong to the parent.
                self._pid, self._started[:] = os.getpid(), []
                self._idle = queue.LifoQueue()
            if self._idle.empty() and len(self._started) < self._size:
                process = _Process(self._source)
                self._started.append(process)
                return process
        try:
            return self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(
                f"all {self._size} query processes stayed busy for {timeout:g} s; try again shortly"
            ) from None

    def execute(self, job: QueryJob, timeout: float) -> Answer:
        """Run ``job`` with a time limit; on timeout or crash the process is replaced."""
        process = self._take(timeout)
        try:
            answer = process.ask(job, timeout)
        except (QueryTimeout, BackendFailed):
            self._replace(process)
            raise
        except QueryRejected:
            self._idle.put(process)
            raise
        self._idle.put(process)
        return answer

    def _replace(self, process: _Process) -> None:
        process.stop()
        with self._lock:
            if process in self._started:
                self._started.remove(process)
            # Start the successor now so it opens the store while the client reads the 503.
            successor = _Process(self._source)
            self._started.append(successor)
        self._idle.put(successor)

    def close(self) -> None:
        """Stop every query process of this pool."""
        self._finalizer()


def _serve(fd: int) -> None:
    """The query process: open the store, then answer jobs until the socket closes."""
    # Ctrl-C in a terminal reaches the whole process group; the web worker decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn = Connection(fd)
    kind, payload = conn.recv()
    try:
        if kind == "path":
            store = ox.Store.read_only(payload)
        else:
            store = ox.Store()
            store.load(payload, format=ox.RdfFormat.N_QUADS)
    except (OSError, ValueError, SyntaxError) as exc:
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, object] = ("ok", run(store, job))
        except SyntaxError as exc:
            reply = ("syntax", str(exc))
        except Exception as exc:  # report, and stay alive for the next job
            reply = ("error", f"{type(exc).__name__}: {exc}")
        conn.send(reply)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
