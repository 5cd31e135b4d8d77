"""Search by name and in the documents' text, and the JSON API behind the search box.

Names include the variant spellings kept with their sources ("Chou En-lai",
"Peking"); text matches are passages with a little context, each linking into
its document at the passage. Each request is charged to its client's budget (:mod:`histgraph.web.work_budget`);
the name and text indexes are read through the time-limited executor
(:mod:`histgraph.web.timed_store`); only the first :data:`MAX_QUERY`
characters of a query count; matching names is linear in the name index,
matching text grows with the occurrences of the query's rarest word.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from histgraph.present.label_search import NameIndex
from histgraph.present.labels import LabelIndex
from histgraph.present.page_summaries import TEXTS
from histgraph.present.site_paths import local_href, site_path
from histgraph.present.text_search import TextIndex
from histgraph.store.layout import read_page_file
from histgraph.web.context import get_context
from histgraph.web.page_data import base_iri, build_folder, built_labels, built_names
from histgraph.web.timed_store import TimedStore, cached_index

blueprint = Blueprint("search", __name__)

MAX_QUERY = 200
#: Passages shown for a text search (the first ones in document order).
MAX_PASSAGES = 50


def names() -> NameIndex:
    """The name index of the build being served, read within the time limit (once per build).

    "labels" is the key :func:`histgraph.web.page_data.labels` keeps the label
    index under: whichever reads it first, pages or search, the other reuses it.
    """
    base = get_context().settings.base_iri
    labels = cached_index("labels", lambda store: built_labels() or LabelIndex.load(store))
    return cached_index("names", lambda store: built_names(labels) or NameIndex.load(store, labels, base))


def texts() -> TextIndex:
    """The word index of every document's text in the build being served (once per build)."""
    base = get_context().settings.base_iri

    def make(store: TimedStore) -> TextIndex:
        rows = read_page_file(build_folder(), TEXTS)  # the build's, else read from the store
        return TextIndex.load(store, base) if rows is None else TextIndex.from_texts(map(tuple, rows))

    return cached_index("texts", make)


def _query() -> str:
    return (request.args.get("q") or "")[:MAX_QUERY]


def _matches(limit: int) -> tuple[str, list[dict]]:
    query = _query()
    found = names().search(query, limit=limit)
    index = names().labels
    return query, [
        {"iri": m.iri, "label": m.label, "kind": m.kind, "matched": m.matched,
         "href": local_href(m.iri, base_iri()),
         "sources": [{"iri": s, "label": index.label(s), "href": local_href(s, base_iri())} for s in m.sources]}
        for m in found
    ]


def _passages(query: str) -> list[dict[str, Any]]:
    """Passages of the documents' text holding ``query``, each with a link to its place in the document."""
    index = names().labels
    found = []
    for p in texts().search(query, limit=MAX_PASSAGES):
        page = site_path(p.document, base_iri())
        found.append({
            "document": p.document, "document_label": index.label(p.document), "text": p.text,
            "language": p.language, "start": p.start, "end": p.end,
            "before": p.before, "exact": p.exact, "after": p.after,
            # The document page marks ?hl= and scrolls to the anchor at its start.
            "href": f"{page}?hl={p.start}-{p.end}#t{p.start}" if page else None,
        })
    return found


@blueprint.route("/search")
def index() -> str:
    """Search results for ``?q=``: names (as written and their sourced variants), then passages of the texts."""
    query, results = _matches(limit=100)
    return render_template("search.html", query=query, results=results, passages=_passages(query) if query else [],
                           max_passages=MAX_PASSAGES)


@blueprint.route("/api/search")
def search_api() -> Response:
    """``{"query", "names": [{iri, label, kind, matched, href, sources}], "passages": [{document, start, end,
    before, exact, after, href, …}]}`` for ``?q=``."""
    query, results = _matches(limit=100)
    return jsonify({"query": query, "names": results, "passages": _passages(query) if query else []})


@blueprint.route("/api/labels")
def labels_api() -> Response:
    """Autocomplete: ``{"query": …, "results": [{iri, label, kind, matched, href}]}``."""
    limit = min(max(request.args.get("limit", 10, type=int) or 10, 1), 50)
    query, results = _matches(limit=limit)
    return jsonify({"query": query, "results": results})
