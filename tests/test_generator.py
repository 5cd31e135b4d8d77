"""The synthetic archive generator (benchmarks/generate_archive.py) makes valid, repeatable data.

Benchmarks at 100 to 10,000 documents only mean something if the generated
archive is the project's model (it builds and conforms to the shapes), is the
same on every run, and its ``--errors K`` switch injects exactly K violations.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from histgraph.build.pipeline import build
from histgraph.config import load_settings
from histgraph.errors import ValidationFailed

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_archive import generate  # noqa: E402


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_runs_are_byte_identical(tmp_path: Path) -> None:
    """Protects repeatable benchmarks: same n and seed, same files, byte for byte."""
    generate(5, tmp_path / "one", errors=1)
    generate(5, tmp_path / "two", errors=1)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_generated_archive_builds_and_conforms(tmp_path: Path) -> None:
    """Protects the generator's model: five documents build, validate (pyshacl) and conform."""
    project = tmp_path / "archive"
    generate(5, project)
    result = build(load_settings({"project_dir": project}, environ={}))
    assert result.summary["validation"]["violations"] == 0
    assert len([d for d in result.summary["documents"] if d.startswith("synthetic-")]) == 5


def test_injected_errors_give_exactly_that_many_violations(tmp_path: Path) -> None:
    """Protects the error switch: --errors 2 gives two violations, a meeting without participants each."""
    project = tmp_path / "archive"
    broken = generate(5, project, errors=2)
    with pytest.raises(ValidationFailed) as failure:
        build(load_settings({"project_dir": project}, environ={}))
    violations = [f for f in failure.value.report.findings if f.severity == "violation"]
    assert len(violations) == 2
    assert {f.focus.rsplit("/", 1)[1] for f in violations} == {f"{doc}-meeting" for doc in broken}
    assert all(f.message.startswith("A meeting needs at least one participant") for f in violations)
