"""Run every benchmark script under benchmarks/ and collect their JSON summaries.

Usage::

    .venv/bin/python benchmarks/run_all.py --quick          # every script at a small N (a few minutes)
    .venv/bin/python benchmarks/run_all.py --quick --json   # ... and one line of JSON at the end
    .venv/bin/python benchmarks/run_all.py --only sparql_endpoint.py

Each script runs in its own process, one after another (they start servers
and must not compete for the cores), with ``--json`` (and ``--quick``), and is
stopped after ``--timeout`` seconds. Its summary is the last line of its
output. A script that fails is reported with the message it stopped with, and
the run goes on; the exit status is 1 if any failed. Without ``--quick`` each
script runs at its full size, which takes hours: the figures in
docs/benchmarks.md come from the scripts' own commands.

Every Python file under benchmarks/ is either a script listed in
:data:`SCRIPTS` or a module listed in :data:`MODULES`; one that is neither is
reported as not run, so a new benchmark cannot go unnoticed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_harness import BIN, emit, load_average, main_guard  # noqa: E402

#: Each script and its arguments for a --quick run ({work}: a scratch folder of this run).
SCRIPTS: dict[str, list[str]] = {
    "generate_archive.py": ["--n", "5", "--out", "{work}/archive"],
    "shacl_bench.py": ["--quick"],
    "sparql_endpoint.py": ["--quick"],
    "load_test.py": ["--quick"],
    "slow_clients.py": ["--quick"],
    "runaway_lanes.py": ["--quick"],
    "scale_run.py": ["--quick", "--work", "{work}/scale"],
    "cache_growth.py": ["--quick"],
    "page_weight.py": ["--quick"],
    "scale_pages.py": ["--quick"],
    "named_query_pages.py": ["--quick"],
    "suggest_quality.py": ["--data", str(HERE.parent / "data")],  # the cable only: quick as it is
}
#: Arguments of a full run (empty: the script's defaults).
FULL: dict[str, list[str]] = {"generate_archive.py": ["--n", "1000", "--out", "{work}/archive"]}
#: Modules the scripts import, and the app sparql_endpoint.py serves: not run on their own.
MODULES = {"bench_harness.py", "run_all.py", "scale_build.py", "scale_http.py", "scale_queries.py",
           "scale_report.py", "sparql_hello.py"}


def unregistered() -> list[str]:
    """Python files under benchmarks/ that are neither a listed script nor a listed module."""
    return sorted(p.name for p in HERE.glob("*.py") if p.name not in SCRIPTS and p.name not in MODULES)


def run_script(name: str, args: list[str], timeout: float) -> dict:
    """Run one script with ``args`` and ``--json``; its status, time, summary or message."""
    command = [str(BIN / "python"), str(HERE / name), *args, "--json"]
    started = time.monotonic()
    result: dict = {"script": name, "command": " ".join(["python", f"benchmarks/{name}", *args, "--json"]),
                    "load": load_average()}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return {**result, "status": "timeout", "seconds": round(time.monotonic() - started, 1),
                "message": f"stopped after {timeout:.0f} s"}
    result["seconds"] = round(time.monotonic() - started, 1)
    result["exit"] = done.returncode
    result["summary"] = _summary(done.stdout)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not isinstance(result["summary"], dict):
        said = [line for line in done.stderr.splitlines() if line.strip()]
        result["status"] = "failed"
        result["message"] = said[-1] if said else (lines[-1] if lines else "no output")
        if done.returncode == 0:
            result["message"] = "no JSON summary on the last line of its output"
    else:
        result["status"] = "ok"
    return result


def _summary(output: str) -> object:
    """The last line of ``output`` as JSON, or the whole output if it is one JSON document; else None."""
    lines = [line for line in output.splitlines() if line.strip()]
    for text in (lines[-1] if lines else "", output):
        try:
            return json.loads(text)
        except ValueError:
            continue
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="every script at a small N (seconds to a minute each)")
    parser.add_argument("--only", action="append", choices=sorted(SCRIPTS), help="run only this script (repeatable)")
    parser.add_argument("--timeout", type=float, default=600, help="bound on one script, seconds (default 600)")
    parser.add_argument("--json", action="store_true", help="print a JSON summary of every script as the last line")
    args = parser.parse_args()
    say = print if not args.json else (lambda *a, **k: None)
    results = []
    with tempfile.TemporaryDirectory(prefix="histgraph-benchmarks-") as work:
        for name, quick_args in SCRIPTS.items():
            if args.only and name not in args.only:
                continue
            script_args = [a.format(work=work) for a in (quick_args if args.quick else FULL.get(name, []))]
            say(f"{name} {' '.join(script_args)} ...", end=" ", flush=True)
            result = run_script(name, script_args, args.timeout)
            results.append(result)
            say(f"{result['status']} in {result['seconds']} s" + (f": {result['message']}" if "message" in result else ""),
                flush=True)
    missing = unregistered()
    for name in missing:
        say(f"{name}: not run: neither a script nor a module listed in benchmarks/run_all.py")
    emit({"quick": args.quick, "scripts": results, "unregistered": missing}, args.json)
    if any(r["status"] != "ok" for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main_guard(main)
