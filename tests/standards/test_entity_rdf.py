"""Every entity's RDF representations are one RDF graph (RDF 1.1 Concepts §3, graph isomorphism §3.6).

For every IRI the cable's build mints (``<base>id/…``), five graphs must be
isomorphic: the store's own concise description (the reference, read natively
from pyoxigraph with no rdflib in between) and the entity's Turtle, N-Triples,
JSON-LD and RDF/XML. Each answer is parsed by pyoxigraph and turned into an
rdflib graph with literals kept as written (rdflib's default would canonicalise
``"11"^^xsd:decimal``-like forms and hide exactly the bug this guards), then
compared with ``rdflib.compare.isomorphic``. Independent parsers read the same
bytes too: ``rapper`` (raptor) the Turtle and RDF/XML, pyld the JSON-LD.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld  # type: ignore[import-untyped]
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from histgraph.present.entity import DESCRIBE
from histgraph.web import create_app

BASE = "https://histgraph.example.org/"
FORMATS = {  # suffix: (media type, pyoxigraph format, raptor's name or None)
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE, "turtle"),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES, "ntriples"),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD, None),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML, "rdfxml"),
}
ENTITIES = """
SELECT DISTINCT ?s WHERE { ?s ?p ?o .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "https://histgraph.example.org/id/") && !CONTAINS(STR(?s), "#")) }
ORDER BY ?s
"""


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal), term
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def as_graph(triples: object) -> Graph:
    """An rdflib graph of pyoxigraph triples, each literal's lexical form kept as written."""
    graph = Graph()
    for triple in triples:  # type: ignore[attr-defined]
        triple = triple.triple if isinstance(triple, ox.Quad) else triple
        graph.add((_term(triple.subject), _term(triple.predicate), _term(triple.object)))
    return graph


@pytest.fixture(scope="module")
def client(settings, built):  # type: ignore[no-untyped-def]
    # One client walks every entity: a budget for a crawler, not a person.
    return create_app(replace(settings, client_burst=100_000)).test_client()


@pytest.fixture(scope="module")
def entities(store) -> list[str]:  # type: ignore[no-untyped-def]
    found = [row["s"].value for row in store.native.query(ENTITIES, use_default_graph_as_union=True)]
    assert len(found) > 300  # the cable's people, places, events, plans, steps, passages…
    return found


def reference(store, iri: str) -> Graph:  # type: ignore[no-untyped-def]
    """The store's own description of ``iri``, straight from pyoxigraph."""
    result = store.native.query(DESCRIBE, substitutions={ox.Variable("iri"): ox.NamedNode(iri)},
                                use_default_graph_as_union=True)
    return as_graph(result)


def test_every_entity_is_one_graph_in_all_five(client, store, entities) -> None:  # type: ignore[no-untyped-def]
    """Regression (#16): the .ttl wrote "11"^^xsd:decimal as 11.0; every format must give the store's graph."""
    differing = []
    for iri in entities:
        expected = reference(store, iri)
        assert len(expected) > 0, iri
        for suffix, (media, ox_format, _) in FORMATS.items():
            response = client.get(f"/{iri[len(BASE):]}.{suffix}")
            assert response.status_code == 200 and response.mimetype == media, (iri, suffix)
            if not isomorphic(as_graph(ox.parse(response.get_data(), format=ox_format)), expected):
                differing.append(f"{iri}.{suffix}")
    assert differing == []


def test_decimals_keep_their_lexical_form_in_turtle(client, store) -> None:  # type: ignore[no-untyped-def]
    """Regression (#16): a step duration "11"^^xsd:decimal is written as such, not as 11.0."""
    rows = list(store.native.query(
        'SELECT ?s ?o WHERE { ?s ?p ?o . FILTER(datatype(?o) = <http://www.w3.org/2001/XMLSchema#decimal> '
        '&& !CONTAINS(STR(?o), ".") && STRSTARTS(STR(?s), "https://histgraph.example.org/id/")) } LIMIT 1',
        use_default_graph_as_union=True))
    assert rows, "the cable has decimals without a fraction (step durations)"
    iri, written = rows[0]["s"].value.split("#")[0], rows[0]["o"]
    body = client.get(f"/{iri[len(BASE):]}.ttl").get_data()
    assert written in {t.object for t in ox.parse(body, format=ox.RdfFormat.TURTLE)}
    assert isomorphic(as_graph(ox.parse(body, format=ox.RdfFormat.TURTLE)), reference(store, iri))


@pytest.mark.skipif(shutil.which("rapper") is None, reason="raptor2-utils is not installed")
def test_raptor_and_pyld_read_the_same_graphs(client, entities, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Independent parsers: raptor (Turtle, RDF/XML) and pyld (JSON-LD) read the graph pyoxigraph reads."""
    kinds: dict[str, str] = {}
    for iri in entities:
        kinds.setdefault(iri[len(BASE):].split("/")[1], iri)
    for iri in kinds.values():
        path = iri[len(BASE):]
        for suffix, (_, ox_format, raptor) in FORMATS.items():
            body = client.get(f"/{path}.{suffix}").get_data()
            ours = as_graph(ox.parse(body, format=ox_format))
            if raptor:
                file = tmp_path / f"entity.{suffix}"
                file.write_bytes(body)
                out = subprocess.run(["rapper", "-q", "-i", raptor, "-o", "ntriples", str(file)],
                                     capture_output=True, check=True, timeout=120).stdout
                theirs = as_graph(ox.parse(out, format=ox.RdfFormat.N_TRIPLES))
            else:
                nquads = jsonld.to_rdf(json.loads(body), {"format": "application/n-quads"})
                theirs = as_graph(ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS))
            assert isomorphic(ours, theirs), (iri, suffix)


def test_literals_reach_every_format_as_the_store_holds_them(tmp_path: Path) -> None:
    """Protects literals between the store and the formats: none is rewritten on the way.

    pyoxigraph keeps typed values in its own canonical forms ("01" is held as
    "1", a double 1.0E0 as "1"); rdflib's literal normalisation would then
    rewrite the double as "1.0", another literal. The cable holds no double, so
    this store holds forms a source might well give.
    """
    from histgraph.store import EmbeddedStore
    from tests.conftest import ROOT

    xsd = "http://www.w3.org/2001/XMLSchema#"
    iri = ox.NamedNode(BASE + "id/person/someone")
    graph = ox.NamedNode(BASE + "graph/test")
    values = [("01", "integer"), ("1", "boolean"), ("1.50", "decimal"), ("11", "decimal"), ("1.0E0", "double")]
    quads = [
        ox.Quad(iri, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode("http://www.cidoc-crm.org/cidoc-crm/E21_Person"), graph),
        ox.Quad(iri, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Someone", language="en"),
                graph),
        *(ox.Quad(iri, ox.NamedNode(f"https://histgraph.example.org/ontology#value{i}"),
                  ox.Literal(text, datatype=ox.NamedNode(xsd + kind)), graph)
          for i, (text, kind) in enumerate(values)),
    ]
    store = EmbeddedStore.from_quads(quads, version="lexical-forms")
    client = create_app({"project_dir": ROOT}, store=store, environ={}).test_client()
    expected = as_graph(store.native.quads_for_pattern(None, None, None))
    for suffix, (_, ox_format, _) in FORMATS.items():
        response = client.get(f"/id/person/someone.{suffix}")
        assert response.status_code == 200, suffix
        assert isomorphic(as_graph(ox.parse(response.get_data(), format=ox_format)), expected), suffix
