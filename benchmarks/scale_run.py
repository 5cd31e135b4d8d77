"""Run every scale benchmark and write the "## Scale" section of docs/benchmarks.md.

Usage::

    .venv/bin/python benchmarks/run_all.py            # N = 100, 1,000, 10,000
    .venv/bin/python benchmarks/run_all.py --quick    # N = 100, 1,000 (minutes, not an hour)

Steps, each bounded in time (a step that runs out is reported as such):
generate the archives (benchmarks/generate_archive.py); full builds at each N
(pyshacl and pyshacl-turbo validators where they fit the time bound, and
without validation), time and peak memory of the whole process tree; adding and
changing one document in the largest archive; latency of every named query and
of entity pages on the largest; HTTP throughput with wrk against every server,
side by side (benchmarks/scale_http.py). Raw results go to
``benchmarks/results/scale.json``; the section is rewritten in place.
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
    return {"nproc": os.cpu_count(), "cpu": cpu, "free": free, "load": load(),
            "python": platform.python_version(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def load() -> str:
    """The load average now (the machine is shared: say how busy it was)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 100 and 1,000 only")
    parser.add_argument("--work", type=Path, default=Path("/tmp/histgraph-scale"), help="scratch folder")
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per figure")
    parser.add_argument("--skip-slow", action="store_true", help="pyshacl only at N = 100 (it takes minutes at 1,000)")
    parser.add_argument("--query-limit", type=float, default=30, help="bound on one named query, seconds")
    parser.add_argument("--step-timeout", type=float, default=900, help="bound on one build, seconds")
    args = parser.parse_args()
    sizes = [100, 1000] if args.quick else [100, 1000, 10_000]
    out: dict = {"machine": machine(), "builds": [], "sizes": sizes}
    print(f"machine: {out['machine']['nproc']} cores, {out['machine']['cpu']}, load {out['machine']['load']}")
    for n in sizes:
        project = args.work / f"archive-{n}"
        if not (project / "data" / "documents" / f"synthetic-{n - 1:05d}").is_dir():
            generate(n, project)
        plans = [("turbo", True, 3 if n <= 100 else 1), ("none", False, 3 if n <= 100 else 1)]
        if n <= 100 or (n <= 1000 and not args.skip_slow):
            plans.insert(1, ("pyshacl", True, 1))
        for validator, validate, repeats in plans:
            runs = []
            for _ in range(repeats):
                started = load()
                result = full_build(project, args.work / f"build-{n}-{validator}",
                                    validator="pyshacl" if validator == "none" else validator,
                                    validate=validate, timeout=args.step_timeout)
                result["load"] = started
                runs.append(result)
                print(f"build n={n} validator={validator}: {result['seconds']} s, {result['peak_mb']:.0f} MB, "
                      f"exit {result['code']}, load {started}", flush=True)
            out["builds"].append({"n": n, "validator": validator, "runs": runs})
    largest = sizes[-1]
    project, build_dir = args.work / f"archive-{largest}", args.work / f"build-{largest}-turbo"
    started = load()
    out["incremental"] = one_document_changes(project, build_dir, validator="turbo", timeout=args.step_timeout)
    out["incremental_load"] = started
    for name, result in out["incremental"].items():
        print(f"{name}: {result['seconds']} s, {result['peak_mb']:.0f} MB, exit {result['code']}", flush=True)
    out["queries_load"] = load()
    out["queries"] = named_query_latency(project, build_dir / "current", repeats=3, limit=args.query_limit)
    out["pages"] = entity_page_latency(project, build_dir)
    person = _first_person(build_dir)
    out["http_load"] = load()
    out["http"] = measure_all(project, build_dir, person, seconds=args.seconds, log_dir=args.work)
    out["http_load_end"] = load()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1, default=str) + "\n")
    from scale_report import write_section

    write_section(DOC, out, " ".join(["python", "benchmarks/run_all.py", *sys.argv[1:]]))
    print(f"wrote {RESULTS} and the Scale section of {DOC}")


def _first_person(build_dir: Path) -> str:
    from histgraph.store import EmbeddedStore

    store = EmbeddedStore.open(build_dir / "current")
    rows = store.select("SELECT ?p WHERE { ?p a <http://www.cidoc-crm.org/cidoc-crm/E21_Person> "
                        "FILTER(CONTAINS(STR(?p), 'synthetic')) } ORDER BY ?p LIMIT 1")
    return str(next(iter(rows))["p"])


if __name__ == "__main__":
    sys.exit(main())
