"""What every request handler needs: settings, the store, the named queries.

One :class:`HistgraphContext` is made per app by :func:`create_app` and kept in
``app.extensions``; handlers get it with :func:`get_context`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app

from histgraph.bounded_cache import BoundedCache
from histgraph.config import Settings
from histgraph.endpoint.named_queries import NamedQuery, load_queries
from histgraph.store import EmbeddedStore, Store, open_store

T = TypeVar("T")

#: Values kept per build and worker. A few names are fixed (labels, counts, the
#: network…); the rest are per document, so the bound is what keeps a worker's
#: memory flat on an archive of many documents.
PER_BUILD_ENTRIES = 256


@dataclass
class HistgraphContext:
    """The per-app state: settings, store, named queries, and per-build caches."""

    settings: Settings
    store: Store
    queries: Mapping[str, NamedQuery]
    cache: BoundedCache[str, Any] = field(default_factory=lambda: BoundedCache(PER_BUILD_ENTRIES))
    #: The data version the cache holds values of.
    cache_version: str | None = None
    #: The folder of the data served on disk (a build, or the store `histgraph serve FILE` made),
    #: kept because ``store`` becomes the query processes' store; None for a remote store.
    folder: Path | None = None

    @classmethod
    def create(cls, settings: Settings, store: Store | None = None) -> HistgraphContext:
        queries = load_queries(settings.queries_dir) if settings.queries_dir.is_dir() else {}
        store = store if store is not None else open_store(settings)
        path = store.path if isinstance(store, EmbeddedStore) else None
        return cls(settings, store, queries, folder=path.parent if path is not None else None)

    def cached(self, key: str, make: Callable[[], T]) -> T:
        """A value computed once per version of the data (a build, or a publish to a remote store).

        When the version changes, everything cached for the old one is dropped. The
        key holds the version read before ``make()`` runs, so a value computed while
        a publish lands is never kept under the new version.
        """
        version = self.store.version
        if version != self.cache_version:
            self.cache.clear()
            self.cache_version = version
        value: T = self.cache.get_or_make(f"{version}:{key}", make)
        return value


def get_context() -> HistgraphContext:
    """The context of the app handling the current request."""
    return current_app.extensions["histgraph"]
