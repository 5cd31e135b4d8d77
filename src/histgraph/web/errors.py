"""Error pages: helpful HTML to browsers, short JSON to programs, never a stack trace."""

from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from histgraph.endpoint.answers import BackendFailed, QueryTimeout
from histgraph.endpoint.lanes import PoolBusy
from histgraph.web.negotiation import wants_html


def _page(code: int, title: str, message: str) -> ResponseReturnValue:
    if wants_html():
        return render_template("error.html", code=code, title=title, message=message), code
    response = jsonify({"error": title, "message": message, "status": code})
    response.status_code = code
    return response


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        original = exc.get_response().headers
        message = exc.description or ""
        if isinstance(exc, NotFound) and message == NotFound.description:
            message = ("There is nothing at this address. The home page leads to every list, page and "
                       "download; browse or search for what you are looking for.")
        if exc.code == 405 and original.get("Allow") and message == MethodNotAllowed.description:
            # werkzeug's sentence does not say which methods would do.
            message = f"This URL does not answer {request.method}; it answers {original['Allow']}."
        response = make_response(_page(exc.code or 500, exc.name, message))
        for header in ("Allow", "Retry-After"):
            if original.get(header):
                response.headers[header] = original[header]
        return response

    @app.errorhandler(QueryTimeout)
    def out_of_time(exc: QueryTimeout) -> Response:
        # A page's read ran past the time limit (or found every query process busy).
        busy = isinstance(exc, PoolBusy)
        message = (
            "the server is busy; try again in a few seconds" if busy
            else "making this page took longer than the time limit; try again shortly, or use /dumps"
        )
        response = make_response(_page(503, "Service Unavailable", message))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(BackendFailed)
    def engine_failed(exc: BackendFailed) -> ResponseReturnValue:
        app.logger.warning("histgraph: a page's read failed: %s", exc)
        return _page(502, "Bad Gateway", str(exc))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled error on %s", request.path)
        return _page(500, "Internal Server Error", "Something went wrong on our side; it has been logged.")
