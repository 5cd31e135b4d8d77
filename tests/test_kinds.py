"""The one table of kinds and the one table of relation phrases hold together, and pages and network agree."""

from __future__ import annotations

from histgraph.present.annotated_text import FILTERS
from histgraph.present.kinds import DRAWINGS, KINDS, category, kind_of, schema_type
from histgraph.present.labels import LabelIndex
from histgraph.present.relation_phrases import RELATION_PHRASES
from histgraph.vocab import BASE_IRI, PREFIXES


def test_every_minted_kind_has_a_row() -> None:
    """Protects the browse index, the text's filters and schema.org types from missing a kind that
    the data mints (a prefix for ``<base>id/<segment>/``), and the table from naming one it does not."""
    minted = {iri[len(BASE_IRI + "id/") :].rstrip("/") for iri in PREFIXES.values() if iri.startswith(BASE_IRI + "id/")}
    assert {k.segment for k in KINDS if k.segment} == minted
    assert kind_of(BASE_IRI + "id/proposal/treaty-option-a", BASE_IRI) == "proposal"


def test_categories_are_filters_the_text_offers() -> None:
    """Protects the annotated text: a kind filed under a filter the page does not offer could never be shown."""
    assert {k.category for k in KINDS} <= set(FILTERS)
    assert category("role") == "people"
    assert category("annotation") == "other"


def test_each_class_is_drawn_as_one_kind() -> None:
    """Protects the network's choice of kind: precedences are distinct and no class is claimed twice."""
    assert len({d.precedence for d in DRAWINGS}) == len(DRAWINGS)
    classes = [c for d in DRAWINGS for c in d.classes]
    assert len(classes) == len(set(classes))
    assert [d.name for d in DRAWINGS][:3] == ["document", "role", "person"]


def test_events_are_schema_events_only_when_reported() -> None:
    """Protects search engines from reading a plan as something that happened."""
    assert schema_type("event", "reported") == "Event"
    assert schema_type("event", "planned") == "Thing"
    assert schema_type("person", None) == "Person"
    assert schema_type(None, None) == "Thing"


def test_network_edges_read_as_the_pages_word_them(network, store) -> None:  # type: ignore[no-untyped-def]
    """Protects 'one wording': every edge of the real network whose property the table words
    carries the phrase an entity page shows for it, in the direction the edge is drawn."""
    labels = LabelIndex.load(store)
    checked = 0
    for edge in network.edges:
        phrase = RELATION_PHRASES.get(edge.relation)
        if phrase is None:
            continue
        wording = phrase.incoming if phrase.drawn_incoming else phrase.outgoing
        if wording is None:
            continue
        assert edge.label == labels.phrase(edge.relation, incoming=phrase.drawn_incoming) == wording
        checked += 1
    assert checked > 50
