"""HTTP throughput and latency at scale, side by side in one run, with wrk on 127.0.0.1.

On one built archive: the Flask "hello" floor, ``histgraph serve`` on the
embedded backend (entity page, /sparql point and aggregate, every safety measure
on), ``oxigraph serve-read-only`` on a copy of the same store, and ``histgraph
serve`` on the remote backend in front of a fresh ``oxigraph serve-read-only``
(the copy carries the publication marker, as after ``histgraph publish``).
Servers run one at a time (the remote pair together) so they do not compete for
the 2 cores; wrk runs in its own process with 2 threads and keep-alive
connections.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_harness import NO_CLIENT_BUDGET  # noqa: E402
from tests.servers import BIN, free_port, running  # noqa: E402

from histgraph.store import PUBLICATION_GRAPH, publication_marker  # noqa: E402

AGGREGATE = "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type"


def point_query(person_iri: str) -> str:
    """The point query: one person's label."""
    return f"SELECT ?label WHERE {{ <{person_iri}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"


def wrk(url: str, seconds: int, connections: int, accept: str) -> dict:
    """Requests/s, mean and 99th-percentile latency (ms) of ``wrk`` against ``url``."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency", "-H", f"Accept: {accept}", url],
        check=True, capture_output=True, text=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses")

    def ms(text: str) -> float:
        value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "mean_ms": ms(re.search(r"Latency\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
    }


@contextmanager
def _oxigraph(location: Path, log_dir: Path) -> Iterator[str]:
    """``oxigraph serve-read-only`` on ``location`` until the block ends; yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph"]
    with running(command, f"{url}/query?query=ASK%7B%7D", log_dir / "oxigraph.log"):
        yield url


def mark_published(location: Path, build_id: str) -> None:
    """Write into the store at ``location`` the marker `histgraph publish` writes (the remote
    backend caches pages only for a marked store), without copying 3 million triples over HTTP."""
    from datetime import UTC, datetime

    store = ox.Store(str(location))
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    graph = ox.NamedNode(PUBLICATION_GRAPH)
    store.extend([ox.Quad(t.subject, t.predicate, t.object, graph) for t in publication_marker(build_id, now)])
    store.flush()
    del store


def _sparql(base: str, path: str, query: str) -> str:
    return f"{base}{path}?{urllib.parse.urlencode({'query': query})}"


def measure_all(project: Path, build_dir: Path, person_iri: str, seconds: int = 5, connections: int = 8,
                log_dir: Path = Path("/tmp"), page_warm: int = 20) -> list[dict]:
    """Every HTTP figure, in one run; each row: server, target, rps, mean_ms, p99_ms.

    ``page_warm`` is the warm-up of the entity page, in seconds (its first render is slow).
    """
    rows: list[dict] = []
    POINT = point_query(person_iri)  # noqa: N806
    ENTITY = "/" + person_iri.split("/", 3)[3]  # noqa: N806
    json_accept = "application/sparql-results+json"

    def measure(server: str, target: str, url: str, accept: str = json_accept, warm: int = 1) -> None:
        try:
            wrk(url, warm, connections, accept)  # warm up: query processes, caches, page cache
            row = {"server": server, "target": target, **wrk(url, seconds, connections, accept)}
        except (RuntimeError, subprocess.CalledProcessError) as exc:  # report it, do not lose the run
            row = {"server": server, "target": target, "rps": 0.0, "mean_ms": 0.0, "p99_ms": 0.0,
                   "error": str(exc)[-80:]}
        rows.append(row)
        print(f"  {server:48s} {target:12s} {row['rps']:8.0f} req/s  mean {row['mean_ms']:.2f} ms", flush=True)

    port = free_port()
    hello = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT / "benchmarks"),
             "sparql_hello:app"]
    with running(hello, f"http://127.0.0.1:{port}/hello", log_dir / "hello.log"):
        measure("Flask hello floor (gunicorn, 2 workers)", "/hello", f"http://127.0.0.1:{port}/hello", "text/html")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    embedded = [str(BIN / "histgraph"), "--project", str(project), "--build-dir", str(build_dir),
                "serve", "--port", str(port)]
    with running(embedded, f"{base}/sparql?query=ASK%7B%7D", log_dir / "embedded.log", NO_CLIENT_BUDGET):
        # A person of the shared pool appears in ~200 documents: the first render
        # takes a few tenths of a second after loading the label index (seconds), so
        # warm every worker long enough first.
        measure("histgraph, embedded backend", "entity page", base + ENTITY, "text/html", warm=page_warm)
        measure("histgraph, embedded backend", "point", _sparql(base, "/sparql", POINT))
        measure("histgraph, embedded backend", "aggregate", _sparql(base, "/sparql", AGGREGATE))

    copy = log_dir / "oxigraph-store"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree((build_dir / "current" / "store").resolve(), copy)
    mark_published(copy, (build_dir / "current").resolve().name)
    # No --timeout-s: with it, oxigraph 0.5.13 starts a timer thread per query and,
    # under wrk's load on a 3-million-triple store, failed with "Resource temporarily
    # unavailable (os error 11)" after a few seconds (measured 2026-11-26).
    # A fresh oxigraph for each pair of rows: after wrk's aggregate run oxigraph is
    # still working through queries wrk sent, and the next rows measured its backlog
    # (the remote backend got 0 req/s at N = 10,000 that way).
    with _oxigraph(copy, log_dir) as oxigraph_url:
        measure("oxigraph serve-read-only", "point", _sparql(oxigraph_url, "/query", POINT))
        measure("oxigraph serve-read-only", "aggregate", _sparql(oxigraph_url, "/query", AGGREGATE))
    with _oxigraph(copy, log_dir) as oxigraph_url:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        remote = [str(BIN / "histgraph"), "--project", str(project), "serve", "--port", str(port)]
        env = {"HISTGRAPH_BACKEND": "remote", "HISTGRAPH_REMOTE_QUERY_URL": f"{oxigraph_url}/query",
               **NO_CLIENT_BUDGET}
        with running(remote, f"{base}/sparql?query=ASK%7B%7D", log_dir / "remote.log", env):
            # Pages are cached per publication (the marker written above), like the embedded backend's.
            measure("histgraph, remote backend (-> oxigraph)", "entity page", base + ENTITY, "text/html", warm=max(1, page_warm // 2))
            measure("histgraph, remote backend (-> oxigraph)", "point", _sparql(base, "/sparql", POINT))
            measure("histgraph, remote backend (-> oxigraph)", "aggregate", _sparql(base, "/sparql", AGGREGATE))
    shutil.rmtree(copy, ignore_errors=True)
    return rows
