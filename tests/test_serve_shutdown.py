"""`histgraph serve` stops cleanly: on SIGTERM every gunicorn worker exits, none crashes.

The master used to open the store (to check the app starts, or to load RDF files
given on the command line) before forking its workers; RocksDB's background
threads do not survive a fork, and every worker died with SIGSEGV on exit.
gunicorn reports such a death as "Worker (pid:N) was sent SIGSEGV!".
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from .servers import FIXTURE_DATA, ROOT, histgraph_server

pytestmark = pytest.mark.server

#: gunicorn's line for a worker killed by a signal.
KILLED = re.compile(r"Worker \(pid:\d+\) was sent (SIG[A-Z]+)")


def _killed(log: Path) -> list[str]:
    """The signals that killed workers, from the server's log."""
    return [m.group(1) for line in log.read_text(errors="replace").splitlines() if (m := KILLED.search(line))]


def _serve_and_stop(folder: Path, args: list[str], **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    with histgraph_server(folder, ["--workers", "2", *args], **kwargs) as url:
        for _ in range(4):  # reach both workers, so both have opened the store
            with urllib.request.urlopen(f"{url}/sparql?query=ASK%7B%7D", timeout=30) as response:
                assert response.status == 200
    return _killed(folder / "histgraph.log")


def test_workers_of_a_build_exit_without_crashing(settings, built, tmp_path: Path) -> None:
    """Protects shutdown of the usual server (the current build): no worker is killed by a signal."""
    assert _serve_and_stop(tmp_path, [], project=ROOT, env={"HISTGRAPH_BUILD_DIR": str(settings.builds_root)}) == []


def test_workers_serving_files_exit_without_crashing(tmp_path: Path) -> None:
    """Protects shutdown of `histgraph serve FILE...`, whose files are loaded into a store before the fork."""
    assert _serve_and_stop(tmp_path, [str(FIXTURE_DATA)]) == []
