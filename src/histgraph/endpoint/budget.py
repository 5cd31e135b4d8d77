"""A per-client query budget: a token bucket per remote address, shared by all workers.

Each client (its remote address) may send ``client_rate`` queries per second on
average, in bursts of up to ``client_burst``; an expensive query (see
:mod:`histgraph.endpoint.admission`) costs ``expensive_query_cost`` tokens. Beyond the
budget the endpoint answers 429 with ``Retry-After``: the seconds until the
bucket holds enough again. The buckets live in a small SQLite file in the
server's runtime folder, so every gunicorn worker charges the same bucket
(a budget per worker would multiply the rate by the number of workers).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

#: Buckets untouched this long are full again anyway, so their rows are dropped.
IDLE_SECONDS = 3600.0
PRUNE_EVERY = 1000

_SCHEMA = "CREATE TABLE IF NOT EXISTS bucket (client TEXT PRIMARY KEY, tokens REAL, updated REAL)"


class ClientBudget:
    """Token buckets by client in the SQLite file ``path``; ``rate`` 0 means no budget."""

    def __init__(self, path: Path, rate: float, burst: int) -> None:
        self.path = path
        self.rate = rate
        self.burst = max(1, burst)
        self._lock = threading.Lock()
        self._pid = -1
        self._db: sqlite3.Connection | None = None
        self._takes = 0

    def _connection(self) -> sqlite3.Connection:
        # One connection per process: a connection must not cross a fork.
        if self._db is None or self._pid != os.getpid():
            self._db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=OFF")  # losing a bucket on a crash is harmless
            self._db.execute(_SCHEMA)
            self._pid = os.getpid()
        return self._db

    def take(self, client: str, cost: int = 1) -> float:
        """Charge ``cost`` tokens to ``client``: 0.0 if allowed, else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        cost = min(cost, self.burst)
        now = time.time()
        with self._lock:
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT tokens, updated FROM bucket WHERE client = ?", (client,)).fetchone()
                tokens = float(self.burst) if row is None else min(
                    float(self.burst), row[0] + max(0.0, now - row[1]) * self.rate
                )
                wait = 0.0 if tokens >= cost else (cost - tokens) / self.rate
                if not wait:
                    tokens -= cost
                db.execute(
                    "INSERT INTO bucket VALUES (?, ?, ?) ON CONFLICT(client) "
                    "DO UPDATE SET tokens = excluded.tokens, updated = excluded.updated",
                    (client, tokens, now),
                )
                self._takes += 1
                if self._takes % PRUNE_EVERY == 0:
                    db.execute("DELETE FROM bucket WHERE updated < ?", (now - IDLE_SECONDS,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return wait

    def give_back(self, client: str, cost: int) -> None:
        """Return ``cost`` tokens taken for work that was not done (the bucket never exceeds its burst)."""
        if self.rate <= 0 or cost <= 0:
            return
        with self._lock:
            db = self._connection()
            db.execute(
                "UPDATE bucket SET tokens = MIN(?, tokens + ?) WHERE client = ?",
                (float(self.burst), float(min(cost, self.burst)), client),
            )

    def close(self) -> None:
        """Close this process's connection."""
        if self._db is not None:
            self._db.close()
            self._db = None


__all__ = ["ClientBudget"]
