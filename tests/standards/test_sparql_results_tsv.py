"""SPARQL 1.1 Query Results CSV and TSV Formats (W3C Recommendation 2013-03-21), the TSV part.

No registry ships a schema for TSV results; the rules of §3 are written out:

* §3.1: the header row is the variables with their ``?``; rows end in LF;
* §3.2: terms are written in Turtle/SPARQL syntax, and "the SPARQL Turtle
  abbreviated forms for numbers (xsd:integer, xsd:decimal, xsd:double) should
  be used" (and Turtle §2.5.3's ``true``/``false``), but only where the
  abbreviation reads back as the same literal: ``"11"^^xsd:decimal`` has no
  abbreviation (``11`` is an integer), so it stays long.

Each answer is read back by pyoxigraph's own TSV parser and must give the very
terms the JSON answer gives. ``histgraph query --format tsv`` writes through the
same writer (:func:`histgraph.endpoint.answers.write_select`), checked here too.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from histgraph.endpoint.answers import write_select

from ..servers import make_client

XSD = "http://www.w3.org/2001/XMLSchema#"
#: (the value as the query writes it, the TSV cell expected)
CASES = [
    ("42", "42"),
    ("-7", "-7"),
    ("-3.5", "-3.5"),
    ('"11"^^xsd:decimal', '"11"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
    # pyoxigraph holds doubles by value and writes 1.5e3 as "1500": no exponent, so no
    # abbreviation reads it back (1500 is an integer, 1500e0 another lexical form).
    ("1.5e3", '"1500"^^<http://www.w3.org/2001/XMLSchema#double>'),
    ('"INF"^^xsd:double', '"INF"^^<http://www.w3.org/2001/XMLSchema#double>'),
    ("true", "true"),
    ('"1"^^xsd:boolean', "true"),  # held by value: the canonical true
    ('"1950-01-02"^^xsd:date', '"1950-01-02"^^<http://www.w3.org/2001/XMLSchema#date>'),
    ('"42"', '"42"'),
    ('"42"@en', '"42"@en'),
]
QUERY = (
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT "
    + " ".join(f"?v{i}" for i in range(len(CASES)))
    + " WHERE { "
    + " ".join(f"BIND({value} AS ?v{i})" for i, (value, _) in enumerate(CASES))
    + " }"
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    with make_client("embedded", tmp_path_factory.mktemp("tsv")) as test_client:
        yield test_client


def _solutions(body: bytes, fmt: ox.QueryResultsFormat) -> list[list[object]]:
    parsed = ox.parse_query_results(body, format=fmt)
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    return [[row[name] for name in names] for row in parsed]


def test_numbers_and_booleans_take_the_abbreviated_form_that_round_trips(client: FlaskClient) -> None:
    """Regression (#16): numbers are abbreviated (§3.2), only where the short form reads back the same."""
    response = client.get("/sparql", query_string={"query": QUERY},
                          headers={"Accept": "text/tab-separated-values"})
    assert response.status_code == 200
    header, row = response.get_data(as_text=True).split("\n")[:2]
    assert header.split("\t") == [f"?v{i}" for i in range(len(CASES))]
    assert row.split("\t") == [cell for _, cell in CASES]
    as_json = client.get("/sparql", query_string={"query": QUERY},
                         headers={"Accept": "application/sparql-results+json"})
    assert _solutions(response.get_data(), ox.QueryResultsFormat.TSV) == _solutions(
        as_json.get_data(), ox.QueryResultsFormat.JSON)


def test_the_cli_writer_is_the_endpoint_writer() -> None:
    """Protects `histgraph query --format tsv`: same cells, unbound as empty, parsed back unchanged."""
    rows = [[ox.Literal("2", datatype=ox.NamedNode(XSD + "integer")), ox.Literal("1.5E3", datatype=ox.NamedNode(
        XSD + "double")), None, ox.Literal("tab\there"), ox.NamedNode("http://example.org/x")]]
    body = write_select(["n", "d", "unbound", "text", "iri"], rows, "tsv")
    cells = body.decode().split("\n")[1].split("\t")
    assert cells == ["2", "1.5E3", "", '"tab\\there"', "<http://example.org/x>"]
    assert _solutions(body, ox.QueryResultsFormat.TSV) == rows
