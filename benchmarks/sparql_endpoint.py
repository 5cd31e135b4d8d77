"""Endpoint latency and throughput: histgraph (embedded, remote) beside `oxigraph serve`.

Run: ``.venv/bin/python benchmarks/sparql_endpoint.py [--seconds 5] [--connections 8]``

One synthetic dataset shaped like ours (people, places, events with labels and
dates in named graphs, ~50,000 triples) is served, in turn, by:

* the Flask "hello" floor (gunicorn, 2 workers, ``/hello``);
* ``oxigraph serve-read-only`` on the same data (union default graph);
* ``histgraph serve`` on the embedded backend (gunicorn, 2 workers, every safety
  measure on: checks, query processes with the time limit, row cap), with its
  answer cache and with it off (``HISTGRAPH_ANSWER_CACHE_BYTES=0``): wrk repeats
  one query, which the cache answers without the query process;
* ``histgraph serve`` on the remote backend, in front of that ``oxigraph serve``.

Each is loaded with ``wrk`` (2 threads, keep-alive, only 127.0.0.1) for a point
query and an aggregate; requests/s and mean and 99th-percentile latency are
printed as a Markdown table. Servers run one at a time (except the remote
pair), so they do not compete for the cores.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.servers import BIN, free_port, running  # noqa: E402

POINT = 'SELECT ?label WHERE { <http://example.org/person/4242> <http://www.w3.org/2000/01/rdf-schema#label> ?label }'
AGGREGATE = "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type"


def write_dataset(path: Path, people: int = 8000) -> None:
    """~50k quads: people with labels and birth dates, places, events linking them."""
    ex, label = "http://example.org/", "<http://www.w3.org/2000/01/rdf-schema#label>"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    lines = []
    for i in range(people):
        s, g = f"<{ex}person/{i}>", f"<{ex}graph/people-{i % 20}>"
        lines += [f"{s} {rdf_type} <{ex}Person> {g} .", f'{s} {label} "Person {i}"@en {g} .',
                  f'{s} <{ex}born> "{1850 + i % 100}-01-01"^^<http://www.w3.org/2001/XMLSchema#date> {g} .']
    for i in range(people // 4):
        e, g = f"<{ex}event/{i}>", f"<{ex}graph/events-{i % 10}>"
        lines += [f"{e} {rdf_type} <{ex}Event> {g} .", f"{e} <{ex}participant> <{ex}person/{i}> {g} .",
                  f"{e} <{ex}participant> <{ex}person/{i + 1}> {g} .", f"{e} <{ex}place> <{ex}place/{i % 300}> {g} ."]
    for i in range(300):
        lines += [f"<{ex}place/{i}> {rdf_type} <{ex}Place> <{ex}graph/places> .",
                  f'<{ex}place/{i}> {label} "Place {i}"@en <{ex}graph/places> .']
    path.write_text("\n".join(lines) + "\n")


def wrk(url: str, seconds: int, connections: int, close: bool = False) -> tuple[float, str, str]:
    """Requests/s, mean latency and 99th percentile of ``wrk`` against ``url``."""
    headers = ["-H", "Accept: application/sparql-results+json"]
    if close:
        headers += ["-H", "Connection: close"]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *headers, url],
        check=True, capture_output=True, text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    mean = re.search(r"Latency\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses")
    return rps, mean, p99


def query_url(base: str, path: str, query: str) -> str:
    return f"{base}{path}?{urllib.parse.urlencode({'query': query})}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    results: list[tuple[str, str, float, str, str]] = []

    def measure(name: str, label: str, url: str, close: bool = False) -> None:
        wrk(url, 1, args.connections, close)  # warm up: query processes, caches
        rps, mean, p99 = wrk(url, args.seconds, args.connections, close)
        results.append((name, label, rps, mean, p99))
        print(f"{name:42s} {label:10s} {rps:8.0f} req/s  mean {mean:>8s}  p99 {p99:>8s}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "data.nq"
        write_dataset(data)
        store = folder / "oxigraph"
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(store), "--file", str(data)],
                       check=True, capture_output=True)

        port = free_port()
        hello = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--chdir",
                 str(ROOT / "benchmarks"), "sparql_hello:app"]
        with running(hello, f"http://127.0.0.1:{port}/hello", folder / "hello.log"):
            measure("Flask hello floor (gunicorn, 2 workers)", "/hello", f"http://127.0.0.1:{port}/hello")

        port = free_port()
        oxigraph = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(store), "--bind",
                    f"127.0.0.1:{port}", "--union-default-graph"]
        oxigraph_url = f"http://127.0.0.1:{port}"
        with running(oxigraph, f"{oxigraph_url}/query?query=ASK%7B%7D", folder / "oxigraph.log"):
            for label, query in (("point", POINT), ("aggregate", AGGREGATE)):
                measure("oxigraph serve-read-only, keep-alive", label, query_url(oxigraph_url, "/query", query))
                # gunicorn's sync workers close every connection: compare like with like too.
                url = query_url(oxigraph_url, "/query", query)
                measure("oxigraph serve-read-only, Connection: close", label, url, close=True)

            port = free_port()
            remote = [str(BIN / "histgraph"), "--project", str(folder), "serve", "--port", str(port)]
            env = {"HISTGRAPH_BACKEND": "remote", "HISTGRAPH_REMOTE_QUERY_URL": f"{oxigraph_url}/query"}
            base = f"http://127.0.0.1:{port}"
            with running(remote, f"{base}/sparql?query=ASK%7B%7D", folder / "remote.log", env):
                for label, query in (("point", POINT), ("aggregate", AGGREGATE)):
                    measure("histgraph, remote backend (-> oxigraph)", label, query_url(base, "/sparql", query))

        for cache in ("16000000", "0"):
            port = free_port()
            embedded = [str(BIN / "histgraph"), "--project", str(folder), "serve", "--port", str(port), str(data)]
            base = f"http://127.0.0.1:{port}"
            name = "histgraph, embedded backend" + ("" if cache != "0" else ", answer cache off")
            env = {"HISTGRAPH_ANSWER_CACHE_BYTES": cache}
            with running(embedded, f"{base}/sparql?query=ASK%7B%7D", folder / "embedded.log", env):
                for label, query in (("point", POINT), ("aggregate", AGGREGATE)):
                    measure(name, label, query_url(base, "/sparql", query))

    print("\n| server | query | req/s | mean latency | p99 latency |\n|---|---|---:|---:|---:|")
    for name, label, rps, mean, p99 in results:
        print(f"| {name} | {label} | {rps:,.0f} | {mean} | {p99} |")
    floor = next(r[2] for r in results if r[1] == "/hello")
    for name, _, ours, _, _ in results:
        if name.startswith("histgraph, embedded") and _ == "point":
            for mode in ("keep-alive", "Connection: close"):
                raw = next(r[2] for r in results if r[0].endswith(mode) and r[1] == "point")
                print(f"{name}, point: {ours / raw:.2f}x oxigraph ({mode}), {ours / floor:.0%} of the Flask floor")


if __name__ == "__main__":
    main()
