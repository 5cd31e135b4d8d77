"""Denial of service: each hostile request gets a clear 4xx or 503, and the worker serves the next one.

Over the embedded backend (queries in killable query processes) with the
Flask test client, and, for what only a real server sees (header and request
line sizes), a real gunicorn server. Nesting of thousands of brackets and the
plain runaway are in tests/test_sparql_safety.py; this file adds the chains
that crash pyoxigraph's parser with no bracket at all, long property paths,
regular-expression backtracking, admission of expensive queries, huge bodies
and huge headers.
"""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from histgraph.endpoint.admission import static_cost

from ..servers import FIXTURE_DATA, histgraph_server, make_client

JSON = {"Accept": "application/sparql-results+json"}
CHEAP = "ASK { ?s a <http://example.org/Person> }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    with make_client("embedded", tmp_path_factory.mktemp("dos"), query_timeout=2.0, client_rate=0) as test_client:
        yield test_client


def still_serving(client: FlaskClient) -> bool:
    response = client.get("/sparql", query_string={"query": CHEAP}, headers=JSON)
    return response.status_code == 200 and response.json["boolean"] is True


# Each crashed pyoxigraph's parser (a segfault of the query process) or kept the
# optimiser busy past any limit before the checks existed; sizes stay under 100 kB.
CHAINS = {
    "20,000 negations": ("SELECT * WHERE { BIND(" + "!" * 20000 + "true AS ?x) }", "max_query_operators"),
    "12,000 additions": ("SELECT * WHERE { BIND(" + "+".join(["1"] * 12000) + " AS ?x) }", "max_query_operators"),
    "8,000 disjunctions": ("ASK { ?s ?p ?o FILTER(" + "||".join(["?o=1"] * 8000) + ") }", "max_query_operators"),
    "8,000 UNIONs": ("SELECT * WHERE { " + "UNION".join(["{}"] * 8000) + " }", "max_query_operators"),
    "2,500 OPTIONALs": ("SELECT * WHERE { " + "OPTIONAL{?s ?p ?o}" * 2500 + "}", "max_query_operators"),
    "1,000-step path": ("SELECT * WHERE { ?s " + "/".join(["<http://e/p>"] * 1000) + " ?o }", "max_path_length"),
    "2,000-way alternative": ("SELECT * WHERE { ?s " + "|".join(["<http://e/p>"] * 2000) + " ?o }", "max_path_length"),
}


@pytest.mark.parametrize("name", list(CHAINS))
def test_long_chains_refused_before_any_engine(client: FlaskClient, name: str) -> None:
    """Protects the query processes: chains that crash or stall pyoxigraph get a 400 naming the setting."""
    query, setting = CHAINS[name]
    response = client.post("/sparql", data={"query": query}, headers=JSON)
    assert response.status_code == 400
    assert setting in response.json["message"]
    assert still_serving(client)


def test_regex_backtracking_is_answered(client: FlaskClient) -> None:
    """Protects against ReDoS: the classic catastrophic pattern on a long near-match is answered, not stuck."""
    subject = "a" * 5000 + "b"
    query = f'ASK {{ FILTER(REGEX("{subject}", "^(a+)+$")) }}'
    response = client.get("/sparql", query_string={"query": query}, headers=JSON)
    # pyoxigraph's regular expressions run in linear time; a backtracking engine would hit the limit (503).
    assert response.status_code == 200
    assert response.json["boolean"] is False
    assert still_serving(client)


def test_expensive_query_waits_for_a_slot_then_gets_503(client: FlaskClient) -> None:
    """Protects admission control: with every slot taken, an expensive query gets 503 + Retry-After; cheap ones run."""
    gate = client.application.extensions["histgraph.gate"]
    assert static_cost(CARTESIAN) == "a cartesian product"
    holders = [gate.slots.hold(0) for _ in gate.slots.paths]
    for holder in holders:
        holder.__enter__()
    try:
        response = client.get("/sparql", query_string={"query": CARTESIAN}, headers=JSON)
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) >= 1
        assert "cartesian product" in response.json["message"]
        assert still_serving(client)
    finally:
        for holder in holders:
            holder.__exit__(None, None, None)


def test_measured_slow_query_becomes_expensive(client: FlaskClient) -> None:
    """Protects admission control beyond the heuristics: a query stopped at the limit counts as expensive next time."""
    gate = client.application.extensions["histgraph.gate"]
    sneaky = "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?s{n} ?p ?o{n}" for n in range(12)) + " }"
    assert static_cost(sneaky) is None  # connected through ?p: no lexical sign of its cost
    assert client.get("/sparql", query_string={"query": sneaky}, headers=JSON).status_code == 503
    assert gate.expensive(sneaky) == "slow when it ran before"


def test_client_budget_answers_429(tmp_path: Path) -> None:
    """Protects the per-client budget: past the burst, 429 with Retry-After; expensive queries cost more."""
    with make_client("embedded", tmp_path, client_rate=0.01, client_burst=12, expensive_query_cost=10) as limited:
        assert limited.get("/sparql", query_string={"query": CHEAP}, headers=JSON).status_code == 200
        refused = limited.get("/sparql", query_string={"query": CARTESIAN + " LIMIT 1"}, headers=JSON)
        assert refused.status_code in {200, 503}  # admitted: 11 tokens were left for a cost of 10
        response = limited.get("/sparql", query_string={"query": CHEAP}, headers=JSON)
        assert response.status_code == 200  # the twelfth token
        response = limited.get("/sparql", query_string={"query": CHEAP}, headers=JSON)
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) >= 1
        assert "client_rate" not in response.json["message"] and "budget" in response.json["message"]
        other = limited.get("/sparql", query_string={"query": CHEAP}, headers=JSON,
                            environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert other.status_code == 200  # another client has its own budget


@pytest.mark.parametrize("hops", [0, 1])
def test_client_budget_behind_a_proxy(tmp_path: Path, hops: int) -> None:
    """Protects the budget behind a reverse proxy: with proxy_hops = 1 each forwarded client has its own
    budget; with 0 (the default) X-Forwarded-For is ignored, so a client cannot escape by inventing one."""
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the proxy
    with make_client("embedded", tmp_path, client_rate=0.01, client_burst=2, proxy_hops=hops) as limited:

        def ask(forwarded_for: str) -> int:
            return limited.get("/sparql", query_string={"query": CHEAP}, headers={**JSON, "X-Forwarded-For": forwarded_for},
                               environ_base=proxy).status_code

        first = [ask("198.51.100.1") for _ in range(3)]
        second = ask("198.51.100.2")
    assert first == [200, 200, 429]
    assert second == (200 if hops else 429)


def test_huge_body_refused(client: FlaskClient) -> None:
    """Protects memory: a 5 MB query body is refused with 413 without being read into a query."""
    body = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5_000_000
    response = client.post("/sparql", data=body, headers={**JSON, "Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    assert still_serving(client)


def test_huge_accept_header_is_negotiated(client: FlaskClient) -> None:
    """Protects negotiation: a 200 kB Accept header of junk types gets a plain 406, a valid tail still works."""
    junk = ", ".join(f"application/x-junk-{n};q=0.{n % 9 + 1}" for n in range(8000))
    response = client.get("/sparql", query_string={"query": CHEAP}, headers={"Accept": junk})
    assert response.status_code == 406
    response = client.get("/sparql", query_string={"query": CHEAP}, headers={"Accept": junk + ", application/sparql-results+json"})
    assert response.status_code == 200 and response.json["boolean"] is True


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("dos-server")
    with histgraph_server(folder, [str(FIXTURE_DATA)], env={"HISTGRAPH_CLIENT_RATE": "0"}) as url:
        yield url


def _raw(url: str, path: str, headers: dict[str, str]) -> int:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.mark.server
@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/sparql?query=" + urllib.parse.quote(CHEAP), {"Accept": "text/html;q=0.1," * 4000}, 431),
        ("/sparql?query=" + urllib.parse.quote(CHEAP) + "%20" * 20000, {}, 414),
        ("/sparql?query=" + urllib.parse.quote(CHEAP), {f"X-Junk-{n}": "x" for n in range(200)}, 431),
    ],
)
def test_oversized_requests_refused_by_the_server(server: str, path: str, headers: dict[str, str], status: int) -> None:
    """Protects the workers: gunicorn refuses over-long headers (431), request lines (414) and header counts (431)."""
    assert _raw(server, path, headers) == status
    assert _raw(server, "/sparql?query=" + urllib.parse.quote(CHEAP), {"Accept": "application/sparql-results+json"}) == 200
