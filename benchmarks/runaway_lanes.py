"""Runaway queries and health checks: how long a health check waits while N runaways run (issue #12, item 4).

Run: ``.venv/bin/python benchmarks/runaway_lanes.py [--seconds 20] [--quick]``

The cable's build (the project's ``build/current`` if there is one, else a
copy of the project built without SHACL validation, which changes no data) is
served by ``histgraph serve`` on a free 127.0.0.1 port, with default settings
except ``HISTGRAPH_CLIENT_RATE=0`` (the whole load comes from one address, so
the per-client budget would answer it 429). For each configuration and each N
(2, 4, 20), a fresh server is started, so no query is remembered as slow from
an earlier run, and then:

* N threads send runaway queries, one after another, each with a fresh comment
  (the shapes of tests/security/test_runaways_leave_answers.py, which the
  lexical classifier calls cheap: a product of ``[]``, a join on the
  predicate, a product of VALUES). With ``--vary constant`` each also gets a
  fresh ``LIMIT`` constant, so its normalized text is new every time and no
  runaway can be recognized as one seen before: only its measured run time
  tells it apart;
* one health-check client sends, one at a time for ``--seconds``, alternately
  ``ASK {}`` (with a fresh comment, so the answer cache cannot answer it and it
  runs in a query process) and the entity page ``/id/person/molotov`` (HTML),
  recording each status and latency.

Configurations, side by side: ``lanes`` (the default settings: a query that
outruns ``fast_lane_ms`` must win a slot for long queries or is stopped);
``lanes off`` (``HISTGRAPH_FAST_LANE_MS`` above the query time limit, so a
query stays in the fast lane until the limit stops it: the "before" anchor, though
slow queries are still remembered by normalized text as today);
``lanes, sync workers`` (``HISTGRAPH_SERVER_MODEL=sync``, gunicorn's sync
workers, one connection per worker). Printed: per configuration and N, health
checks sent, % answered 200 within 1 s, p50, p99 and max latency, and the
runaways' answers by status, as a Markdown table, with the load average.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))

try:
    from bench_harness import NO_CLIENT_BUDGET, BenchmarkStopped, emit, main_guard, need
    from tests.conftest import copy_project
    from tests.servers import BIN, free_port, running

    from histgraph.config import Settings
except ImportError as exc:  # run with the project's virtualenv, where histgraph is installed
    raise SystemExit(f"cannot import {exc.name}: run this with the project's virtualenv, "
                     "e.g. .venv/bin/python benchmarks/runaway_lanes.py") from None

VALUES = " ".join(str(i) for i in range(300))
#: Shapes the lexical classifier calls cheap; each runs far past the time limit on the cable.
RUNAWAYS = [
    "SELECT (COUNT(*) AS ?n) WHERE {{ [] ?p ?o . [] ?q ?r . [] ?s ?t . [] ?u ?v . [] ?w ?x . [] ?y ?z }}",
    "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?p ?b . ?c ?p ?d . ?e ?p ?f . ?g ?p ?h . ?i ?p ?j . ?k ?p ?l . ?m ?p ?o }}",
    f"SELECT (COUNT(*) AS ?n) WHERE {{{{ VALUES ?a {{{{ {VALUES} }}}} VALUES ?b {{{{ {VALUES} }}}} VALUES ?c {{{{ {VALUES} }}}} VALUES ?d {{{{ {VALUES} }}}} }}}}",
]
ASK = "/sparql?query="
PAGE = "/id/person/molotov"
RESULTS = "application/sparql-results+json"
#: A health check slower than this counts as not answered in time (the issue's outcome).
WITHIN_S = 1.0
#: A health check's own socket timeout: long enough to see a wait behind a runaway whole.
CHECK_TIMEOUT_S = 30.0
RUNAWAY_TIMEOUT_S = 120.0
DEFAULT_LIMIT_S = Settings().query_timeout


@dataclass
class Run:
    """What one configuration at one N measured."""

    config: str
    n: int
    load: str
    checks: list[tuple[str, int | str, float]] = field(default_factory=list)  # (kind, status, seconds)
    runaways: list[int | str] = field(default_factory=list)  # statuses (list.append is thread-safe)
    unfinished: int = 0
    #: Bodies of the health checks' error answers (what the server said was wrong).
    why: list[str] = field(default_factory=list)


def configurations(limit_s: float) -> dict[str, dict[str, str]]:
    """Environment of each server configuration, besides the common one."""
    return {
        "lanes": {},
        "lanes off": {"HISTGRAPH_FAST_LANE_MS": str(int(limit_s * 1000) + 1000)},
        "lanes, sync workers": {"HISTGRAPH_SERVER_MODEL": "sync"},
    }


def load() -> str:
    """The load average now (the machine is shared: say how busy it was)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def get(url: str, accept: str, timeout: float, why: list[str] | None = None) -> int | str:
    """The status of GET ``url``, or the name of the socket error; an error's body goes to ``why``."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        if why is not None:
            why.append(" ".join(exc.read().decode("utf-8", "replace").split())[:300])
        exc.close()
        return exc.code
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        timed_out = isinstance(reason, TimeoutError) or "timed out" in str(reason)
        return "timeout" if timed_out else type(reason).__name__


def runaway_loop(url: str, shapes: Iterator[str], vary: str, stop: threading.Event, answers: list) -> None:
    """A badly written script: sends the next runaway as soon as the last is answered."""
    for counter in itertools.count():
        if stop.is_set():
            return
        tag = f"{threading.get_ident()}-{counter}"
        query = next(shapes).format() + (f" LIMIT {1_000_000 + counter}" if vary == "constant" else "")
        query += f" # runaway {tag}"
        answers.append(get(f"{url}/sparql?query={urllib.parse.quote(query)}", RESULTS, RUNAWAY_TIMEOUT_S))


def health_check(url: str, counter: int, why: list[str] | None = None) -> tuple[str, int | str, float]:
    """One health check: ``ASK {}`` on even counts, the entity page on odd ones."""
    if counter % 2 == 0:
        kind, path, accept = "ask", ASK + urllib.parse.quote(f"ASK {{}} # check {counter}"), RESULTS
    else:
        kind, path, accept = "page", PAGE, "text/html"
    started = time.monotonic()
    status = get(url + path, accept, CHECK_TIMEOUT_S, why)
    return kind, status, time.monotonic() - started


@contextmanager
def server(project: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """``histgraph serve`` of ``project``'s current build on a free port; yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(BIN / "histgraph"), "--project", str(project), "serve", "--port", str(port)]
    with running(command, f"{url}/sparql?query=ASK%7B%7D", log, {**NO_CLIENT_BUDGET, **env}):
        yield url


def measure(url: str, config: str, n: int, seconds: float, vary: str, limit_s: float) -> Run:
    """N runaway loops and one health-check client for ``seconds``."""
    for counter in range(8):  # warm up: query processes start on a worker's first query
        kind, status, _ = health_check(url, counter)
        if status != 200:
            raise BenchmarkStopped(f"{config}: the {kind} health check answered {status} before any runaway; "
                             "fix that before measuring")
    run = Run(config, n, load())
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=runaway_loop,
            args=(url, itertools.cycle(RUNAWAYS[k % 3:] + RUNAWAYS[: k % 3]), vary, stop, run.runaways),
            daemon=True,
        )
        for k in range(n)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # let the runaways reach the server first
    deadline = time.monotonic() + seconds
    for counter in itertools.count():
        if time.monotonic() > deadline:
            break
        run.checks.append(health_check(url, counter, run.why))
    stop.set()
    # Each runaway in flight ends within the time limit (or is refused at once); bounded anyway.
    join_until = time.monotonic() + limit_s + 15
    for thread in threads:
        thread.join(timeout=max(0.0, join_until - time.monotonic()))
    run.unfinished = sum(thread.is_alive() for thread in threads)
    return run


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


HEADER = ("| server | N runaways | health checks | 200 within 1 s | p50 ms | p99 ms | max ms | "
          "p99 ASK / page ms | checks failed | runaway answers | load at start |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|")


def by_kind(run: Run, kind: str) -> str:
    """The p99 latency of one kind of health check, in ms."""
    waits = [seconds for k, _, seconds in run.checks if k == kind]
    return f"{1000 * percentile(waits, 99):.0f}" if waits else "—"


def tally(counter: Counter) -> str:
    """``3 × 503, 1 × timeout``."""
    return ", ".join(f"{count} × {status}" for status, count in sorted(counter.items(), key=str))


def row(run: Run) -> str:
    """One Markdown table row."""
    waits = [seconds for _, _, seconds in run.checks] or [0.0]
    in_time = sum(1 for _, status, seconds in run.checks if status == 200 and seconds <= WITHIN_S)
    failed = tally(Counter(status for _, status, _ in run.checks if status != 200)) or "0"
    answers = tally(Counter(run.runaways)) or "—"
    if run.unfinished:
        answers += f" ({run.unfinished} still in flight at the end)"
    cells = [
        run.config, str(run.n), str(len(run.checks)), f"{100 * in_time / max(1, len(run.checks)):.1f}%",
        f"{1000 * percentile(waits, 50):.0f}", f"{1000 * percentile(waits, 99):.0f}",
        f"{1000 * max(waits):.0f}", f"{by_kind(run, 'ask')} / {by_kind(run, 'page')}",
        failed, answers, run.load,
    ]
    return "| " + " | ".join(cells) + " |"


@contextmanager
def served_project(tmp: Path) -> Iterator[Path]:
    """The project whose ``build/current`` is served: this one's if built, else a built copy."""
    if (ROOT / "build" / "current").exists():
        print(f"serving {ROOT / 'build' / 'current'}")
        yield ROOT
        return
    if not (BIN / "histgraph").exists():
        need("histgraph")
    project = copy_project(tmp / "project")
    started = time.monotonic()
    try:
        subprocess.run([str(BIN / "histgraph"), "--project", str(project), "build", "--no-validate"],
                       check=True, capture_output=True, text=True, timeout=600)
    except subprocess.CalledProcessError as exc:
        output = (exc.stdout + exc.stderr)[-2000:]
        raise BenchmarkStopped(f"histgraph build failed (exit {exc.returncode}):\n{output}") from None
    except subprocess.TimeoutExpired:
        raise BenchmarkStopped("histgraph build took more than 600 s; is the machine overloaded?") from None
    print(f"built a copy of the project in {time.monotonic() - started:.1f} s (no SHACL validation)")
    yield project


def count_list(text: str) -> list[int]:
    """``2,4,20`` as a list of positive numbers."""
    try:
        numbers = [int(part) for part in text.split(",")]
    except ValueError:
        numbers = []
    if not numbers or min(numbers) < 1:
        raise argparse.ArgumentTypeError(f"expected positive numbers separated by commas, like 2,4,20; got {text!r}")
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20,
                        help="health checks per N for this long (default 20)")
    parser.add_argument("--counts", default="2,4,20", type=count_list,
                        help="numbers of concurrent runaway loops (default 2,4,20)")
    parser.add_argument("--vary", choices=["comment", "constant"], default="comment",
                        help="what changes between runaways: a comment (default) or also a LIMIT constant")
    parser.add_argument("--only", action="append", choices=list(configurations(DEFAULT_LIMIT_S)),
                        help="measure only this configuration (repeatable)")
    parser.add_argument("--quick", action="store_true", help="smoke run: N = 2 only, 3 seconds, lanes only")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args()
    counts = [2] if args.quick else args.counts
    seconds = 3.0 if args.quick else args.seconds
    if args.quick and not args.only:
        args.only = ["lanes"]
    out = print if not args.json else (lambda *a, **k: None)
    limit_s = DEFAULT_LIMIT_S
    out(f"machine: {os.cpu_count()} cores, load {load()}; query time limit {limit_s:g} s (default), "
          f"fast lane {Settings().fast_lane_ms} ms (default); {seconds:g} s per N; "
          f"runaways vary by {args.vary}")
    runs: list[Run] = []
    skipped: list[str] = []
    tmp = Path(tempfile.mkdtemp(prefix="histgraph-runaways-"))
    try:
        with served_project(tmp) as project:
            for config, env in configurations(limit_s).items():
                if args.only and config not in args.only:
                    continue
                for n in counts:
                    log = tmp / f"server-{config.replace(' ', '-').replace(',', '')}-{n}.log"
                    try:
                        with server(project, env, log) as url:
                            runs.append(measure(url, config, n, seconds, args.vary, limit_s))
                    except RuntimeError as exc:  # the server did not start with this configuration
                        skipped.append(f"{config}: the server did not start ({str(exc).splitlines()[0]})")
                        break
                    out(row(runs[-1]), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out(f"\n{HEADER}")
    for run in runs:
        out(row(run))
    for run in runs:
        for reason, count in Counter(run.why).most_common(3):
            out(f"{run.config}, N = {run.n}: {count} health checks answered: {reason}")
    for line in skipped:
        out(f"skipped {line}")
    out(f"load at end: {load()}")
    emit({"seconds": seconds, "vary": args.vary, "skipped": skipped, "runs": [summary(run) for run in runs]},
         args.json)


def summary(run: Run) -> dict:
    """One configuration at one N, as numbers."""
    waits = [seconds for _, _, seconds in run.checks] or [0.0]
    return {
        "config": run.config, "n": run.n, "load": run.load, "checks": len(run.checks),
        "ok_within_1s": sum(1 for _, status, seconds in run.checks if status == 200 and seconds <= WITHIN_S),
        "p50_ms": 1000 * percentile(waits, 50), "p99_ms": 1000 * percentile(waits, 99),
        "check_statuses": dict(Counter(str(status) for _, status, _ in run.checks)),
        "runaway_statuses": dict(Counter(str(status) for status in run.runaways)),
        "unfinished": run.unfinished,
    }


if __name__ == "__main__":
    main_guard(main)
