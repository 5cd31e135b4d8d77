"""Build benchmarks at scale: a full build and a one-document change, timed with peak memory.

Each build runs the real command, ``histgraph --project P --build-dir B build``,
in a child process. Time is wall-clock; peak memory is the largest sum of the
resident memory of the build's whole process tree (the build and its validation
workers), sampled from /proc every 50 ms, so workers are counted too.
"""

from __future__ import annotations

import os
import resource
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


class StageClock:
    """A build's progress that records each stage's wall and CPU seconds.

    CPU counts this process's threads and its finished worker processes (each
    stage's pool ends with the stage), so a loaded machine's wall time can be
    told from the work done.
    """

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []
        self.label: str | None = None
        self.wall, self.cpu = time.perf_counter(), self._cpu()

    @staticmethod
    def _cpu() -> float:
        own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime

    def stage(self, label: str, total: int) -> None:
        self._close()
        self.label = label

    def advance(self, steps: int = 1) -> None:
        pass

    def _close(self) -> None:
        wall, cpu = time.perf_counter(), self._cpu()
        if self.label is not None:
            self.rows.append((self.label, wall - self.wall, cpu - self.cpu))
        self.wall, self.cpu = wall, cpu

    def table(self) -> str:
        """The stages as Markdown rows: label, wall seconds, CPU seconds; then the total."""
        self._close()
        self.label = None
        lines = [f"| {label} | {wall:.1f} | {cpu:.1f} |" for label, wall, cpu in self.rows]
        total_wall, total_cpu = sum(r[1] for r in self.rows), sum(r[2] for r in self.rows)
        return "\n".join(["| stage | wall s | CPU s |", "|---|---:|---:|", *lines,
                          f"| whole build | {total_wall:.1f} | {total_cpu:.1f} |"])


def staged_build(project: Path, build_dir: Path, validator: str) -> str:
    """One cold full build in this process, timed stage by stage; the Markdown table."""
    from functools import partial

    from histgraph.build.pipeline import build
    from histgraph.cli.build import write_reading_aids
    from histgraph.config import load_settings

    if build_dir.exists():
        shutil.rmtree(build_dir)
    settings = load_settings({"project_dir": project, "build_dir": build_dir, "validator": validator}, environ={})
    clock = StageClock()
    # As `histgraph build` does it, the pages' summaries and the stored answers included.
    result = build(settings, progress=clock, incremental=False,
                   pages=partial(write_reading_aids, settings.queries_dir))
    return clock.table() + f"\n\nvalidation: {result.summary.get('validation')}"


def main() -> None:
    """Time one cold full build (stage by stage) and one cold ``histgraph validate`` of an existing project."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--project", type=Path, required=True, help="a project folder (e.g. from generate_archive.py)")
    parser.add_argument("--work", type=Path, required=True, help="folder for the two build folders (emptied first)")
    parser.add_argument("--validator", default="turbo", choices=("pyshacl", "turbo"))
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)  # the timed child
    args = parser.parse_args()
    if args.in_process:
        print(staged_build(args.project, args.work / "build", args.validator), flush=True)
        return
    staged = [sys.executable, __file__, "--project", str(args.project), "--work", str(args.work),
              "--validator", args.validator, "--in-process"]
    steps = {
        "build": lambda: {**run_measured(staged), "command": " ".join(staged)},
        "validate": lambda: cold_validate(args.project, args.work / "validate", validator=args.validator),
    }
    for name, run in steps.items():
        load = os.getloadavg()
        row = run()
        print(json.dumps({"step": name, "load_at_start": load, **{k: v for k, v in row.items() if k != "tail"}}),
              flush=True)
        if name == "build" or row["code"] != 0:  # the build's tail is its table of stages
            print(row["tail"], file=sys.stdout if row["code"] == 0 else sys.stderr, flush=True)


if __name__ == "__main__":
    main()
