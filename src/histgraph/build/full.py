"""The full build: read every part, refuse duplicates, load a new store, validate every unit."""

from __future__ import annotations

import io
import shutil

import pyoxigraph as ox

from histgraph.build import staging as staging_folders
from histgraph.build.declarations import first_shared_subject
from histgraph.build.derived import add_derived, count_derived
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
        if plan.validate:
            units, report = validate_all(plan, metas)
            summary["validation"] = report.counts()
            report_json = refuse_if_invalid(plan, store, report)
        # After validation, which checks the asserted data only, as the incremental path does.
        plan.tick.stage("deriving the closure and shortcuts", 1)
        derived = add_derived(store, plan.settings.base_iri)
        count_derived(summary, derived)
        plan.tick.advance()
        plan.tick.stage("optimizing the store", 1)
        store.optimize()
        store.flush()
        del store
        plan.tick.advance()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return write_build(plan, metas, summary, report, report_json, units, None, staging, derived=derived)
