"""What every benchmark script shares: tools it needs, wrk over a list of paths, a JSON summary, clear stops.

Each script under benchmarks/ runs from a fresh clone once ``make test`` has set
it up (the virtualenv with histgraph and the ``oxigraph`` server, Debian's
``wrk``). Each:

* checks the tools it needs first (:func:`need`) and stops with a message that
  says how to get them;
* with ``--json`` prints one line of JSON, its summary, as the last line of its
  output (:func:`emit`), which ``benchmarks/run_all.py`` and the tests read;
* stops with a one-line message and exit status 2, never a traceback, when a
  server does not start, a port is taken, a tool fails, a build is refused
  or the run is interrupted (:func:`main_guard`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from histgraph.errors import HistgraphError

ROOT = Path(__file__).resolve().parents[1]
#: The virtualenv's bin folder: the interpreter running the script is the project's.
BIN = Path(sys.executable).parent
PATHS_SCRIPT = Path(__file__).with_name("load_mixed.lua")
#: wrk is one client (127.0.0.1): the per-client budget would answer 429 after its burst.
#: Every other safety measure (checks, query processes with the time limit, row cap,
#: admission control, lanes) stays on.
NO_CLIENT_BUDGET = {"HISTGRAPH_CLIENT_RATE": "0"}

_HOW = {
    "wrk": "install it with `make system-deps` (Debian package wrk)",
    "oxigraph": "install the test extras with `make install-test` (PyPI package oxigraph)",
    "histgraph": "install the project with `make install-test`",
    "gunicorn": "install the project with `make install-test`",
}


class BenchmarkStopped(Exception):
    """A benchmark cannot go on; the message says why and what to do."""


def need(*tools: str) -> None:
    """Stop with a message naming every missing tool and how to install it."""
    missing = []
    for tool in tools:
        if tool == "wrk":
            found = shutil.which("wrk") is not None
        else:
            found = (BIN / tool).is_file()
        if not found:
            missing.append(f"{tool} ({_HOW.get(tool, 'see README.md')})")
    if missing:
        raise BenchmarkStopped("missing: " + "; ".join(missing))


def emit(summary: dict, as_json: bool) -> None:
    """Print ``summary`` as one JSON line (the last of the output) when ``as_json``."""
    if as_json:
        print(json.dumps(summary, default=str, separators=(",", ":")), flush=True)


def main_guard(main: Callable[[], object]) -> None:
    """Run a script's ``main``; a failure becomes a one-line message on stderr and exit status 2."""
    script = Path(sys.argv[0]).name
    try:
        main()
    except BenchmarkStopped as exc:
        _stop(script, str(exc))
    except HistgraphError as exc:  # a build or a setting refused: histgraph's own message says what to do
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        _stop(script, " / ".join(lines[:3]) or type(exc).__name__)
    except KeyboardInterrupt:
        _stop(script, "interrupted", 130)
    except subprocess.CalledProcessError as exc:
        tail = ((exc.stderr or "") if isinstance(exc.stderr, str) else "").strip().splitlines()[-3:]
        _stop(script, f"{Path(str(exc.cmd[0])).name} failed with exit status {exc.returncode}"
              + (": " + " / ".join(tail) if tail else ""))
    except subprocess.TimeoutExpired as exc:
        _stop(script, f"{Path(str(exc.cmd[0])).name} did not finish in {exc.timeout:.0f} s; is the machine overloaded?")
    except RuntimeError as exc:  # tests.servers.running: a server that did not start (port taken, bad settings)
        lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
        # The server's log follows the first line; its first error line says why (not its backtrace).
        why = next((line for line in lines[1:] if "rror" in line), lines[-1] if len(lines) > 1 else "")
        _stop(script, f"{lines[0] if lines else exc}{' — ' + why[:300] if why else ''}; "
              "check that the port is free and the project is installed (make install-test)")
    except OSError as exc:
        _stop(script, f"{exc.strerror or exc} ({exc.filename or 'no file'})")


def _stop(script: str, message: str, status: int = 2) -> None:
    print(f"{script}: stopped: {message}", file=sys.stderr, flush=True)
    sys.exit(status)


def wrk_paths(url: str, paths_file: Path, seconds: float, connections: int, *, close: bool = False,
              vary: bool = False, timeout: str = "5s") -> dict:
    """Run wrk with benchmarks/load_mixed.lua over the ``Accept path`` lines of ``paths_file``.

    ``close`` sends ``Connection: close`` (a new connection per request);
    ``vary`` makes a query path new on each pass through the list (a comment
    with the pass number), so no answer is ever asked for twice. Returns
    requests, req/s, p50/p99/max latency in ms and failed requests (non-2xx/3xx
    statuses and socket errors; with ``close``, read errors are only counted apart).
    """
    mode = ("close" if close else "keep-alive") + ("+vary" if vary else "")
    threads = min(2, connections)  # wrk needs a connection per thread
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", timeout,
               "-s", str(PATHS_SCRIPT), url, "--", str(paths_file), mode, str(threads)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = re.search(r"LATENCY p50=([\d.]+)ms p90=([\d.]+)ms p99=([\d.]+)ms max=([\d.]+)ms", output)
    total = re.search(r"TOTAL requests=(\d+) errors_connect=(\d+) errors_read=(\d+) errors_write=(\d+) "
                      r"errors_status=(\d+) errors_timeout=(\d+)", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if latency is None or total is None or rps is None:
        raise BenchmarkStopped(f"could not read wrk's output: {output[-300:]!r}")
    return {
        "requests": int(total[1]), "rps": float(rps[1]), "p50_ms": float(latency[1]),
        "p99_ms": float(latency[3]), "max_ms": float(latency[4]),
        # With Connection: close, wrk counts a server that closes without saying so in its
        # answer (oxigraph) as a read error on every request: those are reported apart.
        "failed": sum(int(total[k]) for k in (2, 4, 5, 6)) + (0 if close else int(total[3])),
        "read_errors": int(total[3]),
        "non_2xx": int(total[5]),  # answers that were errors (a 429 from the client budget, a 503, a 5xx)
        "timeouts": int(total[6]),
    }


def load_average() -> str:
    """The load average now (the machine is shared: say how busy it was)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
