"""A killed build's staging folder is removed by the next build, and a running build's never is.

Issue #12, item 13: a build killed mid-way left ``build/.staging-*`` (a whole
store) behind for good. Builds hold a shared lock on ``build/.builds.lock``; a
build that can take it alone removes every staging folder
(:mod:`histgraph.build.staging`).
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from histgraph.build.pipeline import build
from histgraph.build.staging import LOCK, PREFIX
from histgraph.store.layout import current_build

from ..conftest import copy_project
from ..servers import BIN
from .harness import project_settings


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def _stale_folder(project: Path, name: str = "killed") -> Path:
    """What a killed build leaves: a staging folder with a half-written store."""
    folder = project / "build" / f"{PREFIX}{name}"
    (folder / "store").mkdir(parents=True)
    (folder / "store" / "000001.sst").write_bytes(b"\0" * 4096)
    return folder


def _staging(project: Path) -> list[Path]:
    return sorted((project / "build").glob(f"{PREFIX}*"))


def test_next_build_removes_a_stale_staging_folder(project: Path) -> None:
    """Protects the disk: a staging folder no build is using is removed, and the build succeeds."""
    stale = _stale_folder(project)
    result = build(project_settings(project), validate=False)
    assert not stale.exists()
    assert _staging(project) == []
    assert result.path == current_build(project_settings(project))


def test_staging_folder_of_a_running_build_is_kept(project: Path) -> None:
    """Protects a build in progress: while another build holds the lock, its staging folder is left alone."""
    busy = _stale_folder(project, "running")
    fd = os.open(project / "build" / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # what a running build holds
        build(project_settings(project), validate=False)
        assert busy.is_dir()
    finally:
        os.close(fd)
    build(project_settings(project), validate=False)  # now alone: the folder is stale
    assert not busy.exists()


def test_folder_of_a_killed_build_is_removed_by_the_next(project: Path) -> None:
    """Protects the reviewer's case: SIGKILL a real `histgraph build` while it stages, then build again."""
    command = [str(BIN / "histgraph"), "--project", str(project), "build"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL)
    try:
        seen: list[Path] = []
        for _ in range(6000):  # bounded: a validated build of the cable stages for a few seconds
            seen = _staging(project)
            if seen or process.poll() is not None:
                break
            time.sleep(0.005)
        assert seen, "the build ended before it staged anything"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert all(folder.is_dir() for folder in seen)  # killed: it could not clean up
    result = build(project_settings(project), validate=False)
    assert _staging(project) == []
    assert result.path == current_build(project_settings(project))
