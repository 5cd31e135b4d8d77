"""Build a project: read, anchor, validate, and write an atomic, deterministic build.

The input is cut into *parts* (the shared files, then one per document; see
:mod:`histgraph.parts`), each read once and cached by the digest of its files.
A build is a folder ``build/builds/<id>`` holding the dataset as one N-Quads and
one TriG file per part (``dump/``, concatenated in order they are the dataset),
a pyoxigraph store, the SHACL report, a summary, the build's state and a
manifest of SHA-256 sums. ``build/current`` is a symbolic link switched
atomically to the new build only once it is complete and valid, so a
half-written or invalid build is never served and the last good one keeps
serving.

Two paths make the same build (a test checks it):

* the *full* path reads every part (in parallel), validates every unit
  (:mod:`histgraph.validate`, cached by content) and bulk-loads a new store;
* the *incremental* path, taken when only a few documents were added, changed or
  removed since the current build, copies the current store (a RocksDB
  checkpoint: hard links), replaces those documents' graphs, and validates those
  documents plus any unit whose context they change.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from histgraph.build import staging as staging_folders
from histgraph.build.declarations import RDF_TYPE, duplicate, first_shared_subject
from histgraph.build.parts import (
    CACHE,
    SHARED,
    Cache,
    FileDigests,
    PartMeta,
    PartSpec,
    code_digest,
    declaring_file_of,
    input_digest,
    plan_parts,
    read_part,
    split_lines,
    trig_header,
    triples_by_graph,
)
from histgraph.config import Settings
from histgraph.errors import HistgraphError, ValidationFailed
from histgraph.store.layout import (
    DUMP_DIR,
    REPORT,
    REPORT_JSON,
    STATE,
    STORE_DIR,
    SUMMARY,
    TRIG_HEADER,
    Concatenated,
    current_build,
    read_state,
    verify_manifest,
    write_manifest,
)
from histgraph.vocab import HG

CONSISTENCY_NOTE = str(HG.ConsistencyNote)
KEEP_BUILDS = 3
STATE_FORMAT = 2  # 2: the state keeps what graphs say about graphs
#: Above this share of changed documents, reading everything again is as fast.
INCREMENTAL_SHARE = 0.05
INCREMENTAL_MIN = 20


@dataclass
class BuildResult:
    """What a build made, where, and what it found."""

    build_id: str
    path: Path
    summary: dict[str, object]
    report: object | None = None
    reused: bool = False
    incremental: bool = False
    warnings: list[str] = field(default_factory=list)


class Progress(Protocol):
    """Where a build reports progress: a stage with its length, then steps."""

    def stage(self, label: str, total: int) -> None: ...

    def advance(self, steps: int = 1) -> None: ...


class _Silent:
    def stage(self, label: str, total: int) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


class _NotIncremental(Exception):
    """The change cannot be applied to the current build alone: make a full build."""


# -- the build ----------------------------------------------------------------------


def _switch_current(root: Path, target: Path) -> None:
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


@dataclass
class _Plan:
    """What one build works from: settings, parts and their digests, the cache, the checks."""

    settings: Settings
    specs: list[PartSpec]
    digests: list[str]
    cache: Cache
    validate: bool
    shapes_text: str
    tick: Progress
    workers: int | None = None  # validation processes; None: one per core when it pays
    use_cache: bool = True  # take unit results from the validation cache

    @property
    def validation_cache(self) -> Path | None:
        from histgraph.validation.validate import CACHE_DIR

        return self.settings.builds_root / CACHE_DIR if self.use_cache else None

    def fingerprint(self) -> dict[str, object]:
        """What must be the same for a build to be changed incrementally from another."""
        return {
            "format": STATE_FORMAT,
            "code": code_digest(),
            "base_iri": self.settings.base_iri,
            "validated": self.validate,
            "shapes": hashlib.sha256(self.shapes_text.encode("utf-8")).hexdigest(),
            "validator": self.settings.validator if self.validate else "",
        }


def build(
    settings: Settings,
    *,
    validate: bool = True,
    progress: Progress | None = None,
    incremental: bool = True,
) -> BuildResult:
    """Build the project in ``settings.project_dir`` and switch ``build/current`` to it.

    With ``incremental`` (the default) a change of a few documents is applied to
    the current build; the result is the same as a full build's. Files are known
    unchanged by their size and time; without ``incremental`` every file is read.

    Raises :class:`~histgraph.errors.InputError` for unreadable input,
    :class:`~histgraph.errors.AnchorError` for quotes not in the text and
    :class:`~histgraph.errors.ValidationFailed` for data that violates the shapes;
    in every case nothing already built is touched. Staging folders that a
    killed build left are removed first (:mod:`histgraph.staging`).
    """
    with staging_folders.running_build(settings.builds_root):
        plan = _make_plan(settings, validate, progress or _Silent(), trust_file_times=incremental)
        previous = current_build(settings)
        if incremental and previous is not None:
            try:
                return _build_incremental(plan, previous)
            except _NotIncremental:
                pass
        return _build_full(plan)


def _refuse_duplicates(plan: _Plan, typed: list[tuple[int, set[str]]]) -> None:
    """Raise :class:`InputError` naming both files when two parts declare the same entity."""
    found = first_shared_subject(typed)
    if found is not None:
        _raise_duplicate(plan, found[0][1:-1], found[1], found[2])


def _raise_duplicate(plan: _Plan, iri: str, first: int, second: int) -> None:
    def where(index: int) -> str:
        return declaring_file_of(plan.specs[index], iri, plan.settings.base_iri, plan.settings.ontology_dir)

    raise duplicate(iri, where(first), where(second))


# -- full path ----------------------------------------------------------------------


def _workers(jobs: int) -> int:
    from histgraph.validation.validate import default_workers

    return default_workers(jobs)


def _read_part_job(args: tuple) -> dict:  # type: ignore[type-arg]
    spec, digest, base_iri, ontology_dir, cache_root = args
    meta, nq, trig = read_part(spec, digest, base_iri, ontology_dir)
    Cache(cache_root).store(meta, nq, trig)
    return meta.to_json()


def _read_parts(plan: _Plan) -> list[PartMeta]:
    """Every part's meta, from the cache or read now (in parallel when there are many)."""
    settings, cache = plan.settings, plan.cache
    metas: list[PartMeta | None] = [cache.load_meta(d) for d in plan.digests]
    todo = [i for i, meta in enumerate(metas) if meta is None]
    plan.tick.stage("reading", len(todo))
    jobs = [(plan.specs[i], plan.digests[i], settings.base_iri, settings.ontology_dir, cache.root) for i in todo]
    count = _workers(len(jobs))
    if count > 1:
        with ProcessPoolExecutor(max_workers=count, mp_context=get_context("spawn")) as pool:
            for i, data in zip(todo, pool.map(_read_part_job, jobs, chunksize=16), strict=True):
                metas[i] = PartMeta.from_json(data)
                plan.tick.advance()
    else:
        for i, job in zip(todo, jobs, strict=True):
            metas[i] = PartMeta.from_json(_read_part_job(job))
            plan.tick.advance()
    return [m for m in metas if m is not None]


def _build_id(metas: list[PartMeta]) -> str:
    """The build's id: a hash of its parts' N-Quads, in order (so of the dataset itself)."""
    digest = hashlib.sha256()
    for meta in metas:
        digest.update(f"{meta.name} {meta.nq_sha}\n".encode())
    return digest.hexdigest()[:16]


def summarize(metas: list[PartMeta]) -> dict:
    """Counts a curator wants after a build: triples, graphs, classes, documents, anchors, flags."""
    classes: Counter[str] = Counter()
    graphs: set[str] = set()
    for meta in metas:
        classes.update(meta.classes)
        graphs.update(meta.graphs)
    return {
        "triples": sum(m.lines for m in metas),
        "named_graphs": len(graphs),
        "documents": sorted(m.document for m in metas if m.document),
        "anchors": {"facts": sum(m.facts for m in metas), "mentions": sum(m.mentions for m in metas)},
        "flags": classes.get(CONSISTENCY_NOTE, 0),
        "classes": dict(sorted(classes.items())),
    }


def _part_path(cache: Cache, meta: PartMeta) -> Path:
    return cache.object_path(meta.nq_sha, "nq")


def _lines(cache: Cache, meta: PartMeta) -> list[str]:
    return _part_path(cache, meta).read_text(encoding="utf-8").splitlines(keepends=True)


def _unit_graphs(meta: PartMeta, base_iri: str) -> list[str]:
    ontology = f"<{base_iri}graph/ontology>"
    return [g for g in meta.graphs if g != ontology]


def _unit_index(metas: list[PartMeta], cache: Cache, base_iri: str):  # type: ignore[no-untyped-def]
    """The context of every unit, gathered from all parts' metas and the shared records."""
    import sys

    from histgraph.validation.validate import UnitIndex

    graphs = {g for meta in metas for g in _unit_graphs(meta, base_iri)}
    types: dict[str, list] = {}
    about: dict[str, list] = {}
    for meta in metas:
        for triple in meta.types:
            # The same predicate and class terms recur in every document: keep one copy.
            types.setdefault(triple[0], []).append((triple[0], sys.intern(triple[1]), sys.intern(triple[2])))
        for graph, triple in meta.about:
            if graph in graphs:
                about.setdefault(graph, []).append(triple)
    return UnitIndex(_shared_records(metas, cache, base_iri), types, about)


def _shared_records(metas: list[PartMeta], cache: Cache, base_iri: str) -> dict[str, list]:
    """The authority records' triples by subject, as written in their files."""
    records: dict[str, list] = {}
    shared = next((m for m in metas if m.name == SHARED), None)
    if shared is not None:
        authorities = f"<{base_iri}graph/authorities>"
        for triple in triples_by_graph(_lines(cache, shared)).get(authorities, []):
            records.setdefault(triple[0], []).append(triple)
    return records


_UNIT_WORKER: dict = {}


def _init_unit_worker(shapes_text: str, validator: str, cache_dir: Path, index) -> None:  # type: ignore[no-untyped-def]
    _UNIT_WORKER.update(shapes_text=shapes_text, validator=validator, cache_dir=cache_dir, index=index)


def _check_units(path: Path, graphs: list[str], index, shapes_text: str, validator: str,  # type: ignore[no-untyped-def]
                 cache_dir: Path) -> list[tuple[str, str, bytes, bool]]:
    """Validate the units of one part file: (graph, cache key, report if it has results, cached)."""
    from histgraph.validation.validate import check_unit, has_results, unit_from_triples

    by_graph = triples_by_graph(path.read_text(encoding="utf-8").splitlines(keepends=True))
    out = []
    for graph in graphs:
        unit = unit_from_triples(graph, by_graph.get(graph, []), index)
        key, payload, cached = check_unit(unit, shapes_text, validator, cache_dir)
        out.append((unit.graph, key, payload if has_results(payload) else b"", cached))
    return out


def _check_units_job(args: tuple[Path, list[str]]) -> list[tuple[str, str, bytes, bool]]:
    w = _UNIT_WORKER
    return _check_units(*args, w["index"], w["shapes_text"], w["validator"], w["cache_dir"])


def _validate_all(plan: _Plan, metas: list[PartMeta]) -> tuple[list[list], object]:
    """Validate every unit (cached by content); the units' state and the merged report."""
    index = _unit_index(metas, plan.cache, plan.settings.base_iri)
    jobs = [(_part_path(plan.cache, m), _unit_graphs(m, plan.settings.base_iri)) for m in metas]
    jobs = [job for job in jobs if job[1]]
    plan.tick.stage("validating", len(jobs))
    validator = plan.settings.validator
    results: list[tuple[str, str, bytes, bool]] = []
    count = plan.workers if plan.workers is not None else _workers(len(jobs))
    if count > 1 and len(jobs) > 1:
        count = min(count, len(jobs))
        with ProcessPoolExecutor(
            max_workers=count, mp_context=get_context("spawn"), initializer=_init_unit_worker,
            initargs=(plan.shapes_text, validator, plan.validation_cache, index),
        ) as pool:
            for found in pool.map(_check_units_job, jobs, chunksize=max(1, min(32, len(jobs) // (count * 8)))):
                results.extend(found)
                plan.tick.advance()
    else:
        for path, graphs in jobs:
            results.extend(_check_units(path, graphs, index, plan.shapes_text, validator, plan.validation_cache))
            plan.tick.advance()
    units = [[graph, key, bool(payload)] for graph, key, payload, _cached in results]
    report = _merge([(graph, key, payload) for graph, key, payload, _cached in results if payload], len(units),
                    plan.validation_cache)
    report.cached_units = sum(1 for *_rest, cached in results if cached)
    return units, report


def _merge(reports: list[tuple[str, str, bytes | None]], total: int, cache_dir: Path):  # type: ignore[no-untyped-def]
    from histgraph.validation.validate import merge_unit_reports

    return merge_unit_reports(reports, total, cache_dir)


def _refuse_if_invalid(plan: _Plan, store: ox.Store, report, primed: tuple[dict, set[str]] | None = None) -> str:  # type: ignore[no-untyped-def]
    """The report as JSON for the site; raises :class:`ValidationFailed` on a violation.

    Labels and passages come from the staged store: a report names a few nodes.
    ``primed`` is the previous build's report and the IRIs whose labels or
    passages may have changed since.
    """
    from histgraph.validation.report import StoreReportContext, describe, violation_summary

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


def _same_build(plan: _Plan, build_id: str) -> Path | None:
    """An existing, intact build of the same data made with the same checks, if there is one."""
    final = plan.settings.builds_root / "builds" / build_id
    try:
        state = read_state(final)
    except (OSError, ValueError):
        return None
    if any(state.get(k) != v for k, v in plan.fingerprint().items()) or verify_manifest(final):
        return None
    return final


def _build_full(plan: _Plan) -> BuildResult:
    metas = _read_parts(plan)
    _refuse_duplicates(plan, [(i, {t[0] for t in meta.types}) for i, meta in enumerate(metas)])
    summary = summarize(metas)
    build_id = _build_id(metas)
    same = _same_build(plan, build_id)
    if same is not None:
        _switch_current(plan.settings.builds_root, same)
        summary = json.loads((same / SUMMARY).read_text())
        return BuildResult(build_id, same, summary, None, reused=True)
    staging = staging_folders.new_folder(plan.settings.builds_root)
    report, units, report_json = None, [], None
    try:
        # The store first: the report's labels and passages are looked up in it.
        plan.tick.stage("loading the store", 1)
        store = ox.Store(str(staging / STORE_DIR))
        with Concatenated([_part_path(plan.cache, m) for m in metas]) as stream:
            store.bulk_load(io.BufferedReader(stream, buffer_size=1 << 20), format=ox.RdfFormat.N_QUADS)
        plan.tick.advance()
        if plan.validate:
            units, report = _validate_all(plan, metas)
            summary["validation"] = report.counts()
            report_json = _refuse_if_invalid(plan, store, report)
        plan.tick.stage("optimizing the store", 1)
        store.optimize()
        store.flush()
        del store
        plan.tick.advance()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return _write_build(plan, metas, summary, report, report_json, units, None, staging)


# -- writing ------------------------------------------------------------------------


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system: copy
        shutil.copyfile(source, target)


def _write_build(plan: _Plan, metas: list[PartMeta], summary: dict, report, report_json: str | None,  # type: ignore[no-untyped-def]
                 units: list[list], previous: Path | None, staging: Path,
                 incremental: bool = False, about: list[list] | None = None) -> BuildResult:
    """Finish the build in ``staging`` (its store is there), move it into place and switch to it."""
    root = plan.settings.builds_root
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    build_id = _build_id(metas)
    summary["build_id"] = build_id
    final = builds / build_id
    if _same_build(plan, build_id) is not None:
        shutil.rmtree(staging, ignore_errors=True)
        _switch_current(root, final)
        return BuildResult(build_id, final, summary, report, reused=True)
    try:
        dump = staging / DUMP_DIR
        dump.mkdir()
        known = {}
        plan.tick.stage("writing the dumps", len(metas))
        for meta in metas:
            for suffix, sha in (("nq", meta.nq_sha), ("trig", meta.trig_sha)):
                _link(plan.cache.object_name(sha, suffix), os.path.join(dump, f"{meta.name}.{suffix}"))
                known[f"{DUMP_DIR}/{meta.name}.{suffix}"] = sha
            plan.tick.advance()
        (dump / TRIG_HEADER).write_bytes(trig_header())
        if report is not None:
            (staging / REPORT).write_bytes(report.turtle())
            (staging / REPORT_JSON).write_text((report_json or "{}") + "\n", encoding="utf-8")
        (staging / SUMMARY).write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
        state = {
            **plan.fingerprint(),
            "parts": [_essentials(m) for m in metas],
            "units": units,
            # What graphs say about named graphs, by the part that says it: the
            # context an incremental build gives units without reading every part.
            "about": about if about is not None else _about_entries(metas),
        }
        (staging / STATE).write_text(json.dumps(state, separators=(",", ":")) + "\n")
        write_manifest(staging, known, previous)
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging, final)
    except OSError as exc:
        raise HistgraphError(f"could not write the build under {root}: {exc}") from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    _switch_current(root, final)
    _prune(builds, final)
    return BuildResult(build_id, final, summary, report, incremental=incremental)


#: What the build's state keeps of each part (class counts live in the summary).
_ESSENTIAL = ("name", "digest", "nq_sha", "trig_sha", "lines", "graphs", "facts", "mentions", "document")


def _about_entries(metas: list[PartMeta]) -> list[list]:
    return [[meta.name, graph, list(triple)] for meta in metas for graph, triple in meta.about]


def _essentials(meta: PartMeta) -> dict:
    return {key: getattr(meta, key) for key in _ESSENTIAL}


def _make_plan(settings: Settings, validate: bool, tick: Progress, *, trust_file_times: bool = True) -> _Plan:
    """The parts of the project, their input digests, and the shapes (when validating).

    Unless ``trust_file_times``, every input file is read and hashed again.
    """
    cache = Cache(settings.builds_root / CACHE)
    specs = plan_parts(settings.data_dir, settings.ontology_dir)
    files = FileDigests(cache.root / "files.json", trust=trust_file_times)
    code = code_digest()
    tick.stage("checking files", len(specs))
    digests = []
    for spec in specs:
        digests.append(input_digest(spec, files, settings.base_iri, code))
        tick.advance()
    files.save()
    shapes_text = ""
    if validate:
        from histgraph.validation.validate import VALIDATORS, load_shapes_text

        if settings.validator not in VALIDATORS:
            raise HistgraphError(f"validator must be one of {VALIDATORS}, got {settings.validator!r}")
        shapes_text = load_shapes_text(settings.shapes_dir)
    return _Plan(settings, specs, digests, cache, validate, shapes_text, tick)


def validate_project(
    settings: Settings,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    use_cache: bool = True,
):  # type: ignore[no-untyped-def]
    """Validate the project without building it: the report and its readable description.

    The same parts, units and cache as :func:`build` (so a large archive is
    checked in the build's time and memory); labels and passages come from a
    small store of the shared records and the documents with findings.
    """
    from histgraph.validation.report import StoreReportContext, describe

    plan = _make_plan(settings, True, progress or _Silent())
    plan.workers, plan.use_cache = workers, use_cache
    metas = _read_parts(plan)
    _units, report = _validate_all(plan, metas)
    graphs = {f"<{f.graph}>" for f in report.findings}
    store = ox.Store()
    for meta in metas:
        if meta.name == SHARED or graphs.intersection(meta.graphs):
            store.load(path=str(_part_path(plan.cache, meta)), format=ox.RdfFormat.N_QUADS)
    return report, describe(report, StoreReportContext(store, settings.base_iri))


def _from_essentials(data: dict) -> PartMeta:
    return PartMeta(**{key: data[key] for key in _ESSENTIAL}, classes={}, types=[], about=[])


# -- incremental path ---------------------------------------------------------------


def _build_incremental(plan: _Plan, previous: Path) -> BuildResult:
    """Apply a change of a few documents to the current build (see the module's docstring)."""
    try:
        state = read_state(previous)
    except (OSError, ValueError):
        raise _NotIncremental from None
    if any(state.get(k) != v for k, v in plan.fingerprint().items()):
        raise _NotIncremental
    before = {p["name"]: p for p in state["parts"]}
    names = [s.name for s in plan.specs]
    changed = [i for i, s in enumerate(plan.specs) if before.get(s.name, {}).get("digest") != plan.digests[i]]
    present = set(names)
    removed = [name for name in before if name not in present]
    if any(plan.specs[i].name == SHARED for i in changed) or SHARED in removed:
        raise _NotIncremental  # the shared records are every unit's context
    if len(changed) + len(removed) > max(INCREMENTAL_MIN, INCREMENTAL_SHARE * len(names)):
        raise _NotIncremental
    old_metas = {}
    for name in [plan.specs[i].name for i in changed if plan.specs[i].name in before] + removed:
        old = plan.cache.load_meta(before[name]["digest"])
        if old is None:
            raise _NotIncremental  # the cache was cleared: nothing to compare with
        old_metas[name] = old
    new_metas = {}
    plan.tick.stage("reading", len(changed))
    for i in changed:
        meta = plan.cache.load_meta(plan.digests[i])
        if meta is None:
            meta = PartMeta.from_json(_read_part_job((plan.specs[i], plan.digests[i], plan.settings.base_iri,
                                                      plan.settings.ontology_dir, plan.cache.root)))
        new_metas[meta.name] = meta
        plan.tick.advance()
    metas = [new_metas.get(name) or _from_essentials(before[name]) for name in names]
    if not new_metas and not removed:
        if verify_manifest(previous):
            raise _NotIncremental  # the current build is damaged: make it again
        summary = json.loads((previous / SUMMARY).read_text())
        _switch_current(plan.settings.builds_root, previous)
        return BuildResult(previous.name, previous, summary, None, reused=True)

    staging = staging_folders.new_folder(plan.settings.builds_root)
    try:
        plan.tick.stage("updating the store", 1)
        ox.Store.read_only(str(previous / STORE_DIR)).backup(str(staging / STORE_DIR))
        store = ox.Store(str(staging / STORE_DIR))
        for name, old in old_metas.items():
            for graph in old.graphs:
                store.remove_graph(ox.NamedNode(graph[1:-1]))
        for meta in new_metas.values():
            store.load(path=str(_part_path(plan.cache, meta)), format=ox.RdfFormat.N_QUADS)
        _refuse_duplicates_in_store(plan, store, metas, new_metas)
        plan.tick.advance()
        summary = _adjusted(json.loads((previous / SUMMARY).read_text()), list(old_metas.values()),
                            list(new_metas.values()))
        about = [e for e in state.get("about", []) if e[0] not in old_metas and e[0] not in new_metas]
        about += _about_entries(list(new_metas.values()))
        report, report_json, units = None, None, state["units"]
        if plan.validate:
            units, report = _revalidate(plan, store, state, old_metas, new_metas, metas, about)
            summary["validation"] = report.counts()
            report_json = _refuse_if_invalid(plan, store, report, _previous_report(plan, previous, old_metas, new_metas))
        store.flush()
        del store
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return _write_build(plan, metas, summary, report, report_json, units, previous, staging, incremental=True,
                        about=about)


def _refuse_duplicates_in_store(plan: _Plan, store: ox.Store, metas: list[PartMeta], new: dict) -> None:
    """The incremental :func:`_refuse_duplicates`: the store holds every part's types, the metas only the new ones'."""
    ontology = f"<{plan.settings.base_iri}graph/ontology>"
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
                _raise_duplicate(plan, subject[1:-1], first, second)


def _previous_report(plan: _Plan, previous: Path, old: dict, new: dict) -> tuple[dict, set[str]] | None:
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
        for _graph, (subject, predicate, obj) in split_lines(_lines(plan.cache, meta)):
            stale.add(subject[1:-1])
            if predicate == _HAS_BODY:  # an annotation gives a passage to what it is about
                stale.add(obj.strip("<>"))
    return described, stale


_HAS_BODY = "<http://www.w3.org/ns/oa#hasBody>"


def _adjusted(before: dict, old: list[PartMeta], new: list[PartMeta]) -> dict:
    """The previous build's summary with some parts taken out and others put in.

    Parts never share a graph or a quad, so every count is a sum over parts.
    """
    classes: Counter[str] = Counter(before["classes"])
    for meta in old:
        classes.subtract(meta.classes)
    for meta in new:
        classes.update(meta.classes)
    kept = {k: v for k, v in sorted(classes.items()) if v > 0}
    documents = set(before["documents"]) - {m.document for m in old} | {m.document for m in new if m.document}
    return {
        "triples": before["triples"] - sum(m.lines for m in old) + sum(m.lines for m in new),
        "named_graphs": before["named_graphs"] - sum(len(m.graphs) for m in old) + sum(len(m.graphs) for m in new),
        "documents": sorted(documents),
        "anchors": {
            "facts": before["anchors"]["facts"] - sum(m.facts for m in old) + sum(m.facts for m in new),
            "mentions": before["anchors"]["mentions"] - sum(m.mentions for m in old) + sum(m.mentions for m in new),
        },
        "flags": kept.get(CONSISTENCY_NOTE, 0),
        "classes": kept,
    }


def _revalidate(plan: _Plan, store: ox.Store, state: dict, old_metas: dict, new_metas: dict,  # type: ignore[no-untyped-def]
                metas: list[PartMeta], about_entries: list[list]):
    """Validate the changed documents and every unit whose context they change; merge all reports."""
    from histgraph.validation.validate import (
        StoreUnitIndex,
        check_unit,
        has_results,
        unit_from_triples,
    )

    base = plan.settings.base_iri
    own = {g for m in [*old_metas.values(), *new_metas.values()] for g in m.graphs}
    for meta in [*old_metas.values(), *new_metas.values()]:
        if any(graph not in meta.graphs for graph, _t in meta.about):
            raise _NotIncremental  # it speaks about another graph: that unit's context changes
    old_types = {t for m in old_metas.values() for t in m.types}
    new_types = {t for m in new_metas.values() for t in m.types}
    touched = {t[0] for t in old_types ^ new_types}
    affected: set[str] = set()
    authorities, graph_prefix = f"<{base}graph/authorities>", f"{base}graph/"
    for node in touched:
        for quad in store.quads_for_pattern(None, None, ox.NamedNode(node[1:-1]), None):
            graph = str(quad.graph_name)
            if graph == authorities or quad.subject.value.startswith(graph_prefix):
                raise _NotIncremental  # shared records or a graph's description point at it
            if graph not in own:
                affected.add(graph)
    about: dict[str, list] = {}
    for _part, graph, triple in about_entries:
        about.setdefault(graph, []).append(tuple(triple))
    index = StoreUnitIndex(store, base, _shared_records(metas, plan.cache, base), about)
    checks = [(m, _unit_graphs(m, base)) for m in new_metas.values()]
    checks += [(m, [g for g in _unit_graphs(m, base) if g in affected]) for m in metas if m.name not in new_metas]
    checks = [(m, graphs) for m, graphs in checks if graphs]
    plan.tick.stage("validating", len(checks))
    fresh: dict[str, tuple[str, bytes]] = {}
    validated = 0
    for meta, graphs in checks:
        by_graph = triples_by_graph(_lines(plan.cache, meta))
        for graph in graphs:
            unit = unit_from_triples(graph, by_graph.get(graph, []), index)
            key, payload, cached = check_unit(unit, plan.shapes_text, plan.settings.validator, plan.validation_cache)
            fresh[unit.graph] = (key, payload)
            validated += not cached
        plan.tick.advance()
    gone = {g[1:-1] for m in old_metas.values() for g in m.graphs} - set(fresh)
    units, payloads = [], {}
    for graph, key, with_results in state["units"]:
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
    order = _unit_order(metas, base)
    units.sort(key=lambda u: order.get(u[0], len(order)))
    try:
        report = _merge([(g, key, payloads.get(g)) for g, key, with_results in units if with_results],
                        len(units), plan.validation_cache)
    except LookupError:
        raise _NotIncremental from None  # a cached report is gone: validate everything
    report.cached_units = len(units) - validated
    return units, report


def _unit_order(metas: list[PartMeta], base: str) -> dict[str, int]:
    """The order a full build lists units in: by part, then by graph within it."""
    order: dict[str, int] = {}
    for meta in metas:
        for graph in _unit_graphs(meta, base):
            order[graph[1:-1]] = len(order)
    return order
