"""Find entities by name: labels, other names and the words the sources use.

One query reads every name of every minted node; :class:`NameIndex` keeps
them per build and answers autocomplete and search without touching the store
again. Matches rank: the whole name starts with the query, then a word of it
does, then the query occurs anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class NameIndex:
    """Every (folded name, name, IRI) of the minted nodes."""

    entries: list[tuple[str, str, str]]
    labels: LabelIndex
    base_iri: str
    #: (IRI, name) -> the sources that give that name.
    sources: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: SelectStore, labels: LabelIndex, base_iri: str) -> NameIndex:
        """Read the names of every node under ``<base>id/`` (one query)."""
        prefix = {"prefix": Literal(base_iri + "id/")}
        rows = store.select(ALL_NAMES, prefix)
        # A name's own node (<owner>#name-peking) is found through its owner, which repeats it.
        entries = sorted({(fold(str(r["name"])), str(r["name"]), str(r["s"])) for r in rows if "#" not in str(r["s"])})
        sources: dict[tuple[str, str], set[str]] = {}
        for r in store.select(NAME_SOURCES, prefix):
            sources.setdefault((str(r["s"]), str(r["name"])), set()).add(str(r["source"]))
        return cls(entries, labels, base_iri, {k: tuple(sorted(v)) for k, v in sources.items()})

    def search(self, query: str, limit: int = 10, kinds: set[str] | None = None) -> list[Match]:
        """Up to ``limit`` entities whose names match ``query``, best first."""
        q = fold(" ".join(query.split()))
        if not q:
            return []
        ranked: dict[str, tuple[int, int, str, str]] = {}
        for folded, name, iri in self.entries:
            if folded.startswith(q):
                rank = 0
            elif any(word.startswith(q) for word in folded.replace("(", " ").split()):
                rank = 1
            elif q in folded:
                rank = 2
            else:
                continue
            kind = kind_of(iri, self.base_iri)
            if kind in ("annotation", "timespan") or (kinds and kind not in kinds):
                continue
            candidate = (rank, len(name), name, iri)
            if iri not in ranked or candidate < ranked[iri]:
                ranked[iri] = candidate
        best = sorted(ranked.values(), key=lambda c: (c[0], self.labels.label(c[3]).lower()))[:limit]
        return [Match(iri, self.labels.label(iri), kind_of(iri, self.base_iri), name, self.sources.get((iri, name), ()))
                for _, _, name, iri in best]
