"""Validating a build: units made from its parts, checked the one way units are checked.

The build never holds the whole dataset: it makes each unit from one part's
triples and an index of the context (authority records, types, what graphs say
about graphs) gathered from every part's meta (see
:mod:`histgraph.validation.units`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pyoxigraph as ox

from histgraph.build.load import AUTHORITIES_GRAPH, ONTOLOGY_GRAPH, graph_iri
from histgraph.build.parts import SHARED, Cache, PartMeta, read_lines
from histgraph.build.plan import Plan
from histgraph.build.reading import part_path
from histgraph.errors import ValidationFailed
from histgraph.validation.report import StoreReportContext, describe, violation_summary
from histgraph.validation.results import ValidationReport
from histgraph.validation.units import Triple, UnitIndex, triples_by_graph
from histgraph.validation.validate import (
    UnitChecks,
    UnitGroup,
    UnitResult,
    check_unit_groups,
    merged_report,
)

#: A unit as a build's state keeps it: graph IRI, cache key, whether its report has results.
UnitState = list[Any]


def unit_graphs(meta: PartMeta, base_iri: str) -> list[str]:
    """The graphs (terms) of a part that are validation units: all but the ontology's."""
    ontology = str(graph_iri(ONTOLOGY_GRAPH, base_iri))
    return [g for g in meta.graphs if g != ontology]


def unit_order(metas: list[PartMeta], base: str) -> dict[str, int]:
    """The order a full build lists units in: by part, then by graph within it."""
    order: dict[str, int] = {}
    for meta in metas:
        for graph in unit_graphs(meta, base):
            order[graph[1:-1]] = len(order)
    return order


def unit_index(metas: list[PartMeta], cache: Cache, base_iri: str) -> UnitIndex:
    """The context of every unit, gathered from all parts' metas and the shared records."""
    graphs = {g for meta in metas for g in unit_graphs(meta, base_iri)}
    types: dict[str, list[Triple]] = {}
    about: dict[str, list[Triple]] = {}
    for meta in metas:
        for triple in meta.types:
            # The same predicate and class terms recur in every document: keep one copy.
            types.setdefault(triple[0], []).append((triple[0], sys.intern(triple[1]), sys.intern(triple[2])))
        for graph, triple in meta.about:
            if graph in graphs:
                about.setdefault(graph, []).append(triple)
    return UnitIndex(shared_records(metas, cache, base_iri), types, about)


def shared_records(metas: list[PartMeta], cache: Cache, base_iri: str) -> dict[str, list[Triple]]:
    """The authority records' triples by subject, as written in their files."""
    records: dict[str, list[Triple]] = {}
    shared = next((m for m in metas if m.name == SHARED), None)
    if shared is not None:
        authorities = str(graph_iri(AUTHORITIES_GRAPH, base_iri))
        for triple in triples_by_graph(read_lines(cache, shared)).get(authorities, []):
            records.setdefault(triple[0], []).append(triple)
    return records


def validate_all(plan: Plan, metas: list[PartMeta]) -> tuple[list[UnitState], ValidationReport]:
    """Validate every unit (cached by content); the units' state and the merged report."""
    index = unit_index(metas, plan.cache, plan.settings.base_iri)
    groups: list[UnitGroup] = [(part_path(plan.cache, m), unit_graphs(m, plan.settings.base_iri)) for m in metas]
    groups = [group for group in groups if group[1]]
    plan.tick.stage("validating", len(groups))
    checks = UnitChecks(index, plan.shapes_text, plan.settings.validator, plan.validation_cache)
    results: list[UnitResult] = []
    for found in check_unit_groups(groups, checks, plan.workers):
        results.extend(found)
        plan.tick.advance()
    units: list[UnitState] = [[graph, key, bool(payload)] for graph, key, payload, _cached in results]
    return units, merged_report(results, plan.validation_cache)


def refuse_if_invalid(plan: Plan, store: ox.Store, report: ValidationReport,
                      primed: tuple[dict[str, object], set[str]] | None = None) -> str:
    """The report as JSON for the site; raises :class:`ValidationFailed` on a violation.

    Labels and passages come from the staged store: a report names a few nodes.
    ``primed`` is the previous build's report and the IRIs whose labels or
    passages may have changed since.
    """
    context = StoreReportContext(store, plan.settings.base_iri)
    if primed is not None:
        context.prime(*primed)
    if not report.conforms:
        raise ValidationFailed(
            f"the data has {report.counts()['violations']} violation(s); nothing was "
            "published and the last good build keeps serving:\n"
            f"{violation_summary(report, context)}\n"
            "Run `histgraph validate` for the full report.",
            report,
        )
    return json.dumps(describe(report, context), ensure_ascii=False, separators=(",", ":"))
