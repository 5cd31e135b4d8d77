"""One IRI, many representations: HTML or RDF by Accept or by suffix, with the headers.

The formats and their media types come from :mod:`histgraph.endpoint.formats`
(one table for the whole project, HTML included) and the choice from
:func:`histgraph.web.negotiation.negotiate`; this module says which of them an
entity is offered in and writes ``Vary``, ``Link: rel="alternate"`` and
``Content-Location`` headers.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response
from rdflib import Graph
from werkzeug.datastructures import MIMEAccept

from histgraph.endpoint.formats import GRAPH, PAGE, Format, by_name, formats_for
from histgraph.store import to_oxigraph
from histgraph.vocab import PREFIXES
from histgraph.web.negotiation import negotiate

#: The RDF formats an entity is offered in (graph formats), by suffix.
SUFFIXES = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
HTML = "html"


def rdf_formats() -> tuple[Format, ...]:
    """The graph formats, in the table's order of preference."""
    return tuple(f for f in formats_for(GRAPH) if f.extension in SUFFIXES)


def choose(accept: MIMEAccept | str | None) -> str | None:
    """``"html"`` or the name of an RDF format for ``accept``; None when nothing fits.

    HTML wins ties (``*/*``, no header), so a browser or a bare curl gets a page;
    an RDF type named explicitly wins over wildcards.
    """
    chosen = negotiate(accept, (PAGE, GRAPH), within={HTML, *SUFFIXES.values()})
    return chosen.name if chosen else None


def rdf_format(name: str) -> Format:
    """The format called ``name`` (``turtle``, ``jsonld``…)."""
    fmt = by_name(name, GRAPH)
    assert fmt is not None, name
    return fmt


def serialize(graph: Graph, fmt: Format) -> bytes:
    """``graph`` in ``fmt``, with the project's prefixes, written by pyoxigraph as ``/sparql`` writes.

    One writer for every format, and the endpoint's: rdflib's Turtle writer
    abbreviates ``"11"^^xsd:decimal`` to ``11.0``, another literal, so the
    ``.ttl`` of an entity was a different graph from its other representations.
    pyoxigraph writes each literal's lexical form as it is.
    """
    triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph]  # type: ignore[arg-type]
    return ox.serialize(triples, format=fmt.rdf_writer, prefixes=dict(PREFIXES)) or b""


def alternate_links(path: str) -> str:
    """``Link`` header value naming the HTML page and every RDF representation of ``path``."""
    links = [f'<{path}>; rel="alternate"; type="text/html"']
    for fmt in rdf_formats():
        links.append(f'<{path}.{fmt.extension}>; rel="alternate"; type="{fmt.media_type}"')
    links.append(f'<{path}.ttl>; rel="describedby"; type="text/turtle"')
    return ", ".join(links)


def with_headers(response: Response, path: str, negotiated: bool, served: str) -> Response:
    """Add ``Vary``, ``Link`` and (when negotiated) ``Content-Location`` to ``response``."""
    response.headers["Link"] = alternate_links(path)
    # Vary on every representation: caches keep the page and the RDF of one IRI apart.
    response.vary.add("Accept")
    if negotiated:
        response.headers["Content-Location"] = path if served == HTML else f"{path}.{rdf_format(served).extension}"
    return response
