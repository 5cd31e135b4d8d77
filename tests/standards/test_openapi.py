"""The named-query API's description against the OpenAPI 3.1 schema, as openapi-spec-validator ships it.

The schema comes from a registry: the PyPI package ``openapi-spec-validator``
(test extra) carries the OpenAPI Initiative's 3.1 JSON Schema and checks a
document against it, then checks what the schema cannot (unique operation
ids, path parameters declared, references that resolve).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from histgraph.web import create_app

from ..servers import SPARQL_FIXTURES, close_app, fixture_store


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    app = create_app({"project_dir": SPARQL_FIXTURES}, store=fixture_store(tmp_path_factory.mktemp("api")),
                     environ={})
    try:
        yield app.test_client()
    finally:
        close_app(app)


def test_the_description_is_valid_openapi_3_1(client: FlaskClient) -> None:
    """Protects every client generated from /queries/openapi.json: the OpenAPI 3.1 schema accepts it."""
    document = client.get("/queries/openapi.json").get_json()
    assert document["openapi"].startswith("3.1") and document["paths"]
    validate(document)


def test_the_validator_is_not_a_formality(client: FlaskClient) -> None:
    """Protects the check itself: the same document with an operation's responses removed is refused."""
    document = client.get("/queries/openapi.json").get_json()
    operation = next(iter(next(iter(document["paths"].values())).values()))
    operation["responses"] = "none"
    with pytest.raises(OpenAPIValidationError):
        validate(document)
