"""Named queries over HTTP on a large archive: the first and the last page of every whole list, cold and warm.

Issue #18 goal 1: every named query returns its first page (100 rows) in under
200 ms median on the server, paging reaches the last row, and the answer does
not depend on a warm answer cache. For each SELECT query that needs no
parameter, a fresh ``histgraph serve`` (one worker, the client budget off: one
client sends everything) is asked ``/queries/NAME?limit=100`` once (*cold*: a
fresh process, no answer cached), then ``--warm`` more times (their median is
*warm*), then the last page (``offset`` = total - 100, as the ``last`` link says).
The total is the ``X-Total-Count`` header.

    .venv/bin/python benchmarks/named_query_pages.py --project P
    .venv/bin/python benchmarks/named_query_pages.py --quick --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench_harness import emit, load_average, main_guard, need
from scale_pages import served_project, server

FIRST = 0.2  # seconds: the goal for a first page
JSON = {"Accept": "application/sparql-results+json"}


def fetch(url: str) -> tuple[int, float, int | None]:
    """Status, seconds and total rows (``X-Total-Count``) of one GET of a page of a named query."""
    request = urllib.request.Request(url, headers=JSON)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            total = response.headers.get("X-Total-Count")
            return response.status, time.perf_counter() - started, int(total) if total else None
    except urllib.error.HTTPError as error:
        return error.code, time.perf_counter() - started, None


def whole_lists(project: Path) -> list[str]:
    """The project's SELECT named queries that need no parameter: the lists a page is asked of."""
    from histgraph.endpoint.named_queries import load_queries

    return [name for name, q in sorted(load_queries(project / "queries").items())
            if q.kind == "SELECT" and not any(p.required for p in q.params)]


def measure(url: str, name: str, warm: int) -> dict:
    """One query's cold first page, warm first page (median) and last page, in milliseconds."""
    first = f"{url}/queries/{name}?limit=100"
    status, cold, total = fetch(first)
    warm_times = [fetch(first)[1] for _ in range(warm)]
    last = None
    if status == 200 and total is not None and total > 100:
        last_status, seconds, _ = fetch(f"{first}&offset={total - 100}")
        last = round(seconds * 1000, 1) if last_status == 200 else None
    return {"query": name, "status": status, "total": total, "cold_ms": round(cold * 1000, 1),
            "warm_ms": round(statistics.median(warm_times) * 1000, 1) if warm_times else None, "last_ms": last}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, help="a built project (default with --quick: a generated one)")
    parser.add_argument("--warm", type=int, default=5, help="warm requests per query; the median counts (default 5)")
    parser.add_argument("--quick", action="store_true", help="a 50-document archive, 2 warm requests")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args()
    need("histgraph")
    with tempfile.TemporaryDirectory() as tmp:
        if args.quick:
            args.warm = min(args.warm, 2)
        project = served_project(args.project, args.quick, Path(tmp))
        log, rows = Path(tmp) / "serve.log", []
        for name in whole_lists(project):
            print(f"  {name}", file=sys.stderr, flush=True)
            with server(project, None, log) as url:  # a fresh server per query: its first page is cold
                rows.append(measure(url, name, args.warm))
    summary = {"load": load_average(), "queries": rows,
               "met": all(r["status"] == 200 and r["cold_ms"] < FIRST * 1000 for r in rows)}
    if args.json:
        emit(summary, True)
        return
    print(f"load {summary['load']}")
    print("| query | total rows | first page, cold ms | first page, warm ms | last page ms |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        status = "" if r["status"] == 200 else f" (status {r['status']})"
        print(f"| {r['query']}{status} | {r['total'] if r['total'] is not None else '—'} | {r['cold_ms']} "
              f"| {r['warm_ms']} | {r['last_ms'] if r['last_ms'] is not None else '—'} |")
    print(json.dumps({"met": summary["met"]}))


if __name__ == "__main__":
    main_guard(main)
