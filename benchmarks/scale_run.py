"""Run every scale benchmark and write the "## Scale" section of docs/benchmarks.md.

Usage::

    .venv/bin/python benchmarks/scale_run.py                  # N = 100, 1,000, 10,000
    .venv/bin/python benchmarks/scale_run.py --sizes 100,1000 # minutes, not an hour
    .venv/bin/python benchmarks/scale_run.py --quick --json   # smoke run, N = 30 (benchmarks/run_all.py)

Steps, each bounded in time (a step that runs out is reported as such):
generate the archives (benchmarks/generate_archive.py); full builds at each N
(pyshacl and pyshacl-turbo validators where they fit the time bound, and
without validation), time and peak memory of the whole process tree; adding and
changing one document in the largest archive; latency of every named query and
of entity pages on the largest; HTTP throughput with wrk against every server,
side by side (benchmarks/scale_http.py). Raw results go to
``benchmarks/results/scale.json``; the section is rewritten in place. A
``--quick`` run writes neither: its figures say only that every step works.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_harness import emit, load_average, main_guard, need  # noqa: E402
from generate_archive import generate  # noqa: E402
from scale_build import full_build, one_document_changes  # noqa: E402
from scale_http import measure_all  # noqa: E402
from scale_queries import entity_page_latency, named_query_latency  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "benchmarks" / "results" / "scale.json"


def machine() -> dict:
    """What the figures were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "free": free, "load": load_average(),
            "python": platform.python_version(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


#: Named queries a --quick run times (one of each kind: a list, a lookup by IRI, an aggregate).
QUICK_QUERIES = ["people", "entity-passages", "places", "questions"]


def sizes_list(text: str) -> list[int]:
    """``100,1000`` as a list of positive numbers."""
    try:
        numbers = [int(part) for part in text.split(",")]
    except ValueError:
        numbers = []
    if not numbers or min(numbers) < 1:
        raise argparse.ArgumentTypeError(f"expected positive numbers separated by commas, like 100,1000; got {text!r}")
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=sizes_list, default=[100, 1000, 10_000],
                        help="archive sizes in documents (default 100,1000,10000)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: N = 30, one build of each kind, 4 named queries, 1 s per HTTP figure; "
                             "writes neither the results nor the docs")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    parser.add_argument("--work", type=Path, default=Path("/tmp/histgraph-scale"), help="scratch folder")
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per figure")
    parser.add_argument("--skip-slow", action="store_true", help="pyshacl only at N = 100 (it takes minutes at 1,000)")
    parser.add_argument("--query-limit", type=float, default=30, help="bound on one named query, seconds")
    parser.add_argument("--step-timeout", type=float, default=900, help="bound on one build, seconds")
    args = parser.parse_args()
    need("wrk", "oxigraph", "histgraph", "gunicorn")
    sizes = [30] if args.quick else args.sizes
    if args.quick:
        args.seconds, args.skip_slow, args.query_limit, args.step_timeout = 1, True, 20, 120
    out: dict = {"machine": machine(), "builds": [], "sizes": sizes, "quick": args.quick}
    say = print if not args.json else (lambda *a, **k: None)
    say(f"machine: {out['machine']['nproc']} cores, {out['machine']['cpu']}, load {out['machine']['load']}")
    for n in sizes:
        project = args.work / f"archive-{n}"
        if not (project / "data" / "documents" / f"synthetic-{n - 1:05d}").is_dir():
            generate(n, project)
        repeats = 1 if args.quick or n > 100 else 3
        plans = [("turbo", True, repeats), ("none", False, repeats)]
        if not args.quick and (n <= 100 or (n <= 1000 and not args.skip_slow)):
            plans.insert(1, ("pyshacl", True, 1))
        for validator, validate, count in plans:
            runs = []
            for _ in range(count):
                started = load_average()
                result = full_build(project, args.work / f"build-{n}-{validator}",
                                    validator="pyshacl" if validator == "none" else validator,
                                    validate=validate, timeout=args.step_timeout)
                result["load"] = started
                runs.append(result)
                say(f"build n={n} validator={validator}: {result['seconds']} s, {result['peak_mb']:.0f} MB, "
                    f"exit {result['code']}, load {started}", flush=True)
            out["builds"].append({"n": n, "validator": validator, "runs": runs})
    largest = sizes[-1]
    project, build_dir = args.work / f"archive-{largest}", args.work / f"build-{largest}-turbo"
    started = load_average()
    out["incremental"] = one_document_changes(project, build_dir, validator="turbo", timeout=args.step_timeout)
    out["incremental_load"] = started
    for name, result in out["incremental"].items():
        say(f"{name}: {result['seconds']} s, {result['peak_mb']:.0f} MB, exit {result['code']}", flush=True)
    out["queries_load"] = load_average()
    out["queries"] = named_query_latency(project, build_dir / "current", repeats=1 if args.quick else 3,
                                         limit=args.query_limit, only=QUICK_QUERIES if args.quick else None)
    out["pages"] = entity_page_latency(project, build_dir, pages=5 if args.quick else 20)
    person = _first_person(build_dir)
    out["http_load"] = load_average()
    out["http"] = measure_all(project, build_dir, person, seconds=args.seconds, log_dir=args.work,
                              page_warm=3 if args.quick else 20)
    out["http_load_end"] = load_average()
    if not args.quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(out, indent=1, default=str) + "\n")
        from scale_report import write_section

        write_section(DOC, out, " ".join(["python", "benchmarks/scale_run.py", *sys.argv[1:]]))
        say(f"wrote {RESULTS} and the Scale section of {DOC}")
    emit({key: value for key, value in out.items() if key != "machine"}, args.json)


def _first_person(build_dir: Path) -> str:
    from histgraph.store import EmbeddedStore

    store = EmbeddedStore.open(build_dir / "current")
    rows = store.select("SELECT ?p WHERE { ?p a <http://www.cidoc-crm.org/cidoc-crm/E21_Person> "
                        "FILTER(CONTAINS(STR(?p), 'synthetic')) } ORDER BY ?p LIMIT 1")
    return str(next(iter(rows))["p"])


if __name__ == "__main__":
    main_guard(main)
