"""Every fact is anchored, and every anchor round-trips against the project's text."""

from __future__ import annotations

from pathlib import Path

from histgraph.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
CABLE_TEXT = (ROOT / "data/documents/cable-1950-01-02-mao-to-ccp-cc/text.txt").read_text(encoding="utf-8")

ANCHORS = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?anno ?body ?exact ?prefix ?suffix ?start ?end ?text ?content WHERE {
  ?anno a oa:Annotation ; oa:hasBody ?body ; oa:hasTarget ?target .
  ?target oa:hasSource ?text ; oa:hasSelector ?q, ?p .
  ?q a oa:TextQuoteSelector ; oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix .
  ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  ?text rdf:value ?content .
}"""

FACT_CLASSES = """
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX hg: <https://histgraph.example.org/ontology#>
PREFIX pplan: <http://purl.org/net/p-plan#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT DISTINCT ?fact WHERE {
  GRAPH <https://histgraph.example.org/graph/cable-1950-01-02-mao-to-ccp-cc> { ?fact hg:modality ?m }
  FILTER NOT EXISTS { ?anno oa:hasBody ?fact ; oa:motivatedBy oa:describing }
}"""


def test_every_anchor_round_trips(store: EmbeddedStore) -> None:
    """Protects fidelity: slicing the text at every anchor's offsets gives its quote, with its context."""
    rows = store.select(ANCHORS)
    assert len(rows) > 100
    for row in rows:
        content, start, end = str(row["content"]), int(row["start"]), int(row["end"])
        assert content[start:end] == str(row["exact"]), row["anno"]
        assert content[:start].endswith(str(row["prefix"])), row["anno"]
        assert content[end:].startswith(str(row["suffix"])), row["anno"]


def test_graph_text_is_the_project_text(store: EmbeddedStore) -> None:
    """Protects the anchors' reference: the text in the graph is exactly data/…/text.txt."""
    (row,) = store.select(
        "SELECT ?v WHERE { <https://histgraph.example.org/id/text/cable-1950-01-02-mao-to-ccp-cc-en>"
        " <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?v }"
    )
    assert str(row["v"]) == CABLE_TEXT


def test_every_fact_node_is_anchored(store: EmbeddedStore) -> None:
    """Protects 'every fact points to its passage': no node with a modality lacks an anchor."""
    assert [str(r["fact"]) for r in store.select(FACT_CLASSES)] == []
