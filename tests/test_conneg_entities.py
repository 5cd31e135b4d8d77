"""Content negotiation: every kind of minted IRI in every RDF format, by Accept and by suffix.

Each RDF answer is parsed by rdflib and, independently, by pyoxigraph, and
both must hold the entity's own triples; headers (Vary, Link, Content-Location)
and the 404/406 answers are checked too.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from histgraph.present.kinds import kind_of
from histgraph.web import create_app

BASE = "https://histgraph.example.org/"
FORMATS = {  # suffix: (media type, rdflib parser, pyoxigraph format)
    "ttl": ("text/turtle", "turtle", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", "nt", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", "json-ld", ox.RdfFormat.JSON_LD),
    "rdf": ("application/rdf+xml", "xml", ox.RdfFormat.RDF_XML),
}
SAMPLE = """
SELECT ?kind (SAMPLE(?s) AS ?iri) WHERE {
  ?s a ?type . FILTER(STRSTARTS(STR(?s), "https://histgraph.example.org/id/") && !CONTAINS(STR(?s), "#"))
  BIND(STRBEFORE(STRAFTER(STR(?s), "/id/"), "/") AS ?kind)
} GROUP BY ?kind
"""


@pytest.fixture(scope="module")
def client(settings, built):  # type: ignore[no-untyped-def]
    return create_app(settings).test_client()


@pytest.fixture(scope="module")
def samples(store) -> dict[str, str]:
    """One IRI of every kind the build mints (person, place, event, plan, step, annotation…)."""
    found = {str(r["kind"]): str(r["iri"]) for r in store.select(SAMPLE)}
    assert {"person", "group", "place", "event", "plan", "step", "proposal", "document"} <= set(found)
    return found


def _both_parsers(body: bytes, suffix: str, iri: str) -> None:
    _, rdflib_format, ox_format = FORMATS[suffix]
    graph = Graph().parse(data=body, format=rdflib_format)
    assert (URIRef(iri), RDF.type, None) in graph, f"{iri} has no rdf:type in the {suffix} answer"
    subjects = {t.subject.value for t in ox.parse(body, format=ox_format) if isinstance(t.subject, ox.NamedNode)}
    assert iri in subjects
    assert len(graph) == len(list(ox.parse(body, format=ox_format)))


def test_every_kind_in_every_format_by_accept_and_suffix(client, samples) -> None:  # type: ignore[no-untyped-def]
    """Each kind answers each RDF format to Accept (with Content-Location) and to its suffix."""
    for _kind, iri in sorted(samples.items()):
        path = "/" + iri[len(BASE):]
        for suffix, (media, _, _) in FORMATS.items():
            negotiated = client.get(path, headers={"Accept": media})
            assert negotiated.status_code == 200, (path, media)
            assert negotiated.mimetype == media
            assert negotiated.headers["Content-Location"] == f"{path}.{suffix}"
            assert "Accept" in negotiated.headers["Vary"]
            _both_parsers(negotiated.get_data(), suffix, iri)
            direct = client.get(f"{path}.{suffix}")
            assert direct.status_code == 200 and direct.mimetype == media
            _both_parsers(direct.get_data(), suffix, iri)


def test_browsers_get_html_and_every_answer_links_its_alternates(client, samples) -> None:  # type: ignore[no-untyped-def]
    """A browser's Accept gets HTML; Link names HTML and all four RDF formats; Vary: Accept."""
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for iri in samples.values():
        path = "/" + iri[len(BASE):]
        response = client.get(path, headers={"Accept": browser})
        assert response.status_code == 200 and response.mimetype == "text/html"
        links = response.headers["Link"]
        for suffix, (media, _, _) in FORMATS.items():
            assert f'<{path}.{suffix}>; rel="alternate"; type="{media}"' in links
        assert f'<{path}>; rel="alternate"; type="text/html"' in links
        assert "Accept" in response.headers["Vary"]


def test_quality_values_decide(client, samples) -> None:  # type: ignore[no-untyped-def]
    """q-values are honoured: Turtle at 1.0 beats HTML at 0.5; no header gives HTML."""
    path = "/" + samples["person"][len(BASE):]
    assert client.get(path, headers={"Accept": "text/html;q=0.5, text/turtle"}).mimetype == "text/turtle"
    assert client.get(path).mimetype == "text/html"


def test_unknown_iri_is_a_helpful_404_to_people_and_machines(client) -> None:  # type: ignore[no-untyped-def]
    """An unknown IRI: an HTML page that offers search, or JSON for a program; never a trace."""
    page = client.get("/id/person/nobody-at-all", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert b"/search" in page.get_data() and b"Traceback" not in page.get_data()
    machine = client.get("/id/person/nobody-at-all", headers={"Accept": "text/turtle"})
    assert machine.status_code == 404
    assert json.loads(machine.get_data())["status"] == 404
    assert client.get("/id/person/nobody-at-all.ttl").status_code == 404


def test_unacceptable_type_is_406(client, samples) -> None:  # type: ignore[no-untyped-def]
    """Asking only for a type we cannot give is 406 Not Acceptable, naming what is offered."""
    response = client.get("/" + samples["person"][len(BASE):], headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in json.loads(response.get_data())["message"]


def test_kind_of_reads_minted_iris() -> None:
    """kind_of() returns the kind segment only for IRIs under <base>id/."""
    assert kind_of(BASE + "id/person/molotov", BASE) == "person"
    assert kind_of("https://example.org/id/person/x", BASE) is None
