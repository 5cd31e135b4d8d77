"""The W3C Reconciliation Service API (0.1 and 0.2 drafts, Entity Reconciliation Community Group).

The API's JSON Schemas (``manifest.json``, ``reconciliation-result-batch.json``,
``suggest-entities-response.json``… in the group's specs repository) ship in no
package registry, so what they require is written out here, section by
section of the 0.2 draft, and checked on the real app's answers:

* §3 Service Manifest: ``versions``, ``name``, ``identifierSpace``,
  ``schemaSpace`` required; ``view.url`` holds ``{{id}}``; preview width and
  height are integers; each suggest service has a ``service_url``;
* §3 (schemaSpace): type and property ids are relative to ``schemaSpace``, so
  ``schemaSpace + id`` is the term's IRI;
* §4 Reconciliation queries and responses: an object per query key holding
  ``result``, each candidate with string ``id`` and ``name``, number ``score``,
  boolean ``match``, ``type`` a list of ``{id, name}``; a query may have
  properties and no ``query`` (§4.1); an identifier given as the query should
  score highest and match (§4.3's recommendation);
* §6 Suggest services: ``{"result": [...]}``, entries with ``id`` and ``name``;
  ``cursor`` is the offset of the first result returned (API 0.1 Suggest), so
  paging reaches every entity; suggest by id is recommended.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from rdflib import URIRef

from histgraph.build.load import read_project
from histgraph.store import EmbeddedStore
from histgraph.vocab import CRM
from histgraph.web import create_app
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    store = EmbeddedStore.from_quads(read_project(ROOT / "data").quads, version="standards-reconcile")
    return create_app({"project_dir": ROOT}, store=store, environ={}).test_client()


def check_candidate(candidate: dict[str, Any]) -> None:
    """§4.2: a candidate's members and their JSON types."""
    assert isinstance(candidate["id"], str) and isinstance(candidate["name"], str)
    assert isinstance(candidate["score"], int | float) and isinstance(candidate["match"], bool)
    assert all(set(t) == {"id", "name"} for t in candidate.get("type", []))


def reconcile(client: FlaskClient, queries: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200 and response.mimetype == "application/json"
    answer = response.get_json()
    assert set(answer) == set(queries)
    for value in answer.values():
        assert set(value) == {"result"}
        for candidate in value["result"]:
            check_candidate(candidate)
    return answer


def suggest(client: FlaskClient, kind: str, **args: Any) -> list[dict[str, Any]]:
    response = client.get(f"/reconcile/suggest/{kind}", query_string=args)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"result"}
    assert all(isinstance(e["id"], str) and isinstance(e["name"], str) for e in body["result"])
    return body["result"]


def test_manifest_has_what_section_3_requires(client: FlaskClient) -> None:
    """Protects the manifest: required members, templates, preview size, suggest services."""
    manifest = client.get("/reconcile").get_json()
    assert {"0.1", "0.2"} <= set(manifest["versions"])
    for member in ("name", "identifierSpace", "schemaSpace"):
        assert isinstance(manifest[member], str) and manifest[member]
    assert "{{id}}" in manifest["view"]["url"] and "{{id}}" in manifest["preview"]["url"]
    assert isinstance(manifest["preview"]["width"], int) and isinstance(manifest["preview"]["height"], int)
    assert all("service_url" in service for service in manifest["suggest"].values())


def test_type_and_property_ids_are_in_the_schema_space(client: FlaskClient) -> None:
    """Regression (#16): property ids (asWritten, altLabel…) were not terms of the declared schemaSpace."""
    space = client.get("/reconcile").get_json()["schemaSpace"]
    types = suggest(client, "type", prefix="")
    properties = suggest(client, "property", prefix="")
    assert types and properties
    for term in types + properties:
        iri = URIRef(space + term["id"])
        assert iri.startswith(str(CRM))
        assert getattr(CRM, term["id"]) == iri  # a term the CIDOC CRM namespace knows


def test_suggest_cursor_pages_through_every_entity(client: FlaskClient) -> None:
    """Regression (#16): cursor was ignored, so every page was the first and some entities unreachable."""
    first = suggest(client, "entity", prefix="a")
    assert len(first) == 10
    pages, cursor = [], 0
    while True:
        page = suggest(client, "entity", prefix="a", cursor=cursor)
        if not page:
            break
        pages.extend(e["id"] for e in page)
        cursor += len(page)
    assert pages[:10] == [e["id"] for e in first]
    assert len(pages) == len(set(pages)) > 10
    bad = client.get("/reconcile/suggest/entity", query_string={"prefix": "a", "cursor": "-1"})
    assert bad.status_code == 400


def test_an_identifier_as_the_query_scores_100_and_matches(client: FlaskClient) -> None:
    """Regression (#16): "person/zhou-enlai" as the query scored 40; as id or IRI it is that entity."""
    answer = reconcile(client, {
        "q0": {"query": "person/zhou-enlai"},
        "q1": {"query": "https://histgraph.example.org/id/person/zhou-enlai"},
    })
    for key in ("q0", "q1"):
        top = answer[key]["result"][0]
        assert (top["id"], top["score"], top["match"]) == ("person/zhou-enlai", 100, True)


def test_a_query_of_properties_alone_is_matched_on_them(client: FlaskClient) -> None:
    """Regression (#16): a query with properties and no name returned nothing (§4.1 allows it)."""
    answer = reconcile(client, {"q0": {"properties": [{"pid": "P1_is_identified_by", "v": "Leningrad"}]}})
    assert answer["q0"]["result"][0]["id"] == "place/leningrad"


def test_suggest_by_identifier(client: FlaskClient) -> None:
    """Regression (#16): suggest with an entity's id as the prefix found nothing; it comes first now."""
    assert suggest(client, "entity", prefix="place/leningrad")[0]["id"] == "place/leningrad"
