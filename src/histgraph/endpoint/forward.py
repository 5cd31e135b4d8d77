"""The remote backend's side of the endpoint: forward a checked query, stream the answer back.

A remote SPARQL 1.1 store (Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever…)
gets the query form-encoded (which every server accepts) with the request's
``default-graph-uri``/``named-graph-uri``. Its answer is parsed by pyoxigraph as
it streams in, and :func:`histgraph.endpoint.answers.write` caps and re-serializes it,
so both backends answer alike. The whole exchange has a deadline, not just each
socket read, so a server that trickles bytes cannot hold a web worker.

SPARQLWrapper (used by :class:`histgraph.store.RemoteStore` for the library
calls) reads whole answers into memory, hence plain ``urllib`` here.
"""

from __future__ import annotations

import logging
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import IO

import pyoxigraph as ox

from histgraph.endpoint.answers import Answer, BackendFailed, QueryJob, QueryTimeout, write
from histgraph.endpoint.safety import QueryRejected

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


class _Deadline:
    """A readable stream that raises QueryTimeout once the deadline has passed."""

    def __init__(self, stream: IO[bytes], deadline: float, limit: float) -> None:
        self._stream = stream
        self._deadline = deadline
        self._limit = limit

    def read(self, size: int = -1) -> bytes:
        if time.monotonic() > self._deadline:
            raise QueryTimeout(f"the query took longer than the limit of {self._limit:g} s and was stopped")
        return self._stream.read(size if size and size > 0 else 65536)


LOG = logging.getLogger("histgraph.queries")


def _position(detail: str) -> str:
    """" at line L, column C" when the store's message gives a position as L:C, else ""."""
    match = re.search(r"(?<![\d.])(\d{1,6}):(\d{1,6})(?![\d.])", detail)
    return f" at line {match[1]}, column {match[2]}" if match else ""


def execute(query_url: str, job: QueryJob, timeout: float) -> Answer:
    """Run ``job`` on the SPARQL endpoint at ``query_url`` and write its answer."""
    # The remote store cannot be given a base otherwise; a BASE before the query's own
    # prologue resolves it (and any relative BASE of its own) as ours would.
    text = f"BASE <{job.base_iri}> {job.text}" if job.base_iri else job.text
    fields = [("query", text)]
    fields += [("default-graph-uri", g) for g in job.default_graphs]
    fields += [("named-graph-uri", g) for g in job.named_graphs]
    request = urllib.request.Request(
        query_url,
        data=urllib.parse.urlencode(fields).encode("utf-8"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": _RESULTS_ACCEPT if job.form in {"SELECT", "ASK"} else _GRAPH_ACCEPT,
            "User-Agent": "histgraph",
        },
        method="POST",
    )
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            media = response.headers.get_content_type()
            stream = _Deadline(response, deadline, timeout)
            if job.form in {"SELECT", "ASK"}:
                if media not in _RESULT_TYPES:
                    raise BackendFailed(f"the remote store answered {media}, not SPARQL results")
                # pyoxigraph only calls read(); its stub asks for a whole IO[bytes].
                return write(ox.parse_query_results(stream, _RESULT_TYPES[media]), job)  # type: ignore[arg-type]
            if media not in _RDF_TYPES:
                raise BackendFailed(f"the remote store answered {media}, not RDF")
            return write(ox.parse(stream, _RDF_TYPES[media]), job)  # type: ignore[arg-type]
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode("utf-8", "replace").strip()
        exc.close()
        LOG.warning("histgraph: the remote store answered %s: %s", exc.code, detail)
        if exc.code == 400:
            # Where the syntax error is helps the user; no text of the answer is passed on.
            raise QueryRejected(f"the remote store rejected the query as invalid SPARQL{_position(detail)}") from None
        raise BackendFailed(
            f"the remote store answered HTTP {exc.code} (the details are in the server's log)"
        ) from None
    except (TimeoutError, socket.timeout):
        raise QueryTimeout(f"the query took longer than the limit of {timeout:g} s and was stopped") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise QueryTimeout(f"the query took longer than the limit of {timeout:g} s") from None
        raise BackendFailed(f"the remote store at {query_url} did not answer ({exc.reason})") from None
    except SyntaxError as exc:
        raise BackendFailed(f"the remote store's answer could not be read: {exc}") from None


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
