"""Find entities by name: labels, other names and the words the sources use.

One query reads every name of every minted node; :class:`NameIndex` keeps
them per build and answers autocomplete and search without touching the store
again. A name matches when the folded query (:func:`fold`) occurs anywhere in
its folded form. Matches rank: the whole name starts with the query, then a
word of it does (words split at spaces and "("), then the query occurs
anywhere; among entities of one rank, by label.

Each name is folded once, when the index is made (by the build, which writes
it into ``pages/names.json``), never per query. The distinct folded names are
kept joined in one string, so a query is one ``str.find`` pass over it (linear
in the names' length, in C) that jumps from each hit to the next name: only
names holding the query are looked at, and the rest of the matching is the
same as comparing the query with every name.

>>> from histgraph.present.labels import LabelIndex
>>> base = "https://example.org/"
>>> index = NameIndex.from_entries([(fold(n), n, f"{base}id/person/{i}") for n, i in
...                    [("Zhou Enlai", "zhou"), ("Chou En-lai", "zhou"), ("Mao Zedong", "mao")]],
...                   LabelIndex(best={f"{base}id/person/zhou": "Zhou Enlai"}), base)
>>> [(m.label, m.matched) for m in index.search("en")]
[('Zhou Enlai', 'Zhou Enlai')]
>>> [m.matched for m in index.search("ZEDÓNG")]
['Mao Zedong']
>>> [(m.label, m.matched) for m in index.search("chou")]
[('Zhou Enlai', 'Chou En-lai')]
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate

from rdflib import Literal

from histgraph.normal_forms import without_marks
from histgraph.present.kinds import kind_of
from histgraph.present.labels import LabelIndex
from histgraph.store import SelectStore

ALL_NAMES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX hg: <https://histgraph.example.org/ontology#>
SELECT ?s ?name WHERE {
  VALUES ?p { rdfs:label skos:altLabel skos:prefLabel schema:name schema:alternateName hg:asWritten }
  ?s ?p ?name .
  FILTER(isIRI(?s) && isLiteral(?name) && STRSTARTS(STR(?s), ?prefix))
}
"""


NAME_SOURCES = """
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX hg: <https://histgraph.example.org/ontology#>
SELECT ?s ?name ?source WHERE {
  ?s crm:P1_is_identified_by ?appellation .
  ?appellation crm:P190_has_symbolic_content ?name ; hg:accordingTo ?source .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?prefix))
}
"""
"""Names given as appellations that name their source (``data/authorities/names-and-identities.ttl``)."""


def fold(text: str) -> str:
    """Lower-case ``text`` without accents, for matching ("Molotov" ~ "molotov"); linear in its length."""
    return without_marks(text).casefold()


@dataclass(frozen=True)
class Match:
    """One entity found, with the name that matched."""

    iri: str
    label: str
    kind: str | None
    matched: str
    #: IRIs of the sources that give the matched name, when it is a sourced variant ("Chou En-lai").
    sources: tuple[str, ...] = ()


#: Kinds never offered: a timespan or an annotation is found through what it belongs to.
UNLISTED = ("annotation", "timespan")
#: Between the folded names in :attr:`NameIndex.haystack`. A query holding it is matched name by
#: name instead (see :meth:`NameIndex.holding`), so no hit can run from one name into the next.
SEPARATOR = "\x00"


def rank(folded: str, query: str) -> int | None:
    """How well the folded name matches the folded ``query``: 0 it starts with it, 1 a word does, 2 it holds it.

    This is the definition :meth:`NameIndex.search` keeps (its tests compare the two); the search
    finds rank 1 without splitting the name into words.
    """
    if folded.startswith(query):
        return 0
    if any(word.startswith(query) for word in folded.replace("(", " ").split()):
        return 1
    return 2 if query in folded else None


def _can_start_a_word(query: str) -> bool:
    """True when ``query`` could begin a word: words hold no space and no "(", where names are cut into words."""
    return not any(ch.isspace() or ch == "(" for ch in query)


def _rank_held(folded: str, query: str, wordlike: bool) -> int:
    """:func:`rank` of a name known to hold ``query`` (``wordlike``: :func:`_can_start_a_word` of it)."""
    if folded.startswith(query):
        return 0
    if not wordlike:
        return 2
    # Every space but " " is unprintable; with none, words begin after " " or "(" (the query holds neither).
    if folded.isprintable():
        return 1 if " " + query in folded or "(" + query in folded else 2
    return 1 if any(word.startswith(query) for word in folded.replace("(", " ").split()) else 2


class NameIndex:
    """Every name of the minted nodes a search can offer, grouped by folded name.

    ``folded`` are the distinct folded names, sorted; ``named[i]`` the names and
    IRIs of ``folded[i]``, flat (``[name, IRI, name, IRI, …]``, each pair in the order of
    :attr:`entries`). :meth:`from_entries` groups ``(folded, name, IRI)`` rows.
    """

    def __init__(self, folded: list[str], named: list[list[str]], labels: LabelIndex, base_iri: str,
                 sources: dict[tuple[str, str], tuple[str, ...]] | None = None) -> None:
        self.folded = folded
        self.named = named
        self.labels = labels
        self.base_iri = base_iri
        #: (IRI, name) -> the sources that give that name.
        self.sources = sources or {}
        self.haystack = SEPARATOR.join(folded)
        #: Where each folded name starts in the haystack.
        self.starts = [0, *accumulate(len(f) + 1 for f in folded)][: len(folded)]

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, str, str]], labels: LabelIndex, base_iri: str,
                     sources: dict[tuple[str, str], tuple[str, ...]] | None = None) -> NameIndex:
        """The index of ``(folded name, name, IRI)`` rows; rows of unlisted kinds are left out."""
        folded: list[str] = []
        named: list[list[str]] = []
        for key, name, iri in sorted(set(entries)):
            if kind_of(iri, base_iri) in UNLISTED:
                continue
            if not folded or folded[-1] != key:
                folded.append(key)
                named.append([])
            named[-1] += (name, iri)
        return cls(folded, named, labels, base_iri, sources)

    @classmethod
    def load(cls, store: SelectStore, labels: LabelIndex, base_iri: str) -> NameIndex:
        """Read the names of every node under ``<base>id/`` (one query)."""
        prefix = {"prefix": Literal(base_iri + "id/")}
        rows = store.select(ALL_NAMES, prefix)
        # A name's own node (<owner>#name-peking) is found through its owner, which repeats it.
        entries = {(fold(str(r["name"])), str(r["name"]), str(r["s"])) for r in rows if "#" not in str(r["s"])}
        sources: dict[tuple[str, str], set[str]] = {}
        for r in store.select(NAME_SOURCES, prefix):
            sources.setdefault((str(r["s"]), str(r["name"])), set()).add(str(r["source"]))
        return cls.from_entries(entries, labels, base_iri, {k: tuple(sorted(v)) for k, v in sources.items()})

    @property
    def entries(self) -> list[tuple[str, str, str]]:
        """Every ``(folded name, name, IRI)``, sorted."""
        return [(key, pairs[i], pairs[i + 1]) for key, pairs in zip(self.folded, self.named, strict=True)
                for i in range(0, len(pairs), 2)]

    def holding(self, query: str) -> Iterator[int]:
        """The positions in :attr:`folded` of the names that hold ``query``, in order; linear in the haystack."""
        if SEPARATOR in query:
            yield from (i for i, key in enumerate(self.folded) if query in key)
            return
        last = len(self.folded) - 1
        at = self.haystack.find(query)
        while at >= 0:
            # Without the separator in the query, a hit lies inside one name; look on from the next.
            i = bisect_right(self.starts, at) - 1
            yield i
            at = self.haystack.find(query, self.starts[i + 1]) if i < last else -1

    def search(self, query: str, limit: int = 10, kinds: set[str] | None = None) -> list[Match]:
        """Up to ``limit`` entities whose names match ``query``, best first."""
        q = fold(" ".join(query.split()))
        if not q:
            return []
        # Each entity's best (rank, shorter name, name); the first time an entity is seen orders ties.
        ranked: dict[str, tuple[int, int, str, str]] = {}
        wordlike = _can_start_a_word(q)
        for i in self.holding(q):
            found = _rank_held(self.folded[i], q, wordlike)
            pairs = self.named[i]
            for j in range(0, len(pairs), 2):
                name, iri = pairs[j], pairs[j + 1]
                if kinds and kind_of(iri, self.base_iri) not in kinds:
                    continue
                candidate = (found, len(name), name, iri)
                if iri not in ranked or candidate < ranked[iri]:
                    ranked[iri] = candidate
        best = self._best(ranked.values(), limit)
        return [Match(iri, self.labels.label(iri), kind_of(iri, self.base_iri), name, self.sources.get((iri, name), ()))
                for _, _, name, iri in best]

    def _best(self, ranked: Iterable[tuple[int, int, str, str]], limit: int) -> list[tuple[int, int, str, str]]:
        """The first ``limit`` of ``ranked`` sorted by rank, then label (ties keep their order).

        The same as sorting them all and keeping ``limit``, but labels are read only for the ranks
        shown: a short query matches nearly every name, most of them only somewhere inside.
        """
        by_rank: tuple[list[tuple[int, int, str, str]], ...] = ([], [], [])
        for candidate in ranked:
            by_rank[candidate[0]].append(candidate)
        best: list[tuple[int, int, str, str]] = []
        for group in by_rank:
            if len(best) >= limit:
                break
            best += heapq.nsmallest(limit - len(best), group, key=lambda c: self.labels.label(c[3]).lower())
        return best
