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

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from histgraph.web import create_app

from ..servers import SPARQL_FIXTURES, close_app, fixture_store

# The descriptions say "format": "iri"; teach the generator what one looks like
# (schemathesis sends values that break the schemas in its own negative phase).
schemathesis.openapi.format(
    "iri",
    st.from_regex(r"(https?|urn|file|javascript):([A-Za-z0-9/._~:-]|%[0-9A-F]{2}){0,40}", fullmatch=True),
)


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
