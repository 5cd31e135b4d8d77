"""The endpoint's service policy: who runs a query, in which lane, with which budget and record.

No Flask here: :mod:`histgraph.web.sparql` parses the protocol and calls
:func:`run_checked` with the client's address. A :class:`Gate` holds what every
worker of a server shares (slots for long queries, the records of slow and fast
queries, the client budget); :func:`make_executors` makes an app's executor
(query processes, or the forwarder to a remote store) and its checker.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from histgraph.config import Settings
from histgraph.endpoint.admission import (
    AdmissionRefused,
    QueryRecord,
    Slots,
    slot_count,
    static_cost,
)
from histgraph.endpoint.answers import Answer, QueryJob, QueryTimeout
from histgraph.endpoint.budget import ClientBudget
from histgraph.endpoint.forward import RemoteExecutor
from histgraph.endpoint.isolation import EMPTY_SOURCE, ProcessOptions, store_source
from histgraph.endpoint.lanes import PoolBusy, QueryPool
from histgraph.endpoint.pooled_store import PooledStore
from histgraph.endpoint.service_probe import mentions_service
from histgraph.errors import HistgraphError
from histgraph.store import EmbeddedStore, RemoteStore, Store


class Executor(Protocol):
    """Runs a checked job within a time limit: a query pool or a remote store."""

    def execute(self, job: QueryJob, timeout: float) -> Answer: ...


@dataclass
class Gate:
    """What decides whether a query may run now: slots, slow-query record, client budget.

    They live in the server's runtime folder (``runtime_dir``, shared by every
    worker of ``histgraph serve``); an app made without one gets a private folder.
    """

    slots: Slots
    #: Queries that ran slow or were stopped: straight to the slow lane from then on.
    slow: QueryRecord
    budget: ClientBudget
    #: Queries that ran fast: served first, from a process kept for them, when processes are busy.
    fast: QueryRecord

    @classmethod
    def create(cls, settings: Settings, owner: object) -> Gate:
        folder = settings.runtime_dir
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="histgraph-run-"))
            weakref.finalize(owner, shutil.rmtree, folder, True)
        folder.mkdir(parents=True, exist_ok=True)
        return cls(
            Slots(folder / "slots", slot_count(settings.expensive_slots, settings.workers)),
            QueryRecord(folder / "slow"),
            ClientBudget(folder / "budget.sqlite3", settings.client_rate, settings.client_burst),
            QueryRecord(folder / "fast"),
        )

    def expensive(self, text: str) -> str | None:
        """Why ``text`` counts as expensive (by its shape, or measured before), or None."""
        return static_cost(text) or ("slow when it ran before" if self.slow.known(text) else None)


def process_options(settings: Settings) -> ProcessOptions:
    """How this app's query processes are made, from the settings."""
    if settings.query_sandbox not in {"required", "off"}:
        raise HistgraphError(
            f"setting query_sandbox: expected 'required' or 'off', got {settings.query_sandbox!r}"
        )
    # Allow-listed services must be reachable, so their queries cannot run sandboxed.
    sandbox = settings.query_sandbox == "required" and not settings.federation_allowlist
    return ProcessOptions(sandbox=sandbox, federation_allowlist=settings.federation_allowlist)


def make_executors(settings: Settings, store: Store) -> tuple[Executor, QueryPool | None, Store]:
    """The app's executor for user queries, its sandboxed checker (or None), and the store pages read.

    For the embedded store: a pool of sandboxed query processes, which pages read
    through too. For a remote store: the forwarding executor, with a checker in
    front (what runs outside the sandbox is first checked by the engine's own
    parser in a sandboxed process holding no data).
    """
    options = process_options(settings)
    slots = slot_count(settings.expensive_slots, settings.workers)
    pages: Store = store
    if isinstance(store, EmbeddedStore):
        pool = QueryPool(store_source(store.path, store.native), settings.query_processes, options, slots)
        executor: Executor = pool
        pages = PooledStore(pool, store.version, settings.query_timeout)
    elif isinstance(store, RemoteStore):
        executor = RemoteExecutor(store.query_url, store.timeout)
    else:
        raise TypeError(f"no way to run /sparql queries on a {type(store).__name__}")
    checker = None
    if not isinstance(executor, QueryPool) or not options.sandbox:
        checker = QueryPool(EMPTY_SOURCE, 1, dataclasses.replace(options, sandbox=True))
    return executor, checker, pages


def run_checked(
    gate: Gate,
    settings: Settings,
    job: QueryJob,
    expensive: str | None,
    client: str,
    executor: Executor,
    checker: QueryPool | None,
) -> Answer:
    """Run ``job`` in its lane; one that ran slow or was stopped is remembered (normalized) as slow.

    With query processes, every query starts in the fast lane and moves to the
    slow lane only by its measured run time (see :mod:`histgraph.endpoint.lanes`);
    queries that ran fast before get a free process first, and the lexical cost
    (``expensive``) only sends a query to the slow lane at once. A remote store
    has no lanes: an expensive query holds a slot while it runs. Waiting for a
    process is no run time: a query that never ran is not remembered.
    """
    if checker is not None and (mentions_service(job.text) or not isinstance(executor, QueryPool)):
        # Before a remote store: SERVICE, syntax and unknown functions are found here, as 400s.
        checker.check(job, settings.query_timeout)

    def ran(seconds: float) -> None:
        if seconds * 1000 > settings.slow_query_ms:
            gate.slow.record(job.text)
        elif seconds * 1000 <= settings.fast_lane_ms / 2:
            gate.fast.record(job.text)

    try:
        if isinstance(executor, QueryPool):

            def admit_slow() -> Callable[[], None]:
                gate.slow.record(job.text)
                # A long query costs what an expensive one does, found out late.
                if gate.budget.take(client, max(0, settings.expensive_query_cost - 1)):
                    raise AdmissionRefused(
                        "this client's query budget does not cover another long query; "
                        "wait as Retry-After says, or run heavy analyses on a copy of the data (see /dumps)"
                    )
                return gate.slots.acquire(settings.admission_wait)

            return executor.execute_laned(
                job,
                timeout=settings.query_timeout,
                fast_limit=settings.fast_lane_ms / 1000,
                known_fast=not expensive and gate.fast.known(job.text),
                known_slow=lambda: bool(expensive) or gate.slow.known(job.text),
                admit_slow=admit_slow,
                ran=ran,
            )
        with gate.slots.hold(settings.admission_wait) if expensive else nullcontext():
            started = time.monotonic()
            result = executor.execute(job, settings.query_timeout)
            ran(time.monotonic() - started)
            return result
    except PoolBusy:
        raise
    except QueryTimeout:
        gate.slow.record(job.text)
        raise
