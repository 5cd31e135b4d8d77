"""The query editor: YASGUI, served locally, pointed at ``/sparql``.

``/editor`` (endpoint ``editor.index``) is the page; ``/sparql`` shows the same
page to a browser that sends no query. The page has no inline script (the CSP
allows only this site's files): ``static/editor.js`` reads
``/editor/config.json`` for the endpoint, the project's prefixes and the named
queries, which it offers as examples. It shows results with labels: for the
IRIs of an answer it asks ``/editor/labels`` (:func:`labels`), which answers
from the build's label index, so no query text is made from them.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from histgraph.endpoint.named_queries import NamedQuery
from histgraph.present.labels import LabelIndex
from histgraph.present.site_paths import local_href
from histgraph.store import bind_values
from histgraph.vocab import PREFIXES
from histgraph.web.context import get_context
from histgraph.web.page_data import labels as label_index

blueprint = Blueprint("editor", __name__)

#: The prefixes written at the top of a new query (the most used ones).
STARTER_PREFIXES = ("hg", "crm", "rico", "pplan", "rdfs", "xsd")


def starter_query() -> str:
    """The query a new tab opens with: common prefixes and a small, useful SELECT."""
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in STARTER_PREFIXES if p in PREFIXES]
    lines += [
        "",
        "# Every class used in the data, with how many things belong to it.",
        "SELECT ?class (COUNT(?thing) AS ?things) WHERE {",
        "  ?thing a ?class .",
        "} GROUP BY ?class ORDER BY DESC(?things)",
        "LIMIT 50",
    ]
    return "\n".join(lines) + "\n"


def example_text(query: NamedQuery) -> str:
    """A named query as an editor example: its parameters' defaults bound, so it runs as is."""
    defaults = {p.name: p.bind(p.default) for p in query.params if p.default is not None}
    return bind_values(query.text, defaults)


@blueprint.route("/editor")
def index() -> str:
    """The YASGUI query editor, with the named queries listed as examples."""
    context = get_context()
    return render_template("editor.html", queries=list(context.queries.values()), settings=context.settings)


@blueprint.route("/editor/config.json")
def config() -> Response:
    """What editor.js needs: the endpoint, the prefixes, the starter and named queries."""
    context = get_context()
    response = jsonify(
        {
            "endpoint": url_for("sparql.endpoint", _external=True),
            "prefixes": PREFIXES,
            "starter": starter_query(),
            "queries": [
                {"name": q.name, "summary": q.summary, "text": example_text(q)}
                for q in context.queries.values()
            ],
        }
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


#: At most this many IRIs are labelled per request (an answer's page of results is far fewer).
MAX_LABELS = 5000


def labelled(iris: list[str], index: LabelIndex, base_iri: str) -> dict[str, dict[str, str | None]]:
    """Each IRI's label (None when the data has none) and where a page links it (None: no link)."""
    return {
        iri: {"label": index.label(iri) if index.has_label(iri) else None, "href": local_href(iri, base_iri)}
        for iri in dict.fromkeys(iris)
    }


@blueprint.route("/editor/labels", methods=["GET", "POST"])
def labels() -> Response:
    """IRIs -> ``{"labels": {iri: {"label", "href"}}}``: how the editor shows result IRIs.

    POST a JSON body ``{"iris": [...]}`` (the editor does: an answer has many), or
    GET ``?iri=…&iri=…`` for a few.
    """
    if request.method != "POST":  # GET, and HEAD as GET
        iris: object = request.args.getlist("iri")
    else:
        body = request.get_json(silent=True)
        iris = body.get("iris") if isinstance(body, dict) else None
    if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
        abort(400, description='send JSON {"iris": ["https://…", …]}: a list of IRIs as strings (or GET ?iri=…&iri=…)')
    if len(iris) > MAX_LABELS:
        abort(400, description=f"at most {MAX_LABELS} IRIs per request; send them in parts")
    context = get_context()
    return jsonify({"labels": labelled(iris, label_index(), context.settings.base_iri)})
