"""Every route that does work pays from the client's budget (issue #12, item 3).

Before, only ``/sparql`` and ``/queries/NAME`` were budgeted: a script could
fetch pages, search, reconcile and download without limit. Now every request
that does work is charged before it runs (histgraph.web.work_budget). With a
burst of 3 tokens and almost no refill, the fourth page (or the second
download, which costs like an expensive query) is answered 429 with
``Retry-After`` and advice; static files, preflights and 304 revalidations are
never charged, and ``/sparql`` is not charged twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from histgraph.web import create_app

from ..servers import close_app
from .harness import built_project

BURST = 3
DOWNLOAD_COST = 2
JSON = {"Accept": "application/json"}

#: One route of each kind that does work; each costs one token.
PAGES = [
    "/",
    "/id/person/mao-zedong",
    "/documents/",
    "/browse/",
    "/search?q=Mao",
    "/api/labels?q=Mao",
    "/network",
    "/network.json",
    "/timeline.json",
    "/map.json",
    "/.well-known/void",
    "/sitemap.xml",
    "/queries",
    "/queries/openapi.json",
    "/editor",
    "/reconcile",
    "/reconcile?queries=%7B%22q0%22%3A%7B%22query%22%3A%22Mao%22%7D%7D",
    "/reconcile/suggest/entity?prefix=Le",
    "/reconcile/preview?id=place/leningrad",
    "/id/person/no-such-person",  # a 404 still looked the IRI up
]
#: Downloads of the whole dataset: each costs expensive_query_cost.
DOWNLOADS = ["/dumps/dataset.nq", "/dumps/void.ttl", "/exports/network.gexf"]
#: Routes that charge per query themselves.
SELF_CHARGED = ["/sparql?query=ASK%7B%7D", "/queries/people"]

_addresses = count(1)


def fresh_client() -> dict[str, dict[str, str]]:
    """Request options for a client address never seen before (its bucket is full)."""
    return {"environ_base": {"REMOTE_ADDR": f"198.51.100.{next(_addresses)}"}}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """The real app over a build of the project, with a tiny budget that barely refills."""
    project = built_project(tmp_path_factory.mktemp("budgeted") / "project")
    app = create_app(
        {"project_dir": project, "client_rate": 0.001, "client_burst": BURST, "expensive_query_cost": DOWNLOAD_COST},
        environ={},
    )
    try:
        yield app.test_client()
    finally:
        close_app(app)


def assert_refused_with_advice(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    message = response.get_json()["message"]
    assert "budget" in message and "Retry-After" in message and "/dumps" in message


@pytest.mark.parametrize("path", PAGES)
def test_each_page_costs_one_token(client: FlaskClient, path: str) -> None:
    """Protects every page, search and reconcile route: the burst is served, the next request is 429."""
    me = fresh_client()
    statuses = [client.get(path, headers=JSON, **me).status_code for _ in range(BURST)]
    assert 429 not in statuses and all(status < 500 for status in statuses)
    assert_refused_with_advice(client.get(path, headers=JSON, **me))


@pytest.mark.parametrize("path", DOWNLOADS)
def test_downloads_cost_like_an_expensive_query(client: FlaskClient, path: str) -> None:
    """Protects the dumps and exports: one download takes two of three tokens, so the second is refused."""
    me = fresh_client()
    with client.get(path, **me) as download:
        assert download.status_code == 200
    assert_refused_with_advice(client.get(path, **me))


@pytest.mark.parametrize("path", SELF_CHARGED)
def test_queries_are_charged_once(client: FlaskClient, path: str) -> None:
    """Protects /sparql and named queries from paying twice: the burst buys exactly BURST queries."""
    me = fresh_client()
    headers = {"Accept": "application/sparql-results+json"}
    assert [client.get(path, headers=headers, **me).status_code for _ in range(BURST)] == [200] * BURST
    assert client.get(path, headers=headers, **me).status_code == 429


def test_a_reconciliation_batch_pays_per_query(client: FlaskClient) -> None:
    """Protects reconcile: a batch of three queries spends the whole burst; the next page is refused."""
    me = fresh_client()
    batch = '{"a": {"query": "Mao"}, "b": {"query": "Zhou"}, "c": {"query": "Moscow"}}'
    assert client.post("/reconcile", data={"queries": batch}, **me).status_code == 200
    assert_refused_with_advice(client.get("/search?q=Mao", headers=JSON, **me))
    too_big = '{"a": {"query": "Mao"}, "b": {"query": "Zhou"}, "c": {"query": "Moscow"}, "d": {"query": "x"}}'
    assert client.post("/reconcile", data={"queries": too_big}, **fresh_client()).status_code == 429


def test_static_files_and_preflights_are_free(client: FlaskClient) -> None:
    """Protects the page furniture: scripts, styles and CORS preflights never count against a reader."""
    me = fresh_client()
    for _ in range(4 * BURST):
        with client.get("/static/histgraph.css", **me) as style:
            assert style.status_code == 200
        assert client.options("/reconcile", **me).status_code == 204
        assert client.options("/sparql", **me).status_code == 204
        assert client.get("/no/such/route", headers=JSON, **me).status_code == 404
    assert client.get("/", headers=JSON, **me).status_code == 200  # the budget is still whole


def test_revalidations_are_free(client: FlaskClient) -> None:
    """Protects caches: a 304 (the client's copy is current) gives its cost back, however often it is asked."""
    with client.get("/dumps/dataset.nq", **fresh_client()) as first:
        assert first.status_code == 200
        etag = first.headers["ETag"]
    me = fresh_client()
    for _ in range(4 * BURST):
        with client.get("/dumps/dataset.nq", headers={"If-None-Match": etag}, **me) as again:
            assert again.status_code == 304
    statuses = [client.get("/", headers=JSON, **me).status_code for _ in range(BURST + 1)]
    assert statuses == [200] * BURST + [429]  # the budget is still whole


def test_pages_are_unbudgeted_when_the_budget_is_off(tmp_path: Path) -> None:
    """Protects the switch: client_rate 0 turns the budget off for pages as for queries."""
    project = built_project(tmp_path / "project")
    app = create_app({"project_dir": project, "client_rate": 0, "client_burst": 1}, environ={})
    try:
        client = app.test_client()
        assert all(client.get("/search?q=Mao").status_code == 200 for _ in range(10))
    finally:
        close_app(app)


def test_a_stored_answer_is_charged_like_a_query(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Protects the budget on the stored path (issue #18): a page of a whole list read from the build's stored
    answer runs no query, yet costs its client a query's token, so the burst buys exactly BURST pages."""
    from histgraph.endpoint.named_queries import Page, load_queries
    from histgraph.endpoint.stored_answers import stored_page, write_stored_answers

    project = built_project(tmp_path_factory.mktemp("stored") / "project")
    folder = (project / "build" / "current").resolve()
    queries = load_queries(project / "queries")
    write_stored_answers(folder, queries)
    assert stored_page(folder, queries["people"], Page()) is not None  # the path under test is the stored one
    app = create_app({"project_dir": project, "client_rate": 0.001, "client_burst": BURST}, environ={})
    try:
        client, me = app.test_client(), fresh_client()
        headers = {"Accept": "application/sparql-results+json"}
        assert [client.get("/queries/people", headers=headers, **me).status_code for _ in range(BURST)] == [200] * BURST
        assert_refused_with_advice(client.get("/queries/people", headers=headers, **me))
    finally:
        close_app(app)
