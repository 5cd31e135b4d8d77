"""A worker's exit leaves the server's temporary folders alone (issue #12, item 2).

gunicorn forks its workers inside the blocks of ``serve()`` that own temporary
folders, and a worker leaves by raising SystemExit, which unwound through those
blocks in the worker: the first worker to go (on a reload, a timeout) deleted
the temporary store of ``histgraph serve FILE`` (the server then died) and the
runtime folder every worker shares (admission slots, slow-query record, client
budgets: expensive queries then answered 500). Here workers leave through real
signals on a real server under light load; after each, the server answers, no
file of its temporary folders is gone, and an expensive query (it needs an
admission slot) is answered 200.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from ..servers import FIXTURE_DATA
from .harness import Server, built_project, histgraph_serve, sparql, until

pytestmark = pytest.mark.server

#: A regular expression makes a query expensive: it must hold a slot of the runtime folder.
EXPENSIVE = 'SELECT ?s WHERE { ?s ?p ?o FILTER REGEX(STR(?o), "a") } LIMIT 1'
#: SQLite's journal files come and go with its connections; everything else must stay.
TRANSIENT = ("-wal", "-shm", "-journal")


def _files(root: Path) -> set[str]:
    """Every folder and lasting file under ``root`` (the server's temporary folders)."""
    return {
        str(path.relative_to(root)) for path in root.rglob("*") if not path.name.endswith(TRANSIENT)
    }


def _answer(server: Server, query: str) -> tuple[int, dict]:
    """The server's answer to ``query``, asked again (a bounded number of times) while it says 503.

    Just after workers are replaced, a loaded machine may answer "busy, try
    again" (503 with Retry-After) while new query processes start: that is the
    server working as documented. A 500, or no answer, fails at once.
    """
    for _ in range(30):
        status, body = sparql(server.url, query)
        if status != 503:
            return status, body
        time.sleep(0.5)
    return status, body


def _healthy(server: Server, root: Path, before: set[str], label: str) -> None:
    """The server answers, keeps every file of its temporary folders, and admits an expensive query."""
    status, body = _answer(server, f"ASK {{ ?s ?p ?o }} # {label}")
    assert (status, body.get("boolean")) == (200, True), (label, body)
    assert before <= _files(root), f"{label}: gone {sorted(before - _files(root))}"
    status, body = _answer(server, f"{EXPENSIVE} # {label}")
    assert status == 200 and len(body["results"]["bindings"]) == 1, (label, body)


def _replaced(server: Server, gone: set[int], count: int) -> bool:
    now = set(server.workers())
    return len(now) == count and not now & gone


@pytest.mark.parametrize("mode", ["files", "build"])
def test_reload_kill_and_timeout_keep_the_temporary_folders(mode: str, tmp_path: Path) -> None:
    """Protects serving after workers leave: SIGHUP, kill -9 of a worker, a worker timeout, in both modes."""
    root = tmp_path / "tmp"
    root.mkdir()
    if mode == "files":
        args = ["serve", "--workers", "2", str(FIXTURE_DATA)]
    else:
        args = ["--project", str(built_project(tmp_path / "project")), "serve", "--workers", "2"]
    # TMPDIR: the server's temporary folders are made here, where the test can see them.
    env = {"TMPDIR": str(root), "HISTGRAPH_CLIENT_RATE": "0", "HISTGRAPH_WORKER_TIMEOUT": "4"}
    with histgraph_serve(tmp_path, args, env) as server:
        sparql(server.url, EXPENSIVE)
        before = _files(root)
        assert any(name.startswith("histgraph-run-") for name in before)
        stop = threading.Event()
        statuses: list[int] = []

        def light_load() -> None:
            n = 0
            while not stop.is_set() and n < 5000:
                n += 1
                try:
                    statuses.append(sparql(server.url, f"ASK {{ ?s ?p ?o }} # load {n}", timeout=30)[0])
                except OSError:
                    pass  # a request on the worker killed with SIGKILL is lost with it
                stop.wait(0.05)

        load = threading.Thread(target=light_load)
        load.start()
        try:
            workers = set(server.workers())
            os.kill(server.process.pid, signal.SIGHUP)
            until(lambda: _replaced(server, workers, 2), "the reload's new workers")
            _healthy(server, root, before, "after SIGHUP")

            victim = server.workers()[0]
            os.kill(victim, signal.SIGKILL)
            until(lambda: _replaced(server, {victim}, 2), "a worker in place of the killed one")
            _healthy(server, root, before, "after kill -9")

            # A worker that stops answering: gunicorn's master aborts it (SIGABRT),
            # which it handles by exiting through SystemExit once it runs again.
            victim = server.workers()[0]
            os.kill(victim, signal.SIGSTOP)
            until(lambda: f"WORKER TIMEOUT (pid:{victim})" in server.log_text(), "the worker timeout")
            os.kill(victim, signal.SIGCONT)
            until(lambda: _replaced(server, {victim}, 2), "a worker in place of the timed-out one")
            _healthy(server, root, before, "after a worker timeout")
        finally:
            stop.set()
            load.join()
        assert server.process.poll() is None
    assert [status for status in statuses if status != 200] == []
    assert len(statuses) > 0
