"""A document's text with its annotations, and the passages that mention an entity.

The build writes a Web Annotation for every ``hg:mention`` (motivation
``oa:identifying``: these words name that entity) and every ``hg:quote``
(``oa:describing``: these words state that fact), with character offsets into
the text. :func:`annotated_text` cuts the text at every offset into runs a
template can print without any HTML in Python: each run is linked to at most
one entity, and each piece of it knows which facts it states. No Flask here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef

from histgraph.present.entity import Value, modality_name, to_value
from histgraph.present.kinds import category
from histgraph.present.labels import LabelIndex
from histgraph.present.site_paths import local_href
from histgraph.store import Store
from histgraph.vocab import OA

IDENTIFYING = str(OA.identifying)

DOCUMENT_TEXT = """
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?text ?value WHERE { ?doc crm:P165_incorporates ?text . ?text rdf:value ?value }
"""

TEXT_ANNOTATIONS = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX hg: <https://histgraph.example.org/ontology#>
SELECT ?ann ?motivation ?body ?start ?end ?exact ?modality WHERE {
  ?target oa:hasSource ?text .
  ?ann oa:hasTarget ?target ; oa:hasBody ?body ; oa:motivatedBy ?motivation .
  ?target oa:hasSelector ?pos, ?quote .
  ?pos oa:start ?start ; oa:end ?end .
  ?quote oa:exact ?exact .
  OPTIONAL { ?body hg:modality ?modality }
}
"""

#: Passages about an entity: its mentions, its own statements, and the
#: statements it takes part in (not those it is merely the source of). Two
#: queries, not one UNION: with the IRI bound outside a UNION whose branch BINDs
#: it, oxigraph scanned every annotation (1 s for a person of 10,000 documents).
PASSAGE_TAIL = """
  ?ann oa:motivatedBy ?motivation ; oa:hasTarget ?target .
  ?target oa:hasSource ?source ; oa:hasSelector ?quote, ?pos .
  ?quote oa:exact ?exact .
  ?pos oa:start ?start ; oa:end ?end .
  OPTIONAL { ?quote oa:prefix ?prefix }
  OPTIONAL { ?quote oa:suffix ?suffix }
  OPTIONAL { ?doc crm:P165_incorporates ?source ; a rico:Record }
"""
PASSAGE_PREFIXES = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX hg: <https://histgraph.example.org/ontology#>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX rico: <https://www.ica.org/standards/RiC/ontology#>
"""
MENTION_PASSAGES = PASSAGE_PREFIXES + """
SELECT ?ann ?motivation (?iri AS ?body) ?exact ?prefix ?suffix ?start ?end ?doc ?modality WHERE {
  ?ann oa:hasBody ?iri .
""" + PASSAGE_TAIL + "  OPTIONAL { ?iri hg:modality ?modality }\n}\n"
STATEMENT_PASSAGES = PASSAGE_PREFIXES + """
SELECT ?ann ?motivation ?body ?exact ?prefix ?suffix ?start ?end ?doc ?modality WHERE {
  ?body ?p ?iri . ?body hg:modality ?modality . FILTER(?p != hg:accordingTo) ?ann oa:hasBody ?body .
""" + PASSAGE_TAIL + "}\n"

#: The filters a reader can turn on and off; which one a mentioned or stated node
#: falls under is its kind's (``kinds.category``).
FILTERS = ("people", "groups", "places", "events", "plans", "notes", "other")


def _dom_id(iri: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", iri.rsplit("/", 1)[-1])


@dataclass(frozen=True)
class Fact:
    """A describing annotation: words of the text that state one fact."""

    id: str
    value: Value
    modality: str | None
    start: int
    end: int
    exact: str
    category: str


@dataclass
class Piece:
    """A stretch of text covered by the same facts."""

    text: str
    start: int
    facts: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    anchors: tuple[int, ...] = ()

    @property
    def end(self) -> int:
        """Offset just past the piece (exclusive, like the annotations' ``oa:end``)."""
        return self.start + len(self.text)


@dataclass
class Run:
    """Consecutive pieces naming the same entity (or none)."""

    mention: Value | None
    category: str | None
    pieces: list[Piece] = field(default_factory=list)
    #: The span of the mention (start, end): consecutive pieces of one mention join one run.
    span: tuple[int, int] | None = field(default=None, repr=False, compare=False)


@dataclass
class AnnotatedText:
    """A document's text, cut into runs, with its facts."""

    text_iri: str | None
    runs: list[Run]
    facts: list[Fact]


def annotated_text(store: Store, document: str, labels: LabelIndex, base_iri: str) -> AnnotatedText:
    """The text of ``document`` with every mention and fact span, ready for a template."""
    rows = store.select(DOCUMENT_TEXT, {"doc": URIRef(document)})
    if not rows:
        return AnnotatedText(None, [], [])
    text_iri, text = str(rows.rows[0]["text"]), str(rows.rows[0]["value"])
    mentions: list[tuple[int, int, Value]] = []
    facts: list[Fact] = []
    for row in store.select(TEXT_ANNOTATIONS, {"text": URIRef(text_iri)}):
        start, end = int(row["start"]), int(row["end"])
        if not 0 <= start < end <= len(text):
            continue  # an offset outside the text is a build error; never slice past it
        value = to_value(row["body"], labels, base_iri)
        if str(row["motivation"]) == IDENTIFYING:
            mentions.append((start, end, value))
        else:
            facts.append(Fact(_dom_id(str(row["ann"])), value, modality_name(row.get("modality")),
                              start, end, str(row["exact"]), category(value.kind)))
    facts.sort(key=lambda f: (f.start, -f.end))
    cuts = sorted({0, len(text)} | {m[0] for m in mentions} | {m[1] for m in mentions}
                  | {f.start for f in facts} | {f.end for f in facts})
    starts = {f.start for f in facts} | {m[0] for m in mentions}
    runs: list[Run] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [m for m in mentions if m[0] <= a and b <= m[1]]
        mention = min(covering, key=lambda m: m[1] - m[0], default=None)
        inside = [f for f in facts if f.start <= a and b <= f.end]
        piece = Piece(
            text[a:b], a, tuple(f.id for f in inside), tuple(sorted({f.category for f in inside})),
            (a,) if a in starts else (),
        )
        key = mention[:2] if mention else None
        if runs and runs[-1].mention is not None and key is not None and runs[-1].span == key:
            runs[-1].pieces.append(piece)
            continue
        if runs and runs[-1].mention is None and key is None:
            runs[-1].pieces.append(piece)
            continue
        run = Run(mention[2] if mention else None, category(mention[2].kind) if mention else None, [piece], key)
        runs.append(run)
    return AnnotatedText(text_iri, runs, facts)


@dataclass(frozen=True)
class Passage:
    """Words of a document about an entity, with the entity's own mentions marked."""

    document: Value | None
    start: int
    end: int
    parts: tuple[tuple[str, bool], ...]
    statement: Value | None
    modality: str | None
    href: str | None


def entity_passages(store: Store, iri: str, labels: LabelIndex, base_iri: str) -> list[Passage]:
    """Where the source says so: statements about ``iri`` and its mentions, in text order.

    A mention inside a statement already listed is shown marked in that statement,
    not again on its own.
    """
    bound = {"iri": URIRef(iri)}
    rows = list(store.select(MENTION_PASSAGES, bound)) + list(store.select(STATEMENT_PASSAGES, bound))
    mentions = {(int(r["start"]), int(r["end"])) for r in rows
                if str(r["motivation"]) == IDENTIFYING and str(r["body"]) == iri}
    passages: dict[tuple[str, int, int], Passage] = {}
    statements = [r for r in rows if str(r["motivation"]) != IDENTIFYING]
    covered = {(str(r.get("doc")), int(r["start"]), int(r["end"])) for r in statements}
    for row in statements + [r for r in rows if str(r["motivation"]) == IDENTIFYING]:
        doc = str(row["doc"]) if "doc" in row else None
        start, end, exact = int(row["start"]), int(row["end"]), str(row["exact"])
        is_mention = str(row["motivation"]) == IDENTIFYING
        if is_mention and any(d == str(doc) and s <= start and end <= e for d, s, e in covered):
            continue
        key = (str(doc), start, end)
        if key in passages:
            continue
        parts: tuple[tuple[str, bool], ...]
        if is_mention:
            parts = ((str(row.get("prefix", "")), False), (exact, True), (str(row.get("suffix", "")), False))
        else:
            parts = _mark(exact, start, mentions)
        href = None
        if doc:
            doc_href = local_href(doc, base_iri)
            href = f"{doc_href}?hl={start}-{end}#t{start}" if doc_href else None
        passages[key] = Passage(
            to_value(URIRef(doc), labels, base_iri) if doc else None, start, end, parts,
            None if is_mention else to_value(row["body"], labels, base_iri),
            modality_name(row.get("modality")) if not is_mention else None, href,
        )
    return sorted(passages.values(), key=lambda p: (p.document.text if p.document else "", p.start))


def _mark(exact: str, start: int, mentions: set[tuple[int, int]]) -> tuple[tuple[str, bool], ...]:
    """``exact`` cut into (text, is-a-mention) parts."""
    inside = sorted((s - start, e - start) for s, e in mentions if start <= s and e <= start + len(exact))
    parts, at = [], 0
    for s, e in inside:
        if s < at:
            continue
        if s > at:
            parts.append((exact[at:s], False))
        parts.append((exact[s:e], True))
        at = e
    if at < len(exact):
        parts.append((exact[at:], False))
    return tuple(parts)

