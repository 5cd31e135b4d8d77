"""A full build derives and compacts in a thread while its units are validated (issue #18, goal 2).

The thread only reads the store until the report is written; these tests check
that a refused build still removes its staging folder and leaves no thread
behind, and that the derived graph a full build writes is the one computed
from its asserted data (as the incremental path computes it).
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.build.derived import derive, derived_graph
from histgraph.build.pipeline import build
from histgraph.config import DEFAULT_BASE_IRI, load_settings
from histgraph.errors import ValidationFailed
from histgraph.store.layout import DERIVED_DUMP, DUMP_DIR, STORE_DIR

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_archive import generate  # noqa: E402


def _settings(project: Path, build_dir: Path):  # type: ignore[no-untyped-def]
    # pyshacl-turbo: the same findings as pyshacl (tests/test_scale_validator.py), fast enough for these builds.
    return load_settings({"project_dir": project, "build_dir": build_dir, "validator": "turbo"}, environ={})


def test_a_refused_full_build_removes_its_staging_folder_and_thread(tmp_path: Path) -> None:
    """A violation stops a full build: no staging folder, no derive thread left, the last good build serving."""
    good_project, broken_project, build_dir = tmp_path / "good", tmp_path / "broken", tmp_path / "build"
    generate(3, good_project)
    good = build(_settings(good_project, build_dir), incremental=False)
    generate(3, broken_project, errors=1)
    with pytest.raises(ValidationFailed) as refused:
        build(_settings(broken_project, build_dir), incremental=False)
    assert refused.value.report.counts()["violations"] == 1
    assert not [name for name in os.listdir(build_dir) if name.startswith(".staging")]
    assert not [t for t in threading.enumerate() if t.name.startswith("derive")]
    assert (build_dir / "current").resolve() == good.path


def test_the_derived_graph_follows_from_the_asserted_data(tmp_path: Path) -> None:
    """The derived dump equals what derive() gives on the build's store without it, and the store holds it."""
    project = tmp_path / "archive"
    generate(3, project)
    result = build(_settings(project, tmp_path / "build"), incremental=False)
    written = list(ox.parse((result.path / DUMP_DIR / f"{DERIVED_DUMP}.nq").read_bytes(), format=ox.RdfFormat.N_QUADS))
    assert written, "the archive implies some triples"
    store = ox.Store.read_only(str(result.path / STORE_DIR))
    graph = derived_graph(DEFAULT_BASE_IRI)
    assert set(store.quads_for_pattern(None, None, None, graph)) == set(written)
    asserted = ox.Store()
    asserted.extend(q for q in store if q.graph_name != graph)
    assert derive(asserted, DEFAULT_BASE_IRI) == written
