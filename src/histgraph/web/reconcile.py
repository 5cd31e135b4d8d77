"""``/reconcile``: a W3C Reconciliation Service (API 0.2) over the project's entities.

Thin over :mod:`histgraph.present.reconcile`: the manifest (``GET /reconcile``), batch
queries (``queries=`` by GET or POST), a preview snippet for OpenRefine's
pop-up, and suggest services for entities, types and properties. OpenRefine
runs on another origin, so every answer allows cross-origin reads; a JSONP
``callback`` is honoured on GET for older clients.

A batch costs its client one unit of the request budget per query (see
:mod:`histgraph.web.work_budget`), and the index it is matched against is read
through the time-limited executor (:mod:`histgraph.web.timed_store`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, abort, render_template_string, request

from histgraph.present import reconcile as service
from histgraph.present.reconcile_input import ReconcileRefused, read_batch
from histgraph.web.client_input import whole_number
from histgraph.web.context import get_context
from histgraph.web.timed_store import cached_index
from histgraph.web.work_budget import charge

blueprint = Blueprint("reconcile", __name__, url_prefix="/reconcile")

_CALLBACK = re.compile(r"^[A-Za-z_$][0-9A-Za-z_$.]{0,63}$")
#: The preview sits in an iframe on OpenRefine's page (another origin), so it
#: may be framed, but runs no script and loads nothing.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *; base-uri 'none'"
PREVIEW = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ entry.name }}</title>
<style>body{font:14px/1.4 sans-serif;margin:6px}h1{font-size:16px;margin:0 0 4px}
p{margin:2px 0}.kind{color:#555}</style></head>
<body>
<h1>{{ entry.name }}</h1>
<p class="kind">{{ types }} · <a href="{{ view }}" target="_blank" rel="noopener">{{ entry.id }}</a></p>
{% if names %}<p>Also: {% for n in names %}{{ n }}{% if not loop.last %}; {% endif %}{% endfor %}</p>{% endif %}
{% if entry.comment %}<p>{{ entry.comment }}</p>{% endif %}
</body></html>
"""


def _index() -> service.Index:
    base = get_context().settings.base_iri
    return cached_index("reconcile-index", lambda store: service.build_index(store, base))


def _json(data: Any, status: int = 200) -> Response:
    """``data`` as JSON, or as JSONP when a GET names a ``callback``."""
    callback = request.args.get("callback") if request.method == "GET" else None
    if callback and not _CALLBACK.match(callback):
        data, status, callback = (
            {"status": "error", "message": "callback must be a JavaScript identifier"},
            400,
            None,
        )
    body = json.dumps(data, ensure_ascii=False)
    if callback:
        return Response(f"/**/{callback}({body});", status, mimetype="application/javascript")
    return Response(body, status, mimetype="application/json")


@blueprint.route("", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """The manifest, or the answers to ``queries`` (a JSON object of named queries)."""
    raw = request.values.get("queries")
    if raw is None:
        return _json(service.manifest(get_context().settings.base_iri, request.host_url))
    limit = get_context().settings.max_request_bytes
    if len(raw) > limit:
        return _error(f"queries is longer than the limit of {limit} characters; send smaller batches", 413)
    try:
        queries = read_batch(raw)
    except ReconcileRefused as exc:
        return _error(str(exc), exc.status)
    # The request itself paid for one query (work_budget); the rest of the batch pays here.
    charge(len(queries) - 1, "reconciliation queries")
    return _json(service.batch(_index(), queries))


def _error(message: str, status: int) -> Response:
    return _json({"status": "error", "message": message}, status)


@blueprint.route("/preview")
def preview() -> Response:
    """A small HTML card for one entity, for OpenRefine's preview pop-up."""
    entry = _index().entries.get(request.args.get("id", ""))
    if entry is None:
        abort(404)
    names = sorted({n for n, _lang, _s in entry.names if n != entry.name})[:8]
    html = render_template_string(
        PREVIEW,
        entry=entry,
        names=names,
        types=", ".join(t["name"] for t in entry.type_list()),
        view=f"{request.host_url}id/{entry.id}",
    )
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    return response


def _prefix() -> str:
    return request.args.get("prefix", "")


@blueprint.route("/suggest/entity")
def suggest_entity() -> Response:
    """Entities whose names start with ``prefix`` (optionally of ``type``), from ``cursor`` on."""
    cursor = whole_number("cursor", 0, low=0)
    return _json(
        {"result": service.suggest_entities(_index(), _prefix(), request.args.get("type"), cursor=cursor)}
    )


@blueprint.route("/suggest/type")
def suggest_type() -> Response:
    """Types whose names start with ``prefix``."""
    return _json({"result": service.suggest_types(_prefix())})


@blueprint.route("/suggest/property")
def suggest_property() -> Response:
    """Properties a query may use, whose names start with ``prefix``."""
    return _json({"result": service.suggest_properties(_prefix())})
