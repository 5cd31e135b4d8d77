"""The remote backend's side of the endpoint: forward a checked query, stream the answer back.

A remote SPARQL 1.1 store (Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever…)
gets the query form-encoded (which every server accepts) with the request's
``default-graph-uri``/``named-graph-uri``. Its answer is parsed by pyoxigraph as
it streams in, and :func:`histgraph.endpoint.answers.write` caps and re-serializes it,
so both backends answer alike. The request goes by :mod:`histgraph.store.sparql_http`,
like every other request to a SPARQL server: the whole exchange has a deadline,
not just each socket read, so a server that trickles bytes cannot hold a web
worker, and the store's own error text is logged, never sent to the client.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import replace

import pyoxigraph as ox

from histgraph.endpoint.answers import (
    Answer,
    BackendFailed,
    QueryJob,
    QueryTimeout,
    write,
    write_boolean,
)
from histgraph.endpoint.safety import QUERY_FORMS, QueryRejected, tokens
from histgraph.store import sparql_http

_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_RDF_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}


def execute(query_url: str, job: QueryJob, timeout: float) -> Answer:
    """Run ``job`` on the SPARQL endpoint at ``query_url`` and write its answer."""
    text = with_base(job.text, job.base_iri) if job.base_iri else job.text
    job = _whole_dataset(job)
    if job.form == "ASK":
        return _ask(query_url, text, job, timeout)
    results = job.form == "SELECT"
    request = sparql_http.query_request(
        query_url, text, accept=_RESULTS_ACCEPT if results else _GRAPH_ACCEPT,
        default_graphs=job.default_graphs, named_graphs=job.named_graphs, user_agent="histgraph",
    )
    try:
        with sparql_http.exchange(request, timeout) as reply:
            stream = sparql_http.stream_of(reply)
            if results:
                if reply.media not in _RESULT_TYPES:
                    raise BackendFailed(f"the remote store answered {reply.media}, not SPARQL results")
                return write(ox.parse_query_results(stream, _RESULT_TYPES[reply.media]), job)
            if reply.media not in _RDF_TYPES:
                raise BackendFailed(f"the remote store answered {reply.media}, not RDF")
            return write(ox.parse(stream, _RDF_TYPES[reply.media]), job)
    except sparql_http.RemoteFailed as exc:
        raise _translated(exc, timeout) from None


#: A graph no store holds: it stands for "no graphs" in a dataset sent over the protocol.
NO_GRAPH = "urn:x-histgraph:no-graph"


def _whole_dataset(job: QueryJob) -> QueryJob:
    """``job`` with both halves of its dataset spelled out when it names only one.

    By the SPARQL Protocol (section 2.1.4), a dataset given as default graphs only has
    no named graphs, and one given as named graphs only has an empty default
    graph. Virtuoso 7 instead keeps every graph of the store for the half not
    given; naming a graph that no store holds makes both stores build the same dataset.
    """
    if job.default_graphs and not job.named_graphs:
        return replace(job, named_graphs=(NO_GRAPH,))
    if job.named_graphs and not job.default_graphs:
        return replace(job, default_graphs=(NO_GRAPH,))
    return job


def with_base(text: str, base_iri: str) -> str:
    """``text`` with its relative IRIs resolvable against ``base_iri`` by any remote store.

    The remote store cannot be given a base otherwise. With no BASE of its own,
    the query gets ours in front of its prologue. Its own BASE declarations are
    resolved here instead (RFC 3986), because a second BASE is refused by some
    stores (Virtuoso 7), though the grammar allows it.

    >>> with_base("SELECT * { <a> ?p ?o }", "http://h/sparql")
    'BASE <http://h/sparql> SELECT * { <a> ?p ?o }'
    >>> with_base("BASE <d/> SELECT * { <a> ?p ?o }", "http://h/sparql")
    'BASE <http://h/d/> SELECT * { <a> ?p ?o }'
    """
    toks = list(tokens(text))
    bases = []
    for k, tok in enumerate(toks):
        if tok.kind == "word" and tok.text.upper() in QUERY_FORMS:
            break  # past the prologue
        if tok.kind == "word" and tok.text.upper() == "BASE" and k + 1 < len(toks) and toks[k + 1].kind == "iri":
            bases.append(toks[k + 1])
    if not bases:
        return f"BASE <{base_iri}> {text}"
    current, pieces, at = base_iri, [], 0
    for iri in bases:
        current = urllib.parse.urljoin(current, iri.text[1:-1])
        pieces += [text[at:iri.position], f"<{current}>"]
        at = iri.position + len(iri.text)
    return "".join(pieces) + text[at:]


def _ask(query_url: str, text: str, job: QueryJob, timeout: float) -> Answer:
    """An ASK answer, read in whichever form the store gives it (Virtuoso's differs: see sparql_http)."""
    try:
        data = sparql_http.results_json(query_url, text, timeout=timeout, user_agent="histgraph",
                                        default_graphs=job.default_graphs, named_graphs=job.named_graphs)
        value = sparql_http.boolean_of(query_url, data)
    except sparql_http.RemoteFailed as exc:
        raise _translated(exc, timeout) from None
    return Answer(write_boolean(value, job.format), job.format, rows=1)


def _translated(exc: sparql_http.RemoteFailed, timeout: float) -> Exception:
    """The endpoint's error for a failed exchange with the remote store; no text of its answer is kept."""
    if isinstance(exc, sparql_http.Refused):
        if exc.status == 400:
            # Where the syntax error is helps the user; no text of the answer is passed on.
            return QueryRejected(f"the remote store rejected the query as invalid SPARQL{exc.position}")
        if exc.timed_out:
            return QueryTimeout("the query took longer than the remote store's time limit and was stopped")
        return BackendFailed(f"the remote store answered HTTP {exc.status} (the details are in the server's log)")
    if isinstance(exc, sparql_http.TimedOut):
        return QueryTimeout(f"the query took longer than the limit of {timeout:g} s and was stopped")
    return BackendFailed(f"the remote store: {exc}")


class RemoteExecutor:
    """The endpoint's executor for a remote store: forwards checked jobs to its SPARQL endpoint."""

    def __init__(self, query_url: str, timeout: float) -> None:
        self.query_url = query_url
        self.timeout = timeout

    def execute(self, job: QueryJob, timeout: float | None = None) -> Answer:
        """Answer an endpoint request: the remote store's answer, capped and re-serialized.

        The query (already checked) is sent form-encoded with the request's graphs;
        the answer is parsed as it streams in and only ``job.max_rows`` rows are
        read, so caps, truncation and formats are the same as on the embedded
        backend whatever the remote server supports. Raises QueryTimeout after
        ``timeout`` (default ``self.timeout``) seconds in total.
        """
        return execute(self.query_url, job, self.timeout if timeout is None else timeout)
