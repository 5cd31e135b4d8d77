"""SPARQL Query Results XML Format (Second Edition, W3C Recommendation 2013-03-21).

No registry package ships the W3C results schema (``sparql.xsd``/``sparql.rnc``),
so the rules it and XML 1.0 state are written out here, each naming its section,
and checked on parsed answers of both backends:

* XML 1.0 §2.11: a raw CR reaches the parser's client as LF, so a literal
  holding CR must be written ``&#13;`` to come back unchanged;
* XML 1.0 §2.2 (production [2] Char): C0 controls other than tab, LF and CR
  cannot appear in an XML document at all, not even as references; such an
  answer is refused with 406 and a message naming the formats that carry it;
* SPARQL XML results §2.1-§2.3 (and the schema's content model): ``sparql``
  holds ``head`` then ``results`` (or ``boolean``); ``head`` lists ``variable``
  elements; each ``binding`` names a declared variable and holds exactly one of
  ``uri``, ``bnode``, ``literal``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from histgraph.endpoint.answers import Unrepresentable, write_select

from ..servers import BACKENDS, make_client

SRX = "{http://www.w3.org/2005/sparql-results#}"
XML = {"Accept": "application/sparql-results+xml"}
TERMS = {f"{SRX}uri", f"{SRX}bnode", f"{SRX}literal", f"{SRX}triple"}


@pytest.fixture(scope="module", params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    with make_client(request.param, tmp_path_factory.mktemp(request.param)) as test_client:
        yield test_client


def results_document(body: bytes) -> ET.Element:
    """Parse ``body`` (it must be well-formed) and check the document's content model."""
    root = ET.fromstring(body)
    assert root.tag == f"{SRX}sparql"
    children = [child.tag for child in root]
    assert children[0] == f"{SRX}head" and children[1:] in ([f"{SRX}results"], [f"{SRX}boolean"])
    head = root.find(f"{SRX}head")
    assert head is not None
    declared = [v.get("name") for v in head.findall(f"{SRX}variable")]
    assert all(child.tag in {f"{SRX}variable", f"{SRX}link"} for child in head)
    for result in root.iter(f"{SRX}result"):
        for binding in result:
            assert binding.tag == f"{SRX}binding" and binding.get("name") in declared
            assert len(binding) == 1 and binding[0].tag in TERMS
    return root


def literals(root: ET.Element) -> list[str]:
    return [literal.text or "" for literal in root.iter(f"{SRX}literal")]


def test_every_fixture_answer_fits_the_content_model(client: FlaskClient) -> None:
    """Protects the document's shape (head, declared names, one term per binding) and its content:
    read by an XML parser, each binding is the JSON answer's term (type, value, language, datatype).

    The XML is read with ElementTree, not pyoxigraph: pyoxigraph 0.5's XML results
    parser trims whitespace around a literal's text, which XML does not allow.
    """
    query = ('SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "http://example.org/")) } '
             "ORDER BY ?s ?p ?o")
    response = client.get("/sparql", query_string={"query": query}, headers=XML)
    assert response.status_code == 200
    root = results_document(response.get_data())
    from_xml = [{b.get("name"): _xml_cell(b[0]) for b in result} for result in root.iter(f"{SRX}result")]
    assert len(from_xml) > 10
    as_json = client.get("/sparql", query_string={"query": query},
                         headers={"Accept": "application/sparql-results+json"}).get_json()
    assert from_xml == [{name: (cell["type"], cell["value"], cell.get("xml:lang"), cell.get("datatype"))
                         for name, cell in row.items()} for row in as_json["results"]["bindings"]]


def _xml_cell(term: ET.Element) -> tuple[str, str, str | None, str | None]:
    kind = {"uri": "uri", "bnode": "bnode", "literal": "literal"}[term.tag[len(SRX):]]
    lang = term.get("{http://www.w3.org/XML/1998/namespace}lang")
    return kind, term.text or "", lang, term.get("datatype")


def test_a_carriage_return_comes_back_as_written(client: FlaskClient) -> None:
    """Regression (#16): CR in a literal is ``&#13;``, so the parsed literal still holds CR, not LF."""
    query = 'SELECT ?x ?y WHERE { BIND("one\\rtwo\\r\\nthree" AS ?x) BIND(STRLANG("a\\rb", "en") AS ?y) }'
    response = client.get("/sparql", query_string={"query": query}, headers=XML)
    assert response.status_code == 200
    assert literals(results_document(response.get_data())) == ["one\rtwo\r\nthree", "a\rb"]


def test_a_control_character_is_refused_with_406_not_broken_xml(client: FlaskClient) -> None:
    """Regression (#16): a literal with U+0001 cannot be XML; the client gets 406 saying what to ask for."""
    query = 'SELECT ?x WHERE { BIND(CONCAT("bell", "\\u0007") AS ?x) }'
    response = client.get("/sparql", query_string={"query": query}, headers=XML)
    assert response.status_code == 406
    message = response.get_data(as_text=True)
    assert "U+0007" in message and "application/sparql-results+json" in message
    # The same answer is fine in JSON: the query was never the problem.
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert response.get_json()["results"]["bindings"][0]["x"]["value"] == "bell\x07"


def test_the_writer_refuses_the_same_way_in_process() -> None:
    """Protects every caller of the XML writer (write_select), not only /sparql: a clear error, never bad XML."""
    with pytest.raises(Unrepresentable, match=r"U\+001B"):
        write_select(["x"], [[ox.Literal("escape \x1b[0m")]], "xml")
    written = write_select(["x"], [[ox.Literal("tab\tand\rcr")]], "xml")
    assert literals(results_document(written)) == ["tab\tand\rcr"]
