"""Measure SHACL validation (pyshacl) on the cable and on a small synthetic archive.

The synthetic archive copies the cable's built graph N times under new
identifiers (every minted IRI of the document gets a ``-copyN`` suffix; the
authority records stay shared), which is enough to measure how validation
scales with documents. The real generator belongs to the scale issue.

Usage: .venv/bin/python benchmarks/shacl_bench.py [--copies 20] [--workers 2] [--validator turbo] [--quick] [--json]
Prints a Markdown table (seconds, wall clock) for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from bench_harness import emit, main_guard

from histgraph.build.anchors import resolve_anchors
from histgraph.build.load import read_project
from histgraph.config import DEFAULT_BASE_IRI, load_settings
from histgraph.validation.engines import load_shapes_text
from histgraph.validation.validate import validate_dataset

ROOT = Path(__file__).resolve().parents[1]
CABLE = "cable-1950-01-02-mao-to-ccp-cc"
_MINTED = re.compile(
    re.escape(DEFAULT_BASE_IRI)
    + r"(id/(?:event|plan|step|proposal|claim|request|question|note|timespan|document|text|annotation)/[^#]+|graph/"
    + re.escape(CABLE)
    + r")"
)


def project_quads() -> list[ox.Quad]:
    """The real project's quads, anchored, as a build makes them."""
    settings = load_settings({"project_dir": ROOT}, environ={})
    source = read_project(settings.data_dir, settings.ontology_dir)
    quads, _anchors = resolve_anchors(source.quads, source.texts)
    return quads


def synthetic_archive(quads: list[ox.Quad], copies: int) -> list[ox.Quad]:
    """The project plus ``copies`` renamed copies of the cable's document graph."""
    cable_graph = f"{DEFAULT_BASE_IRI}graph/{CABLE}"
    document = [q for q in quads if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == cable_graph]
    out = list(quads)
    for n in range(1, copies + 1):

        def rename(term, n=n):  # type: ignore[no-untyped-def]
            if isinstance(term, ox.NamedNode) and _MINTED.match(term.value):
                match = _MINTED.match(term.value)
                assert match is not None
                return ox.NamedNode(match.group(0) + f"-copy{n}" + term.value[match.end() :])
            return term

        out.extend(ox.Quad(rename(q.subject), q.predicate, rename(q.object), rename(q.graph_name)) for q in document)
    return out


def timed(label: str, fn) -> tuple[str, float, object]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return label, time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--validator", default="pyshacl", help="pyshacl (default) or turbo")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 copy, 1 process, pyshacl-turbo")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args()
    if args.quick:
        args.copies, args.workers, args.validator = 1, 1, "turbo"
    check = functools.partial(validate_dataset, base_iri=DEFAULT_BASE_IRI, validator=args.validator)
    shapes = load_shapes_text(ROOT / "shapes")
    cable = project_quads()
    archive = synthetic_archive(cable, args.copies)
    rows = []
    for name, quads in (("cable", cable), (f"cable + {args.copies} copies", archive)):
        triples = len({(q.subject, q.predicate, q.object, q.graph_name) for q in quads})
        for workers in sorted({1, args.workers}):
            label, seconds, report = timed(
                "", lambda q=quads, w=workers: check(q, shapes, workers=w)
            )
            rows.append((name, triples, f"{workers} process(es), no cache", seconds, report))
        with tempfile.TemporaryDirectory() as cache:
            warm = Path(cache)
            check(quads, shapes, workers=args.workers, cache_dir=warm)
            _l, seconds, report = timed(
                "", lambda q=quads, w=warm: check(q, shapes, workers=1, cache_dir=w)
            )
            rows.append((name, triples, "everything cached", seconds, report))
            if name != "cable":
                more = synthetic_archive(cable, args.copies + 1)
                _l, seconds, report = timed(
                    "", lambda m=more, w=warm: check(m, shapes, workers=1, cache_dir=w)
                )
                rows.append((name + ", one document added", triples, "cache; only the new one checked", seconds, report))
    summary = [{"dataset": name, "triples": triples, "run": run, "seconds": seconds, "units": report.units,
                "cached_units": report.cached_units, **report.counts()} for name, triples, run, seconds, report in rows]
    if args.json:
        emit({"copies": args.copies, "workers": args.workers, "validator": args.validator, "rows": summary}, True)
        return
    print("| dataset | triples | run | seconds | units (cached) | violations | warnings |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for row in summary:
        print(
            f"| {row['dataset']} | {row['triples']} | {row['run']} | {row['seconds']:.2f} | {row['units']} "
            f"({row['cached_units']}) | {row['violations']} | {row['warnings']} |"
        )


if __name__ == "__main__":
    main_guard(main)
