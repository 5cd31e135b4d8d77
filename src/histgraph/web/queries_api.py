"""Named queries as an API: ``/queries``, ``/queries/NAME?param=value``, an OpenAPI document.

Each file in ``queries/`` is an operation. Parameter values are validated for
their declared type and bound with a ``VALUES`` row (never pasted into the
text); the query then goes through the same checks, query processes, limits and
formats as ``/sparql`` (:func:`histgraph.web.sparql.answer`). ``format`` is
reserved for choosing the answer's format from a link.

A SELECT query answers one page of its rows: ``limit`` (default 100, at most
10,000) and ``offset`` (default 0). The total number of rows is in the
``X-Total-Count`` header, and ``Link`` headers (RFC 8288) give the ``first``,
``last``, ``prev`` and ``next`` pages, so a client follows ``next`` to the
last row.

A page of a whole list (no parameter bound) is read from the answer the build
stored, not computed, and its total is the build's count
(:mod:`histgraph.endpoint.stored_answers`): the first and the last page of a list
of 10,000 documents cost a file read. It is negotiated, cached and answered
like /sparql's (:func:`histgraph.web.sparql.answer_rows`).
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue

from histgraph import __version__
from histgraph.endpoint.formats import GRAPH, RESULTS, formats_for
from histgraph.endpoint.named_queries import (
    DEFAULT_PAGE_SIZE,
    MAX_OFFSET,
    MAX_PAGE_SIZE,
    RESERVED_PARAMS,
    NamedQuery,
    Page,
    count_text,
    get_query,
    page_text,
)
from histgraph.endpoint.stored_answers import fingerprint as stored_fingerprint
from histgraph.endpoint.stored_answers import stored_page
from histgraph.errors import QueryError, quoted
from histgraph.store import UNVERSIONED, bind_values
from histgraph.web.context import get_context
from histgraph.web.negotiation import wants_html
from histgraph.web.sparql import answer, answer_rows, check

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


#: The headers a page of a SELECT answer carries, as OpenAPI describes response headers.
PAGING_HEADERS: dict[str, object] = {
    "X-Total-Count": {"description": "how many rows the whole query has", "schema": {"type": "integer"}},
    "Link": {
        "description": 'the first, prev, next and last pages (RFC 8288), e.g. <…?limit=100&offset=100>; rel="next"',
        "schema": {"type": "string"},
    },
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
    values = {key: value for key, value in request.args.items() if key not in RESERVED_PARAMS}
    try:
        bindings = query.bindings(values)
        bound = bind_values(query.text, bindings)
        page = Page.parse(request.args.get("limit"), request.args.get("offset"))
    except QueryError as exc:
        abort(400, description=str(exc))
    if query.kind != "SELECT":
        if "limit" in request.args or "offset" in request.args:
            abort(400, description=f"{name} is a {query.kind} query: limit and offset page SELECT queries only")
        return answer(check(bound))
    stored = None if bindings else stored_page(get_context().folder, query, page)
    if stored is not None:
        key = f"named-query\0{name}\0{stored_fingerprint(query)}\0{page.limit}\0{page.offset}"
        response = answer_rows(stored.variables, stored.native_rows(), key)
    else:
        response = answer(check(page_text(bound, page)))
    if response.status_code in {200, 304}:
        _add_paging_headers(response, name, page, stored.total if stored is not None else _total(bound))
    return response


def _total(bound: str) -> int:
    """How many rows the whole query has: counted by the store pages read through (same time limit).

    Kept per version of the data, so that following "next" counts once; a remote store
    nobody marked may change unseen, so its totals are counted every time.
    """
    context, text = get_context(), count_text(bound)

    def count() -> int:
        counted = context.store.select(text)
        return int(str(counted.rows[0]["total"])) if counted.rows else 0

    if context.store.version == UNVERSIONED:
        return count()
    return context.cached("named-query-total:" + hashlib.sha256(text.encode("utf-8")).hexdigest(), count)


def _add_paging_headers(response: Response, name: str, page: Page, total: int) -> None:
    """``X-Total-Count`` and RFC 8288 ``Link`` headers to the first, previous, next and last pages."""
    response.headers["X-Total-Count"] = str(total)
    kept = {key: value for key, value in request.args.items() if key not in {"limit", "offset"}}
    links = {"first": Page(page.limit, 0), "last": page.last(total), "prev": page.previous(), "next": page.next(total)}
    for relation, target in links.items():
        if target is not None:
            url = url_for("queries_api.run", name=name, _external=True, **kept, limit=target.limit, offset=target.offset)
            response.headers.add("Link", f'<{url}>; rel="{relation}"')


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
        if query.kind == "SELECT":
            parameters += [
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "description": "rows per page",
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
                },
                {
                    "name": "offset",
                    "in": "query",
                    "required": False,
                    "description": "rows to skip before the page",
                    "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
                },
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
                        "description": f"the {query.kind} answer"
                        + (", one page of its rows" if query.kind == "SELECT" else ""),
                        "content": {f.media_type: {} for f in formats},
                        **({"headers": PAGING_HEADERS} if query.kind == "SELECT" else {}),
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
