"""Archive-ready: a second document reuses the authority records, in its own named graph."""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from histgraph.build.pipeline import build
from histgraph.config import load_settings
from histgraph.store import EmbeddedStore

from .conftest import copy_project

BASE = "https://histgraph.example.org/"
MOLOTOV = URIRef(BASE + "id/person/molotov")


def test_second_document_shares_actors_as_one_node(tmp_path: Path) -> None:
    """Protects the archive model: adding a document is data, and shared people stay one node."""
    project = copy_project(tmp_path / "project", extra_documents=("test-fixture-second-document",))
    result = build(load_settings({"project_dir": project}, environ={}))
    assert result.summary["documents"] == [
        "cable-1950-01-02-mao-to-ccp-cc",
        "test-fixture-second-document",
    ]
    store = EmbeddedStore.open(result.path)
    rows = store.select(
        """PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT DISTINCT ?g WHERE { GRAPH ?g { ?a oa:hasBody ?person ; oa:motivatedBy oa:identifying } }""",
        {"person": MOLOTOV},
    )
    graphs = sorted(str(r["g"]) for r in rows)
    assert graphs == [BASE + "graph/cable-1950-01-02-mao-to-ccp-cc", BASE + "graph/test-fixture-second-document"]
    # One authority record: Molotov's label lives once, in the authorities graph only.
    labels = store.select(
        """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?g ?label WHERE { GRAPH ?g { ?person rdfs:label ?label } FILTER(lang(?label) = "en") }""",
        {"person": MOLOTOV},
    )
    assert {str(r["g"]) for r in labels} == {BASE + "graph/authorities"}
    # The fixture's meeting and the cable's meeting both point at the same IRI.
    participants = store.select(
        """PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
        SELECT DISTINCT ?g WHERE { GRAPH ?g { ?event crm:P11_had_participant|crm:P14_carried_out_by ?person } }""",
        {"person": MOLOTOV},
    )
    assert len({str(r["g"]) for r in participants}) == 2


def test_base_iri_is_configurable(tmp_path: Path) -> None:
    """Protects deployments on their own domain: minted IRIs move, the ontology stays."""
    project = copy_project(tmp_path / "project")
    result = build(load_settings({"project_dir": project, "base_iri": "https://archive.example.net/"}, environ={}))
    store = EmbeddedStore.open(result.path)
    assert store.ask("ASK { <https://archive.example.net/id/person/molotov> ?p ?o }")
    assert not store.ask("ASK { <https://histgraph.example.org/id/person/molotov> ?p ?o }")
    assert store.ask("ASK { ?s ?p <https://histgraph.example.org/ontology#Reported> }")
