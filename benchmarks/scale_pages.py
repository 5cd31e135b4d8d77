"""Every kind of page of a large archive: its first render on a fresh server, then warm, and its weight.

Issue #18 goal 0: at 10,000 documents every kind of page renders for the first
time in under 1 s on a fresh server, then in under 20 ms, and no HTML page
weighs over 300 kB. For each page this starts ``histgraph serve`` (gunicorn,
one worker, the client budget off: one client asks everything) on the
project's current build, asks the page once (the first render: nothing of the
build is cached yet), then ``--warm`` more times (the median is the warm time),
and stops the server. A page that answers an error, or takes longer than the
client's 60 s, is reported with its status.

The entity pages are the most connected person, place and event (most triples
pointing at them) and a generated document, found in the store before any
server starts.

Usage::

    .venv/bin/python benchmarks/scale_pages.py --project /tmp/arch10k [--json]
    .venv/bin/python benchmarks/scale_pages.py --quick [--json]   # a 50-document archive, built here
    .venv/bin/python benchmarks/scale_pages.py --project P --src /tmp/old/src   # another checkout's code

``--quick`` asks every page of one server (a smoke run, not the goal's
measure). ``--src`` serves with the code of another checkout (put first on the server's
``PYTHONPATH``), for a before-and-after on the same build.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pyoxigraph as ox  # noqa: E402
from bench_harness import NO_CLIENT_BUDGET, BenchmarkStopped, emit, load_average, main_guard, need  # noqa: E402
from tests.servers import BIN, free_port, running  # noqa: E402

BASE = "https://histgraph.example.org/"
#: The goals: first render, warm render (seconds), HTML weight (bytes).
FIRST, WARM, WEIGHT = 1.0, 0.020, 300_000
FIXED = {
    "home": "/",
    "browse index": "/browse/",
    "browse people": "/browse/person",
    "browse events": "/browse/event",
    "documents": "/documents/",
    "search": "/search?q=Ashgrove",
    "network": "/network",
    "network (every kind)": "/network?view=all",
    "timeline": "/timeline",
    "map": "/map",
    "report": "/report",
    "VoID": "/.well-known/void",
    "sitemap": "/sitemap.xml",
    "sitemap part": "/sitemap-1.xml",
    "the cable": "/id/document/cable-1950-01-02-mao-to-ccp-cc",
}
MOST_CONNECTED = """
SELECT ?e ?prefix (COUNT(*) AS ?n) WHERE { ?s ?p ?e FILTER(isIRI(?e) && STRSTARTS(STR(?e), ?prefix)) }
GROUP BY ?e ?prefix ORDER BY DESC(?n) ?e LIMIT 1
"""


def entity_pages(build: Path) -> dict[str, str]:
    """The most connected person, place and event, and one generated document: name -> path."""
    store = ox.Store.read_only(str(build / "store"))
    pages = {}
    for kind in ("person", "place", "event"):
        prefix = ox.Literal(f"{BASE}id/{kind}/")
        rows = list(store.query(MOST_CONNECTED, substitutions={ox.Variable("prefix"): prefix},
                                use_default_graph_as_union=True))
        if rows:
            iri = rows[0]["e"].value
            pages[f"most connected {kind}"] = "/" + iri[len(BASE):]
    documents = store.query(
        "SELECT ?d WHERE { ?d a <https://www.ica.org/standards/RiC/ontology#Record> "
        "FILTER(CONTAINS(STR(?d), '/synthetic-')) } ORDER BY ?d LIMIT 1", use_default_graph_as_union=True)
    for row in documents:
        pages["a generated document"] = "/" + row["d"].value[len(BASE):]
    return pages


def fetch(url: str) -> tuple[int, float, int]:
    """Status, seconds and bytes of one GET asking for HTML (no compression: the page's own weight)."""
    request = urllib.request.Request(url, headers={"Accept": "text/html", "Accept-Encoding": "identity"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            return response.status, time.perf_counter() - started, len(body)
    except urllib.error.HTTPError as exc:
        return exc.code, time.perf_counter() - started, len(exc.read())
    except (TimeoutError, urllib.error.URLError):
        return 0, time.perf_counter() - started, 0


def measure(url: str, path: str, warm: int) -> dict:
    """The first render of ``path`` on the server at ``url``, then the median of ``warm`` more."""
    status, first, size = fetch(url + path)
    times = [fetch(url + path)[1] for _ in range(warm)] if status == 200 else []
    return {"path": path, "status": status, "first_s": round(first, 3), "bytes": size,
            "warm_ms": round(statistics.median(times) * 1000, 1) if times else None}


@contextmanager
def server(project: Path, src: Path | None, log: Path) -> Iterator[str]:
    """``histgraph serve`` of ``project`` (one worker, no client budget); yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(NO_CLIENT_BUDGET)
    if src is not None:
        env["PYTHONPATH"] = str(src) + os.pathsep + os.environ.get("PYTHONPATH", "")
    command = [str(BIN / "histgraph"), "--project", str(project), "serve", "--workers", "1", "--port", str(port)]
    # The probe is a static file: it loads nothing of the build's data.
    with running(command, f"{url}/static/histgraph.css", log, env=env):
        yield url


def quick_project(tmp: Path) -> Path:
    """A 50-document generated archive, built with ``histgraph build`` (which writes the pages' summaries)."""
    from generate_archive import generate

    project = tmp / "archive"
    generate(50, project)
    subprocess.run([str(BIN / "histgraph"), "--project", str(project), "build", "--no-validate"],
                   check=True, capture_output=True, text=True, timeout=900)
    return project


def served_project(project: Path | None, quick: bool, tmp: Path) -> Path:
    """The built project to serve: ``project``, or with ``quick`` a generated one under ``tmp``; stops without a build."""
    if quick:
        project = project or quick_project(tmp)
    elif project is None:
        raise BenchmarkStopped("say which built project to serve: --project DIR (or --quick)")
    if not (project / "build" / "current" / "store").is_dir():
        raise BenchmarkStopped(f"{project} has no build; run `histgraph --project {project} build` first")
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, help="a built project (default with --quick: a generated one)")
    parser.add_argument("--src", type=Path, help="serve with the code under this src/ folder (another checkout)")
    parser.add_argument("--warm", type=int, default=5, help="warm requests per page; the median counts (default 5)")
    parser.add_argument("--only", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="a 50-document archive, one server for every page, 2 warm requests")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args()
    need("histgraph")
    with tempfile.TemporaryDirectory() as tmp:
        if args.quick:
            args.warm = min(args.warm, 2)
        project = served_project(args.project, args.quick, Path(tmp))
        build = (project / "build" / "current").resolve()
        summed_up = (build / "pages").is_dir()  # read now: a --quick project goes with the scratch folder
        pages = {**FIXED, **entity_pages(build)}
        if args.only:
            pages = {name: path for name, path in pages.items() if name in args.only.split(",")}
        rows = []
        log = Path(tmp) / "serve.log"
        with ExitStack() as shared:
            # --quick: one server for every page (a smoke run); else a fresh server per page.
            url = shared.enter_context(server(project, args.src, log)) if args.quick else None
            for name, path in pages.items():
                print(f"  {name} ({path})", file=sys.stderr, flush=True)
                with ExitStack() as own:
                    here = url or own.enter_context(server(project, args.src, log))
                    rows.append({"page": name, **measure(here, path, args.warm)})
    summary = {
        "build": build.name, "summaries": summed_up, "code": str(args.src or ROOT / "src"),
        "load": load_average(), "pages": rows,
        "met": {
            "first": all(r["status"] == 200 and r["first_s"] < FIRST for r in rows),
            "warm": all(r["warm_ms"] is not None and r["warm_ms"] < WARM * 1000 for r in rows),
            "weight": all(r["bytes"] <= WEIGHT for r in rows if r["page"] not in ("VoID", "sitemap", "sitemap part")),
        },
    }
    if args.json:
        emit(summary, True)
        return
    print(f"build {build.name} ({'with' if summary['summaries'] else 'without'} the pages' summaries), "
          f"served by the code in {summary['code']}, load {summary['load']}")
    print("| page | path | status | first render s | warm ms | kB |")
    print("|---|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['page']} | `{r['path']}` | {r['status']} | {r['first_s']:.2f} | {r['warm_ms'] or '—'} "
              f"| {r['bytes'] / 1000:.0f} |")


if __name__ == "__main__":
    main_guard(main)
