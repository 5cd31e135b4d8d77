"""Tie facts and mentions to the words of their source, as Web Annotations.

Authors write ``hg:quote "…"`` on a fact node and ``hg:mention "…"`` on an
entity (see ``docs/adding-a-document.md``). :func:`resolve_anchors` finds those
words in the document's text and replaces each with an ``oa:Annotation`` whose
target carries a ``TextQuoteSelector`` (exact, prefix, suffix) and a
``TextPositionSelector`` (start inclusive, end exclusive, in Unicode characters,
so ``text[start:end] == exact`` in Python and ``SUBSTR`` in SPARQL agree).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib.namespace import RDF, XSD

from histgraph.build.load import DocumentText, graph_iri
from histgraph.config import DEFAULT_BASE_IRI
from histgraph.errors import AnchorError
from histgraph.vocab import HG, OA

RDF_TYPE = ox.NamedNode(str(RDF.type))
XSD_INTEGER = ox.NamedNode(str(XSD.nonNegativeInteger))
QUOTE = ox.NamedNode(str(HG.quote))
QUOTE_OCCURRENCE = ox.NamedNode(str(HG.quoteOccurrence))
MENTION = ox.NamedNode(str(HG.mention))
CONTEXT_CHARS = 32


def _oa(term: str) -> ox.NamedNode:
    return ox.NamedNode(str(OA[term]))


@dataclass(frozen=True)
class Anchor:
    """One span of a text that supports a fact (``describing``) or names an entity."""

    body: ox.NamedNode
    text: DocumentText
    start: int
    end: int
    motivation: str  # "describing" (a fact) or "identifying" (a mention)

    @property
    def exact(self) -> str:
        return self.text.content[self.start : self.end]

    @property
    def prefix(self) -> str:
        return self.text.content[max(0, self.start - CONTEXT_CHARS) : self.start]

    @property
    def suffix(self) -> str:
        return self.text.content[self.end : self.end + CONTEXT_CHARS]

    def iri(self) -> str:
        digest = hashlib.sha1(self.body.value.encode("utf-8")).hexdigest()[:10]
        return (
            f"{DEFAULT_BASE_IRI}id/annotation/{self.text.document_id}-"
            f"{self.start}-{self.end}-{self.motivation[:4]}-{digest}"
        )

    def quads(self, graph: ox.NamedNode) -> list[ox.Quad]:
        """The Web Annotation for this anchor, every node named (no blank nodes)."""
        anno = self.iri()
        node, target = ox.NamedNode(anno), ox.NamedNode(anno + "#target")
        quote, position = ox.NamedNode(anno + "#quote"), ox.NamedNode(anno + "#position")
        rows: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
            (node, RDF_TYPE, _oa("Annotation")),
            (node, _oa("motivatedBy"), _oa(self.motivation)),
            (node, _oa("hasBody"), self.body),
            (node, _oa("hasTarget"), target),
            (target, RDF_TYPE, _oa("SpecificResource")),
            (target, _oa("hasSource"), self.text.iri),
            (target, _oa("hasSelector"), quote),
            (target, _oa("hasSelector"), position),
            (quote, RDF_TYPE, _oa("TextQuoteSelector")),
            (quote, _oa("exact"), ox.Literal(self.exact)),
            (quote, _oa("prefix"), ox.Literal(self.prefix)),
            (quote, _oa("suffix"), ox.Literal(self.suffix)),
            (position, RDF_TYPE, _oa("TextPositionSelector")),
            (position, _oa("start"), ox.Literal(str(self.start), datatype=XSD_INTEGER)),
            (position, _oa("end"), ox.Literal(str(self.end), datatype=XSD_INTEGER)),
        ]
        return [ox.Quad(s, p, o, graph) for s, p, o in rows]


def _occurrences(content: str, needle: str) -> list[int]:
    found, start = [], content.find(needle)
    while start != -1:
        found.append(start)
        start = content.find(needle, start + 1)
    return found


def _primary_text(texts: list[DocumentText]) -> DocumentText:
    return next(t for t in texts if t.path.name == "text.txt")


#: A node of a document: (document id, node).
_Key = tuple[str, ox.NamedNode]


def find_anchors(quads: Iterable[ox.Quad], texts: dict[str, list[DocumentText]]) -> list[Anchor]:
    """Locate every ``hg:quote`` and ``hg:mention`` of every document in its text.

    Raises :class:`AnchorError` naming the document, the node and the words when a
    quote is missing from the text, or occurs several times without
    ``hg:quoteOccurrence``.
    """
    quotes, mentions, occurrence = _anchor_words(quads, texts)
    return _quote_anchors(quotes, occurrence, texts) + _mention_anchors(mentions, texts)


def _anchor_words(
    quads: Iterable[ox.Quad], texts: dict[str, list[DocumentText]]
) -> tuple[dict[_Key, list[str]], dict[_Key, list[str]], dict[_Key, int]]:
    """The quotes, mentions and quote occurrences written on each node of each document."""
    by_graph: dict[str, str] = {graph_iri(doc).value: doc for doc in texts}
    quotes: dict[_Key, list[str]] = defaultdict(list)
    mentions: dict[_Key, list[str]] = defaultdict(list)
    occurrence: dict[_Key, int] = {}
    for quad in quads:
        if quad.predicate not in (QUOTE, MENTION, QUOTE_OCCURRENCE):
            continue
        # pyoxigraph 0.5's stub still allows a Triple subject; RDF 1.2 and its parser do not,
        # and parse_file has named every blank node: a subject here is an IRI.
        subject: ox.NamedNode = quad.subject  # type: ignore[assignment]
        document = by_graph.get(getattr(quad.graph_name, "value", ""))
        if document is None:
            raise AnchorError(
                f"{quad.predicate.value.rsplit('#', 1)[1]} on {subject.value} is outside a "
                "document folder; quotes and mentions belong in a document's facts.ttl"
            )
        obj = quad.object
        if isinstance(obj, ox.Triple):
            raise AnchorError(f"{quad.predicate.value.rsplit('#', 1)[1]} on {subject.value} is a triple term; "
                              "quotes and mentions are words of the text")
        key = (document, subject)
        if quad.predicate == QUOTE_OCCURRENCE:
            occurrence[key] = int(obj.value)
        elif quad.predicate == QUOTE:
            quotes[key].append(obj.value)
        else:
            mentions[key].append(obj.value)
    return quotes, mentions, occurrence


def _quote_anchors(quotes: dict[_Key, list[str]], occurrence: dict[_Key, int],
                   texts: dict[str, list[DocumentText]]) -> list[Anchor]:
    """Each quote's one place in its document's text: the occurrence asked for, or the only one."""
    anchors: list[Anchor] = []
    for (document, node), words in sorted(quotes.items(), key=lambda kv: kv[0][1].value):
        text = _primary_text(texts[document])
        for quote in sorted(words):
            starts = _occurrences(text.content, quote)
            where = f"document {document!r}, node <{node.value}>"
            if not starts:
                raise AnchorError(
                    f"{where}: the quote {quote!r} is not in {text.path}; copy the words exactly "
                    "as the text has them (spelling, punctuation, brackets)"
                )
            wanted = occurrence.get((document, node))
            if wanted is None and len(starts) > 1:
                raise AnchorError(
                    f"{where}: the quote {quote!r} occurs {len(starts)} times in {text.path}; "
                    "make it longer or add hg:quoteOccurrence N"
                )
            index = (wanted or 1) - 1
            if not 0 <= index < len(starts):
                raise AnchorError(
                    f"{where}: hg:quoteOccurrence {wanted} but {quote!r} occurs {len(starts)} times"
                )
            start = starts[index]
            anchors.append(Anchor(node, text, start, start + len(quote), "describing"))
    return anchors


def _mention_anchors(mentions: dict[_Key, list[str]], texts: dict[str, list[DocumentText]]) -> list[Anchor]:
    """Every place each mention occurs in its document's text."""
    anchors: list[Anchor] = []
    for (document, node), words in sorted(mentions.items(), key=lambda kv: kv[0][1].value):
        text = _primary_text(texts[document])
        spans: set[tuple[int, int]] = set()
        for mention in words:
            starts = _occurrences(text.content, mention)
            if not starts:
                raise AnchorError(
                    f"document {document!r}, entity <{node.value}>: the mention {mention!r} is "
                    f"not in {text.path}; copy the name exactly as the text writes it"
                )
            spans.update((s, s + len(mention)) for s in starts)
        # A short name inside a longer one of the same entity ("Zhou" in
        # "Zhou Enlai") is one mention, not two.
        kept = [
            (s, e)
            for s, e in spans
            if not any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2 in spans)
        ]
        anchors.extend(Anchor(node, text, s, e, "identifying") for s, e in sorted(kept))
    return anchors


def resolve_anchors(
    quads: list[ox.Quad], texts: dict[str, list[DocumentText]]
) -> tuple[list[ox.Quad], list[Anchor]]:
    """Replace authoring quotes and mentions by Web Annotations.

    Returns the new list of quads (without ``hg:quote``, ``hg:mention``,
    ``hg:quoteOccurrence``) and the anchors made.
    """
    anchors = find_anchors(quads, texts)
    kept = [q for q in quads if q.predicate not in (QUOTE, MENTION, QUOTE_OCCURRENCE)]
    for anchor in anchors:
        kept.extend(anchor.quads(graph_iri(anchor.text.document_id)))
    return kept, anchors
