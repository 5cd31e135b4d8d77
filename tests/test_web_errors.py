"""Errors never show a stack trace: browsers get a page, programs get JSON."""

from __future__ import annotations

from histgraph.store import EmbeddedStore
from histgraph.web import create_app


def test_unexpected_error_is_a_500_without_internals(project_root) -> None:
    """Regression: the 500 handler used werkzeug's class property as a title and failed itself."""
    app = create_app({"project_dir": project_root}, store=EmbeddedStore.from_quads([]))

    @app.route("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internal detail")

    client = app.test_client()
    response = client.get("/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert response.json == {
        "error": "Internal Server Error",
        "message": "Something went wrong on our side; it has been logged.",
        "status": 500,
    }
    page = client.get("/boom", headers={"Accept": "text/html"})
    assert page.status_code == 500 and b"secret internal detail" not in page.data
