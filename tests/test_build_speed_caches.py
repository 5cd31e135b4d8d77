"""Cache files that a crash may have cut short are never trusted (issue #18, goal 2).

A cold build writes tens of thousands of cache files and no longer flushes each
to disk: part outputs are flushed together (one ``os.sync()``) before the metas
that vouch for them are written, and a unit's report carries its own SHA-256.
These tests cut files short the way a power cut can, and check that the next
build reads or validates again and gives the same data and the same findings,
instead of loading an empty part or reading an empty report as "no findings".
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.build.pipeline import build
from histgraph.config import load_settings
from histgraph.store.layout import DUMP_DIR

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_archive import generate  # noqa: E402


def _settings(project: Path, build_dir: Path):  # type: ignore[no-untyped-def]
    # pyshacl-turbo: the same findings as pyshacl (tests/test_scale_validator.py), fast enough for these builds.
    return load_settings({"project_dir": project, "build_dir": build_dir, "validator": "turbo"}, environ={})


def _cut_short(path: Path) -> None:
    """Empty a (read-only) file in place, as a power cut before its flush may leave it."""
    os.chmod(path, 0o644)
    with open(path, "r+b") as handle:
        handle.truncate(0)


def _forget_builds(build_dir: Path) -> None:
    """Remove the builds but keep the caches, so the next build cannot reuse a finished one."""
    shutil.rmtree(build_dir / "builds")
    (build_dir / "current").unlink()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    """A generated archive of 3 documents, built once; its project, build folder and first result."""
    base = tmp_path_factory.mktemp("speed-caches")
    project, build_dir = base / "archive", base / "build"
    generate(3, project)
    result = build(_settings(project, build_dir))
    return project, build_dir, result


def test_a_part_output_cut_short_without_its_meta_is_read_again(built: tuple[Path, Path, object]) -> None:
    """A part whose output was emptied and whose meta was never written is read again: same quads."""
    project, build_dir, _result = built
    dump = (build_dir / "current").resolve() / DUMP_DIR
    part = sorted(dump.glob("doc-*.nq"))[0]
    before = set(ox.parse(part.read_bytes(), format=ox.RdfFormat.N_QUADS))
    assert before, "the part has quads"
    metas = [m for m in (build_dir / ".cache" / "parts").glob("*.json") if f'"{part.stem}"' in m.read_text()]
    assert len(metas) == 1
    metas[0].unlink()
    _cut_short(part)  # a hard link: the cache's output is the same file
    _forget_builds(build_dir)
    build(_settings(project, build_dir))
    again = (build_dir / "current").resolve() / DUMP_DIR / part.name
    assert set(ox.parse(again.read_bytes(), format=ox.RdfFormat.N_QUADS)) == before


def test_a_unit_report_cut_short_is_validated_again(built: tuple[Path, Path, object]) -> None:
    """An emptied report file of a unit with findings is not read as "no findings": the unit is validated again."""
    project, build_dir, first = built
    findings = sorted(f.key() for f in first.report.findings)  # type: ignore[attr-defined]
    assert findings, "the generated archive has warnings to report"
    cache = build_dir / ".validation-cache"
    reports = [p for p in cache.glob("*.nt") if b"ValidationResult" in p.read_bytes()]
    assert reports, "some unit has results"
    for path in reports:
        _cut_short(path)
        (cache / f"{path.stem}.findings.json").unlink(missing_ok=True)
    _forget_builds(build_dir)
    again = build(_settings(project, build_dir)).report
    assert again is not None
    assert sorted(f.key() for f in again.findings) == findings
    assert again.cached_units == again.units - len(reports)
