"""The incremental build: a change of a few documents applied to the current build.

Taken when only a few documents were added, changed or removed since the
current build: it copies the current store (a RocksDB checkpoint: hard links),
replaces those documents' graphs, and validates those documents plus any unit
whose context they change. The result is the full build's
(tests/test_incremental_build.py checks it); whenever that cannot be known
cheaply, :class:`NotIncremental` sends the build down the full path.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from histgraph.build import staging as staging_folders
from histgraph.build.declarations import RDF_TYPE
from histgraph.build.derived import add_derived, count_derived, derived_graph
from histgraph.build.finish import reuse, write_build
from histgraph.build.load import AUTHORITIES_GRAPH, ONTOLOGY_GRAPH, graph_iri
from histgraph.build.parts import SHARED, PartMeta, read_lines
from histgraph.build.plan import BuildResult, Plan
from histgraph.build.reading import part_path, read_one_part
from histgraph.build.state import about_entries, adjusted, from_essentials
from histgraph.build.validating import (
    UnitState,
    refuse_if_invalid,
    shared_records,
    unit_graphs,
    unit_order,
)
from histgraph.store.layout import REPORT_JSON, STORE_DIR, SUMMARY, read_state, verify_manifest
from histgraph.validation.cache import check_unit
from histgraph.validation.merge import merge_unit_reports
from histgraph.validation.results import ValidationReport, has_results
from histgraph.validation.units import (
    StoreUnitIndex,
    Triple,
    split_lines,
    triples_by_graph,
    unit_from_triples,
)

#: Above this share of changed documents, reading everything again is as fast.
INCREMENTAL_SHARE = 0.05
INCREMENTAL_MIN = 20
_HAS_BODY = "<http://www.w3.org/ns/oa#hasBody>"


class NotIncremental(Exception):
    """The change cannot be applied to the current build alone: make a full build."""


def build_incremental(plan: Plan, previous: Path) -> BuildResult:
    """Apply a change of a few documents to the current build (see the module's docstring)."""
    try:
        state = read_state(previous)
    except (OSError, ValueError):
        raise NotIncremental from None
    if any(state.get(k) != v for k, v in plan.fingerprint().items()):
        raise NotIncremental
    before = {p["name"]: p for p in state["parts"]}
    changed, removed = _changes(plan, before)
    old_metas = _old_metas(plan, before, [plan.specs[i].name for i in changed if plan.specs[i].name in before] + removed)
    plan.tick.stage("reading", len(changed))
    new_metas = {}
    for i in changed:
        meta = read_one_part(plan, i)
        new_metas[meta.name] = meta
        plan.tick.advance()
    metas = [new_metas.get(spec.name) or from_essentials(before[spec.name]) for spec in plan.specs]
    if not new_metas and not removed:
        if verify_manifest(previous):
            raise NotIncremental  # the current build is damaged: make it again
        return reuse(plan, previous)
    staging = staging_folders.new_folder(plan.settings.builds_root)
    try:
        summary, report, report_json, units, about, derived = _apply(plan, previous, staging, state, old_metas,
                                                                     new_metas, metas)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return write_build(plan, metas, summary, report, report_json, units, previous, staging, incremental=True,
                       about=about, derived=derived)


def _changes(plan: Plan, before: dict[str, dict[str, Any]]) -> tuple[list[int], list[str]]:
    """The parts changed or added (their indexes) and the names of parts removed, if few enough."""
    names = [s.name for s in plan.specs]
    changed = [i for i, s in enumerate(plan.specs) if before.get(s.name, {}).get("digest") != plan.digests[i]]
    present = set(names)
    removed = [name for name in before if name not in present]
    if any(plan.specs[i].name == SHARED for i in changed) or SHARED in removed:
        raise NotIncremental  # the shared records are every unit's context
    if len(changed) + len(removed) > max(INCREMENTAL_MIN, INCREMENTAL_SHARE * len(names)):
        raise NotIncremental
    return changed, removed


def _old_metas(plan: Plan, before: dict[str, dict[str, Any]], names: list[str]) -> dict[str, PartMeta]:
    """The previous build's metas of the parts that change or go."""
    old_metas = {}
    for name in names:
        old = plan.cache.load_meta(before[name]["digest"])
        if old is None:
            raise NotIncremental  # the cache was cleared: nothing to compare with
        old_metas[name] = old
    return old_metas


def _apply(plan: Plan, previous: Path, staging: Path, state: dict[str, Any], old_metas: dict[str, PartMeta],
           new_metas: dict[str, PartMeta], metas: list[PartMeta],
           ) -> tuple[dict[str, Any], ValidationReport | None, str | None, list[UnitState], list[list[Any]],
                      tuple[bytes, bytes]]:
    """Make the staged store and check it: summary, report, report JSON, units, the state's ``about``, derived."""
    plan.tick.stage("updating the store", 1)
    ox.Store.read_only(str(previous / STORE_DIR)).backup(str(staging / STORE_DIR))
    store = ox.Store(str(staging / STORE_DIR))
    # The derived graph follows from everything else: made again once the documents are replaced.
    store.remove_graph(derived_graph(plan.settings.base_iri))
    for old in old_metas.values():
        for graph in old.graphs:
            store.remove_graph(ox.NamedNode(graph[1:-1]))
    for meta in new_metas.values():
        store.load(path=str(part_path(plan.cache, meta)), format=ox.RdfFormat.N_QUADS)
    _refuse_duplicates_in_store(plan, store, metas, new_metas)
    plan.tick.advance()
    before = json.loads((previous / SUMMARY).read_text())
    summary = adjusted(before, list(old_metas.values()), list(new_metas.values()))
    about = [e for e in state.get("about", []) if e[0] not in old_metas and e[0] not in new_metas]
    about += about_entries(list(new_metas.values()))
    report, report_json, units = None, None, state["units"]
    if plan.validate:
        units, report = _revalidate(plan, store, state, old_metas, new_metas, metas, about)
        summary["validation"] = report.counts()
        report_json = refuse_if_invalid(plan, store, report, _previous_report(plan, previous, old_metas, new_metas))
    # After validation: the units' context is read from this store, and it is the asserted data that is checked.
    derived = add_derived(store, plan.settings.base_iri)
    count_derived(summary, derived, before)
    store.flush()
    del store
    return summary, report, report_json, units, about, derived


def _refuse_duplicates_in_store(plan: Plan, store: ox.Store, metas: list[PartMeta], new: dict[str, PartMeta]) -> None:
    """The incremental check for duplicates: the store holds every part's types, the metas only the new ones'."""
    ontology = str(graph_iri(ONTOLOGY_GRAPH, plan.settings.base_iri))
    rdf_type = ox.NamedNode(RDF_TYPE)
    index = {meta.name: i for i, meta in enumerate(metas)}
    for meta in new.values():
        own = set(meta.graphs)
        for subject in sorted({t[0] for t in meta.types}):
            for quad in store.quads_for_pattern(ox.NamedNode(subject[1:-1]), rdf_type, None, None):
                graph = str(quad.graph_name)
                if graph in own or graph == ontology:
                    continue
                other = next(i for i, m in enumerate(metas) if graph in m.graphs)
                first, second = sorted((other, index[meta.name]))
                plan.raise_duplicate(subject[1:-1], first, second)


def _previous_report(plan: Plan, previous: Path, old: dict[str, PartMeta],
                     new: dict[str, PartMeta]) -> tuple[dict[str, Any], set[str]] | None:
    """The previous report and what the changed parts describe (whose labels or passages may differ now)."""
    try:
        described = json.loads((previous / REPORT_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    stale: set[str] = set()
    for meta in [*old.values(), *new.values()]:
        stale.update(g[1:-1] for g in meta.graphs)
        if meta.document:
            stale.add(f"{plan.settings.base_iri}id/document/{meta.document}")
        for _graph, (subject, predicate, obj) in split_lines(read_lines(plan.cache, meta)):
            stale.add(subject[1:-1])
            if predicate == _HAS_BODY:  # an annotation gives a passage to what it is about
                stale.add(obj.strip("<>"))
    return described, stale


def _revalidate(plan: Plan, store: ox.Store, state: dict[str, Any], old_metas: dict[str, PartMeta],
                new_metas: dict[str, PartMeta], metas: list[PartMeta],
                about_entries: list[list[Any]]) -> tuple[list[UnitState], ValidationReport]:
    """Validate the changed documents and every unit whose context they change; merge all reports."""
    base = plan.settings.base_iri
    affected = _affected_graphs(plan, store, old_metas, new_metas)
    about: dict[str, list[Triple]] = {}
    for _part, graph, triple in about_entries:
        about.setdefault(graph, []).append(tuple(triple))
    index = StoreUnitIndex(store, base, shared_records(metas, plan.cache, base), about)
    checks = [(m, unit_graphs(m, base)) for m in new_metas.values()]
    checks += [(m, [g for g in unit_graphs(m, base) if g in affected]) for m in metas if m.name not in new_metas]
    checks = [(m, graphs) for m, graphs in checks if graphs]
    plan.tick.stage("validating", len(checks))
    fresh: dict[str, tuple[str, bytes]] = {}
    validated = 0
    for meta, graphs in checks:
        by_graph = triples_by_graph(read_lines(plan.cache, meta))
        for graph in graphs:
            unit = unit_from_triples(graph, by_graph.get(graph, []), index)
            key, payload, cached = check_unit(unit, plan.shapes_text, plan.settings.validator, plan.validation_cache)
            fresh[unit.graph] = (key, payload)
            validated += not cached
        plan.tick.advance()
    gone = {g[1:-1] for m in old_metas.values() for g in m.graphs} - set(fresh)
    units, payloads = _units_now(state["units"], fresh, gone)
    order = unit_order(metas, base)
    units.sort(key=lambda u: order.get(u[0], len(order)))
    try:
        report = merge_unit_reports([(g, key, payloads.get(g)) for g, key, with_results in units if with_results],
                                    len(units), plan.validation_cache)
    except LookupError:
        raise NotIncremental from None  # a cached report is gone: validate everything
    report.cached_units = len(units) - validated
    return units, report


def _affected_graphs(plan: Plan, store: ox.Store, old_metas: dict[str, PartMeta],
                     new_metas: dict[str, PartMeta]) -> set[str]:
    """The graphs of unchanged parts whose units' context the change alters: they point at a node whose types changed."""
    own = {g for m in [*old_metas.values(), *new_metas.values()] for g in m.graphs}
    for meta in [*old_metas.values(), *new_metas.values()]:
        if any(graph not in meta.graphs for graph, _t in meta.about):
            raise NotIncremental  # it speaks about another graph: that unit's context changes
    old_types = {t for m in old_metas.values() for t in m.types}
    new_types = {t for m in new_metas.values() for t in m.types}
    touched = {t[0] for t in old_types ^ new_types}
    affected: set[str] = set()
    authorities = str(graph_iri(AUTHORITIES_GRAPH, plan.settings.base_iri))
    graph_prefix = f"<{plan.settings.base_iri}graph/"
    for node in touched:
        for quad in store.quads_for_pattern(None, None, ox.NamedNode(node[1:-1]), None):
            graph = str(quad.graph_name)
            if graph == authorities or str(quad.subject).startswith(graph_prefix):
                raise NotIncremental  # shared records or a graph's description point at it
            if graph not in own:
                affected.add(graph)
    return affected


def _units_now(before: list[list[Any]], fresh: dict[str, tuple[str, bytes]],
               gone: set[str]) -> tuple[list[list[Any]], dict[str, bytes]]:
    """The previous build's units with the fresh ones put in and the gone ones taken out; the fresh reports."""
    units, payloads = [], {}
    for graph, key, with_results in before:
        if graph in gone:
            continue
        if graph in fresh:
            key, payload = fresh.pop(graph)
            with_results = has_results(payload)
            payloads[graph] = payload
        units.append([graph, key, with_results])
    for graph, (key, payload) in fresh.items():  # added documents
        units.append([graph, key, has_results(payload)])
        payloads[graph] = payload
    return units, payloads
