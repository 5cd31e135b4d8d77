"""Search by name, and the JSON API behind the search box's autocomplete.

Each request is charged to its client's budget (:mod:`histgraph.web.work_budget`);
the name index is read through the time-limited executor
(:mod:`histgraph.web.timed_store`); only the first :data:`MAX_QUERY`
characters of a query count, and matching them is linear in the index.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from histgraph.present.label_search import NameIndex
from histgraph.present.labels import LabelIndex
from histgraph.present.site_paths import local_href
from histgraph.web.context import get_context
from histgraph.web.page_data import base_iri
from histgraph.web.timed_store import cached_index

blueprint = Blueprint("search", __name__)

MAX_QUERY = 200


def names() -> NameIndex:
    """The name index of the build being served, read within the time limit (once per build).

    "labels" is the key :func:`histgraph.web.page_data.labels` keeps the label
    index under: whichever reads it first, pages or search, the other reuses it.
    """
    base = get_context().settings.base_iri
    labels = cached_index("labels", LabelIndex.load)
    return cached_index("names", lambda store: NameIndex.load(store, labels, base))


def _matches(limit: int) -> tuple[str, list[dict]]:
    query = (request.args.get("q") or "")[:MAX_QUERY]
    found = names().search(query, limit=limit)
    return query, [
        {"iri": m.iri, "label": m.label, "kind": m.kind, "matched": m.matched,
         "href": local_href(m.iri, base_iri())}
        for m in found
    ]


@blueprint.route("/search")
def index() -> str:
    """Search results for ``?q=`` (names as written in the text and their variants)."""
    query, results = _matches(limit=100)
    return render_template("search.html", query=query, results=results)


@blueprint.route("/api/labels")
def labels_api() -> Response:
    """Autocomplete: ``{"query": …, "results": [{iri, label, kind, matched, href}]}``."""
    limit = min(max(request.args.get("limit", 10, type=int) or 10, 1), 50)
    query, results = _matches(limit=limit)
    return jsonify({"query": query, "results": results})
