"""A worker's query processes in two lanes, by measured run time (see :mod:`histgraph.endpoint.isolation`).

Every query not known to be slow starts in the *fast lane* with a short
allowance (``fast_lane_ms``). One that outruns it leaves the fast lane — it
must then win one of the server's few slots for long queries
(:class:`~histgraph.endpoint.admission.Slots`), or it is stopped — and its
process is replaced there, so the fast lane always has a process free within
about one allowance, whatever the query text looks like. Queries known to be
fast (and the app's own reads) are handed a process first, and one fast
process is kept for them. No classification of query text has to be right for
short queries, pages and health checks to keep answering.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable

from histgraph.endpoint.answers import Answer, BackendFailed, QueryJob, QueryTimeout
from histgraph.endpoint.isolation import (
    FAST_NICENESS,
    SLOW_NICENESS,
    ProcessOptions,
    QueryProcess,
    SandboxUnavailable,
    timeout_message,
)
from histgraph.endpoint.safety import QueryRejected


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
        self.started: list[QueryProcess] = []
        self.idle: list[QueryProcess] = []
        self.first_waiting = 0
        self.reserve = reserve if self.size > reserve else 0

    def _spawn(self) -> QueryProcess:
        process = QueryProcess(self.source, self.options, self.niceness)
        self.started.append(process)
        return process

    def take(self, wait: float, first: bool = False) -> QueryProcess:
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

    def give_back(self, process: QueryProcess) -> None:
        with self.lock:
            self.idle.append(process)
            self.lock.notify_all()

    def release(self, process: QueryProcess) -> None:
        """``process`` leaves this lane (stopped or moved); a successor starts in its place."""
        with self.lock:
            if process in self.started:
                self.started.remove(process)
            # Start the successor now so it opens the store while the client waits.
            self.idle.append(self._spawn())
            self.lock.notify_all()

    def replace(self, process: QueryProcess) -> None:
        process.stop()
        self.release(process)

    def adopt(self, process: QueryProcess) -> bool:
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
            return self._in_slow_lane(job, timeout, admit_slow, ran)
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
            raise QueryTimeout(timeout_message(timeout))
        return self._demoted(process, started, timeout - fast_limit, timeout, admit_slow, ran)

    def _in_slow_lane(
        self,
        job: QueryJob,
        timeout: float,
        admit_slow: Callable[[], Callable[[], None]],
        ran: Callable[[float], None],
    ) -> Answer:
        """Run a query known to be slow: it holds a slot, in a slow-lane process."""
        release = admit_slow()
        try:
            slow = self._slow.take(timeout)
            started = time.monotonic()
            answer = self._finish(self._slow, slow, job, timeout)
            ran(time.monotonic() - started)
            return answer
        finally:
            release()

    def _demoted(
        self,
        process: QueryProcess,
        started: float,
        remaining: float,
        timeout: float,
        admit_slow: Callable[[], Callable[[], None]],
        ran: Callable[[float], None],
    ) -> Answer:
        """A query that outran the fast lane: it leaves it now, and goes on only with a slot."""
        self._fast.release(process)
        try:
            release = admit_slow()
        except Exception:
            process.stop()
            raise
        try:
            process.renice(SLOW_NICENESS)
            if not process.answered_within(remaining):
                process.stop()
                raise QueryTimeout(timeout_message(timeout))
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

    def _finish(self, lane: _Lane, process: QueryProcess, job: QueryJob, timeout: float) -> Answer:
        try:
            process.send(job)
        except BackendFailed:
            lane.replace(process)
            raise
        if not process.answered_within(timeout):
            lane.replace(process)
            raise QueryTimeout(timeout_message(timeout))
        return self._collect(lane, process)

    @staticmethod
    def _collect(lane: _Lane, process: QueryProcess) -> Answer:
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
            raise QueryTimeout(timeout_message(timeout))
        self._collect(self._fast, process)

    def close(self) -> None:
        """Stop every query process of this pool."""
        self._finalizer()
