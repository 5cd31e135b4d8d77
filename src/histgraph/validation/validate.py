"""Validate a dataset against the project's SHACL shapes, unit by unit.

Validation is a pure function with a typed result: :func:`validate_dataset` takes
quads and the shapes and returns a :class:`ValidationReport`. The dataset is
validated in *units*, one per named graph (:mod:`histgraph.validation.units`), so
that adding a document re-checks only that document (results are cached by
content, :mod:`histgraph.validation.cache`) and units can run in parallel.

There is one way to run units, :func:`check_unit_groups`: the build gives it its
parts, :func:`validate_dataset` a whole dataset's graphs, so both validate the
same units in the same processes. See ``docs/validation.md``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from histgraph.errors import InputError
from histgraph.validation.cache import check_unit
from histgraph.validation.engines import VALIDATORS, validate_unit_report
from histgraph.validation.merge import merge_unit_reports
from histgraph.validation.processes import run_jobs
from histgraph.validation.results import ValidationReport, has_results
from histgraph.validation.units import (
    ContextIndex,
    Triple,
    dataset_by_graph,
    dataset_index,
    dataset_order,
    triples_by_graph,
    unit_from_triples,
)

#: Where a group of units comes from: a part's N-Quads file, or triples by graph term.
UnitSource = Path | dict[str, list[Triple]]
#: A group of units: their source and the graphs (terms) to make units of.
UnitGroup = tuple[UnitSource, list[str]]
#: A unit's outcome: its graph, cache key, report (empty unless it has results), and whether it was cached.
UnitResult = tuple[str, str, bytes, bool]


@dataclass(frozen=True)
class UnitChecks:
    """What every unit is checked with; sent once to each worker process."""

    index: ContextIndex
    shapes_text: str
    validator: str
    cache_dir: Path | None


def _check_group(checks: UnitChecks, group: UnitGroup) -> list[UnitResult]:
    source, graphs = group
    if isinstance(source, Path):  # read in the worker: a part's lines never cross processes
        by_graph = triples_by_graph(source.read_text(encoding="utf-8").splitlines(keepends=True))
    else:
        by_graph = source
    out = []
    for graph in graphs:
        unit = unit_from_triples(graph, by_graph.get(graph, []), checks.index)
        key, payload, cached = check_unit(unit, checks.shapes_text, checks.validator, checks.cache_dir)
        out.append((unit.graph, key, payload if has_results(payload) else b"", cached))
    return out


def check_unit_groups(
    groups: Sequence[UnitGroup], checks: UnitChecks, workers: int | None = None
) -> Iterator[list[UnitResult]]:
    """Each group's unit results, in order: from the cache or validated now, in processes when many."""
    return run_jobs(_check_group, checks, groups, workers)


def merged_report(results: list[UnitResult], cache_dir: Path | None) -> ValidationReport:
    """The report of all units, from their results (see :func:`merge_unit_reports`)."""
    report = merge_unit_reports([(graph, key, payload) for graph, key, payload, _cached in results if payload],
                                len(results), cache_dir)
    report.cached_units = sum(1 for *_rest, cached in results if cached)
    return report


def validate_dataset(
    quads: Iterable[ox.Quad],
    shapes_text: str,
    *,
    base_iri: str,
    workers: int | None = None,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    validator: str = "pyshacl",
) -> ValidationReport:
    """Validate a dataset unit by unit (in parallel with ``workers`` > 1), using a cache."""
    if validator not in VALIDATORS:
        raise InputError("settings", f"validator must be one of {VALIDATORS}, got {validator!r}")
    by_graph = dataset_by_graph(quads, base_iri)
    order = dataset_order(by_graph, base_iri)
    checks = UnitChecks(dataset_index(by_graph, base_iri), shapes_text, validator, cache_dir)
    tick = progress or (lambda _name: None)
    results: list[UnitResult] = []
    groups: list[UnitGroup] = [({graph: by_graph[graph]}, [graph]) for graph in order]
    for graph, found in zip(order, check_unit_groups(groups, checks, workers), strict=True):
        results.extend(found)
        tick(graph[1:-1])
    return merged_report(results, cache_dir)


def validate_graph(data: Graph, shapes: Graph) -> ValidationReport:
    """Validate one rdflib graph as a whole (no units, no cache): for small ad-hoc checks."""
    payload = data.serialize(format="nt").encode("utf-8")
    shapes_text = shapes.serialize(format="turtle")
    report = validate_unit_report(payload, (), shapes_text)
    return merge_unit_reports([("", hashlib.sha256(report).hexdigest(), report)], 1)
