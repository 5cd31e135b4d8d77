"""Where Virtuoso 7 departs from the SPARQL standard, histgraph's remote backend answers as the standard says.

Each difference is in docs/scaling.md. The protocol, safety, paging and page
tests also run on Virtuoso (``BACKENDS`` and ``STORES`` in tests/servers.py);
these are the differences that needed code, each against a real Virtuoso.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from histgraph.store import RemoteStore

from .servers import EX, make_client, sparql_server

pytestmark = pytest.mark.server

JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """The endpoint over the fixture data in Virtuoso, whose own time limit is 1 s."""
    with make_client("virtuoso", tmp_path_factory.mktemp("virtuoso"), server_timeout_s=1,
                     query_timeout=20.0, client_rate=0) as test_client:
        yield test_client


def test_ask_is_a_boolean(client: FlaskClient, tmp_path: Path) -> None:
    """Protects ASK: Virtuoso answers it as a SELECT of ``__ASK_RETVAL``; clients and pages get a boolean."""
    yes = client.get("/sparql", query_string={"query": f"ASK {{ ?s a <{EX}Place> }}"}, headers=JSON)
    no = client.get("/sparql", query_string={"query": f"ASK {{ ?s a <{EX}Nothing> }}"}, headers=JSON)
    assert (yes.json, no.json) == ({"head": {}, "boolean": True}, {"head": {}, "boolean": False})
    with sparql_server("virtuoso", tmp_path) as server:
        store = RemoteStore(server.query_url)
        assert store.ask(f"ASK {{ ?s a <{EX}Place> }}") is True
        assert store.ask(f"ASK {{ ?s a <{EX}Nothing> }}") is False


def test_the_stores_time_limit_is_a_time_out(client: FlaskClient) -> None:
    """Protects the client's view of a store-side limit: Virtuoso stops the query with a 500 (SQL state
    S1T00); histgraph answers 503, as for its own time limit, not a 502 that blames the store."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    response = client.get("/sparql", query_string={"query": query}, headers=JSON)
    assert response.status_code == 503
    assert response.json["message"] == "the query took longer than the remote store's time limit and was stopped"


def test_from_without_from_named_has_no_named_graphs(client: FlaskClient) -> None:
    """Protects the dataset a query names: with FROM only, GRAPH ?g finds nothing (Virtuoso would search every graph)."""
    query = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = client.get("/sparql", query_string={"query": query, "default-graph-uri": f"{EX}people"}, headers=JSON)
    assert answer.status_code == 200 and answer.json["results"]["bindings"] == []
    query = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{EX}people> WHERE {{ ?s ?p ?o }}"
    answer = client.get("/sparql", query_string={"query": query}, headers=JSON)
    assert answer.json["results"]["bindings"][0]["n"]["value"] == "0"


def test_a_relative_base_resolves_against_the_endpoint(client: FlaskClient) -> None:
    """Protects relative BASE: resolved by histgraph, since Virtuoso refuses a second BASE declaration."""
    query = "BASE <people/> SELECT ?x WHERE { BIND(<mao> AS ?x) }"
    answer = client.get("/sparql", query_string={"query": query}, headers=JSON, base_url="http://h.example/")
    assert answer.status_code == 200, answer.json
    assert answer.json["results"]["bindings"][0]["x"]["value"].endswith("/people/mao")
