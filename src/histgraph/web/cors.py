"""Cross-origin reads: the public APIs may be called from any site, in one hook.

``/sparql``, the named-query API (``/queries…``) and the reconciliation service
(``/reconcile…``) are public and read-only, so any origin may read them (a
YASGUI elsewhere, a notebook, OpenRefine); their answers expose the headers a
client needs (``ETag``, truncation, row count). A preflight (``OPTIONS`` before
a POST with a SPARQL body, or with ``If-None-Match``) is answered here, before
the route does any work; its allowed methods are the route's own. Pages are
not opened to other origins: nothing there is meant for scripts.
"""

from __future__ import annotations

from flask import Flask, Response, request

#: The blueprints any origin may read.
OPEN_BLUEPRINTS = frozenset({"sparql", "queries_api", "reconcile"})
EXPOSED_HEADERS = "ETag, X-Histgraph-Truncated, X-Histgraph-Rows, X-Total-Count, Link"
ALLOWED_HEADERS = "Accept, Content-Type, If-None-Match"
_METHOD_ORDER = ("GET", "HEAD", "POST", "OPTIONS")


def _is_open() -> bool:
    return request.blueprint in OPEN_BLUEPRINTS


def preflight() -> Response:
    """The answer to a CORS preflight on the current request's route: 204 with what it allows."""
    methods = request.url_rule.methods if request.url_rule is not None else ()
    allowed = ", ".join(m for m in _METHOD_ORDER if m in (methods or ()))
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = allowed
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = allowed
    return response


def register(app: Flask) -> None:
    """Open the public APIs of ``app`` to cross-origin reads."""

    @app.before_request
    def answer_preflight() -> Response | None:
        if request.method == "OPTIONS" and _is_open():
            return preflight()
        return None

    @app.after_request
    def allow_any_origin(response: Response) -> Response:
        if _is_open():
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response


__all__ = ["EXPOSED_HEADERS", "OPEN_BLUEPRINTS", "preflight", "register"]
