"""Named queries as an API: ``/queries``, ``/queries/NAME?param=value``, an OpenAPI document.

Each file in ``queries/`` is an operation. Parameter values are validated for
their declared type and bound with a ``VALUES`` row (never pasted into the
text); the query then goes through the same checks, query processes, limits and
formats as ``/sparql`` (:func:`histgraph.web.sparql.answer`). ``format`` is
reserved for choosing the answer's format from a link.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue

from histgraph import __version__
from histgraph.endpoint.formats import GRAPH, RESULTS, formats_for
from histgraph.endpoint.named_queries import NamedQuery, get_query
from histgraph.errors import QueryError, quoted
from histgraph.store import bind_values
from histgraph.web.context import get_context
from histgraph.web.negotiation import wants_html
from histgraph.web.sparql import answer, check

blueprint = Blueprint("queries_api", __name__)

#: JSON Schema for each declared parameter type.
PARAM_SCHEMAS: dict[str, dict[str, object]] = {
    "iri": {"type": "string", "format": "iri"},
    "string": {"type": "string", "maxLength": 1000},
    "integer": {"type": "integer"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "language": {"type": "string", "pattern": "^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$"},
}


def _kinds(query: NamedQuery) -> str:
    return RESULTS if query.kind in {"SELECT", "ASK"} else GRAPH


def describe(query: NamedQuery) -> dict[str, object]:
    """A named query as the JSON listing shows it."""
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "kind": query.kind,
        "tags": list(query.tags),
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "default": p.default,
                "description": p.description,
            }
            for p in query.params
        ],
        "url": url_for("queries_api.run", name=query.name, _external=True),
        "formats": [f.name for f in formats_for(_kinds(query))],
    }


@blueprint.route("/queries")
def index() -> ResponseReturnValue:
    """Every named query with its summary and parameters (HTML to browsers, else JSON)."""
    queries = list(get_context().queries.values())
    if wants_html():
        return render_template("queries.html", queries=queries)
    return jsonify(
        {
            "queries": [describe(q) for q in queries],
            "openapi": url_for("queries_api.openapi", _external=True),
        }
    )


@blueprint.route("/queries/<name>", methods=["GET", "HEAD", "OPTIONS"])
def run(name: str) -> Response:
    """Run the named query NAME with the request's parameters, answered like /sparql."""
    try:
        query = get_query(get_context().queries, name)
    except QueryError as exc:
        abort(404, description=str(exc))
    repeated = sorted(key for key, given in request.args.lists() if len(given) > 1)
    if repeated:
        # Binding one of several values silently would answer a question nobody asked.
        abort(400, description=f"give each parameter once; {quoted(', '.join(repeated))} came more than once")
    values = {key: value for key, value in request.args.items() if key != "format"}
    try:
        bound = bind_values(query.text, query.bindings(values))
    except QueryError as exc:
        abort(400, description=str(exc))
    return answer(check(bound))


@blueprint.route("/queries/openapi.json")
def openapi() -> Response:
    """An OpenAPI 3.1 document describing every named query as a GET operation."""
    paths = {}
    for query in get_context().queries.values():
        formats = formats_for(_kinds(query))
        parameters = [
            {
                "name": p.name,
                "in": "query",
                "required": p.required,
                "description": p.description or f"a value of type {p.type}",
                "schema": dict(PARAM_SCHEMAS[p.type], **({"default": p.default} if p.default else {})),
            }
            for p in query.params
        ]
        parameters.append(
            {
                "name": "format",
                "in": "query",
                "required": False,
                "description": "the answer's format, instead of the Accept header",
                "schema": {"type": "string", "enum": [f.name for f in formats]},
            }
        )
        paths[f"/queries/{query.name}"] = {
            "get": {
                "operationId": query.name.replace("-", "_"),
                "summary": query.summary,
                "description": query.description or query.summary,
                "tags": list(query.tags),
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": f"the {query.kind} answer",
                        "content": {f.media_type: {} for f in formats},
                    },
                    "400": {"description": "a parameter value is invalid"},
                    "406": {"description": "no acceptable format"},
                    "503": {"description": "the query ran past the time limit"},
                },
            }
        }
    return jsonify(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "histgraph named queries",
                "version": __version__,
                "description": "Each operation runs one file of queries/ with validated, bound parameters.",
            },
            "servers": [{"url": request.host_url.rstrip("/")}],
            "paths": paths,
        }
    )
