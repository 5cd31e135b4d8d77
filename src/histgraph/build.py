"""Build a project: read, anchor, validate, and write an atomic, deterministic build.

A build is a folder ``build/builds/<id>`` holding the dataset as sorted N-Quads
and as TriG, a pyoxigraph store, the SHACL report, a summary and a manifest of
SHA-256 sums. ``build/current`` is a symbolic link switched atomically to the new
build only once it is complete and valid, so a half-written or invalid build is
never served and the last good one keeps serving.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDF

from . import anchors as anchoring
from .config import Settings
from .errors import HistgraphError, ValidationFailed
from .load import count_inputs, read_project, rebase
from .vocab import HG

RDF_TYPE = str(RDF.type)
_RDF_TYPE_NODE = ox.NamedNode(RDF_TYPE)
CONSISTENCY_NOTE = str(HG.ConsistencyNote)
KEEP_BUILDS = 3
DUMP_NQUADS = "dataset.nq"
DUMP_TRIG = "dataset.trig"
STORE_DIR = "store"
MANIFEST = "manifest.json"
SUMMARY = "summary.json"
REPORT = "report.ttl"
REPORT_JSON = "report.json"  # the latest report, grouped and labelled, for the site


@dataclass
class BuildResult:
    """What a build made, where, and what it found."""

    build_id: str
    path: Path
    summary: dict[str, object]
    report: object | None = None
    reused: bool = False
    warnings: list[str] = field(default_factory=list)


def nquads_lines(quads: list[ox.Quad]) -> list[str]:
    """Sorted, de-duplicated N-Quads lines: the canonical, byte-stable dump."""
    return sorted({f"{quad} .\n" for quad in quads})


def summarize(
    quads: list[ox.Quad],
    anchors: list[anchoring.Anchor],
    documents: list[str],
    *,
    distinct: int | None = None,
) -> dict:
    """Counts a curator wants after a build: classes, documents, anchors, flags.

    ``distinct`` is the number of distinct quads when the caller already knows it
    (the de-duplicated dump lines); counting it again costs a set of every quad.
    """
    classes = Counter(q.object.value for q in quads if q.predicate == _RDF_TYPE_NODE)
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    if distinct is None:
        distinct = len(set(quads))
    return {
        "triples": distinct,
        "named_graphs": len(graphs),
        "documents": documents,
        "anchors": {
            "facts": sum(1 for a in anchors if a.motivation == "describing"),
            "mentions": sum(1 for a in anchors if a.motivation == "identifying"),
        },
        "flags": classes.get(CONSISTENCY_NOTE, 0),
        "classes": dict(sorted(classes.items())),
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(folder: Path) -> dict[str, str]:
    """Record the SHA-256 of every file of a build, so a corrupt store is refused."""
    sums = {
        str(p.relative_to(folder)): _sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST and p.name != "LOCK"
    }
    (folder / MANIFEST).write_text(json.dumps(sums, indent=1, sort_keys=True) + "\n")
    return sums


def verify_manifest(folder: Path) -> list[str]:
    """The files of a build whose content no longer matches its manifest."""
    try:
        sums = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return [MANIFEST]
    bad = []
    for name, expected in sums.items():
        path = folder / name
        if not path.is_file() or _sha256(path) != expected:
            bad.append(name)
    return bad


def _prefixes() -> dict[str, str]:
    from .vocab import PREFIXES  # the one place prefixes are bound

    return dict(PREFIXES)


def write_dumps(quads: list[ox.Quad], folder: Path, lines: list[str] | None = None) -> str:
    """Write the sorted N-Quads and TriG dumps; return the dataset's content hash.

    ``lines`` are :func:`nquads_lines` of ``quads`` when the caller has them already.
    """
    if lines is None:
        lines = nquads_lines(quads)
    payload = "".join(lines).encode("utf-8")
    (folder / DUMP_NQUADS).write_bytes(payload)
    ordered = list(ox.parse(payload, format=ox.RdfFormat.N_QUADS))
    trig = ox.serialize(ordered, format=ox.RdfFormat.TRIG, prefixes=_prefixes())
    (folder / DUMP_TRIG).write_bytes(trig or b"")
    return hashlib.sha256(payload).hexdigest()


def write_store(folder: Path) -> None:
    """Load the N-Quads dump into an on-disk pyoxigraph store (read-only when served)."""
    store = ox.Store(str(folder / STORE_DIR))
    store.bulk_load(path=str(folder / DUMP_NQUADS), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    store.flush()
    del store


def current_build(settings: Settings) -> Path | None:
    """The build being served, or None when there is none yet."""
    link = settings.builds_root / "current"
    return link.resolve() if link.exists() else None


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


def build(
    settings: Settings,
    *,
    validate: bool = True,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the project in ``settings.project_dir`` and switch ``build/current`` to it.

    Raises :class:`~histgraph.errors.InputError` for unreadable input,
    :class:`~histgraph.errors.AnchorError` for quotes not in the text and
    :class:`~histgraph.errors.ValidationFailed` for data that violates the shapes;
    in every case nothing already built is touched.
    """
    source = read_project(settings.data_dir, settings.ontology_dir, progress=progress)
    quads, anchors = anchoring.resolve_anchors(source.quads, source.texts)
    quads = list(rebase(quads, settings.base_iri))
    lines = nquads_lines(quads)
    summary = summarize(quads, anchors, source.document_ids, distinct=len(lines))
    report = None
    if validate:
        from .report import build_context, describe, violation_summary
        from .validate import validate_quads

        report = validate_quads(quads, settings)
        summary["validation"] = report.counts()
        context = build_context(quads, settings.base_iri)
        if not report.conforms:
            raise ValidationFailed(
                f"the data has {report.counts()['violations']} violation(s); nothing was "
                "published and the last good build keeps serving:\n"
                f"{violation_summary(report, context)}\n"
                "Run `histgraph validate` for the full report.",
                report,
            )
        report_json = json.dumps(describe(report, context), indent=1, ensure_ascii=False)
    root = settings.builds_root
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        digest = write_dumps(quads, staging, lines)
        build_id = digest[:16]
        final = builds / build_id
        summary["build_id"] = build_id
        if final.is_dir() and not verify_manifest(final):
            _switch_current(root, final)
            return BuildResult(build_id, final, summary, report, reused=True)
        if report is not None:
            (staging / REPORT).write_bytes(report.turtle())
            (staging / REPORT_JSON).write_text(report_json + "\n", encoding="utf-8")
        (staging / SUMMARY).write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
        write_store(staging)
        write_manifest(staging)
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
    return BuildResult(build_id, final, summary, report)


def progress_total(settings: Settings) -> int:
    """How many steps a build's progress bar has."""
    return count_inputs(settings.data_dir, settings.ontology_dir)
