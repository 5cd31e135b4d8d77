"""The validation cache: each unit's report, kept by the unit's content hash.

A cache that cannot be read or written only costs time, never correctness.
Files are written without a flush to disk each (a cold build of 10,000
documents writes over 12,000, and flushing each cost more than validating), so
after a power cut one may be empty or cut short: a report file therefore starts
with its own SHA-256 and is used only if it matches (an empty report would
otherwise read as "no findings"); a findings file is JSON, which a cut-short
file is not.
"""

from __future__ import annotations

import hashlib
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
        stored = (cache_dir / f"{key}.nt").read_bytes()
    except OSError:
        return None
    header, _, payload = stored.partition(b"\n")
    if header != _checksum_line(payload):
        return None  # cut short by a crash, or written before reports carried their checksum
    return payload


def _checksum_line(payload: bytes) -> bytes:
    return b"# sha256 " + hashlib.sha256(payload).hexdigest().encode("ascii")


def _write_cached(cache_dir: Path | None, key: str, payload: bytes) -> None:
    if cache_dir is not None:
        write_cache_file(cache_dir / f"{key}.nt", _checksum_line(payload) + b"\n" + payload)


def write_cache_file(path: Path, payload: bytes) -> None:
    """Write a cache file atomically, not flushed to disk (see the module's docstring).

    A failure is ignored: it only costs time later.
    """
    try:
        write_atomically(path, payload, durable=False)
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

