"""Writing the TriG files ``histgraph link`` and ``histgraph enrich`` produce.

Quads are sorted and written with the project's prefixes, under a comment that
says what the file is, so the same content always gives the same bytes and a
reviewer can read the diff. The file is replaced atomically.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from histgraph.atomic_files import write_atomically
from histgraph.config import DEFAULT_BASE_IRI
from histgraph.vocab import PREFIXES, XSD

#: Prefixes for our files: the project's, plus Wikidata's and GeoSPARQL's for snapshots.
FILE_PREFIXES = {
    **PREFIXES,
    "wdt": "http://www.wikidata.org/prop/direct/",
    "p": "http://www.wikidata.org/prop/",
    "ps": "http://www.wikidata.org/prop/statement/",
    "pq": "http://www.wikidata.org/prop/qualifier/",
    "geo": "http://www.opengis.net/ont/geosparql#",
}


def iri(value: str) -> ox.NamedNode:
    """A named node; relative names (``graph/…``, ``id/…``) are on the project's base."""
    return ox.NamedNode(value if ":" in value else DEFAULT_BASE_IRI + value)


def prefixed(curie: str) -> ox.NamedNode:
    """``prefix:local`` as a named node, using :data:`FILE_PREFIXES`."""
    prefix, _, local = curie.partition(":")
    return ox.NamedNode(FILE_PREFIXES[prefix] + local)


def text(value: str, language: str | None = None) -> ox.Literal:
    return ox.Literal(value, language=language) if language else ox.Literal(value)


def typed(value: str, datatype: str) -> ox.Literal:
    """A literal of an ``xsd:`` datatype (``"dateTime"``, ``"integer"``…) or a full datatype IRI."""
    return ox.Literal(value, datatype=ox.NamedNode(datatype if ":" in datatype else str(XSD) + datatype))


def trig_text(quads: Iterable[ox.Quad], comment: str) -> str:
    """The TriG text of ``quads`` (sorted, deduplicated) under a ``#`` comment block."""
    unique = sorted(
        set(quads),
        key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)),
    )
    used = {p: ns for p, ns in FILE_PREFIXES.items() if any(ns in str(q) for q in unique)}
    body = (ox.serialize(unique, format=ox.RdfFormat.TRIG, prefixes=used) or b"").decode("utf-8")
    header = "".join(f"# {line}".rstrip() + "\n" for line in comment.strip().splitlines())
    return f"{header}\n{body}"


def write_trig(path: Path, quads: Iterable[ox.Quad], comment: str) -> None:
    """Write ``quads`` as TriG to ``path`` atomically (temporary file, then rename)."""
    write_atomically(path, trig_text(quads, comment))
