"""Read-only and safe by construction: no outbound request, no file read, bounded queries."""

from __future__ import annotations

import http.server
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from histgraph.endpoint.safety import QueryRejected, check_query

from .servers import BACKENDS, make_client

JSON = {"Accept": "application/sparql-results+json"}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
FAKE_ROW = "http://remote.example/thing"


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request with one SPARQL JSON row and records it."""

    hits: list[str] = []

    def _answer(self) -> None:
        self.hits.append(self.path)
        body = (f'{{"head":{{"vars":["x"]}},"results":{{"bindings":[{{"x":{{"type":"uri","value":"{FAKE_ROW}"}}}}]}}}}').encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that counts requests: any outbound request would show here."""
    hits: list[str] = []
    handler = type("Handler", (Recorder,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module", params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    folder = tmp_path_factory.mktemp(f"safety-{request.param}")
    # A short limit keeps the runaway and "would block" tests quick; the remote
    # server stops its copy of a runaway soon after, too.
    with make_client(request.param, folder, query_timeout=2.0, server_timeout_s=3) as test_client:
        test_client.backend = request.param  # type: ignore[attr-defined]
        yield test_client


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?x ?p ?o }} }}",
        "SELECT * WHERE {{ service silent <{url}/sparql> {{ ?x ?p ?o }} }}",
        "SELECT * WHERE {{ \\u0053ERVICE <{url}/sparql> {{ ?x ?p ?o }} }}",
        "SELECT * WHERE {{ \\U00000053\\U00000045RVICE <{url}/sparql> {{ ?x ?p ?o }} }}",
        "PREFIX r: <{url}/> SELECT * WHERE {{ SERVICE r:sparql {{ ?x ?p ?o }} }}",
        "SELECT * WHERE {{ BIND(<{url}/sparql> AS ?svc) SERVICE ?svc {{ ?x ?p ?o }} }}",
    ],
)
def test_service_refused_without_request(client: FlaskClient, listener: tuple[str, list[str]], template: str) -> None:
    """Protects "no outbound request": SERVICE, however written, is refused before any engine runs."""
    url, hits = listener
    before = len(hits)
    response = client.get("/sparql", query_string={"query": template.format(url=url)}, headers=JSON)
    assert response.status_code == 400
    assert "SERVICE" in response.json["message"]
    assert len(hits) == before


def test_from_http_fetches_nothing(client: FlaskClient, listener: tuple[str, list[str]]) -> None:
    """Protects "no outbound request": FROM <http…> names a graph of the store, never a download."""
    url, hits = listener
    before = len(hits)
    for clause in (f"FROM <{url}/data.ttl>", f"FROM NAMED <{url}/data.ttl>"):
        query = f"SELECT * {clause} WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
        response = client.get("/sparql", query_string={"query": query}, headers=JSON)
        assert response.status_code == 200
        assert response.json["results"]["bindings"] == []
    response = client.get(
        "/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": f"{url}/g.ttl"}, headers=JSON
    )
    assert response.json["results"]["bindings"] == []
    assert len(hits) == before


def test_from_file_reads_nothing(client: FlaskClient, tmp_path: Path) -> None:
    """Protects "no file read": FROM <file:…> neither reads a file nor opens a FIFO.

    Opening the FIFO for reading would block until the time limit (a 503); a
    read of the regular file would put its triple in the answer.
    """
    secret = tmp_path / "secret.ttl"
    secret.write_text("<http://secret.example/s> <http://secret.example/p> <http://secret.example/o> .\n")
    fifo = tmp_path / "fifo.ttl"
    os.mkfifo(fifo)
    for target in (secret, fifo):
        query = f"SELECT * FROM <{target.as_uri()}> WHERE {{ ?s ?p ?o }}"
        response = client.get("/sparql", query_string={"query": query}, headers=JSON)
        assert response.status_code == 200
        assert response.json["results"]["bindings"] == []


def test_runaway_query_killed_then_next_served(client: FlaskClient) -> None:
    """Protects the time limit: a runaway query gets a clear 503, and the next query is answered."""
    response = client.get("/sparql", query_string={"query": RUNAWAY}, headers=JSON)
    assert response.status_code == 503
    assert "limit" in response.json["message"]
    assert response.headers["Retry-After"]
    following = client.get("/sparql", query_string={"query": "ASK { ?s a <http://example.org/Person> }"}, headers=JSON)
    assert following.status_code == 200
    assert following.json["boolean"] is True


def test_runaway_process_is_replaced(tmp_path: Path) -> None:
    """Protects isolation: the query process running a runaway is killed, and a fresh one serves."""
    with make_client("embedded", tmp_path, query_timeout=1.0) as capped:
        pool = capped.application.extensions["histgraph.executor"]
        capped.get("/sparql", query_string={"query": "ASK {}"})
        before = {p.popen.pid for p in pool._fast.started}
        statuses: list[int] = []
        runner = threading.Thread(
            target=lambda: statuses.append(capped.get("/sparql", query_string={"query": RUNAWAY}).status_code)
        )
        runner.start()
        running: set[int] = set()
        for _ in range(200):  # a cartesian product goes to the slow lane; an unknown one gets there in time
            running |= {p.popen.pid for p in pool._slow.started} | {p.popen.pid for p in pool._fast.started}
            if running - before or not runner.is_alive():
                break
            time.sleep(0.01)
        runner.join()
        assert statuses == [503]
        gone = [pid for pid in running if pid not in {p.popen.pid for p in pool._fast.started + pool._slow.started}]
        assert gone, "the process that ran the runaway query is still in the pool"
        for pid in gone:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
        assert capped.get("/sparql", query_string={"query": "ASK {}"}, headers=JSON).json["boolean"] is True


@pytest.mark.parametrize("opening", ["{", "(", "["])
def test_deep_nesting_rejected(client: FlaskClient, opening: str) -> None:
    """Protects the engine: 2,500 nested brackets (which crash pyoxigraph's parser) get a 400."""
    depth = 2500
    if opening == "{":
        query = "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
    elif opening == "(":
        query = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "1" + ")" * depth + ") }"
    else:
        query = "SELECT * WHERE { ?s ?p " + "[ ?p " * depth + "1" + " ]" * depth + " }"
    response = client.post("/sparql", data={"query": query}, headers=JSON)
    assert response.status_code == 400
    assert "nests" in response.json["message"]
    assert client.get("/sparql", query_string={"query": "ASK {}"}, headers=JSON).status_code == 200


def test_allowlisted_service_is_the_only_way_out(tmp_path: Path, listener: tuple[str, list[str]]) -> None:
    """Protects federation as an explicit option: an allow-listed SERVICE is called, others are not."""
    url, hits = listener
    with make_client("embedded", tmp_path, federation_allowlist=(f"{url}/sparql",)) as federated:
        before = len(hits)
        query = f"SELECT ?x WHERE {{ SERVICE <{url}/sparql> {{ ?x ?p ?o }} }}"
        response = federated.get("/sparql", query_string={"query": query}, headers=JSON)
        assert response.status_code == 200
        assert [b["x"]["value"] for b in response.json["results"]["bindings"]] == [FAKE_ROW]
        assert len(hits) == before + 1
        other = f"SELECT ?x WHERE {{ SERVICE <{url}/other> {{ ?x ?p ?o }} }}"
        assert federated.get("/sparql", query_string={"query": other}).status_code == 400
        assert len(hits) == before + 1


def check(text: str, allow: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    return check_query(text, max_bytes=100_000, max_depth=64, federation_allowlist=allow)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://x> { }" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x> { }",
        "PREFIX service: <http://e/> SELECT ?service WHERE { ?service service:load ?o }",
        "SELECT * WHERE { ?s <http://e/SERVICE> ?o FILTER(?o > 1 && ?o < 3) }",
        "SELECT * WHERE { ?s ?p 'insert'@en }",
    ],
)
def test_keywords_in_strings_names_and_comments_are_fine(text: str) -> None:
    """Protects against false alarms: SERVICE or LOAD inside strings, IRIs, names or comments."""
    assert check(text).form == "SELECT"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", "SERVICE"),
        ("DROP ALL", "read-only"),
        ("PREFIX e: <http://e/> LOAD <http://e/data>", "read-only"),
        ("SELECT * WHERE { ?s ?p ?o }\\uD800", "escape"),
        ("SELECT * WHERE { ?s ?p 'open }", "unterminated"),
        ("hello", "not a SPARQL query"),
    ],
)
def test_refusals_say_why(text: str, message: str) -> None:
    """Protects clear refusals: unsafe or malformed input is named, before any engine sees it."""
    with pytest.raises(QueryRejected, match=message):
        check(text)


def test_escaped_quote_ends_a_string_as_the_parser_sees_it() -> None:
    """Protects against hiding SERVICE in a "string" that a \\u0022 escape actually closes."""
    with pytest.raises(QueryRejected, match="SERVICE"):
        check('SELECT * WHERE { ?s ?p "a\\u0022 . SERVICE <http://x/> { ?a ?b ?c } ?s ?p "b" }')


def test_prefixed_service_matches_allowlist() -> None:
    """Protects the allow-list: a SERVICE written with a prefix resolves to its full IRI."""
    checked = check("PREFIX w: <https://query.wikidata.org/> SELECT * { SERVICE w:sparql { ?s ?p ?o } }",
                    ("https://query.wikidata.org/sparql",))
    assert checked.services == ("https://query.wikidata.org/sparql",)
