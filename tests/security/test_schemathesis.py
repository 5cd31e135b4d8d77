"""Schemathesis against the named-query API's own OpenAPI description (/queries/openapi.json).

For every operation it generates parameter values from the declared schemas
(and values that break them) and checks each answer: no server error, a
status and a content type the description lists, headers as documented. The
app is the real one over the SPARQL fixture data and its named queries, run
through WSGI in-process.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from histgraph.web import create_app

from ..servers import SPARQL_FIXTURES, close_app, fixture_store

# The descriptions say "format": "iri" (an absolute IRI, RFC 3987); teach the
# generator what one looks like (schemathesis sends values that break the
# schemas in its own negative phase). Two shapes, each valid by construction:
# a host after "//", or a path that does not start with "/". A looser pattern
# once produced "urn://:%10...", whose port is not digits: not an IRI, and the
# app rightly answered 400 (see test_invalid_iri_is_a_documented_400).
_PATH_CHAR = r"([A-Za-z0-9/._~:@!$&'()*+,;=-]|%[0-9A-F]{2})"
IRI = st.one_of(
    st.from_regex(rf"(https?|file)://[a-z0-9.-]{{1,20}}(:[0-9]{{1,5}})?(/{_PATH_CHAR}{{0,30}})?", fullmatch=True),
    st.from_regex(rf"(urn|tag|javascript|mailto):[A-Za-z0-9._~-]{_PATH_CHAR}{{0,40}}", fullmatch=True),
)
schemathesis.openapi.format("iri", IRI)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    application = create_app(
        {"project_dir": SPARQL_FIXTURES, "client_rate": 0, "query_timeout": 5.0},
        store=fixture_store(folder),
        environ={},
    )
    yield application
    close_app(application)


def operations(app: Flask) -> list:  # type: ignore[type-arg]
    """Every operation of the described API (one per named query)."""
    loaded = schemathesis.openapi.from_wsgi("/queries/openapi.json", app)
    return [result.ok() for result in loaded.get_all_operations()]


def test_named_query_api_conforms_to_its_description(app: Flask) -> None:
    """Protects the API contract: any generated request gets a documented status and type, never a 500.

    Schemathesis's pytest plugin does not run under pytest 9, so its engine is
    driven directly: a Hypothesis strategy per operation, for values that fit the
    schemas (positive) and values that break them (negative), every check on each case.
    """
    found = operations(app)
    assert {op.path for op in found} >= {"/queries/about", "/queries/label-search", "/queries/people"}
    for operation, mode in itertools.product(found, GenerationMode):

        @given(case=operation.as_strategy(mode))
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def conforms(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate()

        conforms()


def test_generated_iris_are_iris() -> None:
    """Protects the test itself: every value the generator calls an IRI is one, so a 400 for it is a real bug."""

    @given(IRI)
    @settings(max_examples=300, deadline=None)
    def valid(value: str) -> None:
        ox.NamedNode(value)

    valid()


def test_invalid_iri_is_a_documented_400(app: Flask) -> None:
    """Protects the contract for a value that only looks like an IRI: a 400 the description lists, saying why."""
    client = app.test_client()
    response = client.get("/queries/about", query_string={"thing": "urn://:%10%E9"}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "thing" in response.get_json()["message"]
    description = client.get("/queries/openapi.json").get_json()
    assert "400" in description["paths"]["/queries/about"]["get"]["responses"]
