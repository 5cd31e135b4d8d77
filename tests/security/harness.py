"""Real parts for the security suite: a logging HTTP server, a canary file, a served project.

Everything runs on 127.0.0.1; servers are real processes (``histgraph serve``
under gunicorn), and the master's process is kept so tests can signal it.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from histgraph.build.pipeline import build
from histgraph.config import load_settings

from ..conftest import copy_project
from ..servers import BIN, _wait, free_port

SPARQL_JSON = "application/sparql-results+json"


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Records every request, and answers 200 with a tiny JSON-LD context."""

    hits: list[str] = []

    def _answer(self) -> None:
        self.hits.append(f"{self.command} {self.path}")
        body = b'{"@context": {"name": "http://leaked.example/name"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def logging_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 recording every request: any outbound request shows here."""
    hits: list[str] = []
    handler = type("Handler", (_Recorder,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def built_project(folder: Path) -> Path:
    """A copy of the real project in ``folder``, built without validation (fast)."""
    project = copy_project(folder)
    build(project_settings(project), validate=False)
    return project


def project_settings(project: Path):  # type: ignore[no-untyped-def]
    """Settings for the project copy at ``project`` (building into its own build/)."""
    return load_settings({"project_dir": project}, environ={})


@dataclass
class Server:
    """A running ``histgraph serve``: its URL, the master process, and its log."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def workers(self) -> list[int]:
        """The pids of the gunicorn workers: the master's children running its command.

        (Not its other children, such as multiprocessing's resource tracker.)
        """
        try:
            command = Path(f"/proc/{self.process.pid}/cmdline").read_bytes()
        except OSError:
            return []
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                    same = (entry / "cmdline").read_bytes() == command
                except OSError:
                    continue
                if same and int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return pids


@contextmanager
def histgraph_serve(folder: Path, args: list[str], env: dict[str, str] | None = None) -> Iterator[Server]:
    """``histgraph ARGS`` (a serve command) on a free port, stopped (TERM, then KILL) at the end."""
    port = free_port()
    log = folder / f"serve-{port}.log"
    command = [str(BIN / "histgraph"), *args, "--port", str(port)]
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{url}/sparql?query=ASK%7B%7D", process, log)
        yield Server(url, process, log, env or {})
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def until(condition, what: str, limit: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Wait for ``condition()``; fail saying ``what`` did not happen (a safety net, not a measure)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {limit} s")
        time.sleep(0.1)


def sparql(url: str, query: str, timeout: float = 60.0) -> tuple[int, dict]:
    """GET ``url/sparql?query=…`` as SPARQL JSON: the status and the parsed body."""
    request = urllib.request.Request(
        f"{url}/sparql?{urllib.parse.urlencode({'query': query})}", headers={"Accept": SPARQL_JSON}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read() or b"{}")


def python_in_subprocess(code: str, memory_bytes: int, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter limited to ``memory_bytes`` of address space."""
    prelude = (
        "import resource\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({memory_bytes}, {memory_bytes}))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + code], capture_output=True, text=True, timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
