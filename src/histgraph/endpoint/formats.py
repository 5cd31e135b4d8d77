"""The one table of result and RDF formats, and content negotiation over it.

Every media type histgraph serves is listed once in :data:`FORMATS`, with its
short name (for ``?format=`` links and file extensions), the kind of answer it
can carry, and the pyoxigraph format that writes it. :func:`negotiate` picks a
format from an ``Accept`` header; the SPARQL endpoint, the named-query API and
the entity pages all use it, so they agree on every type.

>>> negotiate("text/turtle;q=0.9, application/ld+json", GRAPH).name
'jsonld'
>>> negotiate("*/*", RESULTS).name
'json'
>>> negotiate("image/png", RESULTS) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

#: Kinds of answer: SELECT/ASK results, a graph (CONSTRUCT/DESCRIBE, an entity),
#: or a dataset (quads in named graphs).
RESULTS = "results"
GRAPH = "graph"
DATASET = "dataset"


@dataclass(frozen=True)
class Format:
    """One serialization: its name, media types, and what it can carry."""

    name: str
    media_type: str
    kinds: frozenset[str]
    extension: str
    #: Other media types clients send for the same format.
    aliases: tuple[str, ...] = ()
    #: The rdflib serializer name, for code that holds an rdflib graph.
    rdflib: str | None = None
    #: The format's IRI under http://www.w3.org/ns/formats/ (service descriptions).
    w3c: str = ""

    @property
    def content_type(self) -> str:
        """The Content-Type header value (text types carry their charset)."""
        textual = self.media_type.startswith("text/") or self.name in {"json", "xml", "jsonld"}
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type

    @property
    def oxigraph(self) -> ox.QueryResultsFormat | ox.RdfFormat:
        """The pyoxigraph format object that writes (and parses) this format."""
        return _OXIGRAPH[self.name]

    def accepts(self, media_type: str) -> bool:
        """True when ``media_type`` (no parameters) names this format."""
        return media_type == self.media_type or media_type in self.aliases


_R, _G, _D = frozenset({RESULTS}), frozenset({GRAPH}), frozenset({GRAPH, DATASET})

#: Order matters: on a tie (``*/*``, no Accept) the first format of a kind wins.
FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", _R, "srj", ("application/json",), "json", "SPARQL_Results_JSON"),
    Format("xml", "application/sparql-results+xml", _R, "srx", ("application/xml", "text/xml"), "xml", "SPARQL_Results_XML"),
    Format("csv", "text/csv", _R, "csv", (), "csv", "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", _R, "tsv", (), "tsv", "SPARQL_Results_TSV"),
    Format("turtle", "text/turtle", _G, "ttl", ("application/x-turtle",), "turtle", "Turtle"),
    Format("trig", "application/trig", _D, "trig", (), "trig", "TriG"),
    Format("ntriples", "application/n-triples", _G, "nt", ("text/plain",), "nt", "N-Triples"),
    Format("nquads", "application/n-quads", _D, "nq", (), "nquads", "N-Quads"),
    Format("jsonld", "application/ld+json", _D, "jsonld", ("application/json",), "json-ld", "JSON-LD"),
    Format("rdfxml", "application/rdf+xml", _G, "rdf", ("application/xml", "text/xml"), "xml", "RDF_XML"),
)

BY_NAME = {f.name: f for f in FORMATS}

_OXIGRAPH: dict[str, ox.QueryResultsFormat | ox.RdfFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def formats_for(kinds: str | Iterable[str]) -> tuple[Format, ...]:
    """The formats that can carry any of ``kinds``, in table order."""
    wanted = {kinds} if isinstance(kinds, str) else set(kinds)
    return tuple(f for f in FORMATS if f.kinds & wanted)


def by_name(name: str, kinds: str | Iterable[str]) -> Format | None:
    """The format called ``name`` (or with that media type) if it carries ``kinds``."""
    name = name.strip().lower()
    for candidate in formats_for(kinds):
        if candidate.name == name or candidate.extension == name or candidate.accepts(name):
            return candidate
    return None


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``(media range, q)`` pairs of an Accept header, ignoring malformed parts.

    >>> parse_accept("text/html;q=0.5, */*;q=0.1, application/json")
    [('text/html', 0.5), ('*/*', 0.1), ('application/json', 1.0)]
    """
    ranges = []
    for part in (header or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        media = media.lower()
        if "/" not in media:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def _match(format_: Format, media_range: str) -> int:
    """How specifically ``media_range`` names ``format_``: 3 exact, 2 type/*, 1 */*, 0 not."""
    if format_.accepts(media_range):
        return 3
    if media_range == "*/*":
        return 1
    major, _, minor = media_range.partition("/")
    if minor == "*" and format_.media_type.startswith(major + "/"):
        return 2
    return 0


def negotiate(accept: str | None, kinds: str | Iterable[str]) -> Format | None:
    """The best format for ``accept`` among those carrying ``kinds``; None if none is acceptable.

    The quality of a format is that of the most specific range naming it (so
    ``*/*;q=0.1, text/csv`` prefers CSV); ties go to the table order. An empty
    or missing header accepts anything.
    """
    candidates = formats_for(kinds)
    ranges = parse_accept(accept) or [("*/*", 1.0)]
    best: tuple[float, int, int] = (0.0, 0, 0)
    chosen = None
    for order, candidate in enumerate(candidates):
        specificity, quality = 0, 0.0
        for media_range, q in ranges:
            level = _match(candidate, media_range)
            if level > specificity or (level == specificity and level and q > quality):
                specificity, quality = level, q
        score = (quality, specificity, -order)
        if quality > 0 and score > best:
            best, chosen = score, candidate
    return chosen


def media_types(kinds: str | Iterable[str]) -> list[str]:
    """The media types offered for ``kinds`` (for 406 messages and service descriptions)."""
    return [f.media_type for f in formats_for(kinds)]


__all__ = [
    "BY_NAME",
    "DATASET",
    "FORMATS",
    "GRAPH",
    "RESULTS",
    "Format",
    "by_name",
    "formats_for",
    "media_types",
    "negotiate",
    "parse_accept",
]
