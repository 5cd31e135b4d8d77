"""Labels for IRIs, and properties in words, for pages a person reads.

:class:`LabelIndex` holds the best label of every labelled node in a build,
read with one query and kept per build (a page then looks up its neighbours'
labels without querying again). Property phrases come from the one table of
relation phrases (:mod:`histgraph.present.relation_phrases`), each with the
phrase for the incoming direction ("carried out by" / "carried out"), so
relations read as sentences both ways; else from the ontology's own
``rdfs:label``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from histgraph.present.relation_phrases import worded
from histgraph.store import SelectStore
from histgraph.vocab import RDFS, SCHEMA, SKOS

#: Label predicates in order of preference.
LABEL_PREDICATES = (str(RDFS.label), str(SKOS.prefLabel), str(SCHEMA.name))

ALL_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
SELECT ?s ?p ?label WHERE {
  VALUES ?p { rdfs:label skos:prefLabel schema:name }
  ?s ?p ?label .
  FILTER(isIRI(?s) && isLiteral(?label))
}
"""

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def local_name(iri: str) -> str:
    """The last segment of ``iri`` in words (``plannedAgent`` -> ``planned agent``)."""
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    tail = re.sub(r"^P\d+i?_|^E\d+_", "", tail)
    return _CAMEL.sub(" ", tail).replace("_", " ").replace("-", " ").lower()


def _rank(predicate: str, label: Literal, language: str) -> tuple[int, int]:
    lang = label.language or ""
    lang_rank = 0 if lang == language else 1 if lang == "" else 2
    return (lang_rank, LABEL_PREDICATES.index(predicate))


@dataclass
class LabelIndex:
    """The best label of each node, and every label by language (for entity pages)."""

    language: str = "en"
    best: dict[str, str] = field(default_factory=dict)
    _rank: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Node]], language: str = "en") -> LabelIndex:
        """An index of ``(s, p, label)`` rows (the :data:`ALL_LABELS` query)."""
        index = cls(language)
        for row in rows:
            subject, predicate, label = str(row["s"]), str(row["p"]), row["label"]
            if not isinstance(label, Literal):
                continue
            rank = _rank(predicate, label, language)
            if subject not in index._rank or rank < index._rank[subject]:
                index._rank[subject] = rank
                index.best[subject] = str(label)
        return index

    @classmethod
    def load(cls, store: SelectStore, language: str = "en") -> LabelIndex:
        """Read every label of the store (one query)."""
        return cls.from_rows(store.select(ALL_LABELS), language)

    def label(self, iri: Node | str) -> str:
        """The best label of ``iri``, or its last segment in words when it has none."""
        key = str(iri)
        if key in self.best:
            return self.best[key]
        if "#" in key and key.split("#", 1)[0] in self.best:
            return f"{self.best[key.split('#', 1)[0]]} ({local_name(key)})"
        return local_name(key)

    def has_label(self, iri: Node | str) -> bool:
        """True when the data itself labels ``iri``."""
        return str(iri) in self.best

    def phrase(self, predicate: Node | str, incoming: bool = False) -> str:
        """``predicate`` in words, for the outgoing or the incoming direction."""
        key = str(predicate)
        phrase = worded(key, incoming)
        if phrase:
            return phrase
        words = self.best.get(key) or local_name(key)
        return f"is {words} of" if incoming else words


def is_web_link(iri: URIRef | str) -> bool:
    """True only for http(s) IRIs: anything else (``javascript:``, ``data:``) never becomes a link."""
    return str(iri).lower().startswith(("http://", "https://"))
