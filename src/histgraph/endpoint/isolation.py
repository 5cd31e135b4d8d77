"""Query processes: where user queries run, so a runaway one can be killed and none reaches the network.

A thread cannot stop a native pyoxigraph query, and forking a process per
query costs ~0.18 s. So each web worker keeps long-lived query processes, each
holding the read-only store open. A request sends a
:class:`~histgraph.endpoint.answers.QueryJob` over a socket and gets the serialized
:class:`~histgraph.endpoint.answers.Answer` back (serialized inside the query process).
If no answer comes within the time limit, the web worker kills that process
(SIGKILL: nothing native can ignore it) and a fresh one takes its place.

**Two lanes.** A worker's processes form a *fast lane* (``query_processes`` of
them) and a *slow lane*. Every query not known to be slow starts in the fast
lane with a short allowance (``fast_lane_ms``). One that outruns it leaves the
fast lane — it must then win one of the server's few slots for long queries
(:class:`~histgraph.endpoint.admission.Slots`), or it is stopped — and its process is
replaced there, so the fast lane always has a process free within about one
allowance, whatever the query text looks like. The caller remembers such a
query (normalized), and from then on it goes straight to the slow lane. No
classification of query text has to be right for short queries, pages and
health checks to keep answering: the lane is decided by measured run time.

**No network.** Each query process first installs a seccomp filter
(:func:`histgraph.endpoint.sandbox.forbid_network`) so that it cannot create any socket
but a local one: whatever a query says, the engine inside cannot connect
anywhere. Before running a query whose text holds the letters ``service``, the
process asks the engine's own parser where SERVICE is a keyword
(:func:`histgraph.endpoint.safety.engine_service_positions`) and refuses it unless
allow-listed. Query processes run at a lower CPU priority than the web workers.

Processes start lazily, on the first query in the process that owns the pool,
so a pool made before a fork (gunicorn) never shares children across workers.
A query process exits by itself when its web worker goes away (its socket
closes). The child is started with ``python -m histgraph.endpoint.isolation FD``: a
fresh interpreter, so no lock or RocksDB thread state is inherited.

Waiting for an answer is cooperative under gevent (the server's workers), so
a worker waiting on one query process keeps serving its other connections.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from histgraph.endpoint.answers import Answer, BackendFailed, QueryJob, QueryTimeout, run
from histgraph.endpoint.safety import QueryRejected, engine_service_positions, service_refusal

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
            except (TimeoutError, socket.timeout):
                # A timer can fire first when the worker was paused (SIGSTOP, a long
                # page): the answer may be there all the same.
                return conn.poll(0)
            return True
    return conn.poll(timeout)


class _Process:
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
            raise QueryRejected(f"SPARQL syntax error {_syntax_message(payload)}")
        if status == "refused":
            raise QueryRejected(payload)
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


def _syntax_message(message: str, limit: int = 240) -> str:
    """pyoxigraph's "error at 3:17: expected …" as a sentence, cut to a readable length."""
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if match:
        message = f"at line {match[1]}, column {match[2]}: {match[3]}"
    # pyoxigraph lists every expected character class; the position is what helps.
    message = " ".join(message.split())
    return message if len(message) <= limit else message[:limit] + " …"


def _timeout_message(timeout: float) -> str:
    return (
        f"the query took longer than the limit of {timeout:g} s and was stopped; "
        "simplify it, add LIMIT, or run it on your own copy of the data (setting query_timeout)"
    )


class PoolBusy(QueryTimeout):
    """No query process came free in time: the query never ran (so it tells nothing of its cost)."""


class _Lane:
    """Up to ``size`` query processes of one worker, started lazily and handed out one at a time.

    Waiters marked ``first`` (queries that ran fast here before) are served
    before the others, and ``reserve`` processes are kept for them: a stream of
    new, unknown queries cannot queue ahead of a health check or take every
    process.
    """

    def __init__(
        self, source: tuple[str, str | bytes], options: ProcessOptions, size: int, niceness: int, reserve: int = 0
    ) -> None:
        self.source, self.options = source, options
        self.size = max(1, size)
        self.niceness = niceness
        self.pid = os.getpid()
        self.lock = threading.Condition()
        self.started: list[_Process] = []
        self.idle: list[_Process] = []
        self.first_waiting = 0
        self.reserve = reserve if self.size > reserve else 0

    def _spawn(self) -> _Process:
        process = _Process(self.source, self.options, self.niceness)
        self.started.append(process)
        return process

    def take(self, wait: float, first: bool = False) -> _Process:
        deadline = time.monotonic() + wait
        with self.lock:
            if self.pid != os.getpid():
                # Forked after the pool was made: the children belong to the parent.
                self.pid, self.started[:], self.idle[:] = os.getpid(), [], []
            self.first_waiting += first
            try:
                while True:
                    free = len(self.idle) + self.size - len(self.started)
                    # One process stays for queries known to be fast: unknown ones never take the last.
                    if free > (0 if first else self.reserve) and (first or not self.first_waiting):
                        return self.idle.pop() if self.idle else self._spawn()
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise PoolBusy(
                            f"all {self.size} query processes stayed busy for {wait:g} s; try again shortly"
                        )
                    self.lock.wait(remaining)
            finally:
                self.first_waiting -= first

    def give_back(self, process: _Process) -> None:
        with self.lock:
            self.idle.append(process)
            self.lock.notify_all()

    def release(self, process: _Process) -> None:
        """``process`` leaves this lane (stopped or moved); a successor starts in its place."""
        with self.lock:
            if process in self.started:
                self.started.remove(process)
            # Start the successor now so it opens the store while the client waits.
            self.idle.append(self._spawn())
            self.lock.notify_all()

    def replace(self, process: _Process) -> None:
        process.stop()
        self.release(process)

    def adopt(self, process: _Process) -> bool:
        """Keep ``process`` (moved here from another lane) if there is room; False if not."""
        with self.lock:
            if len(self.started) >= self.size or self.pid != os.getpid():
                return False
            self.started.append(process)
        process.renice(self.niceness)
        self.give_back(process)
        return True

    def stop_all(self) -> None:
        for process in self.started:
            process.stop()
        self.started.clear()


def _stop_lanes(lanes: list[_Lane]) -> None:
    for lane in lanes:
        lane.stop_all()


class QueryPool:
    """A worker's query processes: a fast lane for every query, and a slow lane for the long ones."""

    def __init__(
        self,
        source: tuple[str, str | bytes],
        size: int = 1,
        options: ProcessOptions | None = None,
        slow_size: int = 1,
    ) -> None:
        self._options = options or ProcessOptions()
        self._fast = _Lane(source, self._options, size, FAST_NICENESS, reserve=1)
        # As many as the server's slots for long queries: a worker may hold them all.
        self._slow = _Lane(source, self._options, slow_size, SLOW_NICENESS)
        self._finalizer = weakref.finalize(self, _stop_lanes, [self._fast, self._slow])

    def execute(self, job: QueryJob, timeout: float) -> Answer:
        """Run ``job`` (the app's own, fixed query) in the fast lane with a plain time limit.

        The app's own queries go first, like queries known to be fast. On timeout or
        crash the process is replaced.
        """
        process = self._fast.take(timeout, first=True)
        return self._finish(self._fast, process, job, timeout)

    def execute_laned(
        self,
        job: QueryJob,
        *,
        timeout: float,
        fast_limit: float,
        known_fast: bool,
        known_slow: Callable[[], bool],
        admit_slow: Callable[[], Callable[[], None]],
        ran: Callable[[float], None],
    ) -> Answer:
        """Run a user's ``job``: fast lane first, the slow lane if it is known slow or outruns ``fast_limit``.

        A ``known_fast`` job (it ran fast here before) is handed a fast process
        before unknown ones. ``known_slow()`` is asked once a fast process is free (a
        query found slow meanwhile by another request skips the fast lane);
        ``admit_slow()`` takes one of the server's slots for long queries and returns
        its release, or raises :class:`~histgraph.endpoint.admission.AdmissionRefused` (the
        query is then stopped). ``ran(seconds)`` gets the run time of a query that
        finished, not counting any wait for a process.
        """
        process = self._fast.take(timeout, first=known_fast)
        if known_slow():
            self._fast.give_back(process)
            release = admit_slow()
            try:
                slow = self._slow.take(timeout)
                started = time.monotonic()
                answer = self._finish(self._slow, slow, job, timeout)
                ran(time.monotonic() - started)
                return answer
            finally:
                release()
        started = time.monotonic()
        try:
            process.send(job)
        except BackendFailed:
            self._fast.replace(process)
            raise
        if process.answered_within(min(fast_limit, timeout)):
            answer = self._collect(self._fast, process)
            ran(time.monotonic() - started)
            return answer
        if fast_limit >= timeout:
            self._fast.replace(process)
            raise QueryTimeout(_timeout_message(timeout))
        # Outran the fast lane: it leaves it now, whatever happens next.
        self._fast.release(process)
        try:
            release = admit_slow()
        except Exception:
            process.stop()
            raise
        try:
            process.renice(SLOW_NICENESS)
            if not process.answered_within(timeout - fast_limit):
                process.stop()
                raise QueryTimeout(_timeout_message(timeout))
            try:
                answer = process.answer()
            except BackendFailed:
                process.stop()
                raise
            ran(time.monotonic() - started)
            if not self._slow.adopt(process):
                process.stop()
            return answer
        finally:
            release()

    def _finish(self, lane: _Lane, process: _Process, job: QueryJob, timeout: float) -> Answer:
        try:
            process.send(job)
        except BackendFailed:
            lane.replace(process)
            raise
        if not process.answered_within(timeout):
            lane.replace(process)
            raise QueryTimeout(_timeout_message(timeout))
        return self._collect(lane, process)

    @staticmethod
    def _collect(lane: _Lane, process: _Process) -> Answer:
        try:
            answer = process.answer()
        except SandboxUnavailable:
            lane.replace(process)
            raise
        except BackendFailed:
            lane.replace(process)
            raise
        except QueryRejected:
            lane.give_back(process)
            raise
        lane.give_back(process)
        return answer

    def check(self, job: QueryJob, timeout: float) -> None:
        """Only check ``job`` with the engine's parser (for the remote backend): raise if refused."""
        process = self._fast.take(timeout)
        try:
            process.send(("check", job))
        except BackendFailed:
            self._fast.replace(process)
            raise
        if not process.answered_within(timeout):
            self._fast.replace(process)
            raise QueryTimeout(_timeout_message(timeout))
        self._collect(self._fast, process)

    def close(self) -> None:
        """Stop every query process of this pool."""
        self._finalizer()


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
        return ("syntax", str(exc))
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
