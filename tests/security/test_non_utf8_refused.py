"""A query that is not UTF-8 is refused, never read with replacement characters (issue #12, item 13).

Werkzeug decodes text with ``errors="replace"``, so invalid bytes silently
became U+FFFD and the query ran as something the client never sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from ..servers import make_client

JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[FlaskClient]:
    with make_client("embedded", tmp_path) as made:
        yield made


def test_invalid_utf8_body_is_400(client: FlaskClient) -> None:
    """Protects fidelity of queries: a sparql-query body with invalid UTF-8 gets 400 naming the byte."""
    body = 'ASK { ?s ?p "caf\xe9" }'.encode("latin-1")
    response = client.post("/sparql", data=body, content_type="application/sparql-query", headers=JSON)
    assert response.status_code == 400
    assert "UTF-8" in response.json["message"]


def test_invalid_utf8_form_is_400(client: FlaskClient) -> None:
    """Protects fidelity of queries: a percent-encoded form with invalid UTF-8 gets 400."""
    response = client.post(
        "/sparql", data=b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22caf%E9%22%20%7D",
        content_type="application/x-www-form-urlencoded", headers=JSON,
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json["message"]


def test_invalid_utf8_query_string_is_400(client: FlaskClient) -> None:
    """Protects fidelity of queries: a GET query string with invalid UTF-8 gets 400."""
    response = client.get("/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%22caf%E9%22%20%7D", headers=JSON)
    assert response.status_code == 400
    assert "UTF-8" in response.json["message"]


def test_valid_utf8_runs(client: FlaskClient) -> None:
    """Protects usefulness: the same query in UTF-8 runs."""
    body = 'ASK { ?s ?p "café" }'.encode()
    response = client.post("/sparql", data=body, content_type="application/sparql-query", headers=JSON)
    assert response.status_code == 200
    assert response.json["boolean"] is False
