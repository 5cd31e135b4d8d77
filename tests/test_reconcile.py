"""``/reconcile``: the W3C Reconciliation Service API (0.2) over the project's own entities.

The app is the real one (create_app) over the project's data in an in-memory
store; requests are made as OpenRefine makes them (form-encoded ``queries``
batches, JSONP, suggest with ``prefix``) and answers are parsed as JSON/HTML.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from histgraph.build.load import read_project
from histgraph.store import EmbeddedStore
from histgraph.web import create_app
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    store = EmbeddedStore.from_quads(read_project(ROOT / "data").quads, version="reconcile-test")
    return create_app({"project_dir": ROOT}, store=store, environ={}).test_client()


def batch(client: FlaskClient, queries: dict, method: str = "POST") -> dict:
    payload = {"queries": json.dumps(queries)}
    response = (
        client.post("/reconcile", data=payload)
        if method == "POST"
        else client.get("/reconcile", query_string=payload)
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def test_manifest_describes_the_service(client: FlaskClient) -> None:
    """Protects the manifest: versions, spaces, default types, view/preview/suggest templates."""
    response = client.get("/reconcile")
    manifest = response.get_json()
    assert "0.2" in manifest["versions"]
    assert manifest["identifierSpace"] == "https://histgraph.example.org/id/"
    assert manifest["schemaSpace"] == "http://www.cidoc-crm.org/cidoc-crm/"
    assert {t["id"] for t in manifest["defaultTypes"]} >= {"E21_Person", "E53_Place"}
    assert manifest["view"]["url"] == "http://localhost/id/{{id}}"
    assert "{{id}}" in manifest["preview"]["url"]
    assert manifest["suggest"]["entity"]["service_path"] == "/reconcile/suggest/entity"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_batch_queries_find_historical_current_and_foreign_names(client: FlaskClient) -> None:
    """Protects matching: Leningrad, Ленинград and Saint Petersburg all find place:leningrad; junk finds nothing."""
    answer = batch(
        client,
        {
            "q0": {"query": "Leningrad"},
            "q1": {"query": "Ленинград", "limit": 2},
            "q2": {"query": "Saint Petersburg", "type": "E53_Place"},
            "q3": {"query": "Comrade Zhou Enlai", "type": "E21_Person"},
            "q4": {"query": "Nizhny Novgorod"},
            "q5": {"query": "qwertyuiop"},
        },
    )
    assert set(answer) == {"q0", "q1", "q2", "q3", "q4", "q5"}
    for key in ("q0", "q1", "q2"):
        top = answer[key]["result"][0]
        assert top["id"] == "place/leningrad" and top["match"] is True
        assert {"id": "E53_Place", "name": "Place"} in top["type"]
    assert len(answer["q1"]["result"]) <= 2
    assert answer["q3"]["result"][0]["id"] == "person/zhou-enlai"
    assert answer["q4"]["result"][0]["id"] == "place/gorky"
    assert answer["q5"]["result"] == []


def test_type_restricts_and_ambiguity_is_not_a_match(client: FlaskClient) -> None:
    """Protects honesty: a name shared by several entities is scored but not declared a match."""
    answer = batch(
        client,
        {
            "people": {"query": "Leningrad", "type": "E21_Person"},
            "treaty": {"query": "Treaty of Friendship and Alliance"},
        },
        method="GET",
    )
    assert answer["people"]["result"] == []
    results = answer["treaty"]["result"]
    assert results and all(not r["match"] for r in results[1:])
    assert all(0 <= r["score"] <= 100 for r in results)


def test_jsonp_and_bad_requests(client: FlaskClient) -> None:
    """Protects older OpenRefine clients (JSONP) and clear errors for bad input."""
    response = client.get("/reconcile", query_string={"callback": "jsonp123"})
    body = response.get_data(as_text=True)
    assert response.mimetype == "application/javascript"
    assert json.loads(body[body.index("(") + 1 : body.rindex(")")])["versions"]
    assert client.get("/reconcile", query_string={"callback": "alert(1)//"}).status_code == 400
    assert client.post("/reconcile", data={"queries": "not json"}).status_code == 400
    assert client.post("/reconcile", data={"queries": "[1, 2]"}).status_code == 400
    preflight = client.options("/reconcile")
    assert (
        preflight.status_code == 204 and "POST" in preflight.headers["Access-Control-Allow-Methods"]
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        self.scripts += tag == "script"

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_preview_is_a_small_safe_card(client: FlaskClient) -> None:
    """Protects the preview: the entity's names, no scripts, embeddable by OpenRefine; unknown ids are 404."""
    response = client.get("/reconcile/preview", query_string={"id": "place/leningrad"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    parser = _Text()
    parser.feed(response.get_data(as_text=True))
    text = " ".join(parser.parts)
    assert "Leningrad" in text and "Saint Petersburg" in text and parser.scripts == 0
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert client.get("/reconcile/preview", query_string={"id": "place/nowhere"}).status_code == 404


def test_suggest_entity_type_and_property(client: FlaskClient) -> None:
    """Protects the suggest services: prefixes in any language, types and properties."""
    entities = client.get("/reconcile/suggest/entity", query_string={"prefix": "Lenin"}).get_json()[
        "result"
    ]
    assert "place/leningrad" in {e["id"] for e in entities}
    russian = client.get("/reconcile/suggest/entity", query_string={"prefix": "Горь"}).get_json()[
        "result"
    ]
    assert [e["id"] for e in russian] == ["place/gorky"]
    people = client.get(
        "/reconcile/suggest/entity", query_string={"prefix": "Zhou", "type": "E21_Person"}
    )
    assert [e["id"] for e in people.get_json()["result"]] == ["person/zhou-enlai"]
    types = client.get("/reconcile/suggest/type", query_string={"prefix": "Pla"}).get_json()[
        "result"
    ]
    assert types == [{"id": "E53_Place", "name": "Place"}]
    properties = client.get(
        "/reconcile/suggest/property", query_string={"prefix": "hist"}
    ).get_json()["result"]
    assert [p["id"] for p in properties] == ["P1_is_identified_by"]
