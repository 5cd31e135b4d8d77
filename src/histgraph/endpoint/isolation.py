"""Query processes: where user queries run, so a runaway one can be killed and none reaches the network.

A thread cannot stop a native pyoxigraph query, and forking a process per
query costs ~0.18 s. So each web worker keeps long-lived query processes, each
holding the read-only store open. A request sends a
:class:`~histgraph.endpoint.answers.QueryJob` over a socket and gets the serialized
:class:`~histgraph.endpoint.answers.Answer` back (serialized inside the query process).
If no answer comes within the time limit, the web worker kills that process
(SIGKILL: nothing native can ignore it) and a fresh one takes its place.

**Lanes.** A worker's processes form a fast lane and a slow lane, decided by
measured run time, not by the query's text: :mod:`histgraph.endpoint.lanes`.

**No network.** Each query process first installs a seccomp filter
(:func:`histgraph.endpoint.sandbox.forbid_network`) so that it cannot create any socket
but a local one: whatever a query says, the engine inside cannot connect
anywhere. Before running a query whose text holds the letters ``service``, the
process asks the engine's own parser where SERVICE is a keyword
(:func:`histgraph.endpoint.service_probe.engine_service_positions`) and refuses it unless
allow-listed. Query processes run at a lower CPU priority than the web workers.

A query process exits by itself when its web worker goes away (its socket
closes). The child is started with ``python -m histgraph.endpoint.isolation FD``: a
fresh interpreter, so no lock or RocksDB thread state is inherited.

Waiting for an answer is cooperative under gevent (the server's workers), so
a worker waiting on one query process keeps serving its other connections.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from histgraph.endpoint.answers import Answer, BackendFailed, QueryJob, Unrepresentable, run
from histgraph.endpoint.safety import QueryRejected
from histgraph.endpoint.service_probe import engine_service_positions, service_refusal
from histgraph.endpoint.syntax_sentence import syntax_sentence

#: What a query process is sent: a job to run, or one to check only.
Job = QueryJob | tuple[Literal["check"], QueryJob]

#: How long a fresh query process may take to open the store before we give up.
STARTUP_TIMEOUT = 60.0
#: Niceness of query processes: the web workers (pages, health checks) win the CPU.
FAST_NICENESS = 5
SLOW_NICENESS = 10
LOG = logging.getLogger("histgraph.queries")


@dataclass(frozen=True)
class ProcessOptions:
    """How query processes are made: network sandbox, allowed SERVICE IRIs."""

    #: Install the seccomp filter (no socket but AF_UNIX) before opening the store.
    sandbox: bool = True
    #: SERVICE IRIs a query may call (then the sandbox must be off to reach them).
    federation_allowlist: tuple[str, ...] = ()


class SandboxUnavailable(BackendFailed):
    """The query process could not forbid itself the network, so it serves no query."""


def store_source(path: Path | None, native: ox.Store) -> tuple[str, str | bytes]:
    """How a query process gets the data: the store folder, or an N-Quads dump of an in-memory store."""
    if path is not None:
        return ("path", str(path))
    return ("nquads", native.dump(format=ox.RdfFormat.N_QUADS) or b"")


#: A source with no data: a process that only checks queries with the engine's parser.
EMPTY_SOURCE: tuple[str, str | bytes] = ("nquads", b"")


def wait_readable(conn: Connection, timeout: float) -> bool:
    """Wait up to ``timeout`` s for ``conn`` to have data; cooperative when gevent patched the process.

    ``multiprocessing``'s own poll binds the blocking selector at import time,
    so under gevent it would freeze every connection of the worker.
    """
    if "gevent" in sys.modules:
        from gevent import monkey

        if monkey.is_module_patched("select"):
            from gevent.socket import wait_read

            try:
                wait_read(conn.fileno(), timeout)
            except TimeoutError:
                # A timer can fire first when the worker was paused (SIGSTOP, a long
                # page): the answer may be there all the same.
                return conn.poll(0)
            return True
    return conn.poll(timeout)


class QueryProcess:
    """One query process and the socket to it."""

    def __init__(self, source: tuple[str, str | bytes], options: ProcessOptions, niceness: int) -> None:
        ours, theirs = socket.socketpair()
        # Blocking both ends: gevent's socketpair makes them non-blocking, a flag the
        # child inherits (its first read would fail with EAGAIN); the parent waits
        # for data cooperatively first (wait_readable), then reads whole messages.
        os.set_blocking(ours.fileno(), True)
        os.set_blocking(theirs.fileno(), True)
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "histgraph.endpoint.isolation", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.conn.send((source, options, niceness))
        self.ready = False

    def wait_ready(self) -> None:
        if self.ready:
            return
        if not wait_readable(self.conn, STARTUP_TIMEOUT):
            raise BackendFailed("a query process did not start in time")
        message = self._receive()
        if message[0] == "no-sandbox":
            raise SandboxUnavailable(
                "queries are not run here: a query process could not forbid itself network access "
                f"({message[1]}); setting query_sandbox"
            )
        if message[0] != "ready":
            raise BackendFailed(f"a query process could not open the store: {message[1]}")
        self.ready = True

    def _receive(self) -> tuple[str, Any]:
        # Any: the payload's type goes with the status ("ok": an Answer, else a message).
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            code = self.popen.poll()
            raise BackendFailed(f"a query process died (exit status {code})") from None

    def send(self, job: Job) -> None:
        self.wait_ready()
        try:
            self.conn.send(job)
        except OSError:
            code = self.popen.poll()
            raise BackendFailed(f"a query process died (exit status {code}); try again") from None

    def answered_within(self, timeout: float) -> bool:
        """True when the answer to the job sent is there within ``timeout`` s."""
        return wait_readable(self.conn, max(0.0, timeout))

    def answer(self) -> Answer:
        """The answer to the job sent (call once :meth:`answered_within` is true)."""
        status, payload = self._receive()
        if status == "ok":
            return payload
        if status == "syntax":
            raise QueryRejected(payload)
        if status == "refused":
            raise QueryRejected(payload)
        if status == "unrepresentable":
            raise Unrepresentable(payload)
        LOG.warning("histgraph: a query failed in the engine: %s", payload)
        raise BackendFailed(
            "the query failed inside the query engine (the details are in the server's log); "
            "if it uses an unusual feature, try it another way"
        )

    def renice(self, niceness: int) -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, self.popen.pid, niceness)
        except OSError:
            pass  # gone already, or not permitted: priority is a preference

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        self.conn.close()


def timeout_message(timeout: float) -> str:
    return (
        f"the query took longer than the limit of {timeout:g} s and was stopped; "
        "simplify it, add LIMIT, or run it on your own copy of the data (setting query_timeout)"
    )


# --- the query process -------------------------------------------------------------


def _accepts(probe: ox.Store, base_iri: str | None) -> Callable[[str], bool]:
    """Whether the engine parses a query (run on an empty store; SELECT is not even evaluated)."""

    def accepts(text: str) -> bool:
        try:
            probe.query(text, base_iri=base_iri)
        except SyntaxError:
            return False
        except Exception:  # parsed, then failed to run on nothing: it parses
            return True
        return True

    return accepts


def _refusal(probe: ox.Store, job: QueryJob, allowlist: tuple[str, ...]) -> str | None:
    """Why ``job`` must not run (a SERVICE the engine would call), or None."""
    positions = engine_service_positions(job.text, _accepts(probe, job.base_iri))
    return service_refusal(job.text, positions, allowlist) if positions else None


def _reply(store: ox.Store, probe: ox.Store, job: Job, options: ProcessOptions) -> tuple[str, object]:
    check_only = isinstance(job, tuple)
    query = job[1] if isinstance(job, tuple) else job
    # Probing runs the query on nothing, which may still call a SERVICE: only
    # where the sandbox holds. Unsandboxed pools are checked by a sandboxed one first.
    refusal = _refusal(probe, query, options.federation_allowlist) if options.sandbox else None
    if refusal:
        return ("refused", refusal)
    try:
        if check_only:
            # A check runs the query on nothing: what the engine refuses shows, and no data is read.
            run(probe, query)
            return ("ok", None)
        return ("ok", run(store, query))
    except SyntaxError as exc:
        return ("syntax", syntax_sentence(query.text, str(exc)))
    except Unrepresentable as exc:  # the answer exists; the format asked for cannot carry it
        return ("unrepresentable", str(exc))
    except Exception as exc:  # report, and stay alive for the next job
        message = str(exc)
        if "custom function" in message and "not supported" in message:
            return ("refused", f"{message}; this endpoint knows the SPARQL 1.1 functions only")
        if check_only:
            # It parsed; running it on nothing can fail where the real run will not
            # (an allow-listed SERVICE is unreachable from here, by design).
            return ("ok", None)
        if options.sandbox and isinstance(exc, PermissionError):
            # The sandbox refused a connection: a SERVICE the checks did not see.
            return ("refused", "this endpoint makes no outbound requests; remove SERVICE from the query")
        return ("error", f"{type(exc).__name__}: {message[:500]}")


def _serve(fd: int) -> None:
    """The query process: forbid the network, open the store, then answer jobs until the socket closes."""
    # Ctrl-C in a terminal reaches the whole process group; the web worker decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn = Connection(fd)
    (kind, payload), options, niceness = conn.recv()
    try:
        os.nice(niceness)
    except OSError:
        pass
    if options.sandbox:
        from histgraph.endpoint.sandbox import forbid_network

        try:
            forbid_network()
        except Exception as exc:  # no sandbox, no queries: say why
            conn.send(("no-sandbox", str(exc)))
            return
    try:
        if kind == "path":
            store = ox.Store.read_only(payload)
        else:
            store = ox.Store()
            store.load(payload, format=ox.RdfFormat.N_QUADS)
    except (OSError, ValueError, SyntaxError) as exc:
        conn.send(("failed", str(exc)))
        return
    probe = ox.Store()
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_reply(store, probe, job, options))


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
