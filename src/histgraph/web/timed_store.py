"""Per-build indexes read through the app's time-limited executor, not in-process.

Reconciliation and search answer from indexes of every name in the build, each
read with one query: the biggest read a request can start. A native pyoxigraph
query cannot be interrupted in the web worker, so these reads go where
``/sparql`` queries go: the app's executor (a query process that is killed at
``query_timeout`` for the embedded store; the remote store with its own time
limit). A read that runs out of time is answered 503 with ``Retry-After``, and
the next request tries again (nothing half-read is cached).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app
from werkzeug.exceptions import ServiceUnavailable

from histgraph.endpoint.answers import BackendFailed, QueryJob, QueryTimeout
from histgraph.endpoint.policy import Executor
from histgraph.store import Bindings, SelectResult, bind_values, term_from_json
from histgraph.web.context import get_context

LOG = logging.getLogger(__name__)
T = TypeVar("T")

#: Rows an index read may return. Far more than any page shows (``max_rows``
#: caps those), since an index cut short would silently miss names.
INDEX_ROWS = 2_000_000
#: Seconds a client is asked to wait after an index read ran out of time.
RETRY_AFTER = 5


class TimedStore:
    """The ``select`` of the store interface, answered by an executor within ``timeout`` seconds."""

    def __init__(self, executor: Executor, version: str, timeout: float, max_rows: int = INDEX_ROWS) -> None:
        self.executor = executor
        self._version = version
        self.timeout = timeout
        self.max_rows = max_rows

    @property
    def version(self) -> str:
        """The version of the data, as the app's store reports it."""
        return self._version

    def select(self, query: str, bindings: Bindings | None = None) -> SelectResult:
        """Run a SELECT (values bound as a ``VALUES`` row); QueryTimeout when it runs out of time."""
        job = QueryJob(bind_values(query, bindings), "SELECT", "json", self.max_rows)
        answer = self.executor.execute(job, self.timeout)
        if answer.truncated:
            LOG.warning("histgraph: an index read stopped at %d rows; some names are not searchable", self.max_rows)
        data = json.loads(answer.body)
        rows = tuple(
            {name: term_from_json(cell) for name, cell in row.items()} for row in data["results"]["bindings"]
        )
        return SelectResult(tuple(data["head"]["vars"]), rows)


def timed_store() -> TimedStore:
    """A :class:`TimedStore` over the current app's executor, limited by ``query_timeout``."""
    context = get_context()
    executor = current_app.extensions["histgraph.executor"]
    return TimedStore(executor, context.store.version, context.settings.query_timeout)


def cached_index(key: str, make: Callable[[TimedStore], T]) -> T:
    """``make(timed_store())`` once per build, kept in the app's per-build cache.

    Running out of time is a 503 with ``Retry-After``; an engine that failed or
    cannot be reached is a 502. Neither is cached.
    """
    context = get_context()
    try:
        return context.cached(key, lambda: make(timed_store()))
    except QueryTimeout:
        raise ServiceUnavailable(
            description="reading the names of this build took longer than the time limit "
            f"({context.settings.query_timeout:g} s); try again shortly",
            retry_after=RETRY_AFTER,
        ) from None
    except BackendFailed as exc:
        abort(502, description=str(exc))
