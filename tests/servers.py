"""Real servers for tests: ``oxigraph serve`` and ``histgraph serve`` on free 127.0.0.1 ports.

Each server helper is a context manager that starts the process, waits until it
answers, yields its base URL, and stops it (TERM, then KILL) on exit; its output
goes to a log file whose tail is shown if it fails to start. Also here: the
small SPARQL fixture dataset as a store, since protocol tests must not depend
on the project's real data.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Flask
from flask.testing import FlaskClient

from histgraph.store import EmbeddedStore
from histgraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
SPARQL_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sparql"
FIXTURE_DATA = SPARQL_FIXTURES / "data.trig"
BIN = Path(sys.executable).parent
EX = "http://example.org/"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fixture_store(folder: Path) -> EmbeddedStore:
    """The SPARQL fixture data as an on-disk store in ``folder``, opened read-only like a build."""
    (folder / "store").mkdir(parents=True)
    writer = ox.Store(str(folder / "store"))
    writer.bulk_load(path=str(FIXTURE_DATA), format=ox.RdfFormat.TRIG)
    writer.flush()
    del writer
    return EmbeddedStore.open(folder)


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            # Wait for this probe's answer rather than send another: each is a
            # request the server counts (client budgets), and booting may be slow.
            with urllib.request.urlopen(url, timeout=max(2.0, deadline - time.monotonic())) as response:
                response.read()
                return
        except urllib.error.HTTPError:
            return  # it answers, which is all we wait for
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer at {url} in {timeout} s:\n{log.read_text()[-3000:]}")


@contextmanager
def running(command: list[str], probe: str, log: Path, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> Iterator[None]:
    """Run ``command`` until the block ends; ``probe`` is a URL that answers once it is up."""
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            cwd=cwd,
        )
    try:
        _wait(probe, process, log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def oxigraph_server(
    folder: Path, data: Path | None = FIXTURE_DATA, *, read_only: bool = False, timeout_s: int = 30
) -> Iterator[str]:
    """``oxigraph serve`` on a fresh store in ``folder`` loaded with ``data``; yields its base URL.

    The union of the named graphs is the default graph, as on histgraph's
    embedded backend. Queries are at ``URL/query``, the Graph Store at ``URL/store``.
    """
    location = folder / "oxigraph"
    if data is not None:
        subprocess.run(
            [str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(data)],
            check=True,
            capture_output=True,
        )
    port = free_port()
    command = [
        str(BIN / "oxigraph"),
        "serve-read-only" if read_only else "serve",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
        "--timeout-s",
        str(timeout_s),
    ]
    url = f"http://127.0.0.1:{port}"
    with running(command, f"{url}/query?query=ASK%7B%7D", folder / "oxigraph.log"):
        yield url


VIRTUOSO_INI = Path(__file__).resolve().parent / "fixtures" / "virtuoso" / "virtuoso.ini"
#: The administrator of a new Virtuoso database; good only for a test instance on 127.0.0.1.
VIRTUOSO_CREDENTIALS = ("dba", "dba")


@dataclass(frozen=True)
class SparqlServer:
    """A running SPARQL server: its base URL, query endpoint, Graph Store endpoint and who may write."""

    kind: str
    url: str
    query_url: str
    graph_store_url: str
    credentials: tuple[str, str] | None = None


@contextmanager
def virtuoso_server(folder: Path, data: Path | None = FIXTURE_DATA, *, timeout_s: int = 30) -> Iterator[SparqlServer]:
    """Virtuoso 7 (Debian's ``virtuoso-t``) on a new database in ``folder``, loaded with ``data``.

    Its configuration is ``tests/fixtures/virtuoso/virtuoso.ini``. ``data`` (TriG)
    goes in graph by graph through the Graph Store, as ``histgraph publish`` sends it.
    """
    from histgraph.store.publish import put_graph

    home = folder / "virtuoso"
    home.mkdir(parents=True)
    sql_port, http_port = free_port(), free_port()
    ini = home / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.read_text().format(
        folder=home, sql_port=sql_port, http_port=http_port, timeout_s=timeout_s))
    url = f"http://127.0.0.1:{http_port}"
    server = SparqlServer("virtuoso", url, f"{url}/sparql", f"{url}/sparql-graph-crud-auth", VIRTUOSO_CREDENTIALS)
    command = ["virtuoso-t", "+foreground", "+configfile", str(ini)]
    with running(command, f"{url}/sparql?query=ASK%7B%7D", home / "console.log", cwd=home):
        if data is not None:
            graphs: dict[str, list[ox.Triple]] = {}
            for quad in ox.parse(path=str(data), format=ox.RdfFormat.TRIG):
                graphs.setdefault(quad.graph_name.value, []).append(quad.triple)  # type: ignore[union-attr]
            for graph, triples in graphs.items():
                put_graph(server.graph_store_url, graph, triples, credentials=server.credentials)
        yield server


@contextmanager
def sparql_server(kind: str, folder: Path, data: Path | None = FIXTURE_DATA, *,
                  read_only: bool = False, timeout_s: int = 30) -> Iterator[SparqlServer]:
    """A real SPARQL server of ``kind`` (see :data:`STORES`) holding ``data``."""
    if kind == "virtuoso":
        assert not read_only, "a read-only Virtuoso is not set up here"
        with virtuoso_server(folder, data, timeout_s=timeout_s) as server:
            yield server
        return
    with oxigraph_server(folder, data, read_only=read_only, timeout_s=timeout_s) as url:
        yield SparqlServer("oxigraph", url, f"{url}/query", f"{url}/store")


#: The remote stores histgraph is tested against: ``oxigraph serve`` and Virtuoso.
STORES = ["oxigraph", "virtuoso"]


def publish_to(server: SparqlServer, project: Path, build_dir: Path) -> None:
    """``histgraph publish`` the current build of ``build_dir`` to ``server``, as a curator would."""
    args = [str(BIN / "histgraph"), "--project", str(project), "--build-dir", str(build_dir),
            "publish", "--to", server.graph_store_url]
    env = dict(os.environ)
    if server.credentials:
        args += ["--user", server.credentials[0]]
        env["HISTGRAPH_PUBLISH_PASSWORD"] = server.credentials[1]
    subprocess.run(args, check=True, capture_output=True, env=env)


@contextmanager
def histgraph_server(
    folder: Path, args: list[str], *, project: Path = SPARQL_FIXTURES, env: dict[str, str] | None = None
) -> Iterator[str]:
    """``histgraph --project PROJECT serve --port P ARGS...`` (gunicorn); yields its base URL."""
    port = free_port()
    command = [str(BIN / "histgraph"), "--project", str(project), "serve", "--port", str(port), *args]
    url = f"http://127.0.0.1:{port}"
    with running(command, f"{url}/sparql?query=ASK%7B%7D", folder / "histgraph.log", env):
        yield url


def web_project(folder: Path) -> Path:
    """A project folder with the fixture queries and the real node_modules (for the editor)."""
    project = folder / "project"
    project.mkdir()
    shutil.copytree(SPARQL_FIXTURES / "queries", project / "queries")
    (project / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return project


# --- the two endpoint backends -------------------------------------------------

#: embedded: the fixture data in an on-disk store, queried in query processes;
#: remote: the same data in a real `oxigraph serve`, through the remote backend;
#: virtuoso: the same data in a real Virtuoso, through the remote backend.
BACKENDS = ["embedded", "remote", "virtuoso"]


def close_app(app: Flask) -> None:
    """Stop the app's query processes (executor and checker), if it has any."""
    for name in ("histgraph.executor", "histgraph.checker"):
        pool = app.extensions.get(name)
        if hasattr(pool, "close"):
            pool.close()


@contextmanager
def make_client(
    backend: str, folder: Path, *, server_timeout_s: int = 30, **settings: Any
) -> Iterator[FlaskClient]:
    """A test client of an app over ``backend`` holding the fixture data, with ``settings``."""
    base = {"project_dir": SPARQL_FIXTURES, **settings}
    if backend == "embedded":
        app = create_app(base, store=fixture_store(folder), environ={})
        try:
            yield app.test_client()
        finally:
            close_app(app)
        return
    with sparql_server("virtuoso" if backend == "virtuoso" else "oxigraph", folder,
                       timeout_s=server_timeout_s) as server:
        app = create_app({**base, "backend": "remote", "remote_query_url": server.query_url}, environ={})
        yield app.test_client()
