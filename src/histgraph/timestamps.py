"""UTC timestamps as histgraph writes them: ISO 8601 with a ``Z``, one format everywhere.

Review files, the Wikidata cache, publication markers and the VoID
description's ``dct:modified`` all stamp times; written one way, they sort as
text and read the same in every file.

>>> utc_timestamp(0)
'1970-01-01T00:00:00Z'
>>> utc_timestamp(1.5, timespec="microseconds")
'1970-01-01T00:00:01.500000Z'
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_timestamp(at: float | None = None, *, timespec: str = "seconds") -> str:
    """``at`` (seconds since the epoch, as a file's ``st_mtime``; now when None) in ISO 8601 UTC.

    ``timespec`` is :meth:`datetime.isoformat`'s: seconds by default; a
    publication marker uses microseconds, so two publications never share one.
    """
    moment = datetime.now(UTC) if at is None else datetime.fromtimestamp(at, UTC)
    return moment.isoformat(timespec=timespec).replace("+00:00", "Z")


__all__ = ["utc_timestamp"]
