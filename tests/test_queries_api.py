"""Named queries as an API: listing, running with bound values, OpenAPI, on both backends."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef

from .servers import BACKENDS, EX, make_client

JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module", params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    with make_client(request.param, tmp_path_factory.mktemp(f"api-{request.param}")) as test_client:
        yield test_client


def test_list_names_summaries_and_parameters(client: FlaskClient) -> None:
    """Protects /queries: every query file with its summary and declared parameters."""
    listing = client.get("/queries", headers=JSON).json
    by_name = {q["name"]: q for q in listing["queries"]}
    assert set(by_name) == {"about", "label-search", "people"}
    people = by_name["people"]
    assert people["summary"].startswith("People, oldest first")
    assert [(p["name"], p["type"], p["required"], p["default"]) for p in people["parameters"]] == [
        ("age", "integer", False, None),
        ("lang", "language", False, "en"),
    ]
    assert people["url"] == "http://localhost/queries/people"
    assert listing["openapi"] == "http://localhost/queries/openapi.json"


def test_list_as_html_for_browsers(client: FlaskClient) -> None:
    """Protects the human listing at /queries, linking the OpenAPI document."""
    page = client.get("/queries", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html"
    assert b"label-search" in page.data and b"openapi.json" in page.data


def test_run_with_default_and_given_values(client: FlaskClient) -> None:
    """Protects running a query: defaults apply, given values are bound as typed literals."""
    rows = client.get("/queries/people", headers=JSON).json["results"]["bindings"]
    assert [r["person"]["value"] for r in rows] == [EX + "stalin", EX + "mao", EX + "liu", EX + "zhou"]
    rows = client.get("/queries/people?age=51", headers=JSON).json["results"]["bindings"]
    assert {r["person"]["value"] for r in rows} == {EX + "liu", EX + "zhou"}
    rows = client.get("/queries/people?lang=zh", headers=JSON).json["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == ["毛泽东"]


def test_run_as_csv(client: FlaskClient) -> None:
    """Protects CSV answers by format= (for links) like the endpoint."""
    text = client.get("/queries/people?age=56&format=csv").get_data(as_text=True)
    assert list(csv.reader(io.StringIO(text))) == [["person", "label", "age"], [EX + "mao", "Mao Zedong", "56"]]


def test_construct_query_answers_rdf(client: FlaskClient) -> None:
    """Protects CONSTRUCT named queries: an IRI parameter, answered as Turtle."""
    response = client.get("/queries/about", query_string={"thing": EX + "beijing"}, headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    assert (URIRef(EX + "beijing"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Beijing", lang="en")) in graph


def test_values_are_bound_not_pasted(client: FlaskClient) -> None:
    """Protects against injection: a value full of SPARQL stays one string literal."""
    evil = '") } } SELECT * WHERE { ?s ?p ?o } #'
    response = client.get("/queries/label-search", query_string={"text": evil}, headers=JSON)
    assert response.status_code == 200
    assert response.json["results"]["bindings"] == []
    rows = client.get("/queries/label-search?text=MOS", headers=JSON).json["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == ["Moscow"]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/queries/people?age=old", 400, "age"),
        ("/queries/people?colour=red", 400, "colour"),
        ("/queries/about", 400, "thing"),
        ("/queries/about?thing=not%20an%20iri", 400, "thing"),
        ("/queries/nope", 404, "nope"),
    ],
)
def test_bad_requests_say_what_is_wrong(client: FlaskClient, path: str, status: int, message: str) -> None:
    """Protects helpful errors: invalid, unknown or missing parameters and unknown queries."""
    response = client.get(path, headers=JSON)
    assert response.status_code == status
    assert message in response.json["message"]


def test_openapi_describes_every_query(client: FlaskClient) -> None:
    """Protects the OpenAPI document: one GET per query, typed parameters, answer types."""
    document = client.get("/queries/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {"/queries/about", "/queries/label-search", "/queries/people"}
    people = document["paths"]["/queries/people"]["get"]
    params = {p["name"]: p for p in people["parameters"]}
    assert params["age"]["schema"] == {"type": "integer"}
    assert params["lang"]["schema"]["default"] == "en"
    assert params["format"]["schema"]["enum"] == ["json", "xml", "csv", "tsv"]
    assert "application/sparql-results+json" in people["responses"]["200"]["content"]
    about = document["paths"]["/queries/about"]["get"]
    assert {p["name"]: p["required"] for p in about["parameters"]}["thing"] is True
    assert "text/turtle" in about["responses"]["200"]["content"]
