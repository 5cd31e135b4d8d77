"""The annotation editor's web app: ``histgraph edit`` only, never the public server.

:func:`create_editor_app` makes a Flask app of its own (the public
:func:`histgraph.web.create_app` registers none of these routes; a test checks
it). Its work on the files is the backend's (:class:`EditorBackend`, given by
the CLI: :class:`histgraph.editing.session.EditSession`), so this layer stays
thin and never reaches the build.

Every request needs the token ``histgraph edit`` printed: the first visit
carries it in the URL (``?token=…``), which sets a cookie (HttpOnly,
SameSite=Strict) and redirects to the same page without it. Tokens are
compared in constant time. Requests must name the loopback host (a page on
another site cannot reach the editor through DNS rebinding), and changes are
POSTed as JSON (which a form on another site cannot send).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, abort, jsonify, redirect, render_template, request

from histgraph.errors import HistgraphError

COOKIE = "histgraph_editor"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "[::1]"})
WEB = Path(__file__).resolve().parents[1]


class EditorBackend(Protocol):
    """What the editor does with the files (:class:`histgraph.editing.session.EditSession`)."""

    def documents(self) -> list[str]: ...

    def view(self, document: str) -> dict[str, Any]: ...

    def search(self, query: str, kinds: set[str] | None = None, limit: int = 12) -> list[dict[str, Any]]: ...

    def save(self, document: str, version: str, changes: dict[str, Any], reviewer: str = "") -> dict[str, Any]: ...

    def undo(self, document: str, version: str) -> dict[str, Any]: ...


def create_editor_app(backend: EditorBackend, token: str, *, max_request_bytes: int = 2_000_000) -> Flask:
    """The editor app over ``backend``; every request must carry ``token`` (see the module docstring)."""
    if len(token) < 16:
        raise ValueError("the editor's token must be a long random string (secrets.token_urlsafe)")
    app = Flask(__name__, template_folder=str(WEB / "templates"), static_folder=str(WEB / "static"))
    app.config.update(MAX_CONTENT_LENGTH=max_request_bytes, JSON_SORT_KEYS=False, PROPAGATE_EXCEPTIONS=False)
    app.extensions["histgraph_editor"] = backend

    @app.before_request
    def guard() -> Any:
        if request.host.rpartition(":")[0] not in LOOPBACK and request.host not in LOOPBACK:
            return _error(403, "the editor answers only on 127.0.0.1: open the URL `histgraph edit` printed")
        given = request.args.get("token")
        if given is not None:
            if not hmac.compare_digest(given.encode(), token.encode()):
                return _error(403, "this token is not the editor's: open the URL `histgraph edit` printed")
            others = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
            target = request.path + ("?" + urlencode(others) if others else "")
            answer = redirect(target, code=303)
            answer.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
            return answer
        if not hmac.compare_digest(request.cookies.get(COOKIE, "").encode(), token.encode()):
            return _error(403, "the editor needs the token `histgraph edit` printed: open the URL it printed")
        if request.method == "POST" and not request.is_json:
            return _error(415, "send changes as JSON (Content-Type: application/json), as the editor's page does")
        return None

    app.register_blueprint(blueprint)
    app.register_error_handler(HistgraphError, _refused)
    for code in (400, 404, 405, 413):
        app.register_error_handler(code, lambda e: _error(e.code or 400, e.description))
    return app


blueprint = Blueprint("curation", __name__)


def _backend() -> EditorBackend:
    from flask import current_app

    backend: EditorBackend = current_app.extensions["histgraph_editor"]
    return backend


def _error(status: int, message: str) -> Response:
    if request.accept_mimetypes.best == "text/html" or "text/html" in request.headers.get("Accept", ""):
        page = render_template("edit-error.html", message=message, status=status)
        return Response(page, status=status, mimetype="text/html")
    answer = jsonify(error=message)
    answer.status_code = status
    return answer


def _refused(error: HistgraphError) -> Response:
    return _error(int(getattr(error, "http_status", 400)), str(error))


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "the body must be a JSON object")
    return body


@blueprint.get("/")
def index() -> Any:
    documents = _backend().documents()
    if len(documents) == 1:
        return redirect(f"/document/{documents[0]}", code=303)
    return render_template("edit-index.html", documents=documents)


@blueprint.get("/document/<document>")
def document_page(document: str) -> str:
    _backend().view(document)  # an unknown document is a 400 with what to do, before any page
    return render_template("edit-document.html", document=document)


@blueprint.get("/api/document/<document>")
def document_data(document: str) -> Response:
    return jsonify(_backend().view(document))


@blueprint.get("/api/entities")
def entities() -> Response:
    query = request.args.get("q", "")[:200]
    kinds = {k for k in request.args.getlist("kind") if k.isalpha()} or None
    return jsonify(results=_backend().search(query, kinds))


@blueprint.post("/api/document/<document>/save")
def save(document: str) -> Response:
    body = _body()
    changes = body.get("changes")
    if not isinstance(changes, dict):
        abort(400, "send the changes as {\"version\": …, \"changes\": {…}}")
    return jsonify(_backend().save(document, str(body.get("version", "")), changes, str(body.get("reviewer") or "")))


@blueprint.post("/api/document/<document>/undo")
def undo(document: str) -> Response:
    return jsonify(_backend().undo(document, str(_body().get("version", ""))))


def check_loopback(host: str) -> str:
    """``host`` when it is this machine's loopback address; the editor refuses every other."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise HistgraphError(f"the editor runs on 127.0.0.1 only, not {host!r}: it writes the project's files "
                             "and must never be reachable from another machine; leave --host out")
    return host


def serve_editor(app: Flask, host: str, port: int, first_page: str, token: str,
                 announce: Callable[[str], None]) -> None:
    """Serve the editor on ``host:port`` until interrupted, after announcing its URL with the token.

    One werkzeug server thread per request; saves take the backend's lock in turn.
    """
    from werkzeug.serving import make_server

    server = make_server(check_loopback(host), port, app, threaded=True)
    shown = f"[{host}]" if ":" in host else host
    announce(f"histgraph edit: open http://{shown}:{server.server_port}{first_page}?token={token}")
    announce("Only this machine can reach it, and only with the token. Ctrl+C stops the editor.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        announce("editor stopped")
    finally:
        server.server_close()
