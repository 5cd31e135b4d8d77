"""Load and fault test: mixed traffic against `histgraph serve` on the cable's build, with faults.

Run: ``.venv/bin/python benchmarks/load_test.py [--seconds 60] [--connections 8] [--quick] [--json]``

A copy of the project is built (without SHACL validation, which changes no
data) into a temporary folder and served by ``histgraph serve`` (gunicorn, 2
gevent workers, the default server model, every safety measure on; the
per-client budget is off because the whole load comes from one address,
127.0.0.1). ``wrk`` (2 threads, bounded connections, keep-alive, only
127.0.0.1) sends mixed traffic from benchmarks/load_mixed.lua: entity pages
as HTML, Turtle and JSON-LD, /sparql point queries, named queries, the search
page and its JSON API. Scenarios:

* ``baseline``: the mixed traffic alone;
* ``one runaway``: plus one client sending a cartesian product over and over
  (each one runs to the 10 s limit, then 503);
* ``runaways = workers``: plus two such clients (one holds the only slot for
  expensive queries; the other is refused at once, and retries at once);
* ``rebuild + reload``: the data is changed and rebuilt twice during the run;
  each time the server checks the new build and replaces its workers.

For each: requests/s, p50/p99 latency and every failed request (non-2xx/3xx
statuses and socket errors, as wrk counts them), as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_harness import NO_CLIENT_BUDGET, BenchmarkStopped, emit, main_guard, need, wrk_paths  # noqa: E402
from tests.conftest import copy_project  # noqa: E402
from tests.servers import BIN, free_port, running  # noqa: E402

from histgraph.build.pipeline import build  # noqa: E402
from histgraph.config import load_settings  # noqa: E402

BASE = "https://histgraph.example.org/id/"
PEOPLE = ["molotov", "stalin", "mao-zedong", "mikoyan", "li-fuchun", "dong-biwu"]
LABEL = "SELECT ?label WHERE {{ <{iri}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
MARKER = f"<{BASE}person/load-test-marker> <http://www.w3.org/2000/01/rdf-schema#label> \"Marker {{n}}\"@en .\n"
RESULTS = "application/sparql-results+json"


def traffic() -> list[tuple[str, str]]:
    """(Accept, path) pairs of the mixed traffic, in the order wrk cycles through them."""
    q = urllib.parse.quote
    pairs = []
    for n, person in enumerate(PEOPLE):
        pairs.append((["text/html", "text/turtle", "application/ld+json"][n % 3], f"/id/person/{person}"))
        pairs.append((RESULTS, "/sparql?query=" + q(LABEL.format(iri=f"{BASE}person/{person}"))))
    pairs += [
        ("text/html", "/id/place/moscow"),
        (RESULTS, "/queries/people"),
        (RESULTS, "/queries/entity-passages?entity=" + q(f"{BASE}person/molotov")),
        (RESULTS, "/queries/questions"),
        ("application/json", "/api/labels?q=Molo"),
        ("application/json", "/api/labels?q=" + q("毛")),
        ("text/html", "/search?q=Stalin"),
    ]
    return pairs


def check_paths(url: str, pairs: list[tuple[str, str]]) -> None:
    """Every path answers 200 before the run (a broken path would make the figures meaningless)."""
    for accept, path in pairs:
        request = urllib.request.Request(url + path, headers={"Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise BenchmarkStopped(f"{path} ({accept}) answered {exc.code}; fix it before measuring") from None


def runaway_client(url: str, stop: threading.Event, answers: list[int]) -> None:
    """A badly written script: sends the runaway query again as soon as it is answered."""
    query = url + "/sparql?query=" + urllib.parse.quote(RUNAWAY)
    while not stop.is_set():
        try:
            with urllib.request.urlopen(urllib.request.Request(query, headers={"Accept": RESULTS}), timeout=60):
                answers.append(200)
        except urllib.error.HTTPError as exc:
            exc.close()
            answers.append(exc.code)


def rebuilder(project: Path, seconds: int, stop: threading.Event, log: list[str]) -> None:
    """Change the data and rebuild at a third and two thirds of the run."""
    marker = project / "data" / "authorities" / "load-test-marker.ttl"
    for n in (1, 2):
        if stop.wait(seconds / 3):
            return
        marker.write_text(MARKER.format(n=n))
        started = time.monotonic()
        result = build(load_settings({"project_dir": project}, environ={}), validate=False)
        log.append(f"build {result.build_id} in {time.monotonic() - started:.2f} s")


def scenario(name: str, url: str, project: Path, paths: Path, seconds: int, connections: int) -> dict:
    stop, answers, events = threading.Event(), [], []
    helpers = []
    if name.startswith("one runaway"):
        helpers = [threading.Thread(target=runaway_client, args=(url, stop, answers))]
    elif name.startswith("runaways"):
        helpers = [threading.Thread(target=runaway_client, args=(url, stop, answers)) for _ in range(2)]
    elif name.startswith("rebuild"):
        helpers = [threading.Thread(target=rebuilder, args=(project, seconds, stop, events))]
    for helper in helpers:
        helper.start()
    time.sleep(0.5 if helpers else 0)
    figures = wrk_paths(url, paths, seconds, connections)
    stop.set()
    for helper in helpers:
        helper.join()
    figures["runaway_answers"] = {code: answers.count(code) for code in sorted(set(answers))}
    figures["events"] = events
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="wrk duration per scenario (default 60)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--only", help="run only the scenarios whose name starts with this")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 3 s per scenario, a 5 s query time limit (runaways end sooner)")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args()
    need("wrk", "histgraph")
    env = {**NO_CLIENT_BUDGET, "HISTGRAPH_RELOAD_POLL": "0.5"}
    if args.quick:
        args.seconds = 3
        env["HISTGRAPH_QUERY_TIMEOUT"] = "5"
    out = print if not args.json else (lambda *a, **k: None)
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="histgraph-load-") as tmp:
        (Path(tmp) / "project").mkdir()
        project = copy_project(Path(tmp) / "project")
        build(load_settings({"project_dir": project}, environ={}), validate=False)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        paths = Path(tmp) / "load_paths.txt"
        pairs = traffic()
        paths.write_text("".join(f"{accept} {path}\n" for accept, path in pairs))
        command = [str(BIN / "histgraph"), "--project", str(project), "serve", "--workers", "2", "--port", str(port)]
        log = Path(tmp) / "server.log"
        with running(command, f"{url}/sparql?query=ASK%7B%7D", log, env):
            check_paths(url, pairs)
            model = os.environ.get("HISTGRAPH_SERVER_MODEL", "gevent")  # passed on to the server
            out(f"{len(pairs)} paths; wrk -t2 -c{args.connections} -d{args.seconds}s; server: 2 {model} workers\n")
            out("| scenario | requests | req/s | p50 ms | p99 ms | max ms | failed | runaway answers | events |")
            out("|---|---:|---:|---:|---:|---:|---:|---|---|")
            for name in ("baseline", "one runaway in flight", "runaways = workers (2)", "rebuild + reload x2"):
                if args.only and not name.startswith(args.only):
                    continue
                f = scenario(name, url, project, paths, args.seconds, args.connections)
                results.append({"scenario": name, **f})
                out(f"| {name} | {f['requests']:,} | {f['rps']:,.0f} | {f['p50_ms']:.1f} | {f['p99_ms']:.1f} | "
                    f"{f['max_ms']:.0f} | {f['failed']} | {f['runaway_answers'] or '—'} | "
                    f"{'; '.join(f['events']) or '—'} |", flush=True)
        served = [line for line in log.read_text().splitlines() if "histgraph:" in line]
        out("\nserver log:", *served, sep="\n  ")
    emit({"seconds": args.seconds, "connections": args.connections, "paths": len(pairs), "scenarios": results},
         args.json)


if __name__ == "__main__":
    main_guard(main)
