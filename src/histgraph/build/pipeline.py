"""Build a project: read, anchor, validate, and write an atomic, deterministic build.

The input is cut into *parts* (the shared files, then one per document; see
:mod:`histgraph.build.parts`), each read once and cached by the digest of its files.
A build is a folder ``build/builds/<id>`` holding the dataset as one N-Quads and
one TriG file per part (``dump/``, concatenated in order they are the dataset),
a pyoxigraph store, the SHACL report, a summary, the build's state and a
manifest of SHA-256 sums. ``build/current`` is a symbolic link switched
atomically to the new build only once it is complete and valid, so a
half-written or invalid build is never served and the last good one keeps
serving.

Two paths make the same build (a test checks it):

* the *full* path (:mod:`histgraph.build.full`) reads every part (in parallel,
  :mod:`histgraph.build.reading`), validates every unit
  (:mod:`histgraph.build.validating`, cached by content) and bulk-loads a new store;
* the *incremental* path (:mod:`histgraph.build.incremental`), taken when only a
  few documents were added, changed or removed since the current build, copies
  the current store, replaces those documents' graphs, and validates those
  documents plus any unit whose context they change.

Both start from a :mod:`~histgraph.build.plan` and end in
:mod:`~histgraph.build.finish`, which writes the folder and switches to it.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from histgraph.build import staging as staging_folders
from histgraph.build.cache_pruning import prune_caches
from histgraph.build.full import build_full
from histgraph.build.incremental import NotIncremental, build_incremental
from histgraph.build.parts import SHARED
from histgraph.build.plan import BuildResult, PageWriter, Progress, Silent, make_plan
from histgraph.build.reading import part_path, read_parts
from histgraph.build.validating import validate_all
from histgraph.config import Settings
from histgraph.store.layout import PAGES_DIR, add_to_manifest, current_build
from histgraph.validation.report import StoreReportContext, describe
from histgraph.validation.results import ValidationReport

__all__ = ["BuildResult", "Progress", "build", "validate_project"]


def build(
    settings: Settings,
    *,
    validate: bool = True,
    progress: Progress | None = None,
    incremental: bool = True,
    pages: PageWriter | None = None,
) -> BuildResult:
    """Build the project in ``settings.project_dir`` and switch ``build/current`` to it.

    With ``incremental`` (the default) a change of a few documents is applied to
    the current build; the result is the same as a full build's. Files are known
    unchanged by their size and time; without ``incremental`` every file is read.

    Raises :class:`~histgraph.errors.InputError` for unreadable input,
    :class:`~histgraph.errors.AnchorError` for quotes not in the text and
    :class:`~histgraph.errors.ValidationFailed` for data that violates the shapes;
    in every case nothing already built is touched. Staging folders that a
    killed build left are removed first (:mod:`histgraph.build.staging`).

    ``pages`` writes the pages' summaries into the build (``histgraph build`` gives
    :func:`histgraph.present.page_summaries.write_page_summaries`); a build reused
    without them gets them then.
    """
    with staging_folders.running_build(settings.builds_root):
        plan = make_plan(settings, validate, progress or Silent(), trust_file_times=incremental)
        plan.pages = pages
        previous = current_build(settings)
        result = None
        if incremental and previous is not None:
            try:
                result = build_incremental(plan, previous)
            except NotIncremental:
                pass
        if result is None:
            result = build_full(plan)
        if pages is not None and not (result.path / PAGES_DIR).is_dir():
            # An incremental or reused build: already served (its pages fall back to reading
            # the store until then), so the files are added to it, and to its manifest, now.
            plan.tick.stage("summing up for the pages (the new build is already served)", 1)
            add_to_manifest(result.path, pages(result.path, settings.base_iri))
            plan.tick.advance()
    # Outside the shared lock: pruning needs it alone (skipped while another build runs).
    prune_caches(settings.builds_root)
    return result


def validate_project(
    settings: Settings,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    use_cache: bool = True,
) -> tuple[ValidationReport, dict[str, Any]]:
    """Validate the project without building it: the report and its readable description.

    The same parts, units and cache as :func:`build` (so a large archive is
    checked in the build's time and memory); labels and passages come from a
    small store of the shared records and the documents with findings.
    """
    # The builds' lock, shared: a build's cache pruning must not remove entries this reads.
    with staging_folders.running_build(settings.builds_root):
        plan = make_plan(settings, True, progress or Silent())
        plan.workers, plan.use_cache = workers, use_cache
        metas = read_parts(plan)
        _units, report = validate_all(plan, metas)
        graphs = {f"<{f.graph}>" for f in report.findings}
        store = ox.Store()
        for meta in metas:
            if meta.name == SHARED or graphs.intersection(meta.graphs):
                store.load(path=str(part_path(plan.cache, meta)), format=ox.RdfFormat.N_QUADS)
    return report, describe(report, StoreReportContext(store, settings.base_iri))
