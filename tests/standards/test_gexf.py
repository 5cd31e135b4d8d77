"""GEXF 1.2 (gexf.net, the ``1.2draft`` schema: ``gexf.xsd``, ``data.xsd``, ``viz.xsd``): the network export.

No registry package ships the GEXF schema, so the rules it states are written
out here, each naming the schema file it comes from, and checked on the
cable's real export:

* ``gexf.xsd``: root ``gexf`` in ``http://www.gexf.net/1.2draft`` with
  ``version="1.2"``, holding ``meta?`` then ``graph``; ``defaultedgetype`` is
  directed, undirected or mutual; ``mode`` static or dynamic;
* ``data.xsd``: ``attributes/@class`` is node or edge; ``attribute/@type`` one of
  the schema's types; each ``attvalue/@for`` names an attribute of its class;
* ``gexf.xsd`` identity constraints: node ids unique, edge ends name nodes;
* ``viz.xsd``: ``viz:color`` in ``http://www.gexf.net/1.2draft/viz`` with
  ``r``, ``g``, ``b`` integers 0-255.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from histgraph.present.export import export

X = "{http://www.gexf.net/1.2draft}"
VIZ = "{http://www.gexf.net/1.2draft/viz}"
TYPES = {"integer", "long", "double", "float", "boolean", "liststring", "string", "anyURI"}


@pytest.fixture(scope="module")
def gexf(store) -> ET.Element:  # type: ignore[no-untyped-def]
    return ET.fromstring(export(store, "https://histgraph.example.org/", "gexf"))


def test_root_graph_and_enumerations(gexf: ET.Element) -> None:
    """Protects the root, its version, meta before graph, and the graph's enumerated attributes."""
    assert gexf.tag == f"{X}gexf" and gexf.get("version") == "1.2"
    assert [c.tag for c in gexf] == [f"{X}meta", f"{X}graph"]
    graph = gexf.find(f"{X}graph")
    assert graph is not None
    assert graph.get("defaultedgetype") in {"directed", "undirected", "mutual"}
    assert graph.get("mode") in {"static", "dynamic"}


def test_attributes_are_declared_and_typed(gexf: ET.Element) -> None:
    """Protects data.xsd: attribute classes and types, and attvalues naming declared attributes."""
    declared: dict[str, set[str]] = {}
    for attributes in gexf.iter(f"{X}attributes"):
        assert attributes.get("class") in {"node", "edge"}
        for attribute in attributes.findall(f"{X}attribute"):
            assert attribute.get("type") in TYPES
            declared.setdefault(attributes.get("class") or "", set()).add(attribute.get("id") or "")
    for owner in ("node", "edge"):
        for element in gexf.iter(f"{X}{owner}"):
            assert {v.get("for") for v in element.iter(f"{X}attvalue")} <= declared[owner]


def test_ids_unique_and_edges_resolve(gexf: ET.Element) -> None:
    """Protects gexf.xsd's identity constraints: unique node ids, edge ends that are nodes."""
    nodes = [n.get("id") for n in gexf.iter(f"{X}node")]
    assert len(nodes) > 100 and len(nodes) == len(set(nodes))
    assert {e.get(end) for e in gexf.iter(f"{X}edge") for end in ("source", "target")} <= set(nodes)


def test_colours_are_viz_colours(gexf: ET.Element) -> None:
    """Protects viz.xsd: each node's colour is viz:color in the viz namespace, r, g, b within 0-255."""
    colours = list(gexf.iter(f"{VIZ}color"))
    assert len(colours) == len(list(gexf.iter(f"{X}node")))
    for colour in colours:
        assert all(0 <= int(colour.get(c, "-1")) <= 255 for c in "rgb")
