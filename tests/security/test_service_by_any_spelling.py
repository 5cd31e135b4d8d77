"""SERVICE reaches nothing, however it is spelled: the engine's own parser finds it (issue #12, item 1).

The old check scanned tokens with a tokenizer that disagreed with the SPARQL
grammar: ``true.SERVICE`` was one word, and the local-name escape in ``ex:a\\#``
started a "comment" hiding the rest of the line. Now the engine's parser says
where SERVICE is a keyword (in the sandboxed query process, or in a sandboxed
checking process before a remote store), and the same spellings used as plain
text (strings, IRIs, comments, variables, prefixed names, language tags) still
run. Every refused query leaves a logging server on 127.0.0.1 untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from histgraph.endpoint.answers import QueryJob
from histgraph.endpoint.isolation import EMPTY_SOURCE, ProcessOptions
from histgraph.endpoint.lanes import QueryPool
from histgraph.endpoint.safety import QueryRejected, decode_escapes
from histgraph.endpoint.service_probe import engine_service_positions

from ..servers import BACKENDS, make_client
from .harness import SPARQL_JSON, logging_server

#: Spellings of a SERVICE call; ``{url}`` is the logging server.
SPELLINGS = [
    "SELECT * WHERE {{ ?s ?p true.SERVICE <{url}/a> {{ ?x ?y ?z }} }}",
    "PREFIX ex: <http://example.org/>\nSELECT * WHERE {{ ?s ex:a\\# ?o . SERVICE <{url}/b> {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ ?s ?p ?o # comment }}\nSERVICE <{url}/c> {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ service <{url}/d> {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ SeRvIcE SILENT <{url}/e> {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ ?s ?p ?o .SERVICE<{url}/f>{{?x ?y ?z}} }}",
    "SELECT * WHERE {{ {{ ?s ?p ?o }}SERVICE\t#c\n<{url}/g> {{ ?x ?y ?z }} }}",
    "PREFIX r: <{url}/>\nSELECT * WHERE {{ SERVICE r:h {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ BIND(<{url}/i> AS ?u) SERVICE ?u {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}/j> {{ ?x ?y ?z }} }} }}",
    "SELECT * WHERE {{ OPTIONAL {{ SELECT * WHERE {{ SERVICE <{url}/k> {{ ?x ?y ?z }} }} }} }}",
    "ASK {{ MINUS {{ SERVICE <{url}/l> {{ ?x ?y ?z }} }} }}",
    "CONSTRUCT {{ ?x ?y ?z }} WHERE {{ SERVICE <{url}/m> {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{url}/n> {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/o> {{ ?x ?y ?z }} }}",
    "BASE <{url}/>\nSELECT * WHERE {{ SERVICE <p> {{ ?x ?y ?z }} }}",
]

#: The word in places where it is no keyword: these run.
HARMLESS = [
    'SELECT ?service WHERE { BIND("SERVICE <http://x/> {}" AS ?service) }',
    "SELECT * WHERE { BIND(<http://example.org/service> AS ?x) } # SERVICE <http://x/> {}",
    'PREFIX service: <http://example.org/service#>\nSELECT * WHERE { BIND(service:SERVICE AS ?x) BIND("x"@service AS ?y) }',
    "SELECT * WHERE { BIND(<http://example.org/a\\u0073ervice> AS ?x) }",
]


@pytest.fixture(params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FlaskClient]:
    with make_client(request.param, tmp_path) as made:
        yield made


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_refused_and_nothing_sent(client: FlaskClient, spelling: str) -> None:
    """Protects the network position: each spelling gets 400 naming SERVICE, and no request leaves."""
    with logging_server() as (url, hits):
        query = spelling.format(url=url, port=url.rsplit(":", 1)[1])
        response = client.get("/sparql", query_string={"query": query}, headers={"Accept": SPARQL_JSON})
        assert response.status_code == 400, response.json
        assert "SERVICE" in response.json["message"]
        assert hits == []


@pytest.mark.parametrize("query", HARMLESS)
def test_the_word_as_text_still_runs(client: FlaskClient, query: str) -> None:
    """Protects usefulness: the letters "service" in strings, IRIs, comments, names and tags are no call."""
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": SPARQL_JSON})
    assert response.status_code == 200, response.json
    assert len(response.json["results"]["bindings"]) == 1


def _engine_accepts(text: str) -> bool:
    try:
        ox.Store().query(text)
    except SyntaxError:
        return False
    return True


@pytest.mark.parametrize("spelling", SPELLINGS[:-3])
def test_engine_grammar_finds_each_keyword(spelling: str) -> None:
    """Protects the first line on its own: the engine's parser locates the keyword the tokenizer missed."""
    # The endpoint hands the engine the text with \\u escapes decoded, as SPARQL reads it.
    query = decode_escapes(spelling.format(url="http://127.0.0.1:9", port=9))
    positions = engine_service_positions(query, _engine_accepts)
    assert positions
    assert all(query[p : p + 7].upper() == "SERVICE" for p in positions)


@pytest.mark.parametrize("query", HARMLESS)
def test_engine_grammar_sees_no_keyword_in_text(query: str) -> None:
    """Protects against false alarms: occurrences inside strings, IRIs and names are not keywords."""
    assert engine_service_positions(decode_escapes(query), _engine_accepts) == []


def test_query_process_refuses_service_without_the_web_checks() -> None:
    """Protects defence in depth: a SERVICE job handed straight to a query process is refused there."""
    pool = QueryPool(EMPTY_SOURCE, 1, ProcessOptions(sandbox=True))
    try:
        with logging_server() as (url, hits):
            job = QueryJob(f"SELECT * WHERE {{ ?s ?p true.SERVICE <{url}/q> {{ ?x ?y ?z }} }}", "SELECT", "json", 10)
            with pytest.raises(QueryRejected, match="SERVICE"):
                pool.execute(job, 30)
            assert hits == []
    finally:
        pool.close()
