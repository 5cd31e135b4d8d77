"""Search by name, and the JSON API behind the search box's autocomplete."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from ..entity import local_href
from .page_data import base_iri, names

blueprint = Blueprint("search", __name__)

MAX_QUERY = 200


def _matches(limit: int) -> tuple[str, list[dict]]:
    query = (request.args.get("q") or "")[:MAX_QUERY]
    found = names().search(query, limit=limit)
    return query, [
        {"iri": m.iri, "label": m.label, "kind": m.kind, "matched": m.matched,
         "href": local_href(m.iri, base_iri())}
        for m in found
    ]


@blueprint.route("/search")
def index():  # type: ignore[no-untyped-def]
    """Search results for ``?q=`` (names as written in the text and their variants)."""
    query, results = _matches(limit=100)
    return render_template("search.html", query=query, results=results)


@blueprint.route("/api/labels")
def labels_api():  # type: ignore[no-untyped-def]
    """Autocomplete: ``{"query": …, "results": [{iri, label, kind, matched, href}]}``."""
    limit = min(max(request.args.get("limit", 10, type=int) or 10, 1), 50)
    query, results = _matches(limit=limit)
    return jsonify({"query": query, "results": results})
