"""Build benchmarks at scale: a full build and a one-document change, timed with peak memory.

Each build runs the real command, ``histgraph --project P --build-dir B build``,
in a child process. Time is wall-clock; peak memory is the largest sum of the
resident memory of the build's whole process tree (the build and its validation
workers), sampled from /proc every 50 ms, so workers are counted too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the virtualenv running the benchmark
PAGE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants, now."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        todo += _children(current)
    return total


def run_measured(command: list[str], env: dict[str, str] | None = None, timeout: float = 1800) -> dict:
    """Run ``command``; wall seconds, peak tree memory (MB), exit code and the end of its output."""
    log = Path(f"/tmp/hg-bench-{os.getpid()}.log")
    with open(log, "wb") as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})
        peak = 0
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            if time.perf_counter() - start > timeout:
                process.kill()
                process.wait()
                return {"seconds": None, "peak_mb": peak / 1e6, "code": "timeout",
                        "tail": f"stopped after {timeout:.0f} s"}
            time.sleep(0.05)
        seconds = time.perf_counter() - start
    tail = log.read_text(errors="replace")[-600:]
    log.unlink()
    return {"seconds": seconds, "peak_mb": peak / 1e6, "code": process.returncode, "tail": tail}


def build_command(project: Path, build_dir: Path, validate: bool = True) -> list[str]:
    """The real build command for ``project`` into ``build_dir``."""
    return [str(BIN / "histgraph"), "--project", str(project), "--build-dir", str(build_dir), "build",
            *([] if validate else ["--no-validate"])]


def full_build(project: Path, build_dir: Path, *, validator: str, validate: bool = True,
               fresh: bool = True, timeout: float = 1800) -> dict:
    """One full build; with ``fresh`` the build folder (and its validation cache) starts empty."""
    if fresh and build_dir.exists():
        shutil.rmtree(build_dir)
    result = run_measured(build_command(project, build_dir, validate),
                          {"HISTGRAPH_VALIDATOR": validator}, timeout)
    result["command"] = " ".join(["HISTGRAPH_VALIDATOR=" + validator, *build_command(project, build_dir, validate)[0:1],
                                  *build_command(project, build_dir, validate)[1:]])
    return result


def cold_validate(project: Path, build_dir: Path, *, validator: str, timeout: float = 1800) -> dict:
    """``histgraph validate`` from an empty build folder (no part or validation cache): read and check everything."""
    if build_dir.exists():
        shutil.rmtree(build_dir)
    command = [str(BIN / "histgraph"), "--project", str(project), "--build-dir", str(build_dir), "validate"]
    result = run_measured(command, {"HISTGRAPH_VALIDATOR": validator}, timeout)
    result["command"] = f"HISTGRAPH_VALIDATOR={validator} " + " ".join(command)
    return result


def one_document_changes(project: Path, build_dir: Path, *, validator: str, timeout: float = 1800) -> dict:
    """Rebuild after adding one document, then after changing one, on a built archive.

    The build folder keeps the previous build and its validation cache, as a
    curator's does. Returns the two measurements.
    """
    from generate_archive import add_document  # benchmarks/ is on the path when run

    out = {}
    added = add_document(project)
    out["add one document"] = run_measured(build_command(project, build_dir),
                                           {"HISTGRAPH_VALIDATOR": validator}, timeout)
    facts = project / "data" / "documents" / added / "facts.ttl"
    facts.write_text(facts.read_text().replace("(synthetic ", "(synthetic, revised ", 1))
    out["change one document"] = run_measured(build_command(project, build_dir),
                                              {"HISTGRAPH_VALIDATOR": validator}, timeout)
    for result in out.values():
        result["command"] = f"HISTGRAPH_VALIDATOR={validator} " + " ".join(build_command(project, build_dir))
    return out


def main() -> None:
    """Time one cold full build and one cold ``histgraph validate`` of an existing project."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--project", type=Path, required=True, help="a project folder (e.g. from generate_archive.py)")
    parser.add_argument("--work", type=Path, required=True, help="folder for the two build folders (emptied first)")
    parser.add_argument("--validator", default="turbo", choices=("pyshacl", "turbo"))
    args = parser.parse_args()
    steps = {
        "build": lambda: full_build(args.project, args.work / "build", validator=args.validator),
        "validate": lambda: cold_validate(args.project, args.work / "validate", validator=args.validator),
    }
    for name, run in steps.items():
        load = os.getloadavg()
        row = run()
        print(json.dumps({"step": name, "load_at_start": load, **{k: v for k, v in row.items() if k != "tail"}}),
              flush=True)
        if row["code"] != 0:
            print(row["tail"], file=sys.stderr)

if __name__ == "__main__":
    main()
