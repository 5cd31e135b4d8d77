"""Applying a few changed documents to the current build gives the same build as reading everything.

The incremental path (histgraph.build.incremental) copies the current
store, swaps the changed documents' graphs and validates only the units whose
data or context changed. Each test compares it with a full build of the same
project in a fresh build folder: same id, same dump, same store, same summary,
same report.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.build.pipeline import build
from histgraph.config import load_settings
from histgraph.errors import ValidationFailed
from histgraph.store.layout import read_quads, read_state, verify_manifest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_archive import add_document, generate  # noqa: E402

DOCS = 6


def _settings(project: Path, build_dir: Path):  # type: ignore[no-untyped-def]
    # pyshacl-turbo: the same findings as pyshacl (tests/test_scale_validator.py), and
    # fast enough to validate the cable's large unit in each of these full builds.
    return load_settings({"project_dir": project, "build_dir": build_dir, "validator": "turbo"}, environ={})


def _snapshot(path: Path) -> dict:
    """Everything a build offers, parsed: id, dump, store, summary, report, units."""
    store = ox.Store.read_only(str(path / "store"))
    return {
        "id": path.name,
        "dump": [str(q) for q in read_quads(path)],
        "store": {str(q) for q in store},
        "summary": json.loads((path / "summary.json").read_text()),
        "report": json.loads((path / "report.json").read_text()),
        "units": read_state(path)["units"],
    }


def _full(project: Path, tmp_path: Path, name: str) -> dict:
    result = build(_settings(project, tmp_path / name), incremental=False)
    assert not result.incremental
    return _snapshot(result.path)


@pytest.fixture()
def archive(tmp_path: Path) -> tuple[Path, Path]:
    """A small generated archive (the cable and a few synthetic documents) built once, fully."""
    project = tmp_path / "archive"
    generate(DOCS, project)
    build_dir = tmp_path / "build"
    build(_settings(project, build_dir))
    return project, build_dir


def test_added_document_is_applied_and_equals_a_full_build(archive, tmp_path: Path) -> None:
    """Protects incremental builds: adding a document changes only it, and the result is a full build's."""
    project, build_dir = archive
    before = read_state((build_dir / "current").resolve())
    added = add_document(project)
    result = build(_settings(project, build_dir))
    assert result.incremental
    assert f"https://histgraph.example.org/graph/{added}" in {u[0] for u in read_state(result.path)["units"]}
    assert len(read_state(result.path)["units"]) == len(before["units"]) + 1
    assert _snapshot(result.path) == _full(project, tmp_path, "full")
    assert verify_manifest(result.path) == []


def test_changed_and_removed_documents_equal_a_full_build(archive, tmp_path: Path) -> None:
    """Protects incremental builds: a changed text and facts, and a removed folder, as a full build has them."""
    project, build_dir = archive
    folder = project / "data" / "documents" / "synthetic-00001"
    facts = folder / "facts.ttl"
    facts.write_text(facts.read_text().replace("(synthetic ", "(synthetic, revised ", 1))
    shutil.rmtree(project / "data" / "documents" / "synthetic-00002")
    result = build(_settings(project, build_dir))
    assert result.incremental
    snapshot = _snapshot(result.path)
    assert not any("synthetic-00002" in q for q in snapshot["store"])
    assert any("synthetic, revised" in q for q in snapshot["dump"])
    assert snapshot == _full(project, tmp_path, "full")


def test_unchanged_project_reuses_the_current_build(archive) -> None:
    """Protects a no-op rebuild: nothing changed, the current build is kept, not written again."""
    project, build_dir = archive
    current = (build_dir / "current").resolve()
    result = build(_settings(project, build_dir))
    assert result.reused and result.path == current


def test_a_change_that_breaks_another_document_is_refused(archive, tmp_path: Path) -> None:
    """Protects cross-document rules: removing what another document points to is caught incrementally.

    Document 1 comes to endorse document 2's option (a); the shapes require an
    endorsed thing to be a proposal. Removing document 2 leaves document 1 in
    violation although document 1 did not change: its unit must be checked again.
    """
    project, build_dir = archive
    facts = project / "data" / "documents" / "synthetic-00001" / "facts.ttl"
    facts.write_text(facts.read_text() + "\nevent:synthetic-00001-endorsement hg:endorsed proposal:synthetic-00002-a .\n")
    good = build(_settings(project, build_dir))
    assert good.incremental and good.summary["validation"]["violations"] == 0
    shutil.rmtree(project / "data" / "documents" / "synthetic-00002")
    with pytest.raises(ValidationFailed) as refused:
        build(_settings(project, build_dir))
    violations = [f for f in refused.value.report.findings if f.severity == "violation"]
    assert [(f.focus.rsplit("/", 1)[1], f.value.rsplit("/", 1)[1]) for f in violations] == [
        ("synthetic-00001-endorsement", "synthetic-00002-a")
    ]
    assert (build_dir / "current").resolve() == good.path  # the last good build keeps serving
    with pytest.raises(ValidationFailed) as full:
        build(_settings(project, tmp_path / "full"), incremental=False)
    assert full.value.report.findings == refused.value.report.findings


def test_a_changed_shared_record_makes_a_full_build(archive) -> None:
    """Protects correctness over speed: the shared records are every unit's context, so all are read again."""
    project, build_dir = archive
    authority = next((project / "data" / "authorities").glob("*.ttl"))
    authority.write_text(authority.read_text() + "\n# a comment changes the file, not the data\n")
    result = build(_settings(project, build_dir))
    assert not result.incremental
    assert result.reused  # same data, same checks: the same build


def test_full_build_reads_a_change_hidden_from_file_times(archive, tmp_path: Path) -> None:
    """Protects the escape hatch: a file rewritten with its old size and time is read by a full build.

    Builds know unchanged files by size and modification time (reading 20,000
    files each time would cost more than the whole change); `build --full`
    (incremental=False) reads them all.
    """
    import os

    project, build_dir = archive
    facts = project / "data" / "documents" / "synthetic-00001" / "facts.ttl"
    before = facts.stat()
    text = facts.read_text()
    assert "(synthetic " in text
    facts.write_text(text.replace("(synthetic ", "(synthetiq ", 1))  # same length
    os.utime(facts, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert facts.stat().st_size == before.st_size
    trusting = build(_settings(project, build_dir))
    assert trusting.reused  # the change is hidden from size and time
    full = build(_settings(project, build_dir), incremental=False)
    assert not full.reused and any("synthetiq" in q for q in _snapshot(full.path)["dump"])


def test_an_incremental_build_is_served_before_its_pages_are_summed_up(archive) -> None:
    """Protects the issue #8 goal beside issue #18's summaries: a changed document is served before the
    pages' stage (minutes at 10,000 documents) runs, whose files then join the build and its manifest;
    a full build writes them before it is served."""
    from histgraph.cli.build import write_reading_aids

    project, build_dir = archive
    settings = _settings(project, build_dir)
    seen: list[tuple[bool, Path]] = []

    def pages(folder: Path, base_iri: str) -> list[str]:
        seen.append(((build_dir / "current").resolve() == folder.resolve(), folder))
        return write_reading_aids(settings.queries_dir, folder, base_iri)

    add_document(project)
    result = build(settings, pages=pages)
    assert result.incremental and seen == [(True, result.path)]
    assert verify_manifest(result.path) == []
    listed = set(json.loads((result.path / "manifest.json").read_text()))
    assert {"pages/summary.json", "query-answers/events-reported.jsonl"} <= listed

    seen.clear()
    add_document(project)
    full = build(settings, pages=pages, incremental=False)
    assert not full.incremental and seen and not seen[0][0]  # written in staging, before the switch
    assert "pages/summary.json" in set(json.loads((full.path / "manifest.json").read_text()))
