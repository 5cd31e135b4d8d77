"""Pages read the store within the time limit, like queries (issue #12, item 3).

Page reads used to run in the web worker, where a native query cannot be
interrupted: a slow page had no time limit, and under gevent it would also hold
every other connection of its worker. They now go through the query processes
(:class:`histgraph.endpoint.pooled_store.PooledStore`): a read past ``query_timeout`` is
stopped, the page is a 503 with ``Retry-After``, and the next page is served.
"""

from __future__ import annotations

import dataclasses

import pytest

from histgraph.config import Settings
from histgraph.endpoint.answers import QueryTimeout
from histgraph.endpoint.isolation import store_source
from histgraph.endpoint.lanes import QueryPool
from histgraph.endpoint.pooled_store import PooledStore
from histgraph.store import EmbeddedStore
from histgraph.web import create_app

from ..servers import close_app

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"


def test_a_read_past_the_limit_is_stopped_and_the_next_answered(cable: tuple[Settings, EmbeddedStore]) -> None:
    """Protects the time limit of page reads: a runaway read is stopped, and the store answers the next."""
    _, store = cable
    pool = QueryPool(store_source(store.path, store.native), 1)
    try:
        pooled = PooledStore(pool, store.version, timeout=1.0)
        with pytest.raises(QueryTimeout):
            pooled.select(RUNAWAY)
        assert pooled.ask("ASK { ?s ?p ?o }") is True
        rows = pooled.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3")
        assert len(rows) == 3
    finally:
        pool.close()


def test_page_past_the_time_limit_is_503_then_the_site_answers(cable: tuple[Settings, EmbeddedStore]) -> None:
    """Protects availability: a page whose reads outrun the limit gets 503 with Retry-After, not a hang or a 500."""
    settings, store = cable
    # A limit of 0: each read's answer is looked for at once, before the query process
    # could have made it (a tiny positive limit is rounded up to a millisecond by poll()).
    app = create_app(dataclasses.replace(settings, query_timeout=0, client_rate=0), store=store)
    try:
        assert isinstance(app.extensions["histgraph"].store, PooledStore)
        response = app.test_client().get(
            "/id/document/cable-1950-01-02-mao-to-ccp-cc", headers={"Accept": "application/json, text/html;q=0.1"}
        )
        assert response.status_code == 503
        assert response.headers["Retry-After"]
        assert "time limit" in response.json["message"]
    finally:
        close_app(app)
    app = create_app(dataclasses.replace(settings, client_rate=0), store=store)
    try:
        assert app.test_client().get("/id/document/cable-1950-01-02-mao-to-ccp-cc").status_code == 200
    finally:
        close_app(app)
