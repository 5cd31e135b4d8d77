"""Every reload checks the data it will serve; a failed check keeps the old workers (issue #12, item 7).

A reload onto an unchanged ``build/current`` used to skip every check, and
gunicorn's master replaced its workers whatever they were to serve: after a
store was damaged in place, SIGHUP made new workers crash on it and the whole
server exit. Now each reload (SIGHUP or the build watcher) verifies the SHA-256
of every file of the build (or of ``serve FILE``'s temporary store) against its
manifest, so a single flipped byte inside a table is caught, and a refusal
leaves the running workers serving, with a line in the log.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from ..servers import FIXTURE_DATA
from .harness import Server, built_project, histgraph_serve, sparql, until

pytestmark = pytest.mark.server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _flip_a_byte(table: Path) -> int:
    """Invert one byte in the middle of ``table`` in place (same size, same name); return its offset."""
    offset = table.stat().st_size // 2
    with open(table, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))
    return offset


def _count(server: Server, label: str) -> int:
    """The number of quads served, asked with a fresh text (the answer cache cannot answer it)."""
    status, body = sparql(server.url, f"{COUNT} # {label}")
    assert status == 200, body
    return int(body["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("mode", ["build", "files"])
def test_reload_onto_a_store_damaged_in_place_is_refused(mode: str, tmp_path: Path) -> None:
    """Protects serving through in-place damage: SIGHUP is refused, the same workers answer; once mended, it reloads."""
    root = tmp_path / "tmp"
    root.mkdir()
    if mode == "build":
        project = built_project(tmp_path / "project")
        args = ["--project", str(project), "serve", "--workers", "2"]
    else:
        args = ["serve", "--workers", "2", str(FIXTURE_DATA)]
    env = {"TMPDIR": str(root), "HISTGRAPH_CLIENT_RATE": "0"}
    with histgraph_serve(tmp_path, args, env) as server:
        expected = _count(server, "before")
        if mode == "build":
            store = (project / "build" / "current").resolve() / "store"
        else:
            (store,) = root.glob("histgraph-serve-*/files-*/store")
        table = max(store.glob("*.sst"), key=lambda path: path.stat().st_size)
        workers = set(server.workers())

        offset = _flip_a_byte(table)
        os.kill(server.process.pid, signal.SIGHUP)
        until(lambda: "refusing to reload" in server.log_text(), "the refusal in the log")
        refusal = next(line for line in server.log_text().splitlines() if "refusing to reload" in line)
        assert f"store/{table.name}" in refusal and "do not match its manifest" in refusal
        assert set(server.workers()) == workers  # nothing replaced
        # The same workers answer. What they read may already be the damaged table (a query
        # process that starts now opens it): RocksDB's block checksums then fail the query,
        # a 502 naming the query process, never a wrong count and never a dead server.
        status, body = sparql(server.url, f"{COUNT} # after the refusal")
        if status == 200:
            assert int(body["results"]["bindings"][0]["n"]["value"]) == expected
        else:
            assert status == 502 and "query process" in body["message"], body
        assert server.process.poll() is None

        with open(table, "r+b") as handle:  # mended: the same reload is now accepted
            handle.seek(offset)
            byte = handle.read(1)
            handle.seek(offset)
            handle.write(bytes([byte[0] ^ 0xFF]))
        os.kill(server.process.pid, signal.SIGHUP)
        until(lambda: not set(server.workers()) & workers and len(server.workers()) == 2, "the new workers")
        assert _count(server, "after the reload") == expected
        assert server.process.poll() is None
    assert server.log_text().count("refusing to reload") == 1
