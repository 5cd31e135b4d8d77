"""Find words in the documents' texts: passages with a little context, linked to where they stand.

One query reads every text of every document; :class:`TextIndex` splits each
into words once per build and keeps, for every folded word, where it occurs.
A search looks up the query's rarest word and checks the words around it, so
its work grows with the occurrences of that word and the length of the query,
never with the size of the archive's text; the last word of the query
may be the start of a word ("Moscow" finds "Moscow", "Mosc" too, as one types).

>>> index = TextIndex.from_texts([("t", "d", "en", "Comrade Molotov said promptly that option (a) was good.")])
>>> [(p.start, p.end, p.exact) for p in index.search("molotov SAID")]
[(8, 20, 'Molotov said')]
>>> index.search("nothing here")
[]
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections import defaultdict
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

#: A word: letters and digits of any script (Chinese characters count one each,
#: so a query in Chinese finds its characters in sequence).
WORD = re.compile(r"[^\W_]+")
#: Characters of context shown on each side of a match.
CONTEXT = 80
#: Words of a query that count; a longer query is cut here (the search stays bounded).
MAX_QUERY_WORDS = 12


def _words(text: str) -> list[tuple[str, int, int]]:
    """``(folded word, start, end)`` of every word of ``text``, offsets in ``text`` itself."""
    out: list[tuple[str, int, int]] = []
    for match in WORD.finditer(text):
        token = match.group()
        # A Chinese run is one \w+ run: split it so that each character is a word.
        if any(ord(ch) > 0x2E7F for ch in token):
            out.extend((fold(ch), match.start() + i, match.start() + i + 1) for i, ch in enumerate(token))
        else:
            out.append((fold(token), match.start(), match.end()))
    return out


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


@dataclass
class _Text:
    iri: str
    document: str
    language: str | None
    content: str
    words: list[tuple[str, int, int]]


@dataclass
class TextIndex:
    """Every word of every text, by folded word: ``word -> [(text number, word number)]``."""

    texts: list[_Text] = field(default_factory=list)
    postings: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    #: Distinct folded words, sorted, for a last word given only in part.
    vocabulary: list[str] = field(default_factory=list)

    @classmethod
    def from_texts(cls, texts: Iterable[tuple[str, str, str | None, str]]) -> TextIndex:
        """An index of ``(text IRI, document IRI, language, content)`` tuples."""
        index = cls()
        for number, (iri, document, language, content) in enumerate(sorted(texts, key=lambda t: (t[1], t[0]))):
            words = _words(content)
            index.texts.append(_Text(iri, document, language, content, words))
            for position, (word, _start, _end) in enumerate(words):
                index.postings[word].append((number, position))
        index.vocabulary = sorted(index.postings)
        return index

    @classmethod
    def load(cls, store: SelectStore, base_iri: str) -> TextIndex:
        """Read every document's texts (one query) and index their words."""
        rows = store.select(ALL_TEXTS, {"prefix": Literal(base_iri + "id/document/")})
        return cls.from_texts(
            (str(r["text"]), str(r["document"]), str(r["language"]) if "language" in r else None, str(r["content"]))
            for r in rows
        )

    def _completions(self, prefix: str, limit: int = 50) -> list[str]:
        """Up to ``limit`` words of the texts starting with ``prefix`` (a binary search, then a walk)."""
        found: list[str] = []
        at = bisect_left(self.vocabulary, prefix)
        while at < len(self.vocabulary) and self.vocabulary[at].startswith(prefix) and len(found) < limit:
            found.append(self.vocabulary[at])
            at += 1
        return found

    def search(self, query: str, limit: int = 20) -> list[Passage]:
        """Up to ``limit`` passages where the words of ``query`` stand in sequence, in document order."""
        wanted = [w for w, _s, _e in _words(query)][:MAX_QUERY_WORDS]
        if not wanted:
            return []
        *whole, last = wanted
        starts: Iterable[tuple[int, int]]
        if whole:
            # Start from the rarest whole word: the work is its occurrences, not the commonest's.
            k = min(range(len(whole)), key=lambda i: len(self.postings.get(whole[i], ())))
            starts = [(n, p - k) for n, p in self.postings.get(whole[k], ()) if p >= k]
            lasts = {last} | set(self._completions(last))
        else:
            # One word, perhaps unfinished: every occurrence of a completion matches, so merge the
            # (sorted) occurrence lists lazily and stop at ``limit``, without sorting them all.
            starts = heapq.merge(*(self.postings[word] for word in self._completions(last)))
            lasts = set()
        found = []
        for number, position in starts:
            words = self.texts[number].words
            if position + len(wanted) > len(words):
                continue
            if all(words[position + k][0] == whole[k] for k in range(len(whole))) and (
                not whole or words[position + len(whole)][0] in lasts
            ):
                found.append(self._passage(number, words[position][1], words[position + len(wanted) - 1][2]))
                if len(found) == limit:
                    break
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


__all__ = ["ALL_TEXTS", "Passage", "TextIndex"]
