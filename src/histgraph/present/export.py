"""Exports of the network and the timeline for other tools.

GEXF and GraphML (Gephi, Cytoscape desktop), node and edge CSV (spreadsheets),
JSON for TimelineJS, and Graphviz DOT rendered to SVG or PNG through the ``dot``
program (for papers and slides). Every node and edge carries its IRI, label,
kind and modality; where the model gives no modality (people, places), exports
write ``n/a`` rather than leave the field empty, so "not stated" is never
confused with "lost".

:func:`export` is the one entry point: the CLI and the web downloads both call it.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from histgraph.errors import HistgraphError
from histgraph.present.network import (
    KIND_STYLES,
    NO_MODALITY,
    Network,
    extract_network,
    origin,
)
from histgraph.present.site_paths import site_path
from histgraph.present.timeline import Timeline, extract_timeline
from histgraph.store import Store

#: Up to this many nodes Graphviz lays out with ``neato`` (compact, edge labels drawn); above it
#: with ``sfdp``, which scales to thousands of nodes, without edge labels.
SMALL_GRAPH_LIMIT = 300
GRAPHVIZ_TIMEOUT = 120.0


@dataclass(frozen=True)
class ExportFormat:
    """One export: its file extension, media type, and whether it is binary."""

    name: str
    extension: str
    media_type: str
    binary: bool = False


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("gexf", "gexf", "application/gexf+xml"),
        ExportFormat("graphml", "graphml", "application/graphml+xml"),
        ExportFormat("nodes-csv", "csv", "text/csv; charset=utf-8"),
        ExportFormat("edges-csv", "csv", "text/csv; charset=utf-8"),
        ExportFormat("timelinejs", "json", "application/json"),
        ExportFormat("dot", "dot", "text/vnd.graphviz; charset=utf-8"),
        ExportFormat("svg", "svg", "image/svg+xml"),
        ExportFormat("png", "png", "image/png", binary=True),
    )
}

NODE_FIELDS = ("uri", "label", "kind", "modality", "origin", "documents", "according_to", "page")
EDGE_FIELDS = ("source", "target", "uri", "label", "kind", "modality")


def _modality(value: str | None) -> str:
    return value or NO_MODALITY


def _edge_kind(relation: str) -> str:
    """An edge's kind: the property's compact name (``crm:P14_carried_out_by``)."""
    from histgraph.vocab import PREFIXES

    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if relation.startswith(ns):
            return f"{prefix}:{relation[len(ns):]}"
    return relation


def node_rows(network: Network, base_iri: str) -> list[dict[str, str]]:
    """One row per node, with every field of :data:`NODE_FIELDS` as text."""
    return [
        {
            "uri": n.iri,
            "label": n.label,
            "kind": n.kind,
            "modality": _modality(n.modality),
            "origin": origin(n) or "",
            "documents": " ".join(n.documents),
            "according_to": " ".join(n.according_to),
            "page": site_path(n.iri, base_iri) or "",
        }
        for n in network.nodes.values()
    ]


def edge_rows(network: Network) -> list[dict[str, str]]:
    """One row per edge; ``uri`` is the property's IRI (edges have none of their own)."""
    return [
        {
            "source": e.source,
            "target": e.target,
            "uri": e.relation,
            "label": e.label,
            "kind": _edge_kind(e.relation),
            "modality": _modality(e.modality),
        }
        for e in network.edges
    ]


def to_csv(rows: list[dict[str, str]], fields: tuple[str, ...]) -> str:
    """Rows as CSV with a header line (RFC 4180 quoting)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_graphml(network: Network, base_iri: str) -> str:
    """GraphML with typed keys for every node and edge field.

    Ids are short (``n0``, ``e0``): the GraphML schema types them ``xs:NMTOKEN``,
    which an IRI's ``/`` is not; each node's IRI travels in its ``node_uri`` data.
    """
    # Namespaces written as plain attributes: no process-wide ET.register_namespace.
    root = ET.Element("graphml", {"xmlns": "http://graphml.graphdrawing.org/xmlns"})
    for domain, fields in (("node", NODE_FIELDS), ("edge", EDGE_FIELDS[2:])):
        for name in fields:
            ET.SubElement(root, "key", {"id": f"{domain}_{name}", "for": domain, "attr.name": name, "attr.type": "string"})
    graph = ET.SubElement(root, "graph", {"id": "histgraph", "edgedefault": "directed"})
    ids: dict[str, str] = {}
    for row in node_rows(network, base_iri):
        ids[row["uri"]] = f"n{len(ids)}"
        node = ET.SubElement(graph, "node", {"id": ids[row["uri"]]})
        for name in NODE_FIELDS:
            ET.SubElement(node, "data", {"key": f"node_{name}"}).text = row[name]
    for i, row in enumerate(edge_rows(network)):
        edge = ET.SubElement(graph, "edge", {"id": f"e{i}", "source": ids[row["source"]], "target": ids[row["target"]]})
        for name in EDGE_FIELDS[2:]:
            ET.SubElement(edge, "data", {"key": f"edge_{name}"}).text = row[name]
    return _xml(root)


def to_gexf(network: Network, base_iri: str) -> str:
    """GEXF 1.2 with node and edge attributes and the viewer's colour per kind."""
    root = ET.Element(
        "gexf",
        {"xmlns": "http://www.gexf.net/1.2draft", "xmlns:viz": "http://www.gexf.net/1.2draft/viz", "version": "1.2"},
    )
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "histgraph"
    ET.SubElement(meta, "description").text = (
        "Actor-event network; modality n/a = the model states none (people, places, works)."
    )
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static"})
    node_fields = [f for f in NODE_FIELDS if f != "label"]
    edge_fields = ["uri", "kind", "modality"]
    for domain, fields in (("node", node_fields), ("edge", edge_fields)):
        attributes = ET.SubElement(graph, "attributes", {"class": domain})
        for name in fields:
            ET.SubElement(attributes, "attribute", {"id": f"{domain}_{name}", "title": name, "type": "string"})
    nodes = ET.SubElement(graph, "nodes")
    for row in node_rows(network, base_iri):
        node = ET.SubElement(nodes, "node", {"id": row["uri"], "label": row["label"]})
        values = ET.SubElement(node, "attvalues")
        for name in node_fields:
            ET.SubElement(values, "attvalue", {"for": f"node_{name}", "value": row[name]})
        colour = KIND_STYLES[row["kind"]]["color"]
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        ET.SubElement(node, "viz:color", {"r": str(r), "g": str(g), "b": str(b)})
    edges = ET.SubElement(graph, "edges")
    for i, row in enumerate(edge_rows(network)):
        edge = ET.SubElement(
            edges, "edge", {"id": f"e{i}", "source": row["source"], "target": row["target"], "label": row["label"]}
        )
        values = ET.SubElement(edge, "attvalues")
        for name in edge_fields:
            ET.SubElement(values, "attvalue", {"for": f"edge_{name}", "value": row[name]})
    return _xml(root)


def _dot_string(text: str) -> str:
    # Graphviz treats backslash sequences (\n, \N, \l) as escapes in labels: double them.
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _short(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def to_dot(network: Network) -> str:
    """Graphviz DOT: shape and colour by kind; planned, proposed, requested… dashed.

    Each node links to its IRI and has a tooltip saying its kind and modality,
    and a class (``kind-person modality-planned``) that survives into the SVG.
    """
    ids = {iri: f"n{i}" for i, iri in enumerate(network.nodes)}
    small = len(ids) <= SMALL_GRAPH_LIMIT
    lines = [
        "digraph histgraph {",
        f'  graph [overlap=prism, sep="+4", splines={"true" if small else "false"}, '
        'fontname="Helvetica", fontsize=10, label="histgraph network; dashed = planned, proposed, requested, '
        'asked or conditional (not reported as done)", labelloc=b];',
        '  node [fontname="Helvetica", fontsize=9, style=filled, penwidth=1.2];',
        '  edge [fontname="Helvetica", fontsize=7, color="#555555", fontcolor="#333333", arrowsize=0.6];',
    ]
    for iri, node in network.nodes.items():
        style = KIND_STYLES[node.kind]
        intended = node.modality not in (None, "reported")
        attrs = {
            "label": _short(node.label),
            "shape": style["dot"],
            "color": style["color"],
            "fillcolor": style["color"] + ("22" if intended else "55"),
            "style": "filled,dashed" if intended else "filled",
            "URL": escape(iri, {'"': "&quot;"}),
            "tooltip": f"{node.label} ({node.kind}, {_modality(node.modality)})",
            "class": f"kind-{node.kind} modality-{_modality(node.modality).replace('/', '')}",
        }
        lines.append(f"  {ids[iri]} [" + ", ".join(f"{k}={_dot_string(v)}" for k, v in attrs.items()) + "];")
    for edge in network.edges:
        intended = edge.modality not in (None, "reported")
        attrs = {
            "label": edge.label if small else "",
            "style": "dashed" if intended else "solid",
            "tooltip": f"{edge.label} ({_edge_kind(edge.relation)}, {_modality(edge.modality)})",
            "class": f"modality-{_modality(edge.modality).replace('/', '')}",
        }
        lines.append(
            f"  {ids[edge.source]} -> {ids[edge.target]} ["
            + ", ".join(f"{k}={_dot_string(v)}" for k, v in attrs.items())
            + "];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_graphviz(dot: str, fmt: str, node_count: int) -> bytes:
    """Run Graphviz on ``dot`` to make ``fmt`` ("svg" or "png")."""
    program = "neato" if node_count <= SMALL_GRAPH_LIMIT else "sfdp"
    binary = shutil.which(program)
    if binary is None:
        raise HistgraphError(f"Graphviz `{program}` not found; install graphviz: apt-get install graphviz")
    try:
        done = subprocess.run(
            [binary, f"-T{fmt}"], input=dot.encode("utf-8"), capture_output=True, timeout=GRAPHVIZ_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise HistgraphError(
            f"Graphviz took longer than {GRAPHVIZ_TIMEOUT:.0f} s; export --format dot and lay it out yourself"
        ) from None
    if done.returncode != 0:
        raise HistgraphError(f"Graphviz failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


def _timelinejs_date(value: str) -> dict[str, str]:
    date, _, clock = value.partition("T")
    year, month, day = date.split("-")
    parts = {"year": year, "month": str(int(month)), "day": str(int(day))}
    if clock and clock not in ("00:00:00", "23:59:59"):
        hour, minute, _ = clock.split(":")
        parts.update(hour=str(int(hour)), minute=str(int(minute)))
    return parts


def to_timelinejs(timeline: Timeline, base_iri: str) -> dict[str, Any]:
    """TimelineJS 3 JSON: one slide per dated item, in its row; undated steps in the title slide.

    Each event also carries ``uri``, ``label``, ``kind`` and ``modality`` (TimelineJS
    ignores fields it does not know).
    """
    data = timeline.to_json(base_iri)
    flags = {f["id"]: f["label"] for f in data["flags"]}
    groups = {g["id"]: g["label"] for g in data["groups"]}
    events: list[dict[str, object]] = []
    for item in data["items"]:
        notes = [f"Modality: {_modality(item['modality'])}."]
        if item["as_written"]:
            notes.append(f"As written: \u201c{item['as_written']}\u201d" + (" (vague: drawn as a range)." if item["vague"] else "."))
        if item["according_to"]:
            notes.append("According to " + "; ".join(a["label"] for a in item["according_to"]) + ".")
        notes += [f"Planned step: {s['label']}." for s in item["corresponds_to"]]
        notes += [f"What happened (other sources): {r['label']}." for r in item["realised_by"]]
        notes += [f"\u2691 {flags[f]}" for f in item["flags"]]
        events.append(
            {
                "unique_id": f"item-{len(events)}",
                "start_date": _timelinejs_date(item["start"]),
                "end_date": _timelinejs_date(item["end"]),
                "display_date": item["as_written"] or item["when"] or "",
                "group": groups[item["group"]],
                "text": {"headline": escape(item["label"]), "text": escape(" ".join(notes))},
                "uri": item["id"],
                "label": item["label"],
                "kind": item["kind"],
                "modality": _modality(item["modality"]),
            }
        )
    undated = "; ".join(
        f"{u['label']} ({u['duration'] or u['when'] or 'no date stated'})" for u in data["undated"]
    )
    return {
        "title": {
            "text": {
                "headline": "Plan and record",
                "text": escape("Undated in the sources (not drawn): " + (undated or "none") + "."),
            }
        },
        "events": events,
    }


def export(store: Store, base_iri: str, fmt: str) -> bytes:
    """The export ``fmt`` (a key of :data:`FORMATS`) of the store's network or timeline."""
    if fmt not in FORMATS:
        raise HistgraphError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "timelinejs":
        payload = to_timelinejs(extract_timeline(store), base_iri)
        return (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    network = extract_network(store)
    writers: dict[str, Callable[[], str]] = {
        "gexf": lambda: to_gexf(network, base_iri),
        "graphml": lambda: to_graphml(network, base_iri),
        "nodes-csv": lambda: to_csv(node_rows(network, base_iri), NODE_FIELDS),
        "edges-csv": lambda: to_csv(edge_rows(network), EDGE_FIELDS),
        "dot": lambda: to_dot(network),
    }
    if fmt in writers:
        return writers[fmt]().encode("utf-8")
    return render_graphviz(to_dot(network), fmt, len(network.nodes))
