"""``histgraph enrich`` against a real Wikidata-shaped endpoint and a Commons-shaped API.

The snapshot is parsed as TriG and checked triple by triple: labels and
descriptions in three languages, dates, positions around 1950 only, images with
their licence, coordinates, the graph's provenance; only reviewed matches are
enriched; a failure writes nothing; the project loads the snapshot offline.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from histgraph.build.load import read_project
from histgraph.cli import main
from tests.conftest import copy_project
from tests.fixtures.wikidata.servers import commons_api, wikidata_endpoint
from tests.servers import free_port

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
SNAPSHOT = "https://histgraph.example.org/graph/wikidata-snapshot"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
CITY_IMAGE = "http://commons.wikimedia.org/wiki/Special:FilePath/Histgraph%20fixture%20city.jpg"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, list]]:
    with (
        wikidata_endpoint(tmp_path_factory.mktemp("wikidata")) as endpoint,
        commons_api() as (api, seen),
    ):
        yield endpoint, api, seen


def invoke(project: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        main,
        ["--project", str(project), *args],
        env={"HISTGRAPH_WIKIDATA_TIMEOUT": "5", "HISTGRAPH_REVIEWER": "T"},
    )


@pytest.fixture(scope="module")
def enriched(servers, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """A project copy with candidates from `histgraph link`, then enriched."""
    endpoint, api, _ = servers
    project = copy_project(tmp_path_factory.mktemp("enrich") / "project")
    assert (
        invoke(project, "link", "--endpoint", endpoint, "--only", "person", "--no-cache").exit_code
        == 0
    )
    result = invoke(project, "enrich", "--endpoint", endpoint, "--commons-api", api)
    assert result.exit_code == 0, result.output
    return project


def snapshot_values(project: Path) -> tuple[dict[tuple[str, str], set], set[tuple[str, str, str]]]:
    """(subject, predicate) → objects in the snapshot graph, and the default-graph triples."""
    values: dict[tuple[str, str], set] = {}
    default = set()
    for quad in ox.parse(
        path=str(project / "data/enrichment/wikidata-snapshot.trig"), format=ox.RdfFormat.TRIG
    ):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            default.add((quad.subject.value, quad.predicate.value, quad.object.value))
        else:
            assert quad.graph_name.value == SNAPSHOT
            values.setdefault((quad.subject.value, quad.predicate.value), set()).add(quad.object)
    return values, default


def test_labels_descriptions_dates_and_coordinates(enriched: Path) -> None:
    """Protects the snapshot's content: three languages, birth/death dates, coordinates as WKT."""
    values, _ = snapshot_values(enriched)
    labels = {(lit.value, lit.language) for lit in values[(WD + "Q656", RDFS_LABEL)]}
    assert labels == {("Saint Petersburg", "en"), ("Санкт-Петербург", "ru"), ("圣彼得堡", "zh")}
    descriptions = {lit.language for lit in values[(WD + "Q656", "https://schema.org/description")]}
    assert descriptions == {"en", "ru"}
    (born,) = values[(WD + "Q5816", WDT + "P569")]
    assert born.value.startswith("1893-12-26") and born.datatype.value.endswith("#dateTime")
    (point,) = values[(WD + "Q656", WDT + "P625")]
    assert point.value == "Point(30.3 59.95)"
    assert point.datatype.value == "http://www.opengis.net/ont/geosparql#wktLiteral"


def test_only_positions_around_the_time_are_kept(enriched: Path) -> None:
    """Protects "positions held around 1950": the 1949–1954 position stays, the 1920s one does not."""
    values, _ = snapshot_values(enriched)
    positions = {o.value for o in values[(WD + "Q5816", WDT + "P39")]}
    assert positions == {WD + "Q990000951"}
    (statement,) = values[(WD + "Q5816", "http://www.wikidata.org/prop/P39")]
    (start,) = values[(statement.value, "http://www.wikidata.org/prop/qualifier/P580")]
    assert start.value.startswith("1949-10-01")


def test_images_carry_their_licence_from_commons(enriched: Path, servers) -> None:  # type: ignore[no-untyped-def]
    """Protects image attribution: URL, licence URL, licence name and author (HTML removed)."""
    values, _ = snapshot_values(enriched)
    assert {o.value for o in values[(WD + "Q656", WDT + "P18")]} == {CITY_IMAGE}
    assert {o.value for o in values[(CITY_IMAGE, DCTERMS + "license")]} == {
        "https://creativecommons.org/licenses/by-sa/4.0"
    }
    assert {o.value for o in values[(CITY_IMAGE, DCTERMS + "rights")]} == {"CC BY-SA 4.0"}
    assert {o.value for o in values[(CITY_IMAGE, DCTERMS + "creator")]} == {"Fixture Photographer"}
    _, _, seen = servers
    assert any("File:Histgraph fixture city.jpg" in p["titles"][0] for p in seen)


def test_snapshot_provenance_and_candidates_left_out(enriched: Path, servers) -> None:  # type: ignore[no-untyped-def]
    """Protects attribution and honesty: retrieval time, source, endpoint; unreviewed candidates not enriched."""
    endpoint, _, _ = servers
    values, default = snapshot_values(enriched)
    assert (SNAPSHOT, DCTERMS + "source", "https://www.wikidata.org/") in default
    sources = {o for s, p, o in default if s == SNAPSHOT and p == PROV + "wasDerivedFrom"}
    assert {o for s, p, o in default if s in sources and p == "https://schema.org/url"} >= {
        endpoint
    }
    assert any(s == SNAPSHOT and p == PROV + "generatedAtTime" for s, p, _o in default)
    subjects = {s for s, _p in values}
    assert WD + "Q5816" in subjects and WD + "Q891" in subjects
    assert not {WD + "Q990000031", WD + "Q990000032", WD + "Q990000021"} & subjects


def test_the_project_loads_the_snapshot_offline(enriched: Path) -> None:
    """Protects offline use: read_project puts the snapshot in its graph and its provenance in graph/provenance."""
    quads = read_project(enriched / "data").quads
    graphs = {q.graph_name.value for q in quads if q.subject.value == WD + "Q656"}
    assert graphs == {SNAPSHOT}
    provenance = {q.graph_name.value for q in quads if q.subject.value == SNAPSHOT}
    assert provenance == {"https://histgraph.example.org/graph/provenance"}


def test_failures_write_nothing(enriched: Path, servers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Protects atomicity: endpoint down or Commons down leave the earlier snapshot byte for byte."""
    endpoint, _, _ = servers
    snapshot = enriched / "data/enrichment/wikidata-snapshot.trig"
    before = snapshot.read_bytes()
    down = f"http://127.0.0.1:{free_port()}/sparql"
    result = invoke(enriched, "enrich", "--endpoint", down)
    assert result.exit_code == 1 and "cannot reach" in result.output
    result = invoke(enriched, "enrich", "--endpoint", endpoint, "--commons-api", down)
    assert result.exit_code == 1 and "cannot reach" in result.output
    assert snapshot.read_bytes() == before
    project = copy_project(tmp_path / "bare")
    shutil.rmtree(project / "data" / "links")
    result = invoke(project, "enrich", "--endpoint", endpoint)
    assert result.exit_code == 1 and "no reviewed Wikidata matches" in result.output
    assert not (project / "data/enrichment").exists()


def test_snapshot_conforms_to_the_project_shapes(enriched: Path) -> None:
    """Protects builds after enrichment: the snapshot and its provenance pass the project's shapes."""
    from rdflib import Graph

    from histgraph.store import to_rdflib
    from histgraph.validation.engines import load_shapes_text
    from histgraph.validation.validate import validate_graph
    from tests.conftest import ROOT

    data = Graph()
    for quad in ox.parse(
        path=str(enriched / "data/enrichment/wikidata-snapshot.trig"), format=ox.RdfFormat.TRIG
    ):
        data.add(tuple(to_rdflib(t) for t in (quad.subject, quad.predicate, quad.object)))  # type: ignore[arg-type]
    shapes = Graph().parse(data=load_shapes_text(ROOT / "shapes"), format="turtle")
    report = validate_graph(data, shapes)
    assert report.conforms, [f.message for f in report.findings]
