"""Builds are deterministic, atomic, and refuse unreadable input without touching the last good build."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from histgraph.build.pipeline import build
from histgraph.cli import main
from histgraph.config import load_settings
from histgraph.errors import InputError
from histgraph.store.layout import open_dump, verify_manifest

from .conftest import copy_project


def test_same_input_gives_byte_identical_dumps(tmp_path: Path, built) -> None:
    """Protects reproducibility: a second build of the same data is byte-identical."""
    settings = load_settings(
        {"project_dir": Path(__file__).parents[1], "build_dir": tmp_path},
        environ={},
    )
    again = build(settings)
    for suffix in ("nq", "trig"):
        with open_dump(again.path, suffix) as one, open_dump(built.path, suffix) as two:
            assert one.read() == two.read()
    assert again.build_id == built.build_id


def test_current_points_at_a_complete_build(built, settings) -> None:
    """Protects serving: build/current is a finished build whose files match its manifest."""
    current = settings.builds_root / "current"
    assert current.is_symlink()
    assert current.resolve() == built.path
    assert verify_manifest(built.path) == []
    summary = json.loads((built.path / "summary.json").read_text())
    assert summary["build_id"] == built.build_id


def test_manifest_catches_a_truncated_file(tmp_path: Path) -> None:
    """Protects against serving a corrupt build: a changed file no longer matches."""
    project = copy_project(tmp_path / "project")
    settings = load_settings({"project_dir": project}, environ={})
    result = build(settings)
    dump = result.path / "dump" / "shared.nq"
    dump.write_bytes(dump.read_bytes()[:100])
    assert verify_manifest(result.path) == ["dump/shared.nq"]
    # The dump file is the build cache's copy (a hard link): the next build must not trust it.
    again = build(settings, incremental=False)
    assert again.build_id == result.build_id and verify_manifest(again.path) == []


def test_syntax_error_keeps_last_good_build(tmp_path: Path) -> None:
    """Protects 'nothing is lost': a malformed file names its line and leaves current alone."""
    project = copy_project(tmp_path / "project")
    settings = load_settings({"project_dir": project}, environ={})
    good = build(settings)
    people = project / "data" / "authorities" / "people.ttl"
    lines = people.read_text(encoding="utf-8").splitlines()
    lines.insert(5, 'person:broken rdfs:label "unterminated .')
    people.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        build(settings)
    assert info.value.path.endswith("people.ttl") and info.value.line == 6
    assert (project / "build" / "current").resolve() == good.path

    result = CliRunner().invoke(main, ["--project", str(project), "build"])
    assert result.exit_code == 2
    assert "people.ttl:6" in result.output
    assert (project / "build" / "current").resolve() == good.path


def test_build_leaves_no_staging_folders(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    build(load_settings({"project_dir": project}, environ={}))
    assert not [p for p in os.listdir(project / "build") if p.startswith(".staging")]


def test_cli_build_prints_summary(tmp_path: Path) -> None:
    """Protects the curator's view of a build: counts per class, anchors, flags, as JSON too."""
    project = copy_project(tmp_path / "project")
    result = CliRunner().invoke(main, ["--project", str(project), "build", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"] == ["cable-1950-01-02-mao-to-ccp-cc"]
    assert summary["anchors"]["facts"] > 50
    assert summary["flags"] >= 2
    assert summary["validation"]["violations"] == 0
    # What `histgraph build` computes for readers, listed in the manifest (a truncated file is refused):
    # the pages' summaries and every whole list's answer (issue #18).
    listed = json.loads((project / "build" / "current" / "manifest.json").read_text())
    assert {"pages/summary.json", "query-answers/events-reported.jsonl", "query-answers/treaties.jsonl"} <= set(listed)
