"""Beyond one machine: two stateless app instances over one remote store answer identically.

The Flask app keeps no state of its own, so any number of instances can serve
one triple store behind a load balancer. This runs the real thing on
127.0.0.1: one ``oxigraph serve`` or Virtuoso, ``histgraph publish --to`` it, and two
``histgraph serve`` processes on the remote backend, then compares their parsed
answers (SPARQL JSON results and entity pages, as RDF and as HTML text).
These are the commands docs/scaling.md documents.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from .servers import ROOT, STORES, histgraph_server, publish_to, sparql_server

pytestmark = pytest.mark.server

QUERIES = [
    # a point query and an aggregate, as in docs/benchmarks.md
    "SELECT ?label WHERE { <https://histgraph.example.org/id/person/dong-biwu> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label",
    "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY ?type",
]
ENTITY = "/id/person/dong-biwu"


class _Text(HTMLParser):
    """The visible text of a page, in order: what a reader sees, whatever the markup."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.parts.append(data.strip())


def _get(url: str, accept: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def _answers(base: str) -> dict[str, object]:
    """Everything compared, parsed: result rows, the entity's RDF and the page's text."""
    out: dict[str, object] = {}
    for query in QUERIES:
        url = f"{base}/sparql?{urllib.parse.urlencode({'query': query})}"
        out[query] = json.loads(_get(url, "application/sparql-results+json"))["results"]["bindings"]
    out["turtle"] = Graph().parse(data=_get(base + ENTITY, "text/turtle"), format="turtle")
    page = _Text()
    page.feed(_get(base + ENTITY, "text/html").decode("utf-8"))
    out["html"] = page.parts
    return out


@pytest.mark.parametrize("store", STORES)
def test_two_instances_over_one_published_store_answer_identically(built, settings, tmp_path: Path,
                                                                   store: str) -> None:
    """Protects horizontal scaling: after a publish, both instances give the same answers."""
    with sparql_server(store, tmp_path, data=None) as server:
        publish_to(server, ROOT, settings.builds_root)
        env = {"HISTGRAPH_BACKEND": "remote", "HISTGRAPH_REMOTE_QUERY_URL": server.query_url}
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        with histgraph_server(tmp_path / "a", ["--workers", "1"], project=ROOT, env=env) as first, \
                histgraph_server(tmp_path / "b", ["--workers", "1"], project=ROOT, env=env) as second:
            one, two = _answers(first), _answers(second)
    assert one[QUERIES[0]] == two[QUERIES[0]] != []
    assert one[QUERIES[1]] == two[QUERIES[1]] != []
    assert len(one["turtle"]) > 0 and isomorphic(one["turtle"], two["turtle"])
    assert one["html"] == two["html"] and "Dong Biwu" in " ".join(one["html"])
