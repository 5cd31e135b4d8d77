"""Every benchmark script runs from this checkout and stops with a message, not a traceback, when it cannot.

Issue #18, goal 4: the endpoint benchmark had stopped working ("1027 error
responses": the per-client budget answered wrk 429) and nobody noticed,
because nothing ran it. ``benchmarks/run_all.py --quick`` runs every script at
a small size; this test runs it once and reads each script's JSON summary.
Nothing here asserts a time: only that every script finished, and counts
(requests answered, failures, cache hits) that say its figures mean something.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from run_all import SCRIPTS, unregistered  # noqa: E402

#: A bound, not a measurement: the quick run takes a few minutes; a hung script is stopped at 300 s.
RUN_ALL_TIMEOUT = 1800


def _last_json(output: str) -> dict:
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines, "no output"
    return json.loads(lines[-1])


@pytest.fixture(scope="module")
def quick_run() -> dict[str, dict]:
    """``run_all.py --quick --json`` once; each script's result by name."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--quick", "--json", "--timeout", "300"],
        capture_output=True, text=True, timeout=RUN_ALL_TIMEOUT, cwd=ROOT, stdin=subprocess.DEVNULL,
    )
    summary = _last_json(done.stdout)
    return {result["script"]: result for result in summary["scripts"]}


@pytest.mark.server
def test_every_script_runs_and_reports_a_summary(quick_run) -> None:
    """Protects goal 4: every script under benchmarks/ runs at a small N and prints its JSON summary."""
    assert set(quick_run) == set(SCRIPTS)
    failures = {name: result.get("message") for name, result in quick_run.items() if result["status"] != "ok"}
    assert failures == {}
    assert all(isinstance(result["summary"], dict) for result in quick_run.values())


@pytest.mark.server
def test_endpoint_benchmark_measures_every_row_without_errors(quick_run) -> None:
    """Protects goal 3's benchmark: distinct queries and pages are answered (no 429 from the client budget)."""
    summary = quick_run["sparql_endpoint.py"]["summary"]
    rows = {(r["server"].split(" ")[0], r["target"], r["connection"]) for r in summary["rows"]}
    assert rows == {
        ("Flask", "/hello", "keep-alive"),
        ("oxigraph", "point, distinct", "close"), ("oxigraph", "point, distinct", "keep-alive"),
        ("histgraph", "point, distinct", "close"), ("histgraph", "point, distinct", "keep-alive"),
        ("histgraph", "entity pages", "keep-alive"),
    }
    # Statuses, not socket timeouts: a loaded machine may let a request pass wrk's 5 s timeout.
    assert all(r["requests"] > 0 and r["non_2xx"] == 0 for r in summary["rows"]), summary["rows"]
    assert summary["distinct_queries"] > 100 and summary["entity_pages"] > 10
    assert set(summary["ratios"]) == set(summary["goals_met"])


@pytest.mark.server
def test_load_and_fault_benchmarks_count_what_they_claim(quick_run) -> None:
    """Protects the load, slow-client and runaway figures: traffic answered, runaways refused, keep-alive kept."""
    load = {s["scenario"]: s for s in quick_run["load_test.py"]["summary"]["scenarios"]}
    assert set(load) == {"baseline", "one runaway in flight", "runaways = workers (2)", "rebuild + reload x2"}
    assert all(s["requests"] > 0 and s["non_2xx"] == 0 for s in load.values()), load
    assert set(load["runaways = workers (2)"]["runaway_answers"]) == {"503"}
    assert len(load["rebuild + reload x2"]["events"]) >= 1
    slow = quick_run["slow_clients.py"]["summary"]["models"]
    assert slow["gevent"]["checks"] > 0 and slow["gevent"]["connections"] == 1
    lanes = quick_run["runaway_lanes.py"]["summary"]["runs"]
    assert [run["config"] for run in lanes] == ["lanes"] and lanes[0]["checks"] > 0
    assert set(lanes[0]["runaway_statuses"]) <= {"503"}


@pytest.mark.server
def test_build_and_validation_benchmarks_hit_their_caches(quick_run) -> None:
    """Protects the build figures: builds succeed, cached validation re-checks nothing, queries answer."""
    shacl = quick_run["shacl_bench.py"]["summary"]["rows"]
    cached = [row for row in shacl if row["run"] == "everything cached"]
    assert cached and all(row["cached_units"] == row["units"] for row in cached)
    assert all(row["violations"] == 0 for row in shacl)
    scale = quick_run["scale_run.py"]["summary"]
    assert all(run["code"] == 0 for build in scale["builds"] for run in build["runs"])
    assert all(result["code"] == 0 for result in scale["incremental"].values())
    assert scale["queries"] and not any("skipped" in result for result in scale["queries"].values())
    # Every row ran wrk and got no error status (req/s may be 0 on a loaded machine: a first render can outlast 1 s).
    assert len(scale["http"]) == 9 and all("error" not in row for row in scale["http"]), scale["http"]
    assert quick_run["generate_archive.py"]["summary"]["documents"] == 5
    weighed = {page["page"]: page for page in quick_run["page_weight.py"]["summary"]["pages"]}
    assert set(weighed) == {"home", "cable"} and all(page["wire"] > 0 for page in weighed.values())
    growth = quick_run["cache_growth.py"]["summary"]["rows"]
    assert len(growth) == 3 and all(row["incremental"] for row in growth)
    # From the second edit on, each build prunes what the one before the previous build used.
    assert all(row["removed"] > 0 for row in growth[1:])
    assert growth[-1][".cache"]["files"] < growth[-1][".cache"]["files_without_pruning"]


def test_page_benchmark_asks_every_kind_of_page_of_a_summed_up_build(quick_run) -> None:  # type: ignore[no-untyped-def]
    """Protects benchmarks/scale_pages.py (issue #18 goal 0): its archive's build has the pages' summaries,
    and every kind of page it measures, entity pages of the most connected things included, answers 200."""
    summary = quick_run["scale_pages.py"]["summary"]
    assert summary["summaries"]
    pages = {page["page"]: page for page in summary["pages"]}
    assert {"home", "network", "timeline", "VoID", "sitemap", "most connected person"} <= set(pages)
    assert all(page["status"] == 200 and page["bytes"] > 0 for page in pages.values()), pages


def test_named_query_benchmark_pages_every_whole_list(quick_run) -> None:  # type: ignore[no-untyped-def]
    """Protects benchmarks/named_query_pages.py (issue #18 goal 1): every whole list's first page answers 200 on a
    fresh server, with its total, and the run covers every SELECT query that needs no parameter."""
    from histgraph.endpoint.named_queries import load_queries

    rows = quick_run["named_query_pages.py"]["summary"]["queries"]
    lists = {n for n, q in load_queries(ROOT / "queries").items()
             if q.kind == "SELECT" and not any(p.required for p in q.params)}
    assert {r["query"] for r in rows} == lists
    assert all(r["status"] == 200 and r["total"] is not None for r in rows), rows


def test_every_python_file_in_benchmarks_is_a_listed_script_or_module() -> None:
    """Protects goal 4: a new benchmark script is run by run_all.py, or it is named as a module on purpose."""
    assert unregistered() == []


def test_a_missing_tool_stops_a_script_with_what_to_install() -> None:
    """Protects goal 4: without wrk on the PATH, the endpoint benchmark says what to install, no traceback."""
    env = {**os.environ, "PATH": "/nonexistent"}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "sparql_endpoint.py"), "--quick"],
                          capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    message = done.stderr.strip().splitlines()
    assert len(message) == 1 and "missing: wrk" in message[0] and "make system-deps" in message[0]


def test_a_taken_port_stops_a_script_with_a_message(tmp_path: Path) -> None:
    """Protects goal 4: a server that cannot bind its port ends the run with one line saying so."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))  # bound, not listening: the port is in use, connections are refused
        port = taken.getsockname()[1]
        code = (
            "import sys; from pathlib import Path\n"
            f"sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'benchmarks')!r}]\n"
            "from bench_harness import BIN, main_guard\n"
            "from tests.servers import running\n"
            "def main():\n"
            f"    command = [str(BIN / 'oxigraph'), 'serve', '--location', {str(tmp_path / 'store')!r},"
            f" '--bind', '127.0.0.1:{port}']\n"
            f"    with running(command, 'http://127.0.0.1:{port}/query?query=ASK%7B%7D', Path({str(tmp_path / 'log')!r})):\n"
            "        pass\n"
            "main_guard(main)\n"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    message = done.stderr.strip().splitlines()
    assert len(message) == 1 and "stopped: server exited" in message[0] and "port is free" in message[0]
    assert "Address already in use" in message[0] or "address in use" in message[0].lower()
