"""Reading a Wilson Center Digital Archive citation into its parts.

The archive cites a document as its title in quotes, its date, the archive,
then the edition the original was published in and, after "translation from",
the edition the English text comes from::

    "TITLE," DATE, ARCHIVE, EDITORS, ed., BOOK (ALTERNATE TITLE), vol. N
    (PLACE: PUBLISHER, YEAR), PAGES; translation from EDITORS, eds., BOOK
    (PLACE: PUBLISHER, YEAR), PAGES.

Each part the citation does not have stays ``None``. Only ``str`` searches are
used, so reading is linear in the citation's length.

>>> c = read_citation('"Letter, A to B," March 03, 1951, History and Public Policy Program Digital Archive, '
...                   'Jane Doe, ed., Test Papers, vol. 2 (Springfield: Fixture Press, 2001), 5-6.')
>>> c.title, c.date, c.original.title, c.original.volume, c.original.year, c.original.pages, c.translation
('Letter, A to B', 'March 03, 1951', 'Test Papers', '2', '2001', '5-6', None)
"""

from __future__ import annotations

from dataclasses import dataclass

from histgraph.ingest.readers import Edition

_TRANSLATION = "; translation from "
_EDITOR_MARKS = (", eds., ", ", ed., ")


@dataclass(frozen=True)
class Citation:
    """The parts of an archive citation."""

    title: str | None
    date: str | None
    archive: str | None
    original: Edition | None
    translation: Edition | None


def read_citation(citation: str) -> Citation:
    """The title, date, archive and editions a citation names (see the module docstring)."""
    text = citation.strip()
    title = None
    rest = text
    if text.startswith(('"', "“")):
        end = max(text.find(',"', 1), text.find(",”", 1))
        if end > 0:
            title, rest = text[1:end].strip(), text[end + 2 :].lstrip(" ,")
    date, rest = _date_prefix(rest)
    archive = None
    marker = rest.find("Digital Archive")
    if marker >= 0:
        archive = rest[: marker + len("Digital Archive")].strip()
        rest = rest[marker + len("Digital Archive") :].lstrip(" ,")
    original_text, _, translation_text = rest.partition(_TRANSLATION)
    original = _edition(original_text) if original_text.strip() else None
    translation = _edition(translation_text) if translation_text.strip() else None
    return Citation(title, date, archive, original, translation)


def _date_prefix(text: str) -> tuple[str | None, str]:
    """A leading "Month DD, YYYY," and the rest of ``text``."""
    words = text.split(" ", 3)
    if len(words) >= 3 and words[0].isalpha() and words[1].rstrip(",").isdigit():
        year = words[2].rstrip(",")
        if year.isdigit() and len(year) == 4:
            return " ".join(words[:3]).rstrip(","), (words[3] if len(words) > 3 else "")
    return None, text


def _edition(text: str) -> Edition:
    """One edition: ``EDITORS, ed., BOOK (ALT), vol. N (PLACE: PUBLISHER, YEAR), PAGES``."""
    as_cited = text.strip()
    body = as_cited.rstrip(".").strip()
    pages = None
    imprint_end = body.rfind(")")
    if imprint_end >= 0 and body[imprint_end + 1 :].strip(" ,"):
        pages = body[imprint_end + 1 :].strip(" ,")
        body = body[: imprint_end + 1]
    place = publisher = year = None
    if body.endswith(")"):
        imprint_start = body.rfind(" (")
        if imprint_start >= 0 and ":" in body[imprint_start:]:
            imprint = body[imprint_start + 2 : -1]
            place, _, who = imprint.partition(":")
            publisher, _, year_text = who.rpartition(",")
            place, publisher, year = place.strip(), publisher.strip() or None, year_text.strip() or None
            body = body[:imprint_start]
    editors = None
    for mark in _EDITOR_MARKS:
        at = body.find(mark)
        if at >= 0:
            editors, body = body[: at + len(mark) - 2].strip(), body[at + len(mark) :]
            break
    volume = None
    vol_at = body.rfind(", vol. ")
    if vol_at >= 0:
        volume, body = body[vol_at + len(", vol. ") :].strip(), body[:vol_at]
    alternate = None
    if body.endswith(")") and " (" in body:
        open_at = body.rfind(" (")
        alternate, body = body[open_at + 2 : -1].strip(), body[:open_at]
    return Edition(
        title=body.strip(),
        alternate_title=alternate,
        volume=volume,
        editors=editors,
        place=place,
        publisher=publisher,
        year=year,
        pages=pages,
        as_cited=as_cited,
    )
