"""One IRI, many representations: HTML or RDF by Accept or by suffix, with the headers.

The RDF formats, their media types and Accept parsing come from
:mod:`histgraph.formats` (one table for the whole project); this module adds
HTML to the choice and writes ``Vary``, ``Link: rel="alternate"`` and
``Content-Location`` headers.
"""

from __future__ import annotations

from flask import Response
from rdflib import Graph

from histgraph.endpoint.formats import GRAPH, Format, by_name, formats_for, parse_accept
from histgraph.vocab import PREFIXES

#: The RDF formats an entity is offered in (graph formats), by suffix.
SUFFIXES = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
HTML = "html"


def rdf_formats() -> tuple[Format, ...]:
    """The graph formats, in the table's order of preference."""
    return tuple(f for f in formats_for(GRAPH) if f.extension in SUFFIXES)


def _quality(media: str, aliases: tuple[str, ...], accept: str | None) -> tuple[float, int]:
    best = (0.0, 0)
    for media_range, q in parse_accept(accept) or [("*/*", 1.0)]:
        if media_range == media or media_range in aliases:
            level = 3
        elif media_range == "*/*":
            level = 1
        elif media_range.endswith("/*") and media.startswith(media_range[:-1]):
            level = 2
        else:
            continue
        if level > best[1]:
            best = (q, level)
    return best


def choose(accept: str | None) -> str | None:
    """``"html"`` or the name of an RDF format for ``accept``; None when nothing fits.

    HTML wins ties (``*/*``, no header), so a browser or a bare curl gets a page;
    an RDF type named explicitly wins over wildcards.
    """
    options = [(HTML, _quality("text/html", ("application/xhtml+xml",), accept), 0)]
    for order, fmt in enumerate(rdf_formats(), start=1):
        options.append((fmt.name, _quality(fmt.media_type, fmt.aliases, accept), order))
    acceptable = [(q, level, -order, name) for name, (q, level), order in options if q > 0]
    return max(acceptable)[3] if acceptable else None


def rdf_format(name: str) -> Format:
    """The format called ``name`` (``turtle``, ``jsonld``…)."""
    fmt = by_name(name, GRAPH)
    assert fmt is not None, name
    return fmt


def serialize(graph: Graph, fmt: Format) -> bytes:
    """``graph`` in ``fmt``, with the project's prefixes."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    data = graph.serialize(format=fmt.rdflib or fmt.name, encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


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
