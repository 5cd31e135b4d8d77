"""Plain text with a metadata sidecar: the text is the body, exactly; the sidecar (TOML) says the rest.

The sidecar of ``letter.txt`` is ``letter.meta.toml`` beside it (or the file
given with ``--sidecar``). Every key is optional; what it leaves out is
reported as absent::

    title = "Letter, A to B"
    date = "March 03, 1951"          # as the source writes it
    date_iso = "1951-03-03"          # YYYY-MM-DD, YYYY-MM or YYYY
    summary = "…"
    citation = "…"                   # the archive's citation, as written
    original_language = "zh"         # BCP 47 codes
    text_language = "en"
    page_url = "https://…"           # the page the text was taken from

    [original]                       # the edition of the original, and the same keys
    title = "…"                      # under [translation] for the translation's
    volume = "1"
    editors = "…"
    place = "…"
    publisher = "…"
    year = "1987"
    pages = "211-212"
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from histgraph.ingest.readers import (
    Edition,
    ImportFailed,
    SourceDate,
    SourceDocument,
    decode,
    with_absent,
)

_EDITION_KEYS = ("title", "alternate_title", "volume", "editors", "place", "publisher", "year", "pages", "language")
_TOP_KEYS = frozenset({
    "title", "date", "date_iso", "summary", "citation", "original_language", "text_language",
    "page_url", "original", "translation",
})


def sidecar_path(text_file: Path) -> Path:
    """Where the sidecar of ``text_file`` is looked for: ``NAME.meta.toml`` beside it."""
    return text_file.with_name(f"{text_file.stem}.meta.toml")


def _string(table: dict[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int):
        raise ImportFailed(f"{where}: {key} must be text, like {key} = \"…\"")
    return str(value).strip() or None


def _edition(table: Any, where: str) -> Edition | None:
    if table is None:
        return None
    if not isinstance(table, dict) or not _string(table, "title", where):
        raise ImportFailed(f"{where}: an edition table needs at least title = \"…\"")
    values = {key: _string(table, key, where) for key in _EDITION_KEYS}
    return Edition(**values)  # type: ignore[arg-type]


class SidecarTextReader:
    """A plain UTF-8 text and its TOML sidecar (see the module docstring)."""

    name = "text+sidecar"

    def accepts(self, filename: str, data: bytes) -> bool:
        """Only when chosen: a plain text has nothing that says it is one."""
        return False

    def read(self, filename: str, data: bytes, *, sidecar: bytes | None = None) -> SourceDocument:
        """The text as the body, exactly; the metadata from ``sidecar``."""
        body = decode(filename, data)
        if not body.strip():
            raise ImportFailed(f"{filename} is empty; nothing to import")
        where = f"the sidecar of {filename}"
        try:
            meta = tomllib.loads(decode(where, sidecar or b""))
        except tomllib.TOMLDecodeError as exc:
            raise ImportFailed(f"{where} is not valid TOML ({exc}); fix it and import again") from None
        unknown = sorted(set(meta) - _TOP_KEYS)
        if unknown:
            raise ImportFailed(f"{where}: unknown keys {', '.join(unknown)}; see docs/adding-a-document.md")
        expressed = _string(meta, "date", where)
        iso = _string(meta, "date_iso", where)
        document = SourceDocument(
            body=body,
            title=_string(meta, "title", where),
            date=SourceDate(expressed or iso or "", iso) if (expressed or iso) else None,
            summary=_string(meta, "summary", where),
            citation=_string(meta, "citation", where),
            original=_edition(meta.get("original"), where),
            translation=_edition(meta.get("translation"), where),
            original_language=_string(meta, "original_language", where),
            text_language=_string(meta, "text_language", where),
            page_url=_string(meta, "page_url", where),
            format=self.name,
        )
        return with_absent(document)
