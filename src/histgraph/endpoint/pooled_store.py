"""The store interface answered by query processes: how pages read the embedded store.

Pages read through :class:`PooledStore` rather than in the web worker: every
read then has the time limit (a native query cannot be interrupted in-process),
and a gevent worker keeps serving its other connections while one page waits.
The app's own reads go ahead of users' SPARQL (see :mod:`histgraph.endpoint.isolation`).
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Graph

from histgraph.endpoint.answers import Answer, QueryJob
from histgraph.endpoint.lanes import QueryPool
from histgraph.store import Bindings, SelectResult, bind_values, term_from_json, to_rdflib

#: Rows one read of a page may return: far more than any page shows (pages page
#: their lists), since a read cut short would silently miss data.
STORE_ROWS = 2_000_000


class PooledStore:
    """The store interface (``select``, ``ask``, ``construct``) answered in query processes.

    Pages read through this rather than in the web worker: every read then has
    the time limit (a native query cannot be interrupted in-process), and a
    gevent worker keeps serving its other connections while one page waits.
    """

    def __init__(self, pool: QueryPool, version: str, timeout: float) -> None:
        self.pool = pool
        self.version = version
        self.timeout = timeout

    def _answer(self, query: str, bindings: Bindings | None, form: str, fmt: str) -> Answer:
        return self.pool.execute(QueryJob(bind_values(query, bindings), form, fmt, STORE_ROWS), self.timeout)

    def select(self, query: str, bindings: Bindings | None = None) -> SelectResult:
        """Rows of a SELECT, terms as rdflib terms (as :class:`~histgraph.store.EmbeddedStore` gives them)."""
        data = json.loads(self._answer(query, bindings, "SELECT", "json").body)
        names = tuple(data["head"]["vars"])
        rows = tuple({name: term_from_json(cell) for name, cell in row.items()} for row in data["results"]["bindings"])
        return SelectResult(names, rows)

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        """The answer of an ASK."""
        return bool(json.loads(self._answer(query, bindings, "ASK", "json").body)["boolean"])

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE, as an rdflib graph."""
        body = self._answer(query, bindings, "CONSTRUCT", "ntriples").body
        graph = Graph()
        for triple in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph
