"""The one in-memory cache: least recently used out first, within a budget.

The budget counts entries, or bytes when the cache is given a ``size_of``. A
server keeps one per worker for each thing it caches (query answers, rendered
pages, per-build values), and none may grow without limit: a crawler walking
every entity of a large archive must not grow a worker's memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, cast

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """Values by key, the least recently used dropped first once ``budget`` is exceeded.

    Each value costs ``size_of(value)`` (1 by default: the budget is a number of
    entries). A value costing more than ``largest`` is never kept, so that one
    huge answer cannot push out everything else.

    >>> cache = BoundedCache(budget=2)
    >>> cache.put("a", 1); cache.put("b", 2); _ = cache.get("a"); cache.put("c", 3)
    >>> sorted(cache.keys())
    ['a', 'c']
    >>> sized = BoundedCache(budget=10, size_of=len, largest=4)
    >>> sized.put("big", b"12345"); sized.get("big") is None
    True
    """

    def __init__(
        self, budget: int, size_of: Callable[[V], int] | None = None, largest: int | None = None
    ) -> None:
        self.budget = budget
        self.largest = budget if largest is None else largest
        self._size_of = size_of
        self._size = 0
        self._entries: OrderedDict[K, V] = OrderedDict()
        # Never held while a value is computed (that may wait on a query), only
        # around the bookkeeping: a thread or greenlet waits microseconds at most.
        self._lock = threading.Lock()

    def _cost(self, value: V) -> int:
        return 1 if self._size_of is None else self._size_of(value)

    def get(self, key: K) -> V | None:
        """The value kept for ``key``, or None; it becomes the most recently used."""
        return self._lookup(key)[1]

    def _lookup(self, key: K) -> tuple[bool, V | None]:
        with self._lock:
            if key not in self._entries:
                return False, None
            self._entries.move_to_end(key)
            return True, self._entries[key]

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` (unless it costs more than ``largest``), dropping the least recently used."""
        cost = self._cost(value)
        if cost > self.largest:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self._size += cost
            while self._size > self.budget:
                _, old = self._entries.popitem(last=False)
                self._size -= self._cost(old)

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for ``key``, made with ``make()`` and kept the first time."""
        kept, found = self._lookup(key)
        if kept:
            return cast(V, found)  # a kept value is a V, even when V allows None
        value = make()
        self.put(key, value)
        return value

    def clear(self) -> None:
        """Drop every value."""
        with self._lock:
            self._entries.clear()
            self._size = 0

    def keys(self) -> list[K]:
        """The keys kept, least recently used first."""
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
