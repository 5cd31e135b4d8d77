"""The SPARQL 1.1 Protocol on /sparql, on both backends, asserting on parsed answers."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .servers import BACKENDS, make_client

EX = Namespace("http://example.org/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SRX = "{http://www.w3.org/2005/sparql-results#}"
PEOPLE = "PREFIX ex: <http://example.org/> SELECT ?p WHERE { ?p a ex:Person } ORDER BY ?p"
ALL_PEOPLE = {EX.liu, EX.mao, EX.stalin, EX.zhou}
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module", params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    with make_client(request.param, tmp_path_factory.mktemp(request.param)) as test_client:
        test_client.backend = request.param  # type: ignore[attr-defined]
        yield test_client


def uris(payload: dict, var: str) -> set[URIRef]:
    return {URIRef(b[var]["value"]) for b in payload["results"]["bindings"] if var in b}


def test_get_select_json(client: FlaskClient) -> None:
    """Protects the basic GET query with SPARQL JSON results over the union of named graphs."""
    response = client.get("/sparql", query_string={"query": PEOPLE}, headers=JSON)
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert response.json["head"]["vars"] == ["p"]
    assert uris(response.json, "p") == ALL_PEOPLE


def test_post_form(client: FlaskClient) -> None:
    """Protects POST with an application/x-www-form-urlencoded body."""
    response = client.post("/sparql", data={"query": PEOPLE}, headers=JSON)
    assert response.status_code == 200
    assert uris(response.json, "p") == ALL_PEOPLE


def test_post_sparql_query_body(client: FlaskClient) -> None:
    """Protects POST with an application/sparql-query body (graphs still in the URL)."""
    response = client.post(
        "/sparql", data=PEOPLE.encode(), content_type="application/sparql-query", headers=JSON
    )
    assert response.status_code == 200
    assert uris(response.json, "p") == ALL_PEOPLE


def test_terms_keep_language_and_datatype(client: FlaskClient) -> None:
    """Protects literal fidelity: language tags and datatypes survive into JSON."""
    query = "PREFIX ex: <http://example.org/> SELECT ?l ?b WHERE { ex:mao <http://www.w3.org/2000/01/rdf-schema#label> ?l ; ex:born ?b }"
    cells = client.get("/sparql", query_string={"query": query}, headers=JSON).json["results"]["bindings"]
    assert {(c["l"]["value"], c["l"].get("xml:lang")) for c in cells} == {("Mao Zedong", "en"), ("毛泽东", "zh")}
    assert {c["b"]["datatype"] for c in cells} == {str(XSD.date)}


def test_xml_results(client: FlaskClient) -> None:
    """Protects SPARQL XML results chosen by Accept."""
    response = client.get(
        "/sparql", query_string={"query": PEOPLE}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert response.mimetype == "application/sparql-results+xml"
    root = ET.fromstring(response.data)
    assert [v.get("name") for v in root.iter(f"{SRX}variable")] == ["p"]
    assert {URIRef(u.text) for u in root.iter(f"{SRX}uri")} == ALL_PEOPLE


def test_csv_and_tsv_results(client: FlaskClient) -> None:
    """Protects CSV and TSV results, including a value with a tab, quotes, comma and newline."""
    query = "PREFIX ex: <http://example.org/> SELECT ?s ?note WHERE { ?s ex:note ?note }"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [["s", "note"], [str(EX.moscow), 'tab\there, "quoted", comma, and\nnewline']]
    response = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "text/tab-separated-values"}
    )
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "?s\t?note"
    assert lines[1].split("\t") == [f"<{EX.moscow}>", '"tab\\there, \\"quoted\\", comma, and\\nnewline"']


def test_format_parameter_wins_for_links(client: FlaskClient) -> None:
    """Protects ?format=csv for links, which cannot set an Accept header."""
    response = client.get("/sparql", query_string={"query": PEOPLE, "format": "csv"}, headers=JSON)
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).splitlines()[0] == "p"


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask(client: FlaskClient, accept: str) -> None:
    """Protects ASK answers in JSON and XML."""
    response = client.get(
        "/sparql", query_string={"query": "ASK { ?s a <http://example.org/Place> }"}, headers={"Accept": accept}
    )
    if "json" in accept:
        assert response.json["boolean"] is True
    else:
        assert ET.fromstring(response.data).find(f"{SRX}boolean").text == "true"


EXPECTED_MOSCOW = {
    (EX.moscow, RDF.type, EX.Place),
    (EX.moscow, RDFS.label, Literal("Moscow", lang="en")),
    (EX.moscow, EX.note, Literal('tab\there, "quoted", comma, and\nnewline')),
}


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_construct_formats(client: FlaskClient, accept: str, rdflib_format: str) -> None:
    """Protects CONSTRUCT in every RDF format, parsed back into the same triples."""
    query = "CONSTRUCT { <http://example.org/moscow> ?p ?o } WHERE { <http://example.org/moscow> ?p ?o }"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    parsed = Dataset() if rdflib_format in {"trig", "nquads"} else Graph()
    parsed.parse(data=response.data, format=rdflib_format)
    triples = {(s, p, o) for s, p, o, *_ in (parsed.quads() if isinstance(parsed, Dataset) else parsed)}
    assert triples == EXPECTED_MOSCOW


def test_describe(client: FlaskClient) -> None:
    """Protects DESCRIBE, answered as Turtle by default."""
    response = client.get("/sparql", query_string={"query": "DESCRIBE <http://example.org/moscow>"})
    assert response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    if client.backend == "virtuoso":  # type: ignore[attr-defined]
        # DESCRIBE is implementation-defined (SPARQL 1.1 Query, section 16.4): Virtuoso 7
        # describes a resource by the triples that point at it (docs/scaling.md).
        assert len(graph) == 2 and all(EX.moscow == o for _s, _p, o in graph)
        return
    assert EXPECTED_MOSCOW <= set(graph)


def test_default_graph_uri(client: FlaskClient) -> None:
    """Protects default-graph-uri: only that graph is the default graph."""
    query = "SELECT DISTINCT ?s WHERE { ?s a ?type }"
    response = client.get(
        "/sparql", query_string={"query": query, "default-graph-uri": str(EX.places)}, headers=JSON
    )
    assert uris(response.json, "s") == {EX.moscow, EX.beijing}


def test_named_graph_uri(client: FlaskClient) -> None:
    """Protects named-graph-uri: GRAPH ?g sees only the listed graphs (also on a POST body)."""
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post(
        "/sparql?named-graph-uri=http://example.org/events&named-graph-uri=http://example.org/places",
        data=query,
        content_type="application/sparql-query",
        headers=JSON,
    )
    assert uris(response.json, "g") == {EX.events, EX.places}


def test_from_clause_selects_own_graphs(client: FlaskClient) -> None:
    """Protects FROM: it picks among the store's own graphs (and fetches nothing)."""
    query = "SELECT DISTINCT ?s FROM <http://example.org/events> WHERE { ?s a ?type }"
    response = client.get("/sparql", query_string={"query": query}, headers=JSON)
    assert uris(response.json, "s") == {EX.trip, EX.talks}


def test_service_description_for_programs(client: FlaskClient) -> None:
    """Protects the SPARQL 1.1 Service Description when a program sends no query."""
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format="turtle")
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert graph.value(service, SD.endpoint) == URIRef("http://localhost/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.feature, SD.BasicFederatedQuery) not in graph


def test_browser_without_query_gets_editor(client: FlaskClient) -> None:
    """Protects /sparql in a browser: the query editor, not a Turtle download."""
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.mimetype == "text/html"
    assert b'id="yasgui"' in response.data


def test_rdflib_parse_of_the_endpoint_gets_the_service_description(client: FlaskClient) -> None:
    """Regression (#16): rdflib's ``Graph().parse(endpoint, format="turtle")`` gets Turtle, not the editor.

    It sends ``text/turtle, application/x-turtle, */*;q=0.1``; only a client that
    prefers text/html gets the editor page.
    """
    response = client.get("/sparql", headers={"Accept": "text/turtle, application/x-turtle, */*;q=0.1"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert service is not None
    assert graph.value(service, SD.endpoint) == URIRef("http://localhost/sparql")


def test_syntax_error_is_400_with_position(client: FlaskClient) -> None:
    """Protects a helpful 400: the message says where the syntax error is."""
    response = client.get("/sparql", query_string={"query": "SELECT ?s WHERE {\n ?s ?p ?o .\n FILTER(?o = ) }"})
    assert response.status_code == 400
    message = response.json["message"]
    assert "line 3" in message or "3:" in message


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("post", {"data": {"update": "INSERT DATA { <http://a> <http://b> <http://c> }"}}),
        ("post", {"data": b"CLEAR ALL", "content_type": "application/sparql-update"}),
        ("get", {"query_string": {"update": "CLEAR ALL"}}),
    ],
)
def test_updates_refused_405(client: FlaskClient, method: str, kwargs: dict) -> None:
    """Protects read-only: every way of sending an update is refused with 405 and the policy."""
    response = getattr(client, method)("/sparql", **kwargs)
    assert response.status_code == 405
    assert "read-only" in response.json["message"]
    assert "POST" in response.headers["Allow"]
    assert client.get("/sparql", query_string={"query": "ASK { <http://a> <http://b> <http://c> }"}, headers=JSON).json["boolean"] is False


@pytest.mark.parametrize("text", ["LOAD <http://example.org/x.ttl>", "INSERT DATA { <http://a> <http://b> <http://c> }"])
def test_update_as_query_refused_400(client: FlaskClient, text: str) -> None:
    """Protects read-only: an update or LOAD sent as query= is refused before any engine sees it."""
    response = client.get("/sparql", query_string={"query": text})
    assert response.status_code == 400
    assert "read-only" in response.json["message"]


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_405(client: FlaskClient, method: str) -> None:
    """Protects 405 with an Allow header for methods the protocol does not use."""
    response = getattr(client, method)("/sparql")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_not_acceptable_406(client: FlaskClient) -> None:
    """Protects 406 listing what is available when no asked type can carry the answer."""
    response = client.get("/sparql", query_string={"query": PEOPLE}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.json["message"]


def test_unknown_format_parameter_400(client: FlaskClient) -> None:
    """Protects a clear 400 for ?format= values we do not have."""
    response = client.get("/sparql", query_string={"query": PEOPLE, "format": "turtle"})
    assert response.status_code == 400
    assert "json" in response.json["message"]


def test_too_large_413(client: FlaskClient) -> None:
    """Protects the request size bound, for POST bodies and GET queries."""
    big = PEOPLE + " #" + "x" * 200_000
    assert client.post("/sparql", data={"query": big}).status_code == 413
    assert client.post("/sparql", data=big, content_type="application/sparql-query").status_code == 413
    assert client.get("/sparql", query_string={"query": big}).status_code == 413


def test_unsupported_media_type_415(client: FlaskClient) -> None:
    """Protects 415 for bodies that are neither a form nor a SPARQL query."""
    response = client.post("/sparql", data=PEOPLE, content_type="text/plain")
    assert response.status_code == 415
    assert "application/sparql-query" in response.json["message"]


def test_post_without_query_400(client: FlaskClient) -> None:
    """Protects a clear 400 when a POST carries no query."""
    response = client.post("/sparql", data={"nothing": "here"})
    assert response.status_code == 400


def test_cors(client: FlaskClient) -> None:
    """Protects CORS for reads: answers and the preflight of a sparql-query POST."""
    answer = client.get("/sparql", query_string={"query": PEOPLE}, headers={"Origin": "https://elsewhere.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Histgraph-Truncated" in answer.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/sparql",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_head(client: FlaskClient) -> None:
    """Protects HEAD: the headers of the GET answer, without a body."""
    response = client.head("/sparql", query_string={"query": PEOPLE}, headers=JSON)
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert response.data == b""


def test_etag_and_304(client: FlaskClient) -> None:
    """Protects cheap repeats: the embedded answer has a build-tied ETag and revalidates to 304."""
    first = client.get("/sparql", query_string={"query": PEOPLE}, headers=JSON)
    if client.backend in {"remote", "virtuoso"}:  # type: ignore[attr-defined]
        # The remote store's data version is unknown, so nothing may be cached.
        assert first.headers["Cache-Control"] == "no-store" and "ETag" not in first.headers
        return
    etag = first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get("/sparql", query_string={"query": PEOPLE}, headers={**JSON, "If-None-Match": etag})
    assert again.status_code == 304
    other = client.get("/sparql", query_string={"query": PEOPLE}, headers={"Accept": "text/csv"})
    assert other.headers["ETag"] != etag


def test_rows_capped_and_truncation_signalled(tmp_path: Path, client: FlaskClient) -> None:
    """Protects the row cap: at most max_rows rows, with the header and a JSON member saying so."""
    with make_client(client.backend, tmp_path, max_rows=3) as capped:  # type: ignore[attr-defined]
        response = capped.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers=JSON)
        assert response.headers["X-Histgraph-Truncated"] == "true"
        assert len(response.json["results"]["bindings"]) == 3
        assert response.json["truncated"] is True
        small = capped.get("/sparql", query_string={"query": PEOPLE + " LIMIT 2"}, headers=JSON)
        assert "X-Histgraph-Truncated" not in small.headers
        assert "truncated" not in small.json
        graph = capped.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"})
        assert graph.headers["X-Histgraph-Truncated"] == "true"
        assert len(Graph().parse(data=graph.data, format="nt")) == 3
        assert json.loads(capped.get("/sparql", query_string={"query": PEOPLE}, headers=JSON).data)["results"]


def test_repeat_answers_come_from_the_cache(tmp_path: Path) -> None:
    """Protects cheap repeats server-side: an answer is kept by its build-tied ETag, within budget."""
    with make_client("embedded", tmp_path) as cached:
        first = cached.get("/sparql", query_string={"query": PEOPLE}, headers=JSON)
        cache = cached.application.extensions["histgraph.answers"]
        assert cache.get(first.headers["ETag"].strip('"')).body == first.data
        assert cached.get("/sparql", query_string={"query": PEOPLE}, headers=JSON).data == first.data
    with make_client("embedded", tmp_path / "off", answer_cache_bytes=0) as uncached:
        response = uncached.get("/sparql", query_string={"query": PEOPLE}, headers=JSON)
        assert uncached.application.extensions["histgraph.answers"].get(response.headers["ETag"].strip('"')) is None
