"""Find words in the documents' texts: passages with a little context, linked to where they stand.

One query reads every text of every document; :class:`TextIndex` keeps them
once per build, each also folded (lower case, accents dropped, any space a
plain space) character for character, so that an offset in the folded text is
the same offset in the text itself. A search looks for the folded query with
``str.find``, which is linear in the text it scans, and keeps the places where
the query starts a word; it stops at ``limit`` passages or after
:data:`MAX_EXAMINED` places, so a query found inside countless words cannot
run on. The last word of a query may be unfinished ("ordnance fac").

>>> index = TextIndex.from_texts([("t", "d", "en", "Comrade Molotov said promptly that option (a) was good.")])
>>> [(p.start, p.end, p.exact) for p in index.search("molotov SAID")]
[(8, 20, 'Molotov said')]
>>> index.search("lotov")  # inside a word, not at its start
[]
>>> index.search("nothing here")
[]
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Literal

from histgraph.present.label_search import fold
from histgraph.store import SelectStore

ALL_TEXTS = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?text ?document ?language ?content WHERE {
  ?document crm:P165_incorporates ?text .
  ?text rdf:value ?content .
  OPTIONAL { ?text dcterms:language ?language }
  FILTER(isIRI(?document) && STRSTARTS(STR(?document), ?prefix))
}
"""
"""Every text of every document under ``<base>id/document/``, with its language."""

#: Characters of context shown on each side of a match.
CONTEXT = 80
#: Places where the query occurs that a search looks at before it stops (most are the passages
#: it returns; the rest are occurrences inside a word, which are skipped).
MAX_EXAMINED = 20_000
#: Separates texts in the folded whole, so that no match runs from one text into the next.
SEPARATOR = "\x00"


def _fold_char(ch: str) -> str:
    """``ch`` folded to one character: lower case without accents, any space a plain space."""
    if ch.isspace():
        return " "
    folded = fold(ch)
    if len(folded) == 1:
        return folded
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


def fold_in_place(text: str) -> str:
    """``text`` folded character for character (the same length: offsets carry over), in linear time."""
    return text.translate({ord(ch): _fold_char(ch) for ch in set(text)})


def _is_word(ch: str) -> bool:
    # Letters and digits make words; a Chinese character is a word of its own.
    return ch.isalnum() and ord(ch) < 0x2E80


def text_rows(store: SelectStore, base_iri: str) -> list[tuple[str, str, str | None, str]]:
    """Every document's texts as ``(text IRI, document IRI, language, content)``, what :meth:`TextIndex.from_texts` takes.

    The build writes them into its ``pages/`` (reading them from the store took
    seconds on a fresh server at 10,000 documents).
    """
    rows = store.select(ALL_TEXTS, {"prefix": Literal(base_iri + "id/document/")})
    return sorted((str(r["text"]), str(r["document"]), str(r["language"]) if "language" in r else None,
                   str(r["content"])) for r in rows)


@dataclass(frozen=True)
class Passage:
    """Where a query was found: the document, the offsets of the match, and the words around it."""

    document: str
    text: str
    language: str | None
    start: int
    end: int
    before: str
    exact: str
    after: str


@dataclass(frozen=True)
class _Text:
    iri: str
    document: str
    language: str | None
    content: str


@dataclass
class TextIndex:
    """Every text, and all of them folded into one string with where each begins."""

    texts: list[_Text] = field(default_factory=list)
    folded: str = ""
    starts: list[int] = field(default_factory=list)

    @classmethod
    def from_texts(cls, texts: Iterable[tuple[str, str, str | None, str]]) -> TextIndex:
        """An index of ``(text IRI, document IRI, language, content)`` tuples."""
        index = cls()
        parts, at = [], 0
        for iri, document, language, content in sorted(texts, key=lambda t: (t[1], t[0])):
            content = content.replace(SEPARATOR, " ")
            index.texts.append(_Text(iri, document, language, content))
            index.starts.append(at)
            parts.append(content)
            at += len(content) + 1
        index.folded = fold_in_place(SEPARATOR.join(parts))
        return index

    @classmethod
    def load(cls, store: SelectStore, base_iri: str) -> TextIndex:
        """Read every document's texts (one query)."""
        return cls.from_texts(text_rows(store, base_iri))

    def search(self, query: str, limit: int = 20) -> list[Passage]:
        """Up to ``limit`` passages where ``query`` starts a word, in document order."""
        wanted = " ".join(fold_in_place(query).replace(SEPARATOR, " ").split())
        if not any(ch.isalnum() for ch in wanted):
            return []
        found: list[Passage] = []
        at, examined = 0, 0
        while len(found) < limit and examined < MAX_EXAMINED:
            hit = self.folded.find(wanted, at)
            if hit < 0:
                break
            examined += 1
            at = hit + 1
            if hit > 0 and _is_word(wanted[0]) and _is_word(self.folded[hit - 1]):
                continue  # inside a word
            end = hit + len(wanted)
            # An unfinished last word shows whole ("ordnance fac" -> "ordnance factory").
            while _is_word(wanted[-1]) and end < len(self.folded) and _is_word(self.folded[end]):
                end += 1
            number = bisect_right(self.starts, hit) - 1
            found.append(self._passage(number, hit - self.starts[number], end - self.starts[number]))
        return found

    def _passage(self, number: int, start: int, end: int) -> Passage:
        text = self.texts[number]
        content = text.content
        before = content[max(0, start - CONTEXT) : start]
        after = content[end : end + CONTEXT]
        # Cut the context at a word boundary, and mark that it was cut.
        if start - CONTEXT > 0 and " " in before:
            before = "…" + before.split(" ", 1)[1]
        if end + CONTEXT < len(content) and " " in after:
            after = after.rsplit(" ", 1)[0] + "…"
        return Passage(text.document, text.iri, text.language, start, end,
                       " ".join(before.split("\n")), content[start:end], " ".join(after.split("\n")))


__all__ = ["ALL_TEXTS", "Passage", "TextIndex", "fold_in_place"]
