"""Query latency at scale: every named query, and an entity page's work, on a built archive.

Named queries run on the build's store (``EmbeddedStore``, in this process), each
``repeats`` times after one warm-up; an IRI parameter gets a synthetic person.
Entity pages are rendered through the real Flask app (test client, no network):
first request of each page (all of its queries and the template) and the
repeat, which the per-build page cache answers.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

PERSON = "https://histgraph.example.org/id/person/"


def summary(samples: list[float]) -> dict:
    """Median and min-max of ``samples`` (milliseconds)."""
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def _sample_people(store, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    rows = store.select(
        "SELECT DISTINCT ?p WHERE { ?p a <http://www.cidoc-crm.org/cidoc-crm/E21_Person> } ORDER BY ?p LIMIT 400"
    )
    people = [str(row["p"]) for row in rows]
    step = max(1, len(people) // count)
    return people[::step][:count]


def _time_query(build_path: str, query_path: str, values: dict, repeats: int, results) -> None:  # type: ignore[no-untyped-def]
    """In a child process: run one named query once to warm up, then ``repeats`` times."""
    from histgraph.endpoint.named_queries import parse_query_file, run_query
    from histgraph.store import EmbeddedStore

    store = EmbeddedStore.open(Path(build_path))
    query = parse_query_file(Path(query_path))
    run_query(store, query, values)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run_query(store, query, values)
        samples.append((time.perf_counter() - start) * 1000)
    results.put(samples)


def named_query_latency(project: Path, build_path: Path, repeats: int = 5, limit: float = 30.0,
                        only: list[str] | None = None) -> dict[str, dict]:
    """Milliseconds per named query (median, min, max) on the build at ``build_path``.

    Each query runs in its own process, stopped after ``limit`` seconds (the
    embedded store has no time limit of its own outside the web app). ``only``
    names the queries to run (default: every one).
    """
    import multiprocessing

    from histgraph.endpoint.named_queries import load_queries
    from histgraph.store import EmbeddedStore

    person = _sample_people(EmbeddedStore.open(build_path), 1)[0]
    spawn = multiprocessing.get_context("spawn")
    out: dict[str, dict] = {}
    for name, query in sorted(load_queries(project / "queries").items()):
        if only is not None and name not in only:
            continue
        values = {p.name: person for p in query.params if p.required and p.type == "iri"}
        if any(p.required and p.type != "iri" for p in query.params):
            out[name] = {"skipped": "needs a non-IRI parameter"}
            continue
        results = spawn.Queue()
        child = spawn.Process(target=_time_query, args=(str(build_path), str(query.path), values, repeats, results))
        child.start()
        child.join(limit)
        if child.is_alive():
            child.terminate()
            child.join()
            out[name] = {"skipped": f"not finished in {limit:.0f} s (stopped)"}
        else:
            out[name] = summary(results.get(timeout=5))
        print(f"  query {name}: {out[name]}", flush=True)
    return out


def entity_page_latency(project: Path, build_dir: Path, pages: int = 20) -> dict[str, dict]:
    """Server-side milliseconds of entity pages: first render, and cached repeat."""
    from histgraph.store import EmbeddedStore
    from histgraph.web import create_app

    settings = {"project_dir": project, "build_dir": build_dir}
    app = create_app(settings, environ={})
    client = app.test_client()
    store = EmbeddedStore.open(build_dir / "current")
    paths = ["/" + iri.split("/", 3)[3] for iri in _sample_people(store, pages)]
    client.get(paths[-1], headers={"Accept": "text/html"})  # labels and other per-build indexes
    first, repeat = [], []
    for path in paths[:-1]:
        for bucket in (first, repeat):
            start = time.perf_counter()
            response = client.get(path, headers={"Accept": "text/html"})
            bucket.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
    return {"entity page, first render": summary(first), "entity page, cached": summary(repeat)}
