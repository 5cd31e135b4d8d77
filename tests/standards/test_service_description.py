"""SPARQL 1.1 Service Description (W3C Recommendation 2013-03-21), fetched as a program fetches it.

§2 (accessing a service description): a GET on the endpoint without a query
returns the description in an RDF format the client accepts. rdflib's own
``Graph().parse(endpoint, format="turtle")`` sends ``text/turtle,
application/x-turtle, */*;q=0.1`` (#16 item 1: it was given the HTML editor);
here it runs against a real HTTP server on 127.0.0.1. §3 (vocabulary): one
``sd:Service`` with its ``sd:endpoint``, a supported language, and result
formats named by their ``http://www.w3.org/ns/formats/`` IRIs.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import RDF, Graph, Namespace, URIRef

from histgraph.endpoint.formats import FORMATS
from histgraph.web import create_app

from ..conftest import serve_app
from ..servers import SPARQL_FIXTURES, close_app, fixture_store

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = create_app({"project_dir": SPARQL_FIXTURES}, store=fixture_store(tmp_path_factory.mktemp("sd")),
                     environ={})
    try:
        with serve_app(app) as url:
            yield f"{url}/sparql"
    finally:
        close_app(app)


def test_rdflib_reads_the_description_from_a_real_server(endpoint: str) -> None:
    """Regression (#16): rdflib's Accept (turtle, then */*;q=0.1) gets Turtle, not the editor page."""
    graph = Graph().parse(endpoint, format="turtle")
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    service = services[0]
    assert graph.value(service, SD.endpoint) == URIRef(endpoint)
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = set(graph.objects(service, SD.resultFormat))
    assert {URIRef("http://www.w3.org/ns/formats/" + f.w3c) for f in FORMATS} <= formats
