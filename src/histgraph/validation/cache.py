"""The validation cache: each unit's report, kept by the unit's content hash.

A cache that cannot be read or written only costs time, never correctness.
"""

from __future__ import annotations

from pathlib import Path

from histgraph.atomic_files import write_atomically
from histgraph.validation.engines import validate_unit_report
from histgraph.validation.units import Unit

#: The cache's folder under the builds' root.
CACHE_DIR = ".validation-cache"


def read_cached(cache_dir: Path | None, key: str) -> bytes | None:
    """The cached report of the unit with cache key ``key``, or None."""
    if cache_dir is None:
        return None
    try:
        return (cache_dir / f"{key}.nt").read_bytes()
    except OSError:
        return None


def _write_cached(cache_dir: Path | None, key: str, payload: bytes) -> None:
    if cache_dir is not None:
        write_cache_file(cache_dir / f"{key}.nt", payload)


def write_cache_file(path: Path, payload: bytes) -> None:
    """Write a cache file atomically; a failure is ignored (it only costs time later)."""
    try:
        write_atomically(path, payload)
    except OSError:
        pass  # a cache that cannot be written only costs time, never correctness


def check_unit(unit: Unit, shapes_text: str, validator: str, cache_dir: Path | None) -> tuple[str, bytes, bool]:
    """Validate one unit, or take its report from the cache; its cache key, report, and whether cached."""
    key = unit.digest(shapes_text, validator)
    payload = read_cached(cache_dir, key)
    if payload is not None:
        return key, payload, True
    payload = validate_unit_report(unit.data, unit.focus, shapes_text, validator)
    _write_cached(cache_dir, key, payload)
    return key, payload, False

