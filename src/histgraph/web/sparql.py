"""``/sparql``: the SPARQL 1.1 Protocol endpoint, read-only and time-limited.

The handler parses the protocol request, runs :func:`histgraph.endpoint.safety.check_query`,
and hands a :class:`~histgraph.endpoint.answers.QueryJob` to the app's executor: a
:class:`~histgraph.endpoint.isolation.QueryPool` for the embedded store, or the
:class:`~histgraph.store.RemoteStore` itself. Browsers asking for ``/sparql``
with no query get the query editor; programs get the Service Description.
:func:`answer` is shared with the named-query API so both answer alike.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from urllib.parse import urljoin

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from rdflib import BNode, Graph, URIRef
from werkzeug.exceptions import (
    MethodNotAllowed,
    RequestEntityTooLarge,
    ServiceUnavailable,
    TooManyRequests,
)

from histgraph.bounded_cache import BoundedCache
from histgraph.config import Settings
from histgraph.endpoint.admission import (
    AdmissionRefused,
)
from histgraph.endpoint.answers import (
    Answer,
    BackendFailed,
    QueryJob,
    QueryTimeout,
    Row,
    answer_cache,
    write_select,
)
from histgraph.endpoint.formats import (
    GRAPH,
    RESULTS,
    Format,
    by_name,
    formats_for,
    media_types,
)
from histgraph.endpoint.isolation import (
    SandboxUnavailable,
)
from histgraph.endpoint.policy import Executor, Gate, make_executors, run_checked
from histgraph.endpoint.safety import CheckedQuery, QueryRejected, check_query
from histgraph.store import UNVERSIONED
from histgraph.vocab import FORMATS, RDF, SD
from histgraph.web.context import HistgraphContext, get_context
from histgraph.web.negotiation import negotiate, wants_html

blueprint = Blueprint("sparql", __name__)

READ_METHODS = ["GET", "HEAD", "POST", "OPTIONS"]


@blueprint.record_once
def _make_executor(state: BlueprintSetupState) -> None:
    """One executor per app; query processes start lazily in each web worker."""
    context: HistgraphContext = state.app.extensions["histgraph"]
    executor, checker, pages_store = make_executors(context.settings, context.store)
    # Pages read through the same processes: time-limited, and never blocking the worker.
    context.store = pages_store
    state.app.extensions["histgraph.executor"] = executor
    state.app.extensions["histgraph.checker"] = checker
    state.app.extensions["histgraph.answers"] = answer_cache(context.settings.answer_cache_bytes)
    state.app.extensions["histgraph.gate"] = Gate.create(context.settings, state.app)


def get_executor() -> Executor:
    """The executor of the app handling the current request."""
    return current_app.extensions["histgraph.executor"]


def _refuse_update() -> None:
    raise MethodNotAllowed(
        valid_methods=READ_METHODS,
        description="SPARQL Update (and LOAD) is refused on this endpoint: it is read-only "
        "by design. Build the data with `histgraph build`; see docs/sparql.md.",
    )


def _read_request(max_bytes: int) -> tuple[str | None, list[str], list[str]]:
    """The query text and the protocol's graph lists, whichever way they were sent."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise RequestEntityTooLarge(
            f"the request is larger than the limit of {max_bytes} bytes (setting max_request_bytes)"
        )
    params = request.args
    if "update" in params:
        _refuse_update()
    queries = params.getlist("query")
    if request.method == "POST":
        media = request.mimetype
        if media == "application/x-www-form-urlencoded":
            params = request.form
            if "update" in params:
                _refuse_update()
            queries = params.getlist("query")
        elif media == "application/sparql-query":
            queries = [request.get_data(as_text=True)]
        elif media == "application/sparql-update":
            _refuse_update()
        else:
            abort(
                415,
                description=f"a SPARQL query is POSTed as application/x-www-form-urlencoded "
                f"(query=…) or application/sparql-query, not {media or 'an untyped body'}",
            )
    if len(queries) > 1:
        abort(400, description="give exactly one query parameter")
    defaults = params.getlist("default-graph-uri") or request.args.getlist("default-graph-uri")
    named = params.getlist("named-graph-uri") or request.args.getlist("named-graph-uri")
    return (queries[0] if queries else None), defaults, named


def check(text: str) -> CheckedQuery:
    """:func:`check_query` with the app's limits; a refusal becomes its HTTP error."""
    settings = get_context().settings
    try:
        return check_query(
            text,
            max_bytes=settings.max_request_bytes,
            max_depth=settings.max_query_depth,
            federation_allowlist=settings.federation_allowlist,
            max_operators=settings.max_query_operators,
            max_path_length=settings.max_path_length,
        )
    except QueryRejected as exc:
        abort(exc.status, description=str(exc))


def choose_format(kinds: str) -> Format:
    """The format from a ``format`` parameter (for links) or else the Accept header."""
    name = request.values.get("format")
    if name is not None:  # an empty format= is a mistake to report, not "no preference"
        chosen = by_name(name, kinds)
        if chosen is None:
            offered = ", ".join(f.name for f in formats_for(kinds))
            abort(400, description=f"unknown format {name!r} for this answer; one of: {offered}")
        return chosen
    chosen = negotiate(request.accept_mimetypes, kinds)
    if chosen is None:
        abort(
            406,
            description="none of the types in your Accept header can carry this answer; "
            f"available: {', '.join(media_types(kinds))}",
        )
    return chosen


def answer(checked: CheckedQuery, defaults: Sequence[str] = (), named: Sequence[str] = ()) -> Response:
    """Run a checked query and make the response: negotiated, capped, cacheable, CORS."""
    context = get_context()
    settings = context.settings
    kind = RESULTS if checked.form in {"SELECT", "ASK"} else GRAPH
    fmt = choose_format(kind)
    if not defaults and not named and checked.has_dataset:
        # The query's own FROM clauses, sent the protocol's way: a store serving the
        # union as its default graph (as ours do) would otherwise ignore them.
        defaults, named = checked.from_graphs, checked.from_named
    base = query_base(settings)
    job = QueryJob(
        checked.text,
        checked.form,
        fmt.name,
        settings.max_rows,
        graph_iris(defaults, base, "default-graph-uri"),
        graph_iris(named, base, "named-graph-uri"),
        checked.has_dataset,
        checked.prefixes,
        base,
    )
    gate: Gate = current_app.extensions["histgraph.gate"]
    expensive = gate.expensive(checked.text)
    _charge(gate, settings, expensive)
    etag = _etag(context, job)
    if etag and request.method in {"GET", "HEAD"} and etag in request.if_none_match:
        return _with_cache_headers(Response(status=304), etag)
    cache: BoundedCache[str, Answer] = current_app.extensions["histgraph.answers"]
    result = cache.get(etag) if etag else None
    try:
        if result is None:
            result = run_checked(
                gate, settings, job, expensive, _client(), get_executor(), current_app.extensions.get("histgraph.checker")
            )
            if etag:
                cache.put(etag, result)
    except QueryRejected as exc:
        abort(exc.status, description=str(exc))
    except QueryTimeout as exc:
        raise ServiceUnavailable(description=str(exc), retry_after=5) from None
    except AdmissionRefused as exc:
        wait = max(1, math.ceil(min(settings.query_timeout, 10) / 2))
        why = f"this query has {expensive}" if expensive else (
            f"this query ran longer than {settings.fast_lane_ms} ms, or did so before"
        )
        raise ServiceUnavailable(description=f"{exc} ({why})", retry_after=wait) from None
    except SandboxUnavailable as exc:
        raise ServiceUnavailable(description=str(exc), retry_after=30) from None
    except BackendFailed as exc:
        abort(502, description=str(exc))
    response = Response(result.body, content_type=fmt.content_type)
    response.headers["X-Histgraph-Rows"] = str(result.rows)
    if result.truncated:
        response.headers["X-Histgraph-Truncated"] = "true"
    return _with_cache_headers(response, etag)


def answer_rows(variables: Sequence[str], rows: Sequence[Row], key: str) -> Response:
    """Rows already computed (a page of a named query's stored answer), negotiated and cacheable as :func:`answer`'s.

    ``key`` names the rows within the data's version (for the ETag). Nothing runs,
    so no query process is involved (the client's budget is charged as for a
    query); the bytes are written by the endpoint's own result writers, as a
    query process writes them.
    """
    context = get_context()
    fmt = choose_format(RESULTS)
    # Reading a page of a stored answer is cheap, but it is a query's answer: the client's
    # budget is charged as for one, so no route serves answers outside it.
    _charge(current_app.extensions["histgraph.gate"], context.settings, None)
    etag = None
    if context.store.version != UNVERSIONED:
        etag = hashlib.sha256(f"{context.store.version}\0{key}\0{fmt.name}".encode()).hexdigest()[:32]
        if request.method in {"GET", "HEAD"} and etag in request.if_none_match:
            return _with_cache_headers(Response(status=304), etag)
    try:
        body = write_select(variables, rows, fmt.name)
    except QueryRejected as exc:
        abort(exc.status, description=str(exc))
    response = Response(body, content_type=fmt.content_type)
    response.headers["X-Histgraph-Rows"] = str(len(rows))
    return _with_cache_headers(response, etag)


#: A request URL fit to be a base IRI: the Host header is the client's to write.
_SAFE_BASE = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?/[A-Za-z0-9._~/\-]*")


def query_base(settings: Settings) -> str:
    """What relative IRIs in a query resolve against: this endpoint's URL, if it is a plain one."""
    base = request.base_url
    return base if _SAFE_BASE.fullmatch(base) else settings.base_iri


def graph_iris(values: Sequence[str], base: str, parameter: str) -> tuple[str, ...]:
    """The protocol's graph IRIs, relative ones resolved against ``base``; 400 for one that is no IRI."""
    resolved = []
    for value in values:
        absolute = urljoin(base, value) if ":" not in value.split("/", 1)[0] else value
        try:
            ox.NamedNode(absolute)
        except ValueError:
            abort(400, description=f"{parameter}={value!r} is not an IRI; give an absolute IRI such as <{base}>")
        resolved.append(absolute)
    return tuple(resolved)


def _client() -> str:
    """Whom the budget charges: the client's address (as forwarded by trusted proxies)."""
    return request.remote_addr or "unknown"


def _charge(gate: Gate, settings: Settings, expensive: str | None) -> None:
    """Charge the client's budget for this query; 429 with Retry-After when it is spent."""
    cost = settings.expensive_query_cost if expensive else 1
    wait = gate.budget.take(_client(), cost)
    if wait:
        raise TooManyRequests(
            description=f"this client has used its query budget ({settings.client_rate:g} queries/s, "
            f"bursts of {settings.client_burst}; an expensive query costs {settings.expensive_query_cost}); "
            "wait as Retry-After says, or run heavy analyses on a copy of the data (see /dumps)",
            retry_after=max(1, math.ceil(wait)),
        )


def _etag(context: HistgraphContext, job: QueryJob) -> str | None:
    """A strong ETag for this answer of this build or publication; None when the data's version is unknown.

    A remote store's version is its publication marker (see RemoteStore.version):
    answers are then cached like pages, until the next `histgraph publish`.
    """
    if context.store.version == UNVERSIONED:
        return None
    key = repr((context.store.version, job.text, job.format, job.max_rows, job.default_graphs, job.named_graphs))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _with_cache_headers(response: Response, etag: str | None) -> Response:
    response.headers["Vary"] = "Accept"
    if etag:
        response.set_etag(etag)
        # Stored by caches but revalidated: a revalidation is a 304 that runs no query.
        response.headers["Cache-Control"] = "public, no-cache"
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/sparql", methods=READ_METHODS)
def endpoint() -> ResponseReturnValue:
    """The SPARQL 1.1 Protocol: query by GET, by form POST or by a sparql-query POST."""
    text, defaults, named = _read_request(get_context().settings.max_request_bytes)
    if text is None:
        if request.method == "POST":
            abort(400, description="no query: send query=… or a body of type application/sparql-query")
        # The editor only for a client that prefers a page to the description's RDF
        # (rdflib's parse() sends "text/turtle, */*;q=0.1": it gets Turtle).
        if wants_html(GRAPH) and "editor.index" in current_app.view_functions:
            # Called the way Flask calls a view (a route's function may be async).
            editor = current_app.ensure_sync(current_app.view_functions["editor.index"])
            return editor()
        return service_description()
    return answer(check(text), defaults, named)


def service_description() -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, in a negotiated RDF format."""
    settings = get_context().settings
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    service, dataset = BNode(), BNode()
    endpoint_iri = URIRef(request.base_url)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint_iri))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.federation_allowlist:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    for fmt in formats_for((RESULTS, GRAPH)):
        graph.add((service, SD.resultFormat, FORMATS[fmt.w3c]))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, BNode()))
    fmt = choose_format(GRAPH)
    body = graph.serialize(format=fmt.rdflib or "turtle")
    response = Response(body, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response
