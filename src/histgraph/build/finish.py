"""Finishing a build: write its folder beside the store, move it into place, switch ``build/current``.

``build/current`` is a symbolic link switched atomically to the new build only
once it is complete and valid, so a half-written or invalid build is never
served and the last good one keeps serving. The last few builds are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from histgraph.build.parts import PartMeta, trig_header
from histgraph.build.plan import BuildResult, Plan
from histgraph.build.state import about_entries, build_id, essentials
from histgraph.errors import HistgraphError
from histgraph.freed_memory import release_freed_memory
from histgraph.store.layout import (
    DERIVED_DUMP,
    DUMP_DIR,
    REPORT,
    REPORT_JSON,
    STATE,
    SUMMARY,
    TRIG_HEADER,
    read_state,
    verify_manifest,
    write_manifest,
)
from histgraph.validation.results import ValidationReport

KEEP_BUILDS = 3


def switch_current(root: Path, target: Path) -> None:
    """Point ``root/current`` at ``target``, atomically."""
    tmp = root / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(target.relative_to(root))
    os.replace(tmp, root / "current")  # atomic on POSIX: readers see old or new, never neither


def _prune(builds: Path, keep: Path) -> None:
    olds = sorted(
        (p for p in builds.iterdir() if p.is_dir() and p != keep), key=lambda p: p.stat().st_mtime
    )
    for old in olds[: max(0, len(olds) - (KEEP_BUILDS - 1))]:
        shutil.rmtree(old, ignore_errors=True)


def same_build(plan: Plan, build_id: str) -> Path | None:
    """An existing, intact build of the same data made with the same checks, if there is one."""
    final = plan.settings.builds_root / "builds" / build_id
    try:
        state = read_state(final)
    except (OSError, ValueError):
        return None
    if any(state.get(k) != v for k, v in plan.fingerprint().items()) or verify_manifest(final):
        return None
    return final


def reuse(plan: Plan, folder: Path) -> BuildResult:
    """Switch back to an existing build of the same data (its summary as it was written)."""
    switch_current(plan.settings.builds_root, folder)
    summary = json.loads((folder / SUMMARY).read_text())
    return BuildResult(folder.name, folder, summary, None, reused=True)


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system: copy
        shutil.copyfile(source, target)


def _write_dumps(plan: Plan, metas: list[PartMeta], dump: Path) -> dict[str, str]:
    """Link every part's N-Quads and TriG into ``dump``; their names and SHA-256 sums."""
    dump.mkdir()
    known = {}
    plan.tick.stage("writing the dumps", len(metas))
    for meta in metas:
        for suffix, sha in (("nq", meta.nq_sha), ("trig", meta.trig_sha)):
            _link(plan.cache.object_name(sha, suffix), os.path.join(dump, f"{meta.name}.{suffix}"))
            known[f"{DUMP_DIR}/{meta.name}.{suffix}"] = sha
        plan.tick.advance()
    (dump / TRIG_HEADER).write_bytes(trig_header())
    return known


def _write_derived(dump: Path, derived: tuple[bytes, bytes]) -> dict[str, str]:
    """Write the derived graph's dump files; their names and SHA-256 sums."""
    known = {}
    for suffix, data in zip(("nq", "trig"), derived, strict=True):
        (dump / f"{DERIVED_DUMP}.{suffix}").write_bytes(data)
        known[f"{DUMP_DIR}/{DERIVED_DUMP}.{suffix}"] = hashlib.sha256(data).hexdigest()
    return known


def write_build(plan: Plan, metas: list[PartMeta], summary: dict[str, Any], report: ValidationReport | None,
                report_json: str | None, units: list[list[Any]], previous: Path | None, staging: Path,
                incremental: bool = False, about: list[list[Any]] | None = None,
                derived: tuple[bytes, bytes] | None = None) -> BuildResult:
    """Finish the build in ``staging`` (its store is there), move it into place and switch to it.

    ``derived`` is the derived graph's N-Quads and TriG (:mod:`histgraph.build.derived`), written
    after the parts' dump files.
    """
    root = plan.settings.builds_root
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    summary["build_id"] = identifier = build_id(metas)
    final = builds / identifier
    if same_build(plan, identifier) is not None:
        shutil.rmtree(staging, ignore_errors=True)
        switch_current(root, final)
        return BuildResult(identifier, final, summary, report, reused=True)
    try:
        known = _write_dumps(plan, metas, staging / DUMP_DIR)
        if derived is not None:
            known.update(_write_derived(staging / DUMP_DIR, derived))
        if report is not None:
            (staging / REPORT).write_bytes(report.turtle())
            (staging / REPORT_JSON).write_text((report_json or "{}") + "\n", encoding="utf-8")
        (staging / SUMMARY).write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
        state = {
            **plan.fingerprint(),
            "parts": [essentials(m) for m in metas],
            "units": units,
            # What graphs say about named graphs, by the part that says it: the
            # context an incremental build gives units without reading every part.
            "about": about if about is not None else about_entries(metas),
        }
        (staging / STATE).write_text(json.dumps(state, separators=(",", ":")) + "\n")
        # A full build writes the pages' files before its manifest; an incremental one switches
        # first and the pipeline adds them after (build.pipeline.build): at 10,000 documents they
        # take ~100 s, and a changed document should be served in seconds, as issue #8 asked.
        if plan.pages is not None and not incremental:
            # The pages' stage holds a copy of the data: not on top of what the build no longer
            # needs. The parts' records (their types: ~1.5 million triples at 10,000 documents)
            # and the units were written into the state; both callers return right after.
            del state
            metas.clear()
            units.clear()
            release_freed_memory()  # freed heap back to the system
            plan.tick.stage("summing up for the pages", 1)
            plan.pages(staging, plan.settings.base_iri)
            plan.tick.advance()
        write_manifest(staging, known, previous)
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging, final)
    except OSError as exc:
        raise HistgraphError(f"could not write the build under {root}: {exc}") from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    switch_current(root, final)
    _prune(builds, final)
    return BuildResult(identifier, final, summary, report, incremental=incremental)
