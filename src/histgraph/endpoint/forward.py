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

import pyoxigraph as ox

from histgraph.endpoint.answers import Answer, BackendFailed, QueryJob, QueryTimeout, write
from histgraph.endpoint.safety import QueryRejected
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
    # The remote store cannot be given a base otherwise; a BASE before the query's own
    # prologue resolves it (and any relative BASE of its own) as ours would.
    text = f"BASE <{job.base_iri}> {job.text}" if job.base_iri else job.text
    results = job.form in {"SELECT", "ASK"}
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
    except sparql_http.Refused as exc:
        if exc.status == 400:
            # Where the syntax error is helps the user; no text of the answer is passed on.
            raise QueryRejected(f"the remote store rejected the query as invalid SPARQL{exc.position}") from None
        raise BackendFailed(
            f"the remote store answered HTTP {exc.status} (the details are in the server's log)"
        ) from None
    except sparql_http.TimedOut:
        raise QueryTimeout(f"the query took longer than the limit of {timeout:g} s and was stopped") from None
    except sparql_http.RemoteFailed as exc:
        raise BackendFailed(f"the remote store: {exc}") from None


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
