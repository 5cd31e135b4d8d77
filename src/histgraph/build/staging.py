"""Builds' staging folders, and removing the ones a killed build left behind.

A build writes into ``build/.staging-*`` and renames it into place when it is
complete; a build that fails removes it. A build that is killed (SIGKILL, a
power cut) cannot, and its folder (a whole store) stayed for good (issue #12).

Every build holds a shared ``flock`` on ``build/.builds.lock`` while it runs.
A starting build that can take that lock exclusively knows no other build is
running, so every staging folder there is stale: it removes them (and stale
``.current-*`` links of an interrupted switch) before it starts its own. When
another build is running, nothing is removed; the next build that runs alone
does it. The lock dies with its process, so a killed build never blocks this.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = ".staging-"
LOCK = ".builds.lock"
_SWITCH_PREFIX = ".current-"  # the temporary link build._switch_current renames over current


@contextmanager
def running_build(root: Path) -> Iterator[list[str]]:
    """Hold the builds' lock in ``root`` for one build; yields the names of stale folders it removed."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        removed: list[str] = []
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # another build is running: its staging folder is not ours to judge
        else:
            removed = remove_stale(root)
        fcntl.flock(fd, fcntl.LOCK_SH)  # held until this build ends, so no other build sweeps its folder
        yield removed
    finally:
        os.close(fd)  # releases the lock


def remove_stale(root: Path) -> list[str]:
    """Remove every staging folder and switch link in ``root``; call only while no build runs."""
    removed = []
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.name.startswith(PREFIX) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(entry.name)
            elif entry.name.startswith(_SWITCH_PREFIX) and entry.is_symlink():
                os.unlink(entry.path)
                removed.append(entry.name)
    return sorted(removed)


def new_folder(root: Path) -> Path:
    """A fresh staging folder in ``root`` (call inside :func:`running_build`)."""
    return Path(tempfile.mkdtemp(prefix=PREFIX, dir=root))
