"""`histgraph serve`: a real gunicorn server, real clients, and the command's errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper

from histgraph.cli import main

from .servers import EX, FIXTURE_DATA, SPARQL_FIXTURES, histgraph_server

pytestmark = pytest.mark.server

PEOPLE = "PREFIX ex: <http://example.org/> SELECT ?p WHERE { ?p a ex:Person }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`histgraph serve FILE...` under gunicorn, with a 2 s query limit."""
    folder = tmp_path_factory.mktemp("serve")
    extra = folder / "extra.ttl"
    extra.write_text("<http://example.org/extra> a <http://example.org/Person> .\n")
    with histgraph_server(folder, [str(FIXTURE_DATA), str(extra)], env={"HISTGRAPH_QUERY_TIMEOUT": "2"}) as url:
        yield url


def get_json(url: str) -> dict:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"})) as r:
        return json.load(r)


def test_serves_files_with_graphs(server: str, tmp_path: Path) -> None:
    """Protects `serve FILE...`: TriG keeps its graphs; a Turtle file's triples go to a graph named after it."""
    query = "SELECT ?g ?p WHERE { GRAPH ?g { ?p a <http://example.org/Person> } }"
    rows = get_json(f"{server}/sparql?{urllib.parse.urlencode({'query': query})}")["results"]["bindings"]
    graphs = {(r["p"]["value"], r["g"]["value"]) for r in rows}
    assert (EX + "mao", EX + "people") in graphs
    extra = [g for p, g in graphs if p == EX + "extra"]
    assert len(extra) == 1 and extra[0].startswith("file:///") and extra[0].endswith("/extra.ttl")


def test_sparqlwrapper_client(server: str) -> None:
    """Protects interoperability with SPARQLWrapper, the usual Python client (GET and POST)."""
    for method in ("GET", "POST"):
        client = SPARQLWrapper(f"{server}/sparql")
        client.setMethod(method)
        client.setQuery(PEOPLE)
        client.setReturnFormat(JSON)
        rows = client.queryAndConvert()["results"]["bindings"]
        assert {r["p"]["value"] for r in rows} >= {EX + "mao", EX + "extra"}


def test_rdflib_sparqlstore_client(server: str) -> None:
    """Protects interoperability with rdflib's SPARQLStore (XML results, CONSTRUCT as RDF)."""
    graph = Graph(store=SPARQLStore(f"{server}/sparql", returnFormat="xml"))
    people = {row.p for row in graph.query(PEOPLE)}
    assert URIRef(EX + "zhou") in people
    built = graph.query("CONSTRUCT WHERE { <http://example.org/beijing> ?p ?o }").graph
    assert (URIRef(EX + "beijing"), None, None) in built
    assert graph.query("ASK { ?s a <http://example.org/Place> }").askAnswer is True


def test_runaway_under_gunicorn_is_stopped(server: str) -> None:
    """Protects the service: a runaway query gets 503 at the limit and the workers keep answering."""
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{server}/sparql?{urllib.parse.urlencode({'query': runaway})}")
    assert caught.value.code == 503
    caught.value.close()
    for _ in range(4):  # both workers, whichever took the runaway
        assert get_json(f"{server}/sparql?query=ASK%7B%7D")["boolean"] is True


def test_serve_without_build_says_what_to_do(tmp_path: Path) -> None:
    """Protects the first-run experience: no build and no FILE gives a clear instruction."""
    result = CliRunner().invoke(main, ["--project", str(SPARQL_FIXTURES), "--build-dir", str(tmp_path), "serve"])
    assert result.exit_code == 1
    assert "run `histgraph build` first" in result.output


def test_serve_rejects_unknown_file_type(tmp_path: Path) -> None:
    """Protects `serve FILE`: a file of unknown type is named, with the types served."""
    odd = tmp_path / "notes.txt"
    odd.write_text("hello")
    result = CliRunner().invoke(main, ["--project", str(SPARQL_FIXTURES), "serve", str(odd)])
    assert result.exit_code == 2
    assert "notes.txt" in result.output and ".ttl" in result.output


@pytest.mark.parametrize("command", ["serve", "publish"])
def test_help(command: str) -> None:
    """Protects the documented surface: each command explains itself with an example."""
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: histgraph" in result.output
