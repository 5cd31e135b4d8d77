"""Writing a file so that readers see the old file or the new one, never half of one.

Every file histgraph writes for others to read (parts and validation caches, the
build's dumps, review and link files, cached pages) goes through here: the bytes
go to a temporary file in the same folder (so the rename stays on one file
system), are flushed to disk, and the file is renamed onto its name. If anything
fails, the temporary file is removed, so a failed write leaves no litter.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO


@contextmanager
def replacing(path: Path, *, mode: int | None = None, durable: bool = True) -> Iterator[BinaryIO]:
    """A binary handle whose bytes replace ``path`` when the block ends without error.

    ``mode`` sets the file's permissions (e.g. ``0o444`` for a file that is
    hard-linked and must never be changed in place). With ``durable=False`` the
    bytes are not flushed to disk before the rename: running readers still see
    the old file or the new one, but after a power cut the new name may hold an
    empty or partial file. Only for files that are checked when read, or made
    durable together (one ``os.sync()``) before anything points at them: a
    build writes tens of thousands of cache files, and one flush each cost more
    than writing them.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with replacing(folder / "answer.txt") as handle:
    ...     _ = handle.write(b"42")
    >>> (folder / "answer.txt").read_bytes()
    b'42'
    >>> try:
    ...     with replacing(folder / "answer.txt") as handle:
    ...         _ = handle.write(b"half")
    ...         raise RuntimeError("the disk is full")
    ... except RuntimeError:
    ...     pass
    >>> (folder / "answer.txt").read_bytes(), sorted(p.name for p in folder.iterdir())
    (b'42', ['answer.txt'])
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())  # the bytes are on disk before the name points at them
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_atomically(path: Path, data: bytes | str, *, mode: int | None = None, durable: bool = True) -> Path:
    """Replace ``path`` with ``data`` (text is written as UTF-8, newlines as given); returns ``path``.

    ``durable=False``: see :func:`replacing`.
    """
    with replacing(path, mode=mode, durable=durable) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path
