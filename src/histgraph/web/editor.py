"""The query editor: YASGUI, served locally, pointed at ``/sparql``.

``/editor`` (endpoint ``editor.index``) is the page; ``/sparql`` shows the same
page to a browser that sends no query. The page has no inline script (the CSP
allows only this site's files): ``static/editor.js`` reads
``/editor/config.json`` for the endpoint, the project's prefixes and the named
queries, which it offers as examples.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, url_for

from histgraph.endpoint.named_queries import NamedQuery
from histgraph.store import bind_values
from histgraph.vocab import PREFIXES
from histgraph.web.context import get_context

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
