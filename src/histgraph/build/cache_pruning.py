"""Keeping the build caches bounded: only what the current and previous builds use stays.

``build/.cache`` (each part's meta by input digest, its N-Quads and TriG by
content hash) and ``build/.validation-cache`` (each unit's report and findings by
content hash) gain entries with every edit: the old version of a changed
document stays behind. After a build, :func:`prune_caches` removes every entry
that neither the current build nor the previous one uses, so the caches hold at
most two builds' worth, and going back to the previous build's input is still
answered from the cache.

"Previous" is the newest other folder in ``build/builds`` (by time, the order
:mod:`histgraph.build.finish` keeps builds in), so switching back to an older
build keeps the one it replaced. A build made without validation says nothing
about which validation results are in use, so it leaves that cache alone.

Pruning needs the builds' lock to itself: another build or a ``histgraph
validate`` reading the caches at the same time may need an entry that this one
would remove. If one is running, pruning is skipped; the next build does it.
Only files whose names the caches write are removed (temporary files of a
write in progress, and anything else, are left alone).
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from histgraph.build.parts import CACHE
from histgraph.build.staging import LOCK
from histgraph.store.layout import read_state
from histgraph.validation.cache import CACHE_DIR

#: Builds whose cache entries are kept: the current one and the one before it.
KEEP = 2
_DIGEST = r"[0-9a-f]{64}"
_PART_META = re.compile(rf"({_DIGEST})\.json")
_OBJECT = re.compile(rf"({_DIGEST})\.(nq|trig)")
_UNIT = re.compile(rf"({_DIGEST})\.(nt|findings\.json)")


@dataclass(frozen=True)
class Pruned:
    """What one pruning removed (``skipped`` says why nothing was, when nothing was)."""

    part_metas: int = 0
    objects: int = 0
    unit_results: int = 0
    bytes: int = 0
    skipped: str = ""


@dataclass(frozen=True)
class InUse:
    """The cache entries some kept build uses; ``units`` is None when no kept build was validated."""

    part_digests: frozenset[str]
    objects: frozenset[str]  # "<sha>.<suffix>"
    units: frozenset[str] | None


def kept_builds(root: Path) -> list[Path]:
    """The current build and the newest other build folder under ``root/builds`` (at most :data:`KEEP`)."""
    link = root / "current"
    if not link.exists():
        return []
    current = link.resolve()
    others = sorted(
        (p for p in (root / "builds").iterdir() if p.is_dir() and p.resolve() != current),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    return [current, *others[: KEEP - 1]]


def entries_in_use(builds: list[Path]) -> InUse:
    """The part metas, part outputs and unit results that ``builds`` recorded in their state."""
    digests: set[str] = set()
    objects: set[str] = set()
    units: set[str] | None = None
    for folder in builds:
        state = read_state(folder)
        for part in state["parts"]:
            digests.add(part["digest"])
            objects.update((f"{part['nq_sha']}.nq", f"{part['trig_sha']}.trig"))
        if state.get("validated"):
            units = (units or set()) | {unit[1] for unit in state["units"]}
    return InUse(frozenset(digests), frozenset(objects), None if units is None else frozenset(units))


def _remove(path: Path) -> int:
    """Remove ``path``; its size, or 0 if it was already gone."""
    try:
        size = path.stat().st_size
        path.unlink()
    except FileNotFoundError:
        return 0
    return size


def _unused(folder: Path, pattern: re.Pattern[str], keep: frozenset[str], whole_name: bool) -> Iterator[Path]:
    """Files in ``folder`` named like ``pattern`` whose key (or whole name) is not in ``keep``."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is not None and entry.is_file(follow_symlinks=False):
            if (entry.name if whole_name else match.group(1)) not in keep:
                yield Path(entry.path)


@contextmanager
def builds_alone(root: Path) -> Iterator[bool]:
    """The builds' lock held exclusively, if no build or validation holds it now; yields whether it is."""
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            alone = True
        except BlockingIOError:
            alone = False
        yield alone
    finally:
        os.close(fd)  # releases the lock


def prune_caches(root: Path) -> Pruned:
    """Remove the cache entries under ``root`` that neither the current nor the previous build uses.

    Call it after a build has switched ``root/current``, without holding the
    builds' lock; it returns what it removed (or why it removed nothing).
    """
    if not (root / "current").exists():
        return Pruned(skipped="no current build")
    with builds_alone(root) as alone:
        if not alone:
            return Pruned(skipped="another build or validation is running")
        try:
            used = entries_in_use(kept_builds(root))
        except (OSError, ValueError, KeyError, TypeError):
            # A build whose state cannot be read: its entries cannot be told apart.
            return Pruned(skipped="a kept build's state could not be read")
        cache = root / CACHE
        metas = [_remove(p) for p in _unused(cache / "parts", _PART_META, used.part_digests, False)]
        objects: list[int] = []
        for shard in _subfolders(cache / "objects"):
            objects += [_remove(p) for p in _unused(shard, _OBJECT, used.objects, True)]
        units: list[int] = []
        if used.units is not None:
            units = [_remove(p) for p in _unused(root / CACHE_DIR, _UNIT, used.units, False)]
    return Pruned(len(metas), len(objects), len(units), sum(metas) + sum(objects) + sum(units))


def _subfolders(folder: Path) -> list[Path]:
    try:
        return [Path(e.path) for e in os.scandir(folder) if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return []
