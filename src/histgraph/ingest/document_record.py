"""An imported document's ``document.ttl``: the record, its date, its texts and the citation chain.

The shape follows the hand-written record of the cable of 2 January 1950:

* the record (``rico:Record``, ``crm:E31_Document``) with title, summary
  (``rico:scopeAndContent``), citation, original language, creation date;
* its texts (``crm:E33_Linguistic_Object``): the original, which the project
  does not hold, and the translation in ``text.txt`` (``crm:P73i_is_translation_of``),
  or, when the source is not a translation, the one text;
* the chapter of each edition holding a text (``schema:Chapter``, pages), part
  of the edition's book: the project's own record of that book when it has one
  with the same name, else a record declared here (to move to
  ``authorities/works.ttl`` once another document cites the book);
* the archive page the text was taken from, when its address is known.

Nothing the source does not state is written: a field it lacks is left out, and
the record's comment lists what was not given.
"""

from __future__ import annotations

from dataclasses import dataclass

from histgraph.ingest.readers import Edition, SourceDocument
from histgraph.ingest.turtle_writer import block, header, slugify, term, text, typed
from histgraph.ingest.wilson_text import MONTHS
from histgraph.vocab import PREFIXES

DOC, TEXT, WORK = PREFIXES["doc"], PREFIXES["text"], PREFIXES["work"]
#: Documentary forms the ontology knows (hg:DocumentaryFormScheme), by the title's first word.
FORM_TYPES = {"cable": "hg:Cable"}


@dataclass(frozen=True)
class KnownWorks:
    """The project's works by name (editions, web archives), to point at rather than declare again."""

    by_name: dict[str, str]

    def find(self, name: str | None) -> str | None:
        return self.by_name.get(" ".join(name.split()).casefold()) if name else None


def readable_date(iso: str) -> str:
    """ "1950-01-02" → "2 January 1950"; "1950-01" → "January 1950"; "1950" stays.

    >>> readable_date("1950-01-02"), readable_date("1950-01"), readable_date("1950")
    ('2 January 1950', 'January 1950', '1950')
    """
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return iso


def _date_literal(iso: str) -> str:
    datatype = {3: "date", 2: "gYearMonth", 1: "gYear"}[len(iso.split("-"))]
    return typed(iso, datatype)


def _pages(pages: str | None) -> list[tuple[str, list[str]]]:
    if not pages:
        return []
    start, dash, end = pages.partition("-")
    pairs = [("schema:pagination", [text(pages)])]
    if dash and start.strip().isdigit() and end.strip().isdigit():
        pairs += [("schema:pageStart", [text(start.strip())]), ("schema:pageEnd", [text(end.strip())])]
    return pairs


def _book(edition: Edition, known: KnownWorks) -> tuple[str, str]:
    """The book's IRI and, when the project has no record of it, the record to declare here."""
    found = known.find(edition.title)
    if found:
        return found, ""
    slug = slugify(edition.title + (f" vol {edition.volume}" if edition.volume else ""))
    iri = WORK + slug
    label = edition.title + (f", vol. {edition.volume}" if edition.volume else "")
    label += f" ({edition.year})" if edition.year else ""
    imprint = ", ".join(x for x in (edition.editors, edition.place, edition.publisher) if x)
    record = block(iri, [
        ("a", ["crm:E73_Information_Object", "schema:Book"]),
        ("rdfs:label", [text(label, "en")]),
        ("schema:name", [text(edition.title)]),
        ("schema:alternateName", [text(edition.alternate_title, "en")] if edition.alternate_title else []),
        ("schema:volumeNumber", [text(edition.volume)] if edition.volume else []),
        ("schema:datePublished", [text(edition.year)] if edition.year else []),
        ("schema:inLanguage", [text(edition.language)] if edition.language else []),
        ("rdfs:comment", [text(
            "Declared by histgraph import from the citation"
            + (f" (editors, place and publisher as cited: {imprint})" if imprint else "")
            + "; move it to data/authorities/works.ttl when another document cites this book.", "en")]),
    ])
    return iri, record


def document_turtle(source: SourceDocument, slug: str, known: KnownWorks, origin: str) -> str:
    """The ``document.ttl`` of ``source`` imported as ``doc:slug`` (see the module docstring)."""
    doc = DOC + slug
    title = source.title
    when = source.date.iso if source.date else None
    label = (title or f"Untitled document {slug}") + (f" ({readable_date(when)})" if when else "")
    form = FORM_TYPES.get((title or "").split(",")[0].strip().casefold())
    translated = source.translation is not None or (
        source.original_language is not None and source.text_language not in (None, source.original_language)
    )
    held_lang = source.text_language
    original_text = f"{TEXT}{slug}-{source.original_language or 'original'}" if translated else None
    held_text = f"{TEXT}{slug}-{held_lang or 'text'}"
    if original_text == held_text:
        held_text += "-held"
    chunks: list[str] = []
    books: list[str] = []
    chapters: dict[str, str] = {}
    for role, edition in (("original", source.original), ("translation", source.translation)):
        if edition is None:
            continue
        book, record = _book(edition, known)
        if record:
            books.append(record)
        chapter = f"{WORK}{slug}-in-{book.rpartition('/')[2]}"
        chapters[role] = chapter
        incorporated = original_text if (role == "original" and translated) else held_text
        chunks.append(block(chapter, [
            ("a", ["schema:Chapter"]),
            ("rdfs:label", [text(f"{title or slug} in {edition.title}"
                                 + (f", pp. {edition.pages}" if edition.pages else ""), "en")]),
            ("schema:isPartOf", [term(book)]),
            *_pages(edition.pages),
            ("schema:inLanguage", [text(edition.language)] if edition.language else []),
            ("schema:translationOfWork", [term(chapters["original"])]
             if role == "translation" and "original" in chapters else []),
            ("crm:P165_incorporates", [term(incorporated)] if incorporated else []),
        ]))
    absent = [name.replace("_", " ") for name in source.absent]
    record = block(doc, [
        ("a", ["rico:Record", "crm:E31_Document"]),
        ("rdfs:label", [text(label, "en")]),
        ("rico:title", [text(title, "en")] if title else []),
        ("rico:hasDocumentaryFormType", [form] if form else []),
        ("rico:hasCreationDate", [term(doc + "#creation-date")] if source.date else []),
        ("dcterms:created", [_date_literal(when)] if when else []),
        ("dcterms:language", [typed(source.original_language or held_lang or "", "language")]
         if (source.original_language or (held_lang and not translated)) else []),
        ("rico:scopeAndContent", [text(source.summary, held_lang)] if source.summary else []),
        ("dcterms:bibliographicCitation", [text(source.citation, held_lang)] if source.citation else []),
        ("crm:P165_incorporates", [term(t) for t in (original_text, held_text) if t]),
        ("rdfs:comment", [text(
            f"Imported by histgraph import from {origin} ({source.format})."
            + (f" Not given by the source: {', '.join(absent)}." if absent else ""), "en")]),
    ])
    parts = [record]
    if source.date:
        parts.append(block(doc + "#creation-date", [
            ("a", ["rico:SingleDate"]),
            ("rdfs:label", [text(source.date.expressed, "en")]),
            ("rico:expressedDate", [text(source.date.expressed)]),
            ("rico:normalizedDateValue", [text(when)] if when else []),
            ("rdfs:comment", [text("The date as the source gives it.", "en")]),
        ]))
    if original_text:
        parts.append(block(original_text, [
            ("a", ["crm:E33_Linguistic_Object"]),
            ("rdfs:label", [text(f"{title or slug}, original", "en")]),
            ("dcterms:language", [typed(source.original_language, "language")] if source.original_language else []),
            ("crm:P165i_is_incorporated_in", [term(chapters["original"])] if "original" in chapters else []),
            ("rdfs:comment", [text("The project does not hold the original text.", "en")]),
        ]))
    parts.append(block(held_text, [
        ("a", ["crm:E33_Linguistic_Object"]),
        ("rdfs:label", [text(f"{title or slug}, " + ("translation" if translated else "text"), "en")]),
        ("dcterms:language", [typed(held_lang, "language")] if held_lang else []),
        ("crm:P73i_is_translation_of", [term(original_text)] if original_text else []),
        ("prov:wasDerivedFrom", [term(original_text)] if original_text else []),
        ("prov:hadPrimarySource", [term(chapters["original"])] if translated and "original" in chapters else []),
        ("prov:wasQuotedFrom", [term(source.page_url)] if source.page_url else []),
        ("crm:P165i_is_incorporated_in",
         [term(chapters["translation" if translated else "original"])]
         if ("translation" if translated else "original") in chapters else []),
        ("rdfs:comment", [text("The text in text.txt, exactly as the source gives it.", "en")]),
    ]))
    parts += chunks + books
    if source.page_url:
        archive = known.find(source.archive_name)
        parts.append(block(source.page_url, [
            ("a", ["rico:Instantiation", "schema:WebPage"]),
            ("rdfs:label", [text(f"Archive copy of {title or slug}", "en")]),
            ("schema:name", [text(title)] if title else []),
            ("schema:url", [typed(source.page_url, "anyURI")]),
            ("schema:isPartOf", [term(archive)] if archive else []),
            ("schema:inLanguage", [text(held_lang)] if held_lang else []),
            ("rico:isOrWasDigitalInstantiationOf", [term(doc)]),
            ("prov:wasDerivedFrom", [term(chapters["translation" if translated else "original"])]
             if ("translation" if translated else "original") in chapters else []),
        ]))
    comment = (
        f"{label}: the record, its texts and the citation chain, written by histgraph import\n"
        f"from {origin}. What the document says goes in facts.ttl (histgraph suggest helps);\n"
        "its text is text.txt, exactly as the source gives it."
    )
    return header(comment) + "\n" + "\n".join(parts)
