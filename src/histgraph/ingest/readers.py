"""The one reader interface, what a reader gives back, and the choice of reader for a source.

A reader turns the bytes of a source (an archive page, a TEI file, a text with
its sidecar) into a :class:`SourceDocument`: the body exactly as given, and the
metadata the source states. A field the source does not give stays ``None``
and its name goes into :attr:`SourceDocument.absent`, so the importer can say
what is missing instead of guessing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from histgraph.errors import HistgraphError


class ImportFailed(HistgraphError):
    """A source could not be read or imported; the message says what to do."""

    exit_code = 2


@dataclass(frozen=True)
class Edition:
    """A published edition that holds the document, as a citation states it."""

    title: str
    alternate_title: str | None = None  # a translated title the citation gives in parentheses
    volume: str | None = None
    editors: str | None = None  # as written: "Shuguang Zhang and Jian Chen, eds."
    place: str | None = None
    publisher: str | None = None
    year: str | None = None
    pages: str | None = None  # "211-212"
    language: str | None = None  # BCP 47, only when the source says it
    as_cited: str = ""  # the words of the citation this edition was read from


@dataclass(frozen=True)
class SourceDate:
    """The document's date as the source writes it, and as an ISO date when the words give one."""

    expressed: str
    iso: str | None  # YYYY-MM-DD, YYYY-MM or YYYY: the precision the words give


@dataclass(frozen=True)
class SourceDocument:
    """What a reader found in a source. ``absent`` names every metadata field it did not find."""

    body: str
    title: str | None = None
    date: SourceDate | None = None
    summary: str | None = None
    citation: str | None = None
    original: Edition | None = None
    translation: Edition | None = None
    original_language: str | None = None
    text_language: str | None = None
    page_url: str | None = None
    archive_name: str | None = None
    absent: tuple[str, ...] = field(default=())
    format: str = ""


#: The metadata fields every reader reports on; ``absent`` lists those a source lacks.
FIELDS = (
    "title", "date", "summary", "citation", "original", "translation",
    "original_language", "text_language", "page_url",
)


def with_absent(document: SourceDocument) -> SourceDocument:
    """``document`` with :attr:`~SourceDocument.absent` listing each field of :data:`FIELDS` left empty."""
    from dataclasses import replace

    missing = tuple(name for name in FIELDS if getattr(document, name) in (None, ""))
    return replace(document, absent=missing)


class Reader(Protocol):
    """One source format: can it read these bytes, and what do they say."""

    name: str

    def accepts(self, filename: str, data: bytes) -> bool:
        """Whether ``data`` (named ``filename``) is in this reader's format."""

    def read(self, filename: str, data: bytes, *, sidecar: bytes | None = None) -> SourceDocument:
        """The document in ``data``; :class:`ImportFailed` when it has no body to import."""


def decode(filename: str, data: bytes) -> str:
    """``data`` as UTF-8 text (a leading byte order mark dropped), or an error naming the file."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"{filename} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and import it again"
        ) from None


def all_readers() -> list[Reader]:
    """Every reader, most specific first: TEI, the archive's HTML page, text with a sidecar, the page as text."""
    from histgraph.ingest.sidecar_text import SidecarTextReader
    from histgraph.ingest.tei import TeiReader
    from histgraph.ingest.wilson_html import WilsonHtmlReader
    from histgraph.ingest.wilson_text import WilsonTextReader

    return [TeiReader(), WilsonHtmlReader(), SidecarTextReader(), WilsonTextReader()]


def reader_for(filename: str, data: bytes, *, sidecar: bool, wanted: str | None = None) -> Reader:
    """The reader named ``wanted``, or the first that accepts the source; an error lists the formats."""
    readers = all_readers()
    names = ", ".join(r.name for r in readers)
    if wanted is not None:
        for reader in readers:
            if reader.name == wanted:
                return reader
        raise ImportFailed(f"no reader called {wanted!r}; use one of: {names}")
    if sidecar:
        return next(r for r in readers if r.name == "text+sidecar")
    for reader in readers:
        if reader.accepts(filename, data):
            return reader
    raise ImportFailed(
        f"{filename}: not a format histgraph can import ({names}); for plain text, "
        "write a metadata sidecar (see docs/adding-a-document.md) and pass --sidecar"
    )
