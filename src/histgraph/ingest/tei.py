"""TEI P5: a digital edition's ``teiHeader`` and ``text/body``.

What is read, and from where (``tei:`` is ``http://www.tei-c.org/ns/1.0``):

* title: ``fileDesc/titleStmt/title``;
* date: ``profileDesc/creation/date`` (its words, and ``@when`` as the ISO date);
* summary: ``profileDesc/abstract``;
* citation: ``sourceDesc/bibl[@type='citation']``;
* editions: ``sourceDesc/bibl[@type='original']`` and ``[@type='translation']``,
  each with ``title``, ``editor``, ``pubPlace``, ``publisher``, ``date``,
  ``biblScope[@unit='volume']``, ``biblScope[@unit='page']`` and
  ``textLang/@mainLang``;
* the page the text was taken from: ``sourceDesc//idno[@type='URI']``;
* languages: ``text/@xml:lang`` (the text's) and the original edition's ``textLang``;
* body: each paragraph-like child of ``text/body`` (``p``, ``head``, ``opener``,
  ``closer``, ``salute``, ``signed``, ``dateline``, ``ab``) as one paragraph, white
  space as one space, paragraphs separated by a blank line.

The XML is parsed with defusedxml, which refuses entity declarations (the
"billion laughs") and external entities.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from histgraph.ingest.readers import Edition, ImportFailed, SourceDate, SourceDocument, with_absent

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_PARAGRAPHS = frozenset({"p", "head", "opener", "closer", "salute", "signed", "dateline", "ab"})


def _text(element: Element | None) -> str | None:
    if element is None:
        return None
    words = " ".join("".join(element.itertext()).split())
    return words or None


def _find(root: Element, path: str) -> Element | None:
    return root.find(path.replace("tei:", TEI))


def _edition(bibl: Element | None) -> Edition | None:
    if bibl is None:
        return None
    title = _text(_find(bibl, "tei:title"))
    if title is None:
        return None
    lang = _find(bibl, "tei:textLang")
    editors = [_text(e) for e in bibl.findall(f"{TEI}editor")]
    return Edition(
        title=title,
        volume=_text(_find(bibl, "tei:biblScope[@unit='volume']")),
        editors=", ".join(e for e in editors if e) or None,
        place=_text(_find(bibl, "tei:pubPlace")),
        publisher=_text(_find(bibl, "tei:publisher")),
        year=_text(_find(bibl, "tei:date")),
        pages=_text(_find(bibl, "tei:biblScope[@unit='page']")),
        language=(lang.get("mainLang") if lang is not None else None) or None,
        as_cited=_text(bibl) or "",
    )


class TeiReader:
    """A TEI P5 document (see the module docstring)."""

    name = "tei"

    def accepts(self, filename: str, data: bytes) -> bool:
        """An XML document in the TEI namespace."""
        return b"http://www.tei-c.org/ns/1.0" in data[:5000]

    def read(self, filename: str, data: bytes, *, sidecar: bytes | None = None) -> SourceDocument:
        """The document in ``data``; an error names the file when the XML is broken or unsafe."""
        try:
            root = safe_xml.fromstring(data, forbid_dtd=False)
        except DefusedXmlException:
            raise ImportFailed(
                f"{filename} declares entities; remove the DTD's entity declarations and import it again"
            ) from None
        except safe_xml.ParseError as exc:
            raise ImportFailed(f"{filename} is not well-formed XML ({exc}); fix it and import it again") from None
        header = _find(root, "tei:teiHeader")
        body = _find(root, "tei:text/tei:body")
        if header is None or body is None:
            raise ImportFailed(f"{filename} has no teiHeader or no text/body; a TEI P5 document needs both")
        paragraphs = [_text(e) for e in body.iter() if e.tag.removeprefix(TEI) in _PARAGRAPHS]
        text = "\n\n".join(p for p in paragraphs if p)
        if not text:
            raise ImportFailed(f"{filename}: text/body has no paragraphs; nothing to import")
        date_element = _find(header, "tei:profileDesc/tei:creation/tei:date")
        date = None
        if date_element is not None:
            words = _text(date_element)
            when = date_element.get("when")
            date = SourceDate(words or when or "", when) if (words or when) else None
        original = _edition(_find(header, "tei:fileDesc/tei:sourceDesc/tei:bibl[@type='original']"))
        translation = _edition(_find(header, "tei:fileDesc/tei:sourceDesc/tei:bibl[@type='translation']"))
        text_element = _find(root, "tei:text")
        text_language = text_element.get(XML_LANG) if text_element is not None else None
        uri = _find(header, "tei:fileDesc/tei:sourceDesc//tei:idno[@type='URI']")
        document = SourceDocument(
            body=text + "\n",
            title=_text(_find(header, "tei:fileDesc/tei:titleStmt/tei:title")),
            date=date,
            summary=_text(_find(header, "tei:profileDesc/tei:abstract")),
            citation=_text(_find(header, "tei:fileDesc/tei:sourceDesc/tei:bibl[@type='citation']")),
            original=original,
            translation=translation,
            original_language=original.language if original else None,
            text_language=text_language,
            page_url=_text(uri),
            format=self.name,
        )
        if document.translation and not document.translation.language and text_language:
            from dataclasses import replace

            document = replace(document, translation=replace(document.translation, language=text_language))
        return with_absent(document)
