"""Exports parse back and hold exactly the network's nodes and edges, modality included."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import networkx as nx
import pytest
from click.testing import CliRunner

from histgraph.cli import main
from histgraph.errors import HistgraphError
from histgraph.present.export import export, render_graphviz
from histgraph.present.timeline import extract_timeline
from histgraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://histgraph.example.org/"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def _expected_nodes(network) -> dict[str, tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {n.iri: (n.label, n.kind, n.modality or "n/a") for n in network.nodes.values()}


def _expected_edges(network) -> set[tuple[str, str, str, str, str]]:  # type: ignore[no-untyped-def]
    return {(e.source, e.target, e.relation, e.label, e.modality or "n/a") for e in network.edges}


@pytest.mark.parametrize("fmt, reader", [("gexf", nx.read_gexf), ("graphml", nx.read_graphml)])
def test_gexf_and_graphml_read_back_with_networkx(cable, network, fmt, reader):
    """networkx reads the GEXF and GraphML back with every node and edge, IRI, label, kind, modality."""
    graph = reader(io.BytesIO(export(cable[1], BASE, fmt)))
    # GraphML ids are short NMTOKENs (n0, n1…); every node carries its IRI as "uri".
    iri = {n: d["uri"] for n, d in graph.nodes(data=True)}
    nodes = {iri[n]: (d["label"], d["kind"], d["modality"]) for n, d in graph.nodes(data=True)}
    assert nodes == _expected_nodes(network)
    edges = {(iri[s], iri[t], d["uri"], d["label"], d["modality"]) for s, t, d in graph.edges(data=True)}
    assert edges == _expected_edges(network)
    assert graph.number_of_edges() == len(network.edges)


def test_csvs_load_with_the_csv_module(cable, network):
    """The node and edge CSVs load with csv and hold exactly the network, modality "n/a" where none."""
    nodes = list(csv.DictReader(io.StringIO(export(cable[1], BASE, "nodes-csv").decode("utf-8"))))
    assert {r["uri"]: (r["label"], r["kind"], r["modality"]) for r in nodes} == _expected_nodes(network)
    assert len(nodes) == len(network.nodes)
    zhou = next(r for r in nodes if r["uri"] == BASE + "id/person/zhou-enlai")
    assert (zhou["modality"], zhou["page"]) == ("n/a", "/id/person/zhou-enlai")
    edges = list(csv.DictReader(io.StringIO(export(cable[1], BASE, "edges-csv").decode("utf-8"))))
    assert {(r["source"], r["target"], r["uri"], r["label"], r["modality"]) for r in edges} == _expected_edges(network)
    assert len(edges) == len(network.edges)
    assert {r["kind"] for r in edges if r["label"] == "is to travel to"} == {"hg:plannedTo"}


def test_svg_is_well_formed_and_links_every_node(cable, network):
    """The Graphviz SVG is well-formed XML with one linked node per network node, classed by kind
    and modality, and one edge per network edge."""
    root = ET.fromstring(export(cable[1], BASE, "svg"))
    groups = root.iter(f"{SVG}g")
    nodes = [g for g in groups if g.get("class", "").split()[:1] == ["node"]]
    assert len(nodes) == len(network.nodes)
    links = {a.get(f"{XLINK}href") for g in nodes for a in g.iter(f"{SVG}a")}
    assert links == set(network.nodes)
    classes = {c for g in nodes for c in g.get("class", "").split()}
    assert {"kind-person", "kind-step", "modality-planned", "modality-reported", "modality-na"} <= classes
    edges = [g for g in root.iter(f"{SVG}g") if g.get("class", "").split()[:1] == ["edge"]]
    assert len(edges) == len(network.edges)


def test_png_is_a_png(cable):
    """The PNG export is an image Graphviz drew."""
    assert export(cable[1], BASE, "png").startswith(b"\x89PNG\r\n\x1a\n")


def test_missing_graphviz_says_how_to_install_it(monkeypatch, tmp_path):
    """Without Graphviz on PATH, the error names the package to install."""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(HistgraphError, match="apt-get install graphviz"):
        render_graphviz("digraph {}", "svg", 1)


def test_timelinejs_json(cable):
    """The TimelineJS file has one event per dated item, each with uri, label, kind and modality."""
    payload = json.loads(export(cable[1], BASE, "timelinejs"))
    dated = extract_timeline(cable[1]).to_json(BASE)["items"]
    assert [e["uri"] for e in payload["events"]] == [i["id"] for i in dated]
    depart = next(e for e in payload["events"] if e["uri"].endswith("step/zhou-journey-depart-beijing"))
    assert (depart["kind"], depart["modality"], depart["group"]) == ("step", "planned", "plan (the cable)")
    assert depart["start_date"] == {"year": "1950", "month": "1", "day": "9"}
    assert depart["display_date"] == "on 9 January"
    assert "five days" in payload["title"]["text"]["text"]


def test_cli_export(cable, network, tmp_path):
    """`histgraph export` writes the same bytes to stdout or a file; png needs -o."""
    settings, store = cable
    args = ["--project", str(ROOT), "--build-dir", str(settings.builds_root)]
    runner = CliRunner()
    result = runner.invoke(main, [*args, "export", "--format", "edges-csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == export(store, BASE, "edges-csv")
    out = tmp_path / "cable.gexf"
    assert runner.invoke(main, [*args, "export", "--format", "gexf", "-o", str(out)]).exit_code == 0
    assert nx.read_gexf(out).number_of_nodes() == len(network.nodes)
    refused = runner.invoke(main, [*args, "export", "--format", "png"])
    assert refused.exit_code == 2 and "-o" in refused.output
    helped = runner.invoke(main, ["export", "--help"])
    assert helped.exit_code == 0 and "gexf" in helped.output


def test_download_links_serve_the_exports(cable):
    """/exports/<name> serves each export as a download, the same bytes as the CLI."""
    settings, store = cable
    client = create_app(settings, store=store).test_client()
    response = client.get("/exports/network.graphml")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="network.graphml"'
    assert response.data == export(store, BASE, "graphml")
    assert client.get("/exports/timeline-timelinejs.json").get_json()["events"]
    assert client.get("/exports/network.exe").status_code == 404


@pytest.mark.parametrize("fmt, rdf_format", [("nquads", "N_QUADS"), ("trig", "TRIG")])
def test_dataset_export_is_the_whole_build_in_one_file(settings, built, tmp_path, fmt, rdf_format):
    """Protects loading a triple store from a build: one file holds every quad, as the store has them."""
    import pyoxigraph as ox

    from histgraph.store.layout import read_quads

    target = tmp_path / f"dataset.{fmt}"
    result = CliRunner().invoke(main, ["--project", str(settings.project_dir), "--build-dir",
                                       str(settings.builds_root), "export", "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    exported = set(ox.parse(path=str(target), format=getattr(ox.RdfFormat, rdf_format)))
    assert exported == set(read_quads(built.path))
    assert len(exported) == built.summary["triples"]


def test_exported_nquads_load_into_oxigraph_as_docs_scaling_says(settings, built, tmp_path):
    """Protects docs/scaling.md's tested command: `oxigraph load` takes the exported file whole."""
    import subprocess

    import pyoxigraph as ox

    from histgraph.store.layout import read_quads

    from .servers import BIN

    target = tmp_path / "dataset.nq"
    args = ["--project", str(settings.project_dir), "--build-dir", str(settings.builds_root)]
    assert CliRunner().invoke(main, [*args, "export", "--format", "nquads", "-o", str(target)]).exit_code == 0
    location = tmp_path / "oxigraph"
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(target)],
                   check=True, capture_output=True)
    assert set(ox.Store.read_only(str(location))) == set(ox.Store.read_only(str(built.path / "store")))
    assert len(set(read_quads(built.path))) == built.summary["triples"]
