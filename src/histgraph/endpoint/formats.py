"""The one table of result and RDF formats (and the HTML page beside them).

Every media type histgraph serves is listed once: the data formats in
:data:`FORMATS`, with their short name (for ``?format=`` links and file
extensions), the kind of answer they can carry, and the pyoxigraph format that
writes them; :data:`HTML` for pages. The order is the server's preference.
Content negotiation over this table is :func:`histgraph.web.negotiation.negotiate`
(the web layer's, as it reads HTTP headers); the SPARQL endpoint, the
named-query API, entity pages and error pages all use it, so they agree on
every type.

>>> by_name("ttl", GRAPH).media_type
'text/turtle'
>>> [f.name for f in formats_for((PAGE, GRAPH))][:3]
['html', 'turtle', 'trig']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

#: Kinds of answer: SELECT/ASK results, a graph (CONSTRUCT/DESCRIBE, an entity),
#: or a dataset (quads in named graphs); and a page (HTML, for people).
RESULTS = "results"
GRAPH = "graph"
DATASET = "dataset"
PAGE = "page"


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

    @property
    def results_writer(self) -> ox.QueryResultsFormat:
        """:attr:`oxigraph` for a format of SELECT/ASK results; TypeError for an RDF format."""
        found = self.oxigraph
        if not isinstance(found, ox.QueryResultsFormat):
            raise TypeError(f"{self.name} does not write query results")
        return found

    @property
    def rdf_writer(self) -> ox.RdfFormat:
        """:attr:`oxigraph` for an RDF format; TypeError for a format of query results."""
        found = self.oxigraph
        if not isinstance(found, ox.RdfFormat):
            raise TypeError(f"{self.name} does not write RDF")
        return found

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

#: A page for people. Listed before the data formats: where a page is offered,
#: it wins ties (``*/*``), so a browser or a bare ``curl`` gets something to read.
HTML = Format("html", "text/html", frozenset({PAGE}), "html", ("application/xhtml+xml",))

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
    return tuple(f for f in (HTML, *FORMATS) if f.kinds & wanted)


def by_name(name: str, kinds: str | Iterable[str]) -> Format | None:
    """The format called ``name`` (or with that media type) if it carries ``kinds``."""
    name = name.strip().lower()
    for candidate in formats_for(kinds):
        if candidate.name == name or candidate.extension == name or candidate.accepts(name):
            return candidate
    return None


def media_types(kinds: str | Iterable[str]) -> list[str]:
    """The media types offered for ``kinds`` (for 406 messages and service descriptions)."""
    return [f.media_type for f in formats_for(kinds)]


__all__ = [
    "BY_NAME",
    "DATASET",
    "FORMATS",
    "GRAPH",
    "HTML",
    "PAGE",
    "RESULTS",
    "Format",
    "by_name",
    "formats_for",
    "media_types",
]
