"""Relative IRIs in a query resolve against the endpoint, as the SPARQL Protocol tests expect (issue #12, item 12).

They used to be a 400 ("no base IRI"). The base is the endpoint's URL, for
both backends (the remote store is sent a ``BASE`` before the query's prologue);
a Host header that would not make a plain IRI is not used as a base.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from ..servers import BACKENDS, EX, make_client

JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FlaskClient]:
    with make_client(request.param, tmp_path) as made:
        yield made


def _values(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.json
    return [row["x"]["value"] for row in response.json["results"]["bindings"]]


def test_relative_iri_resolves_against_the_endpoint(client: FlaskClient) -> None:
    """Protects the protocol: <thing> in a query is <http://host/thing> for a query sent to http://host/sparql."""
    response = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { BIND(<thing> AS ?x) }"}, headers=JSON)
    assert _values(response) == ["http://localhost/thing"]


def test_query_base_declaration_resolves_against_the_endpoint(client: FlaskClient) -> None:
    """Protects the protocol: a relative BASE in the query resolves against the endpoint too."""
    query = "BASE <data/> SELECT ?x WHERE { BIND(<a> AS ?x) }"
    assert _values(client.get("/sparql", query_string={"query": query}, headers=JSON)) == ["http://localhost/data/a"]


def test_absolute_base_declaration_wins(client: FlaskClient) -> None:
    """Protects the query's own choice: an absolute BASE replaces the endpoint's."""
    query = f"BASE <{EX}> SELECT ?x WHERE {{ BIND(<a> AS ?x) }}"
    assert _values(client.get("/sparql", query_string={"query": query}, headers=JSON)) == [f"{EX}a"]


def test_hostile_host_header_is_no_base(client: FlaskClient) -> None:
    """Protects the query text: a Host header with IRI-breaking characters is never written into a query."""
    query = "SELECT ?x WHERE { BIND(<thing> AS ?x) }"
    response = client.get(
        "/sparql", query_string={"query": query}, headers={**JSON, "Host": "evil>{}SERVICE"}
    )
    assert response.status_code in {200, 400}
    if response.status_code == 200:
        assert all("evil" not in value for value in _values(response))
