"""Content negotiation: werkzeug's ``MIMEAccept`` over the one format table.

Every choice of representation goes through :func:`negotiate`: ``/sparql``
answers and its Service Description, the named-query API, entity pages and
their RDF, the VoID description, the ontology, and error pages
(:func:`wants_html`). ``MIMEAccept`` parses the header and ranks the client's
ranges (the most specific range that names a type gives its quality); the
offer comes from :mod:`histgraph.endpoint.formats`, whose order is the
server's preference: on a tie the format listed first wins.

>>> negotiate("text/turtle;q=0.9, application/ld+json", GRAPH).name
'jsonld'
>>> negotiate("*/*", RESULTS).name
'json'
>>> negotiate("image/png", RESULTS) is None
True
>>> negotiate("text/turtle, */*;q=0.1", (PAGE, GRAPH)).name
'turtle'
>>> negotiate("*/*", (PAGE, GRAPH)).name
'html'
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from flask import request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from histgraph.endpoint.formats import GRAPH, HTML, PAGE, RESULTS, Format, formats_for

#: What a client that names nothing usable accepts (RFC 9110: a missing Accept means anything).
_ANYTHING = MIMEAccept([("*/*", 1)])


def negotiate(
    accept: MIMEAccept | str | None,
    kinds: str | Iterable[str],
    within: Collection[str] | None = None,
) -> Format | None:
    """The best format for ``accept`` among those carrying ``kinds``; None if none is acceptable.

    ``accept`` is the request's ``request.accept_mimetypes`` or a header's
    text; ``within`` narrows the offer to formats of those names. A client's
    alias (``application/json``) counts as the format's own type; wildcards
    (``text/*``) match a format's own type only. Media type parameters other
    than ``q`` are ignored, and an empty or unreadable header accepts anything.
    """
    if not isinstance(accept, MIMEAccept):
        accept = parse_accept_header(accept, MIMEAccept)
    offer = [f for f in formats_for(kinds) if within is None or f.name in within]
    ranges = []
    for media_range, quality in accept:
        media_range = media_range.split(";", 1)[0].strip().lower()
        named = next((f for f in offer if f.accepts(media_range)), None)
        ranges.append((named.media_type if named else media_range, quality))
    best = (MIMEAccept(ranges) if ranges else _ANYTHING).best_match([f.media_type for f in offer])
    return next((f for f in offer if f.media_type == best), None)


def wants_html(kinds: str | Iterable[str] = (RESULTS, GRAPH)) -> bool:
    """True when the current request prefers an HTML page to data in ``kinds`` (a browser).

    A client that states no usable preference (no Accept header) is taken for a
    program: browsers always send one.
    """
    accept = request.accept_mimetypes
    if not accept:
        return False
    kinds = {kinds} if isinstance(kinds, str) else set(kinds)
    return negotiate(accept, kinds | {PAGE}) is HTML


__all__ = ["negotiate", "wants_html"]
