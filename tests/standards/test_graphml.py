"""GraphML 1.0 (graphml.graphdrawing.org, the GraphML Primer and the schemas
``graphml.xsd`` + ``graphml-attributes.xsd``): the network export.

No registry package ships the GraphML schema, so the rules it states are
written out here, each naming the part of the schema it comes from, and
checked on the cable's real export:

* ``graphml-structure.xsd``: ``id`` of graph, node, edge and key, and an edge's
  ``source``/``target``, are ``xs:NMTOKEN`` (XML 1.0 §2.3, production [7]: name
  characters only, so no ``/`` and no IRI);
* the schema's identity constraints (``xs:key``/``xs:keyref``): node ids
  unique, edge ends name existing nodes, every ``data/@key`` names a ``key``;
* content models: ``graphml`` holds ``desc?, key*, (data | graph)*``;
  ``graph``'s ``edgedefault`` is ``directed`` or ``undirected``; a ``key``'s
  ``for`` is one of the schema's domains;
* ``graphml-attributes.xsd``: ``attr.name`` is an NMTOKEN, ``attr.type`` one of
  boolean, int, long, float, double, string.

networkx then reads it back (tests/test_export.py checks every node and edge).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from histgraph.present.export import export

G = "{http://graphml.graphdrawing.org/xmlns}"
#: XML 1.0 §2.3 [4], [4a], [7]: an NMTOKEN is one or more name characters.
NMTOKEN = re.compile(
    "[:A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]+"
)
DOMAINS = {"all", "graphml", "graph", "node", "edge", "hyperedge", "port", "endpoint"}
TYPES = {"boolean", "int", "long", "float", "double", "string"}


@pytest.fixture(scope="module")
def graphml(store) -> ET.Element:  # type: ignore[no-untyped-def]
    return ET.fromstring(export(store, "https://histgraph.example.org/", "graphml"))


def test_ids_are_nmtokens(graphml: ET.Element) -> None:
    """Regression (#16): node ids were full IRIs, which the schema's xs:NMTOKEN forbids."""
    ids = [e.get("id") for e in graphml.iter() if e.tag in {f"{G}graph", f"{G}node", f"{G}edge", f"{G}key"}]
    ends = [e.get(end) for e in graphml.iter(f"{G}edge") for end in ("source", "target")]
    assert len(ids) > 100
    assert [i for i in ids + ends if not (i and NMTOKEN.fullmatch(i))] == []


def test_references_resolve(graphml: ET.Element) -> None:
    """Protects the schema's key/keyref: unique node ids, edge ends and data keys that exist."""
    nodes = [n.get("id") for n in graphml.iter(f"{G}node")]
    assert len(nodes) == len(set(nodes))
    assert {e.get(end) for e in graphml.iter(f"{G}edge") for end in ("source", "target")} <= set(nodes)
    keys = {k.get("id"): k.get("for") for k in graphml.findall(f"{G}key")}
    for owner in ("node", "edge"):
        for element in graphml.iter(f"{G}{owner}"):
            assert {d.get("key") for d in element.findall(f"{G}data")} <= {k for k, f in keys.items() if f == owner}


def test_content_models_and_enumerations(graphml: ET.Element) -> None:
    """Protects element order (keys before graphs), edgedefault, key domains and attribute types."""
    order = [child.tag for child in graphml]
    assert order == sorted(order, key=lambda tag: {f"{G}desc": 0, f"{G}key": 1}.get(tag, 2))
    assert set(order) <= {f"{G}desc", f"{G}key", f"{G}data", f"{G}graph"}
    for graph in graphml.iter(f"{G}graph"):
        assert graph.get("edgedefault") in {"directed", "undirected"}
        assert {c.tag for c in graph} <= {f"{G}desc", f"{G}data", f"{G}node", f"{G}edge", f"{G}hyperedge"}
    for key in graphml.findall(f"{G}key"):
        assert key.get("for") in DOMAINS and key.get("attr.type") in TYPES
        assert NMTOKEN.fullmatch(key.get("attr.name") or "")


def test_each_node_still_carries_its_iri(graphml: ET.Element) -> None:
    """Protects what the short ids must not lose: the IRI, in the node_uri data."""
    for node in graphml.iter(f"{G}node"):
        uri = node.find(f"{G}data[@key='node_uri']")
        assert uri is not None and (uri.text or "").startswith("https://histgraph.example.org/id/")
