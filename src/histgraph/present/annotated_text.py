"""A document's text with its annotations, and the passages that mention an entity.

The build writes a Web Annotation for every ``hg:mention`` (motivation
``oa:identifying``: these words name that entity) and every ``hg:quote``
(``oa:describing``: these words state that fact), with character offsets into
the text. :func:`annotated_text` cuts the text into the document's own
paragraphs (:mod:`histgraph.present.text_places`), and each paragraph at every
offset into runs a template can print without any HTML in Python: each run is
linked to at most one entity, and each piece of it knows which facts it states.
Facts and passages are cited as a reader cites them ("¶ 1, sentence 6"), and keep
their offsets for programs. No Flask here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rdflib import URIRef

from histgraph.present.entity import Value, modality_name, to_value
from histgraph.present.kinds import BROWSE_HEADINGS, category
from histgraph.present.labels import LabelIndex
from histgraph.present.site_paths import local_href
from histgraph.present.text_places import TextPlaces, text_places
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
    #: Where the words stand, as a reader cites them ("¶ 1 (c), sentence 3").
    place: str = ""


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
class Paragraph:
    """One block of the text as the document numbers it (``¶ 1 (a)``), cut into runs."""

    name: str
    id: str
    start: int
    end: int
    runs: list[Run] = field(default_factory=list)
    #: The facts whose words begin here, in text order ("facts in this passage").
    facts: list[Fact] = field(default_factory=list)


@dataclass(frozen=True)
class FactGroup:
    """The statements of one kind (events, plans, options…), for a folded list."""

    kind: str
    heading: str
    facts: tuple[Fact, ...]


@dataclass
class AnnotatedText:
    """A document's text, cut into paragraphs and runs, with its facts."""

    text_iri: str | None
    paragraphs: list[Paragraph]
    facts: list[Fact]

    @property
    def fact_groups(self) -> list[FactGroup]:
        """The facts by the kind of what they state, in the browse index's order, each in text order."""
        order = list(BROWSE_HEADINGS)
        by_kind: dict[str, list[Fact]] = {}
        for fact in self.facts:
            by_kind.setdefault(fact.value.kind or "other", []).append(fact)
        kinds = sorted(by_kind, key=lambda k: (order.index(k) if k in order else len(order), k))
        return [FactGroup(k, BROWSE_HEADINGS.get(k, "Other statements"), tuple(by_kind[k])) for k in kinds]


def annotated_text(store: Store, document: str, labels: LabelIndex, base_iri: str,
                   highlight: tuple[int, int] | None = None) -> AnnotatedText:
    """The text of ``document`` with every mention and fact span, ready for a template.

    ``highlight`` (start, end), a passage a link points at (a search result, say),
    gets its own cuts and an anchor at its start, so exactly its words can be marked
    and scrolled to, whatever facts or mentions begin there.
    """
    rows = store.select(DOCUMENT_TEXT, {"doc": URIRef(document)})
    if not rows:
        return AnnotatedText(None, [], [])
    text_iri, text = str(rows.rows[0]["text"]), str(rows.rows[0]["value"])
    places = text_places(text)
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
                              start, end, str(row["exact"]), category(value.kind), places.cite(start, end)))
    facts.sort(key=lambda f: (f.start, -f.end))
    paragraphs = [Paragraph(b.name, b.id, b.start, b.end) for b in places.blocks]
    cuts = sorted({0, len(text)} | {m[0] for m in mentions} | {m[1] for m in mentions}
                  | {f.start for f in facts} | {f.end for f in facts}
                  | {p.start for p in paragraphs} | {p.end for p in paragraphs})
    starts = {f.start for f in facts} | {m[0] for m in mentions}
    if highlight is not None:
        marked = [min(max(0, offset), len(text)) for offset in highlight]
        cuts = sorted(set(cuts) | set(marked))
        starts.add(marked[0])
    for fact in facts:
        block = places.block_at(fact.start)
        if block is not None:
            paragraphs[places.blocks.index(block)].facts.append(fact)
    at = 0  # the paragraph being filled; pieces between paragraphs (blank lines) are not shown
    for a, b in zip(cuts, cuts[1:], strict=False):
        while at < len(paragraphs) and paragraphs[at].end <= a:
            at += 1
        if at == len(paragraphs) or a < paragraphs[at].start:
            continue
        runs = paragraphs[at].runs
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
    return AnnotatedText(text_iri, paragraphs, facts)


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
    #: Where the words stand in the document ("¶ 2, sentence 1"): see :func:`with_places`.
    place: str = ""


def entity_passages(store: Store, iri: str, labels: LabelIndex, base_iri: str) -> list[Passage]:
    """Where the source says so: statements about ``iri`` and its mentions, in text order.

    A mention inside a statement already listed is shown marked in that statement,
    not again on its own. The entity's own words come first in each document: a
    part of a meeting is stated by its own sentence before the meeting's, which
    only names it.
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
    return sorted(passages.values(), key=lambda p: (
        p.document.text if p.document else "", not (p.statement and p.statement.iri == iri), p.start))


def with_places(store: Store, passages: list[Passage]) -> list[Passage]:
    """``passages`` with their places in their documents (one text read per document).

    Separate from :func:`entity_passages` so that a page names the places only of
    the passages it shows: a person of a large archive has hundreds.
    """
    texts: dict[str, TextPlaces | None] = {}
    placed = []
    for passage in passages:
        doc = passage.document.iri if passage.document else None
        if doc and doc not in texts:
            rows = store.select(DOCUMENT_TEXT, {"doc": URIRef(doc)}).rows
            texts[doc] = text_places(str(rows[0]["value"])) if rows else None
        places = texts.get(doc) if doc else None
        placed.append(replace(passage, place=places.cite(passage.start, passage.end)) if places else passage)
    return placed


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

