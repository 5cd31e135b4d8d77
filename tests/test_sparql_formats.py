"""The one mime-type table and content negotiation that every representation uses."""

from __future__ import annotations

import pytest

from histgraph.endpoint.formats import DATASET, FORMATS, GRAPH, PAGE, RESULTS, by_name
from histgraph.web.negotiation import negotiate


@pytest.mark.parametrize(
    ("accept", "kinds", "expected"),
    [
        (None, RESULTS, "json"),
        ("", GRAPH, "turtle"),
        ("*/*", DATASET, "trig"),
        ("application/json", RESULTS, "json"),
        ("application/json", GRAPH, "jsonld"),
        ("text/*", RESULTS, "csv"),
        ("*/*;q=0.1, text/csv", RESULTS, "csv"),
        ("text/turtle;q=0.5, application/rdf+xml", GRAPH, "rdfxml"),
        ("application/n-triples; charset=utf-8", GRAPH, "ntriples"),
        ("text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", RESULTS, "xml"),
        ("application/sparql-results+xml;q=0, */*", RESULTS, "json"),
        ("image/png", RESULTS, None),
        ("text/turtle;q=0", GRAPH, None),
        ("garbage, ;;, text/turtle;q=abc, application/n-quads", DATASET, "nquads"),
    ],
)
def test_negotiate(accept: str | None, kinds: str, expected: str | None) -> None:
    """Protects Accept parsing: q-values, wildcards, aliases, q=0 refusals and junk."""
    chosen = negotiate(accept, kinds)
    assert (chosen.name if chosen else None) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("*/*", "html"),
        ("text/turtle, */*;q=0.1", "turtle"),
        ("text/html;q=0.5, text/turtle", "turtle"),
        ("application/xhtml+xml", "html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
    ],
)
def test_page_or_data_ties_go_to_the_table_order(accept: str, expected: str) -> None:
    """Protects pages beside data: a page wins only ties (it is listed first), a preferred RDF type wins."""
    chosen = negotiate(accept, (PAGE, GRAPH))
    assert chosen is not None and chosen.name == expected


def test_by_name_accepts_names_extensions_and_types() -> None:
    """Protects ?format= values: short name, file extension or media type, within the kind."""
    assert by_name("csv", RESULTS).name == "csv"
    assert by_name("ttl", GRAPH).name == "turtle"
    assert by_name("application/n-quads", DATASET).name == "nquads"
    assert by_name("turtle", RESULTS) is None


def test_table_is_consistent() -> None:
    """Protects the table: unique names and media types, each with a pyoxigraph writer."""
    assert len({f.name for f in FORMATS}) == len(FORMATS)
    assert len({f.media_type for f in FORMATS}) == len(FORMATS)
    for fmt in FORMATS:
        assert fmt.oxigraph is not None and fmt.rdflib and fmt.w3c
        assert fmt.content_type.startswith(fmt.media_type)
