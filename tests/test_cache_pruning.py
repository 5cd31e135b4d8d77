"""The build caches stay bounded: after any number of edits they hold the last two builds' entries.

``build/.cache`` (part metas and outputs) and ``build/.validation-cache`` (unit
results) used to grow with every edit. Each build now prunes them to what the
current and the previous build use (:mod:`histgraph.build.cache_pruning`), and
going back to the previous build's input is still answered from the cache.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from histgraph.build import staging
from histgraph.build.cache_pruning import prune_caches
from histgraph.build.pipeline import build
from histgraph.config import load_settings
from histgraph.store.layout import read_state

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_archive import generate  # noqa: E402

DOCS = 3
EDITS = 4


class Stages:
    """Progress that remembers each stage's length (how many parts a build had to read)."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}

    def stage(self, label: str, total: int) -> None:
        self.totals[label] = total

    def advance(self, steps: int = 1) -> None:
        pass


def _settings(project: Path, build_dir: Path):  # type: ignore[no-untyped-def]
    # pyshacl-turbo: the same findings as pyshacl (tests/test_scale_validator.py), fast enough for 6 builds.
    return load_settings({"project_dir": project, "build_dir": build_dir, "validator": "turbo"}, environ={})


def _cache_contents(build_dir: Path) -> dict[str, set[str]]:
    """The keys of every cache entry on disk: part metas, part outputs, unit results."""
    cache = build_dir / ".cache"
    return {
        "parts": {p.stem for p in (cache / "parts").glob("*.json")},
        "objects": {p.name for p in (cache / "objects").glob("*/*") if re.fullmatch(r"[0-9a-f]{64}\.(nq|trig)", p.name)},
        "units": {p.name.split(".", 1)[0] for p in (build_dir / ".validation-cache").iterdir()},
    }


def _entries(state: dict) -> dict[str, set[str]]:
    """The cache entries a build's recorded state says it uses."""
    return {
        "parts": {p["digest"] for p in state["parts"]},
        "objects": {f"{p['nq_sha']}.nq" for p in state["parts"]} | {f"{p['trig_sha']}.trig" for p in state["parts"]},
        "units": {u[1] for u in state["units"]},
    }


def _union(a: dict[str, set[str]], b: dict[str, set[str]]) -> dict[str, set[str]]:
    return {key: a[key] | b[key] for key in a}


def _edit(facts: Path, n: int) -> None:
    """A real change to a document's facts (a new wording of its title), which stays valid."""
    facts.write_text(re.sub(r"\(synthetic[^ ]* ", f"(synthetic-edit-{n} ", facts.read_text(), count=1))


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[dict], str]:
    """A generated archive built once, then edited and rebuilt EDITS times (the last edit's old text kept)."""
    tmp = tmp_path_factory.mktemp("pruning")
    project, build_dir = tmp / "archive", tmp / "build"
    generate(DOCS, project)
    states = [read_state(build(_settings(project, build_dir)).path)]
    facts = project / "data" / "documents" / "synthetic-00001" / "facts.ttl"
    before_last = ""
    for n in range(EDITS):
        before_last = facts.read_text()
        _edit(facts, n)
        result = build(_settings(project, build_dir))
        assert result.incremental and not result.reused
        states.append(read_state(result.path))
    return project, build_dir, states, before_last


def test_caches_hold_only_the_last_two_builds_entries(edited) -> None:
    """Protects bounded caches: after EDITS edits and builds, nothing older than the previous build is left."""
    _project, build_dir, states, _before_last = edited
    on_disk = _cache_contents(build_dir)
    expected = _union(_entries(states[-1]), _entries(states[-2]))
    assert on_disk == expected
    # Each edit left entries behind before pruning: the first build's version of the document is gone.
    stale = _entries(states[0])["parts"] - _entries(states[-1])["parts"] - _entries(states[-2])["parts"]
    assert stale and not stale & on_disk["parts"]


def test_the_previous_builds_input_is_still_a_cache_hit(edited) -> None:
    """Protects what the pruning keeps: going back to the previous input reads no part and validates no unit."""
    project, build_dir, states, before_last = edited
    previous = build_dir / "builds"
    current = (build_dir / "current").resolve()
    # Remove the previous build's folder, so the build cannot just switch back to it.
    for folder in previous.iterdir():
        if folder != current:
            shutil.rmtree(folder)
    (project / "data" / "documents" / "synthetic-00001" / "facts.ttl").write_text(before_last)
    stages = Stages()
    result = build(_settings(project, build_dir), progress=stages, incremental=False)
    assert not result.reused and result.report is not None
    assert stages.totals["reading"] == 0
    assert result.report.units == len(states[-2]["units"])
    assert result.report.cached_units == result.report.units
    assert _entries(read_state(result.path)) == _entries(states[-2])


def test_pruning_waits_for_no_other_build(edited) -> None:
    """Protects builds running side by side: while another holds the builds' lock, nothing is removed."""
    _project, build_dir, _states, _before_last = edited
    stray = build_dir / ".cache" / "parts" / ("0" * 64 + ".json")
    stray.write_text("{}")
    with staging.running_build(build_dir):
        skipped = prune_caches(build_dir)
    assert skipped.skipped and stray.exists()
    pruned = prune_caches(build_dir)
    assert not pruned.skipped and pruned.part_metas == 1 and not stray.exists()
