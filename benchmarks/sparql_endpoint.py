"""The endpoint under the server model: distinct point queries beside oxigraph, entity pages beside the hello floor.

Run: ``.venv/bin/python benchmarks/sparql_endpoint.py [--docs 1000] [--seconds 5] [--quick] [--json]``

Issue #18, goal 3. A generated archive (benchmarks/generate_archive.py, the
cable and ``--docs`` synthetic documents) is built without SHACL validation
(which changes no data) and served, one server at a time, on 127.0.0.1:

* the Flask "hello" floor: ``gunicorn -w 2`` (sync workers) serving
  benchmarks/sparql_hello.py, the floor every earlier run measured;
* ``oxigraph serve-read-only`` on a copy of the build's store;
* ``histgraph serve`` with its defaults (gevent workers, every safety measure
  on: checks, lanes, query processes with the time limit, row cap, answer
  cache) except the per-client budget, off because wrk is one client.

Point queries are distinct: the label of each labelled entity of the
archive (people, places, events, plans, steps, claims...), one entity per request (benchmarks/load_mixed.lua with ``+vary``: the two wrk
threads split the list, and from the second pass on each query carries the
pass number in a comment), so no answer is asked for twice and histgraph's
answer cache cannot help. oxigraph gets the same queries. Both are measured
with a new connection per request (``Connection: close``) and with
keep-alive. Entity pages cycle through 40 people and places pages of the
archive, each rendered once in every worker first, with keep-alive, as
browsers ask for them. Every row: requests,
req/s, p50, p99 and max latency, failed requests; then the ratios against
the goals (at least 1.0x oxigraph with a new connection per request, 0.25x
with keep-alive; entity pages at least 2x the hello floor).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_harness import (  # noqa: E402
    BIN,
    NO_CLIENT_BUDGET,
    BenchmarkStopped,
    emit,
    load_average,
    main_guard,
    need,
    wrk_paths,
)
from generate_archive import generate  # noqa: E402
from tests.servers import free_port, running  # noqa: E402

RESULTS = "application/sparql-results+json"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
#: Every labelled entity of the archive (point queries): 18,673 at 1,000 documents.
LABELLED = """SELECT DISTINCT ?s WHERE {
  ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  FILTER(STRSTARTS(STR(?s), "https://histgraph.example.org/id/"))
} ORDER BY ?s"""
#: People and places (entity pages).
PEOPLE_AND_PLACES = """SELECT DISTINCT ?s WHERE {
  VALUES ?class { <http://www.cidoc-crm.org/cidoc-crm/E21_Person> <http://www.cidoc-crm.org/cidoc-crm/E53_Place> }
  ?s a ?class ; <http://www.w3.org/2000/01/rdf-schema#label> ?label .
} ORDER BY ?s"""
#: Entity pages the page row cycles through (people and places, spread over the sorted list).
PAGES = 40
#: Goals of issue #18 (ratios of req/s measured in the same run).
GOALS = {"point, new connection / oxigraph": 1.0, "point, keep-alive / oxigraph": 0.25,
         "entity pages / hello floor": 2.0}


def build_archive(folder: Path, docs: int) -> Path:
    """A generated archive of ``docs`` documents, built without validation; its project folder."""
    from histgraph.build.pipeline import build
    from histgraph.config import load_settings

    project = folder / "archive"
    generate(docs, project)
    build(load_settings({"project_dir": project}, environ={}), validate=False)
    return project


def entities(project: Path) -> tuple[list[str], list[str]]:
    """Every labelled entity (for point queries), and a spread of people and places (for pages)."""
    from histgraph.store import EmbeddedStore

    store = EmbeddedStore.open(project / "build" / "current")
    iris = [str(row["s"]) for row in store.select(LABELLED)]
    pages = [str(row["s"]) for row in store.select(PEOPLE_AND_PLACES)]
    pages = pages[:: max(1, len(pages) // PAGES)][:PAGES]
    if not iris or not pages:
        raise BenchmarkStopped("the generated archive has no labelled entities; is generate_archive.py broken?")
    return iris, pages


def write_paths(path: Path, lines: list[tuple[str, str]]) -> Path:
    """The ``Accept path`` file load_mixed.lua reads."""
    path.write_text("".join(f"{accept} {target}\n" for accept, target in lines), encoding="utf-8")
    return path


def point_paths(iris: list[str], endpoint: str) -> list[tuple[str, str]]:
    """One point query per IRI (its label), on ``endpoint`` (``/sparql`` or oxigraph's ``/query``)."""
    return [(RESULTS, f"{endpoint}?query=" + urllib.parse.quote(f"SELECT ?label WHERE {{ <{iri}> {LABEL} ?label }}"))
            for iri in iris]


def page_path(iri: str) -> str:
    """The site path of an entity IRI (``https://host/id/person/x`` → ``/id/person/x``)."""
    return "/" + iri.split("/", 3)[3]


def check(url: str, lines: list[tuple[str, str]], sample: int = 5) -> None:
    """A few of the paths answer 200 before the run (a broken path would make the figures meaningless)."""
    step = max(1, len(lines) // sample)
    for accept, path in lines[::step][:sample]:
        request = urllib.request.Request(url + path, headers={"Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise BenchmarkStopped(f"{path[:80]} ({accept}) answered {exc.code}; fix it before measuring") from None


@contextmanager
def oxigraph(location: Path, log: Path) -> Iterator[str]:
    """``oxigraph serve-read-only`` on ``location`` (union default graph, as histgraph's); yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # No --timeout-s: with it oxigraph 0.5 starts a timer thread per query, and under
    # wrk's load it failed with "Resource temporarily unavailable" (2026-11-26).
    command = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph"]
    with running(command, f"{url}/query?query=ASK%7B%7D", log):
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="synthetic documents in the archive (default 1000)")
    parser.add_argument("--seconds", type=float, default=5, help="wrk duration per row (default 5)")
    parser.add_argument("--warm", type=float, default=3, help="wrk warm-up per server and target (default 3)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 20 documents, 1 s per row")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args()
    if args.quick:
        args.docs, args.seconds, args.warm = 20, 1, 1
    need("wrk", "oxigraph", "histgraph", "gunicorn")
    rows: list[dict] = []

    def measure(server: str, target: str, url: str, paths: Path, *, close: bool = False, vary: bool = False) -> None:
        wrk_paths(url, paths, args.warm, args.connections, close=close, vary=vary)  # query processes, page cache
        row = {"server": server, "target": target, "connection": "close" if close else "keep-alive",
               "load": load_average(), **wrk_paths(url, paths, args.seconds, args.connections, close=close, vary=vary)}
        rows.append(row)
        if not args.json:
            print(f"  {server:34s} {target:13s} {row['connection']:10s} {row['rps']:8.0f} req/s  "
                  f"p50 {row['p50_ms']:.2f} ms  p99 {row['p99_ms']:.2f} ms  failed {row['failed']}", flush=True)

    with tempfile.TemporaryDirectory(prefix="histgraph-endpoint-") as tmp:
        folder = Path(tmp)
        project = build_archive(folder, args.docs)
        iris, people_places = entities(project)
        if not args.json:
            print(f"archive: {args.docs} documents; {len(iris)} distinct point queries, "
                  f"{len(people_places)} entity pages; wrk -t2 -c{args.connections} -d{args.seconds:g}s")

        port = free_port()
        hello = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT / "benchmarks"),
                 "sparql_hello:app"]
        with running(hello, f"http://127.0.0.1:{port}/hello", folder / "hello.log"):
            paths = write_paths(folder / "hello.txt", [("text/html", "/hello")])
            measure("Flask hello floor (gunicorn -w 2)", "/hello", f"http://127.0.0.1:{port}", paths)

        copy = folder / "oxigraph-store"
        shutil.copytree((project / "build" / "current" / "store").resolve(), copy)
        with oxigraph(copy, folder / "oxigraph.log") as url:
            lines = point_paths(iris, "/query")
            check(url, lines)
            paths = write_paths(folder / "oxigraph-points.txt", lines)
            for close in (True, False):
                measure("oxigraph serve-read-only", "point, distinct", url, paths, close=close, vary=True)

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [str(BIN / "histgraph"), "--project", str(project), "serve", "--port", str(port)]
        with running(command, f"{url}/sparql?query=ASK%7B%7D", folder / "histgraph.log", NO_CLIENT_BUDGET):
            lines = point_paths(iris, "/sparql")
            check(url, lines)
            paths = write_paths(folder / "histgraph-points.txt", lines)
            for close in (True, False):
                measure("histgraph serve (gevent)", "point, distinct", url, paths, close=close, vary=True)
            lines = [("text/html", page_path(iri)) for iri in people_places]
            # Every page rendered once in each worker (3 tries over new connections each: a
            # worker's page cache is its own), so the row measures pages as readers get them
            # once a site is warm, not first renders (those are in docs/benchmarks.md, Scale).
            for _ in range(3):
                check(url, lines, sample=len(lines))
            paths = write_paths(folder / "pages.txt", lines)
            measure("histgraph serve (gevent)", "entity pages", url, paths)

    summary = {"docs": args.docs, "distinct_queries": len(iris), "entity_pages": len(people_places),
               "seconds": args.seconds, "connections": args.connections, "rows": rows, "ratios": ratios(rows)}
    summary["goals_met"] = {name: value is not None and value >= GOALS[name] for name, value in summary["ratios"].items()}
    if not args.json:
        print(table(summary))
    emit(summary, args.json)


def _rps(rows: list[dict], server: str, target: str, connection: str) -> float | None:
    found = [r["rps"] for r in rows if r["server"].startswith(server) and r["target"] == target
             and r["connection"] == connection]
    return found[0] if found else None


def ratios(rows: list[dict]) -> dict[str, float | None]:
    """The ratios the goals are stated in."""

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    point = "point, distinct"
    return {
        "point, new connection / oxigraph": ratio(_rps(rows, "histgraph", point, "close"),
                                                  _rps(rows, "oxigraph", point, "close")),
        "point, keep-alive / oxigraph": ratio(_rps(rows, "histgraph", point, "keep-alive"),
                                              _rps(rows, "oxigraph", point, "keep-alive")),
        "entity pages / hello floor": ratio(_rps(rows, "histgraph", "entity pages", "keep-alive"),
                                            _rps(rows, "Flask hello", "/hello", "keep-alive")),
    }


def table(summary: dict) -> str:
    """The run as Markdown: one row per server and target, then the ratios against the goals."""
    lines = ["", "| server | target | connection | requests | req/s | p50 ms | p99 ms | max ms | failed | load at start |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in summary["rows"]:
        lines.append(f"| {r['server']} | {r['target']} | {r['connection']} | {r['requests']:,} | {r['rps']:,.0f} | "
                     f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['max_ms']:.0f} | {r['failed']} | {r['load']} |")
    lines.append("")
    for name, value in summary["ratios"].items():
        shown = "n/a" if value is None else f"{value:.2f}x"
        lines.append(f"* {name}: {shown} (goal {GOALS[name]:g}x: {'met' if summary['goals_met'][name] else 'not met'})")
    return "\n".join(lines)


if __name__ == "__main__":
    main_guard(main)
