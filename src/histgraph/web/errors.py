"""Error pages: helpful HTML to browsers, short JSON to programs, never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


def wants_html() -> bool:
    """True when the client prefers HTML over JSON and RDF (a browser)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > 0


def _page(code: int, title: str, message: str):  # type: ignore[no-untyped-def]
    if wants_html():
        return render_template("error.html", code=code, title=title, message=message), code
    response = jsonify({"error": title, "message": message, "status": code})
    response.status_code = code
    return response


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        response = _page(exc.code or 500, exc.name, exc.description or "")
        if isinstance(response, tuple):
            body, code = response
            from flask import make_response

            response = make_response(body, code)
        for header in ("Allow", "Retry-After"):
            if exc.get_response().headers.get(header):
                response.headers[header] = exc.get_response().headers[header]
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error on %s", request.path)
        return _page(500, "Internal Server Error", "Something went wrong on our side; it has been logged.")
