"""Citations of a document: the archive's own, plus BibTeX, RIS and CSL-JSON.

The fields come from the document's metadata (``document.ttl``): its RiC-O
title, creator, addressee and creation date, the archive's citation
(``dcterms:bibliographicCitation``, quoted as it is) and the archive copy
(``rico:Instantiation`` with ``schema:url``, publisher and the site it is part
of). Nothing is guessed: names are written as literal names (no splitting of
"Mao Zedong" into given and family name), and a field the data lacks is left out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from rdflib import URIRef

from histgraph.present.labels import LabelIndex
from histgraph.store import Store

DOCUMENT_METADATA = """
PREFIX rico: <https://www.ica.org/standards/RiC/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?title ?label ?creator ?addressee ?created ?citation ?copy ?url ?publisher ?site ?form WHERE {
  ?doc a rico:Record .
  OPTIONAL { ?doc rico:title ?title }
  OPTIONAL { ?doc rdfs:label ?label }
  OPTIONAL { ?doc rico:hasCreator ?creator }
  OPTIONAL { ?doc rico:hasAddressee ?addressee }
  OPTIONAL { ?doc dcterms:created ?created }
  OPTIONAL { ?doc dcterms:bibliographicCitation ?citation }
  OPTIONAL { ?doc rico:hasDocumentaryFormType ?form }
  OPTIONAL { ?copy rico:isOrWasDigitalInstantiationOf ?doc ; schema:url ?url .
             OPTIONAL { ?copy schema:publisher ?publisher }
             OPTIONAL { ?copy schema:isPartOf ?site } }
}
"""


@dataclass(frozen=True)
class Citation:
    """What a citation of one document needs, read from its metadata."""

    iri: str
    title: str
    authors: tuple[str, ...]
    recipients: tuple[str, ...]
    date: str | None
    form: str | None
    archive_citation: str | None
    url: str | None
    publisher: str | None
    archive: str | None

    @property
    def key(self) -> str:
        """A citation key: the document's slug."""
        return re.sub(r"[^A-Za-z0-9_-]", "-", self.iri.rstrip("/").rsplit("/", 1)[-1])

    @property
    def date_parts(self) -> list[int]:
        """``[1950, 1, 2]`` for ``1950-01-02T23:00:00`` (as many parts as the date has)."""
        if not self.date:
            return []
        return [int(p) for p in re.findall(r"\d+", self.date[:10])[:3]]


def citation(store: Store, document: str, labels: LabelIndex) -> Citation | None:
    """The citation of ``document``, or None when it is not a record."""
    rows = store.select(DOCUMENT_METADATA, {"doc": URIRef(document)}).rows
    if not rows:
        return None

    def values(name: str) -> list[str]:
        return sorted({labels.label(r[name]) if isinstance(r[name], URIRef) else str(r[name])
                       for r in rows if name in r})

    def first(name: str) -> str | None:
        found = values(name)
        return found[0] if found else None

    return Citation(
        iri=document,
        title=first("title") or first("label") or labels.label(document),
        authors=tuple(values("creator")),
        recipients=tuple(values("addressee")),
        date=first("created"),
        form=first("form"),
        archive_citation=first("citation"),
        url=first("url"),
        publisher=first("publisher"),
        archive=first("site"),
    )


def csl_json(cite: Citation) -> str:
    """CSL-JSON (a list with one item), as Zotero and citeproc read it."""
    item: dict[str, Any] = {"id": cite.key, "type": "manuscript", "title": cite.title}
    if cite.form:
        item["genre"] = cite.form
    if cite.authors:
        item["author"] = [{"literal": a} for a in cite.authors]
    if cite.recipients:
        item["recipient"] = [{"literal": r} for r in cite.recipients]
    if cite.date_parts:
        item["issued"] = {"date-parts": [cite.date_parts]}
    if cite.archive:
        item["archive"] = cite.archive
    if cite.publisher:
        item["publisher"] = cite.publisher
    if cite.url:
        item["URL"] = cite.url
    item["note"] = _note(cite)
    return json.dumps([item], ensure_ascii=False, indent=2)


def _note(cite: Citation) -> str:
    parts = []
    if cite.archive_citation:
        parts.append(f"Archive citation: {cite.archive_citation}")
    parts.append(f"Linked data: {cite.iri}")
    return " ".join(parts)


_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
                   "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\^{}"}


def _bib(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in text)


def bibtex(cite: Citation) -> str:
    """A BibTeX ``@misc`` entry (UTF-8; names braced so they are never split)."""
    fields: list[tuple[str, str]] = [("title", "{" + _bib(cite.title) + "}")]
    if cite.authors:
        fields.append(("author", " and ".join("{" + _bib(a) + "}" for a in cite.authors)))
    parts = cite.date_parts
    if parts:
        fields.append(("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(("month", str(parts[1])))
        fields.append(("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
    published = ", ".join(x for x in (cite.archive, cite.publisher) if x)
    if published:
        fields.append(("howpublished", _bib(published)))
    if cite.url:
        fields.append(("url", _bib(cite.url)))
    fields.append(("note", _bib(_note(cite))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{cite.key},\n{body}\n}}\n"


def ris(cite: Citation) -> str:
    """An RIS record (type MANSCPT), one tag per line, ending with ``ER``."""
    lines = [("TY", "MANSCPT"), ("TI", cite.title)]
    lines += [("AU", a) for a in cite.authors]
    parts = cite.date_parts
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) + "/"))
    if cite.form:
        lines.append(("M3", cite.form))
    if cite.archive:
        lines.append(("DB", cite.archive))
    if cite.publisher:
        lines.append(("PB", cite.publisher))
    if cite.url:
        lines.append(("UR", cite.url))
    lines.append(("N1", _note(cite)))
    lines.append(("ER", ""))
    # One line per tag: a newline inside a value would start a bogus tag.
    return "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in lines)


#: name -> (file extension, media type, writer)
FORMATS = {
    "bibtex": ("bib", "application/x-bibtex; charset=utf-8", bibtex),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8", ris),
    "csl-json": ("json", "application/vnd.citationstyles.csl+json; charset=utf-8", csl_json),
}
