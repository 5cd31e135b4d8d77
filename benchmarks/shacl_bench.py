"""Measure SHACL validation (pyshacl) on the cable and on a small synthetic archive.

The synthetic archive copies the cable's built graph N times under new
identifiers (every minted IRI of the document gets a ``-copyN`` suffix; the
authority records stay shared), which is enough to measure how validation
scales with documents. The real generator belongs to the scale issue.

Usage: .venv/bin/python benchmarks/shacl_bench.py [--copies 20] [--workers 2]
Prints a Markdown table (seconds, wall clock) for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

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
    args = parser.parse_args()
    shapes = load_shapes_text(ROOT / "shapes")
    cable = project_quads()
    archive = synthetic_archive(cable, args.copies)
    rows = []
    for name, quads in (("cable", cable), (f"cable + {args.copies} copies", archive)):
        triples = len({(q.subject, q.predicate, q.object, q.graph_name) for q in quads})
        for workers in sorted({1, args.workers}):
            label, seconds, report = timed(
                "", lambda q=quads, w=workers: validate_dataset(q, shapes, base_iri=DEFAULT_BASE_IRI, workers=w)
            )
            rows.append((name, triples, f"{workers} process(es), no cache", seconds, report))
        with tempfile.TemporaryDirectory() as cache:
            warm = Path(cache)
            validate_dataset(quads, shapes, base_iri=DEFAULT_BASE_IRI, workers=args.workers, cache_dir=warm)
            _l, seconds, report = timed(
                "", lambda q=quads, w=warm: validate_dataset(q, shapes, base_iri=DEFAULT_BASE_IRI, workers=1, cache_dir=w)
            )
            rows.append((name, triples, "everything cached", seconds, report))
            if name != "cable":
                more = synthetic_archive(cable, args.copies + 1)
                _l, seconds, report = timed(
                    "", lambda m=more, w=warm: validate_dataset(m, shapes, base_iri=DEFAULT_BASE_IRI, workers=1, cache_dir=w)
                )
                rows.append((name + ", one document added", triples, "cache; only the new one checked", seconds, report))
    print("| dataset | triples | run | seconds | units (cached) | violations | warnings |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for name, triples, run, seconds, report in rows:
        counts = report.counts()
        print(
            f"| {name} | {triples} | {run} | {seconds:.2f} | {report.units} ({report.cached_units}) "
            f"| {counts['violations']} | {counts['warnings']} |"
        )


if __name__ == "__main__":
    main()
