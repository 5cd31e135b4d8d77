"""The full build: read every part, refuse duplicates, load a new store, validate every unit."""

from __future__ import annotations

import io
import shutil
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox

from histgraph.build import staging as staging_folders
from histgraph.build.declarations import first_shared_subject
from histgraph.build.derived import count_derived, prepare_derived
from histgraph.build.finish import reuse, same_build, write_build
from histgraph.build.plan import BuildResult, Plan
from histgraph.build.reading import part_path, read_parts
from histgraph.build.state import build_id, summarize
from histgraph.build.validating import UnitState, refuse_if_invalid, validate_all
from histgraph.store.layout import STORE_DIR, Concatenated
from histgraph.validation.results import ValidationReport


def build_full(plan: Plan) -> BuildResult:
    """Make the build from every part (each from the cache when it has not changed)."""
    metas = read_parts(plan)
    found = first_shared_subject([(i, {t[0] for t in meta.types}) for i, meta in enumerate(metas)])
    if found is not None:
        plan.raise_duplicate(found[0][1:-1], found[1], found[2])
    summary = summarize(metas)
    same = same_build(plan, build_id(metas))
    if same is not None:
        return reuse(plan, same)
    staging = staging_folders.new_folder(plan.settings.builds_root)
    report: ValidationReport | None = None
    units: list[UnitState] = []
    report_json = None
    try:
        # The store first: the report's labels and passages are looked up in it.
        plan.tick.stage("loading the store", 1)
        store = ox.Store(str(staging / STORE_DIR))
        with Concatenated([part_path(plan.cache, m) for m in metas]) as stream:
            store.bulk_load(io.BufferedReader(stream, buffer_size=1 << 20), format=ox.RdfFormat.N_QUADS)
        plan.tick.advance()
        # The derived graph is computed from the loaded store, and the store is
        # compacted, in a thread while the units are validated in other processes:
        # alone each keeps one core busy and the other idle. The derived graph is
        # added only after the report is written, whose labels and passages come
        # from the asserted data alone, as on the incremental path. On a failure the
        # thread is waited for before the staging folder (its store) is removed.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="derive") as deriving:
            pending = deriving.submit(_derive_and_optimize, store, plan.settings.base_iri)
            if plan.validate:
                units, report = validate_all(plan, metas)
                summary["validation"] = report.counts()
                report_json = refuse_if_invalid(plan, store, report)
            plan.tick.stage("deriving the closure and shortcuts", 1)
            quads, derived = pending.result()
        # Its own few files, beside the compacted rest: compacting again would rewrite it all.
        store.bulk_extend(quads)
        del quads
        count_derived(summary, derived)
        store.flush()
        del store
        plan.tick.advance()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return write_build(plan, metas, summary, report, report_json, units, None, staging, derived=derived)


def _derive_and_optimize(store: ox.Store, base_iri: str) -> tuple[list[ox.Quad], tuple[bytes, bytes]]:
    """The derived graph (not yet added), then the store compacted for reading."""
    derived = prepare_derived(store, base_iri)
    store.optimize()
    return derived
