"""The Wilson Center Digital Archive document page, as text (a copy of the page, as in ``shared/seed/``).

The page reads, top to bottom: the site's header, the document's date
("January 02, 1950"), a "Citation" box whose "get citation" line is followed by
the summary and the citation, a language heading ("English HTML") and the
document's text, then the PDF viewer's notice ("It appears your Web browser…").
The body is every line between the heading and the notice, exactly as given.
The page may also carry "Original Language: Chinese" (the HTML page does).
"""

from __future__ import annotations

from dataclasses import replace

from histgraph.ingest.citation import read_citation
from histgraph.ingest.readers import (
    Edition,
    ImportFailed,
    SourceDate,
    SourceDocument,
    decode,
    with_absent,
)

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)
#: Language names an archive page writes, and their BCP 47 codes.
LANGUAGE_CODES = {
    "chinese": "zh", "russian": "ru", "english": "en", "german": "de", "french": "fr",
    "korean": "ko", "japanese": "ja", "vietnamese": "vi", "polish": "pl", "hungarian": "hu",
    "czech": "cs", "romanian": "ro", "bulgarian": "bg", "albanian": "sq", "mongolian": "mn",
    "spanish": "es", "italian": "it", "arabic": "ar", "persian": "fa", "serbian": "sr",
}
_PDF_NOTICE = "It appears your Web browser"
_BODY_HEADINGS = (" HTML", " Transcription", " Translation")


def iso_of_page_date(text: str) -> str | None:
    """ "January 02, 1950" → "1950-01-02"; anything else → None.

    >>> iso_of_page_date("January 02, 1950"), iso_of_page_date("1950")
    ('1950-01-02', None)
    """
    words = text.replace(",", " ").split()
    if len(words) == 3 and words[0] in MONTHS and words[1].isdigit() and words[2].isdigit() and len(words[2]) == 4:
        day = int(words[1])
        if 1 <= day <= 31:
            return f"{words[2]}-{MONTHS.index(words[0]) + 1:02d}-{day:02d}"
    return None


def language_code(name: str) -> str | None:
    """The code of a language name as a page writes it ("Chinese" → "zh"), or None when unknown."""
    return LANGUAGE_CODES.get(name.strip().casefold())


def _body_heading(line: str) -> str | None:
    """The language of a heading like "English HTML" that opens the document's text, else None."""
    text = line.strip()
    for suffix in _BODY_HEADINGS:
        if text.endswith(suffix) and text[: -len(suffix)].isalpha():
            return text[: -len(suffix)]
    return None


def read_page(lines: list[str], *, title: str | None = None, format_name: str) -> SourceDocument:
    """The document a page's lines give (see the module docstring); ``title`` when the page has a heading."""
    date = summary = citation = original_language = text_language = None
    body_start = None
    for number, line in enumerate(lines):
        text = line.strip()
        if date is None and iso_of_page_date(text):
            date = SourceDate(text, iso_of_page_date(text))
        elif text.startswith("Original Language"):
            value = text.partition(":")[2].strip() or _next_text(lines, number)
            original_language = language_code(value) if value else None
        elif text == "get citation":
            following = [ln.strip() for ln in lines[number + 1 : number + 6] if ln.strip()]
            if following and not following[0].startswith(('"', "“")):
                summary = following.pop(0)
            if following and following[0].startswith(('"', "“")):
                citation = following[0]
        elif body_start is None and _body_heading(line):
            text_language = language_code(_body_heading(line) or "")
            body_start = number + 1
    if body_start is None:
        raise ImportFailed(
            "the page has no document text: no heading such as \"English HTML\" before it; "
            "import the page as the archive shows it, or use a text file with a metadata sidecar"
        )
    body_lines = lines[body_start:]
    end = next((i for i, ln in enumerate(body_lines) if ln.strip().startswith(_PDF_NOTICE)), len(body_lines))
    body = "\n".join(body_lines[:end]).strip("\n")
    if not body.strip():
        raise ImportFailed("the page's document text is empty; nothing to import")
    parts = read_citation(citation) if citation else None
    original = parts.original if parts else None
    translation = parts.translation if parts else None
    if translation is not None and text_language:
        # The text we hold is the one the citation says it is translated "from": its language is the text's.
        translation = replace(translation, language=text_language)
    if original is not None and original_language:
        original = replace(original, language=original_language)
    if translation is None and original is not None and text_language and text_language == original_language:
        translation = None  # the text is the original itself
    document = SourceDocument(
        body=body + "\n",
        title=title or (parts.title if parts else None),
        date=date,
        summary=summary,
        citation=citation,
        original=original,
        translation=translation,
        original_language=original_language,
        text_language=text_language,
        archive_name=parts.archive if parts else None,
        format=format_name,
    )
    return with_absent(document)


def _next_text(lines: list[str], number: int) -> str:
    return next((ln.strip() for ln in lines[number + 1 : number + 4] if ln.strip()), "")


class WilsonTextReader:
    """The archive's document page saved as text."""

    name = "wilson-text"

    def accepts(self, filename: str, data: bytes) -> bool:
        """A text with the archive's citation box and a language heading before the document."""
        head = data[:200_000]
        return b"get citation" in head and b"Digital Archive" in head

    def read(self, filename: str, data: bytes, *, sidecar: bytes | None = None) -> SourceDocument:
        """The page's document: see the module docstring."""
        return read_page(decode(filename, data).split("\n"), format_name=self.name)


__all__ = ["Edition", "WilsonTextReader", "iso_of_page_date", "language_code", "read_page"]
