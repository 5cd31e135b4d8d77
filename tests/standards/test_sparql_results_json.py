"""SPARQL 1.1 Query Results JSON Format (W3C Recommendation 2013-03-21).

The W3C publishes no schema for it; pyoxigraph's results serializer (an
implementation that passes the W3C test suite) is the reference: for every
triple of the fixture data (IRIs, blank nodes, language-tagged and typed
literals, a literal with tab, quotes and newline) our writer must give the
very bytes pyoxigraph writes, and pyoxigraph's parser must read them back to
the same solutions.
"""

from __future__ import annotations

import pyoxigraph as ox

from histgraph.endpoint.answers import QueryJob, write

from ..servers import FIXTURE_DATA

QUERY = "SELECT ?g ?s ?p ?o ?unbound WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"


def test_json_results_are_pyoxigraphs_bytes() -> None:
    """Protects byte-identity with a conforming serializer, unbound variables included."""
    store = ox.Store()
    store.load(path=str(FIXTURE_DATA), format=ox.RdfFormat.TRIG)
    ours = write(store.query(QUERY), QueryJob(QUERY, "SELECT", "json", 10_000)).body
    reference = store.query(QUERY).serialize(format=ox.QueryResultsFormat.JSON)
    assert ours == reference
    parsed = ox.parse_query_results(ours, format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    assert [[row[n] for n in names] for row in parsed] == [
        [row[n] for n in names] for row in store.query(QUERY)]
