"""No outbound request and no file read, whatever a query or an input file names.

tests/test_sparql_safety.py already proves, on both backends, that SERVICE
(also written ``\\u0053ERVICE``, with SILENT, a prefix or a variable) is refused
and that ``FROM``/``FROM NAMED``/``default-graph-uri`` with http and file IRIs
fetch and read nothing. This file adds the other ways out: keywords spelled
with escapes, LOAD, DESCRIBE of a remote IRI, named-query parameters, entity
pages, and the JSON-LD ``@context``/``@import`` and RDF/XML entities of input
files. A logging server on 127.0.0.1 must see zero requests, and a FIFO shows
that no file is opened (opening one for reading would block).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from histgraph.build.load import parse_file
from histgraph.errors import InputError

from ..servers import make_client
from .harness import logging_server, python_in_subprocess

JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[str, list[str]]]:
    with logging_server() as server:
        yield server


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    with make_client("embedded", tmp_path_factory.mktemp("ssrf"), query_timeout=3.0, client_rate=0) as test_client:
        yield test_client


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo.ttl"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("template", "status"),
    [
        # FROM spelled with escapes: read as FROM, and still fetches nothing.
        ("SELECT * \\u0046ROM <{url}/g.ttl> WHERE {{ ?s ?p ?o }}", 200),
        ("SELECT * \\u0046ROM \\u004eAMED <{file}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", 200),
        # SERVICE with an escaped IRI, in a subquery, in an OPTIONAL, in EXISTS.
        ("SELECT * WHERE {{ SERVICE <http\\u003A//127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}", 400),
        ("SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}/s> {{ ?s ?p ?o }} }} }} }}", 400),
        ("SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}/s> {{ ?s ?p ?x }} }} }}", 400),
        ("ASK {{ FILTER EXISTS {{ SeRvIcE <{url}/s> {{ ?s ?p ?o }} }} }}", 400),
        # LOAD and DESCRIBE of a remote IRI.
        ("LOAD <{url}/data.ttl>", 400),
        ("DESCRIBE <{url}/thing>", 200),
        ("CONSTRUCT {{ ?s ?p ?o }} FROM <{file}> WHERE {{ ?s ?p ?o }}", 200),
    ],
)
def test_queries_reach_nothing_outside(
    client: FlaskClient, listener: tuple[str, list[str]], fifo: Path, template: str, status: int
) -> None:
    """Protects "no outbound request, no file read": escaped and nested spellings reach neither."""
    url, hits = listener
    before = len(hits)
    port = url.rsplit(":", 1)[1]
    query = template.format(url=url, file=fifo.as_uri(), port=port)
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "*/*"})
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 200 and response.mimetype.endswith("json"):
        assert response.json.get("results", {"bindings": []})["bindings"] == []
    assert len(hits) == before


def test_named_query_parameter_is_a_value_not_a_clause(client: FlaskClient, listener: tuple[str, list[str]]) -> None:
    """Protects parameter binding: a parameter holding a SERVICE clause is bound as a plain string."""
    url, hits = listener
    before = len(hits)
    text = f'x" }} SERVICE <{url}/sparql> {{ ?s ?p ?o }} #'
    response = client.get("/queries/label-search", query_string={"text": text}, headers=JSON)
    assert response.status_code == 200
    assert response.json["results"]["bindings"] == []
    response = client.get("/queries/about", query_string={"thing": f"{url}/thing"}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert len(hits) == before


def _parse_json_ld(path: Path) -> dict:
    """``parse_file`` on a JSON-LD file in a fresh process (a hang would mean a FIFO was opened)."""
    code = (
        "import json\nfrom pathlib import Path\nfrom histgraph.errors import InputError\n"
        "from histgraph.build.load import parse_file\n"
        f"try:\n    parse_file(Path({str(path)!r}), None)\n    print(json.dumps({{'parsed': True}}))\n"
        "except InputError as exc:\n    print(json.dumps({'error': str(exc)}))\n"
    )
    done = python_in_subprocess(code, 1536 << 20, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    "context",
    [
        "{url}/context.jsonld",
        ["{url}/a.jsonld", {"name": "http://schema.org/name"}],
        {"@import": "{url}/imported.jsonld"},
        "{fifo}",
        {"@import": "{fifo}"},
    ],
)
def test_json_ld_remote_contexts_are_not_loaded(
    tmp_path: Path, listener: tuple[str, list[str]], fifo: Path, context: object
) -> None:
    """Protects the build: a JSON-LD input's remote or file @context/@import is refused, never fetched or read."""
    url, hits = listener
    before = len(hits)
    filled = json.loads(json.dumps(context).replace("{url}", url).replace("{fifo}", fifo.as_uri()))
    document = tmp_path / "hostile.jsonld"
    document.write_text(json.dumps({"@context": filled, "@id": "http://example.org/s", "name": "x"}))
    outcome = _parse_json_ld(document)
    assert "LoadDocumentCallback" in outcome["error"] or "context" in outcome["error"]
    assert len(hits) == before


def test_entity_page_of_a_remote_iri_fetches_nothing(client: FlaskClient, listener: tuple[str, list[str]]) -> None:
    """Protects the pages: an IRI in the path is looked up in the store only, never dereferenced."""
    url, hits = listener
    before = len(hits)
    for path in ("/id/person/" + url.replace("://", "%3A%2F%2F"), f"/id/person/x?iri={url}/x"):
        assert client.get(path).status_code == 404
    assert len(hits) == before


def test_input_error_names_the_refusal(tmp_path: Path, listener: tuple[str, list[str]]) -> None:
    """Protects the message: the historian learns which file and why, without any request made."""
    url, hits = listener
    before = len(hits)
    document = tmp_path / "remote.jsonld"
    document.write_text(json.dumps({"@context": f"{url}/c.jsonld", "@id": "http://example.org/s"}))
    with pytest.raises(InputError) as refused:
        parse_file(document, None)
    assert str(document) in str(refused.value)
    assert len(hits) == before
