"""Mistakes in a SPARQL request are the client's: 4xx with a sentence, never 5xx (issue #12, item 11).

An unknown function and a ``default-graph-uri`` that is no IRI used to reach
the engine and come back as 502.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from ..servers import BACKENDS, make_client

JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FlaskClient]:
    with make_client(request.param, tmp_path) as made:
        yield made


def test_unknown_function_is_400(client: FlaskClient) -> None:
    """Protects against 5xx: calling a function the engine does not know is a 400 naming it."""
    query = "SELECT * WHERE { ?s ?p ?o FILTER(<http://unknown.example/f>(?o)) }"
    response = client.get("/sparql", query_string={"query": query}, headers=JSON)
    assert 400 <= response.status_code < 500
    assert "unknown.example/f" in response.json["message"]


@pytest.mark.parametrize("graph", ["http://[", "not an iri", "http://exa mple.org/", "urn://:%10"])
def test_graph_parameter_that_is_no_iri_is_400(client: FlaskClient, graph: str) -> None:
    """Protects against 5xx: a default-graph-uri or named-graph-uri that is no IRI gets 400 naming the parameter."""
    for parameter in ("default-graph-uri", "named-graph-uri"):
        response = client.get(
            "/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }", parameter: graph}, headers=JSON
        )
        assert response.status_code == 400, (parameter, graph, response.json)
        assert parameter in response.json["message"]
