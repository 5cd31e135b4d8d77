"""`histgraph validate` and the build's refusal of bad data, on the real project.

The cable conforms with exactly the three known inconsistencies as warnings; a
broken document makes `validate` exit 1 and `build` refuse, keeping the last
good build; malformed Turtle exits 2 with file and line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDF, SH

from histgraph.build.anchors import resolve_anchors
from histgraph.build.load import read_project
from histgraph.build.pipeline import build
from histgraph.cli import main
from histgraph.config import load_settings
from histgraph.errors import ValidationFailed
from histgraph.validation.engines import load_shapes_text
from histgraph.validation.validate import validate_dataset

from .conftest import CABLE, copy_project

BASE = "https://histgraph.example.org/"
KNOWN_WARNINGS = {
    (BASE + "id/step/zhou-journey-travel", BASE + "id/note/arrival-arithmetic"),
    (BASE + "id/step/zhou-journey-prepare", BASE + "id/note/preparation-arithmetic"),
    (BASE + "id/step/zhou-journey-negotiate-and-sign", BASE + "id/note/negotiation-duration-arithmetic"),
}


def _break_meeting(project: Path) -> None:
    """Remove the participants of the cable's meeting (a meeting needs at least one)."""
    facts = project / "data" / "documents" / CABLE / "facts.ttl"
    text = facts.read_text(encoding="utf-8")
    broken = text.replace(
        "    crm:P14_carried_out_by person:molotov, person:mikoyan ;\n    crm:P11_had_participant person:mao-zedong ;\n"
        "    crm:P7_took_place_at place:mao-quarters ;",
        "    crm:P7_took_place_at place:mao-quarters ;",
    )
    assert broken != text
    facts.write_text(broken, encoding="utf-8")


def test_real_data_conforms_with_the_known_warnings(built) -> None:
    """Protects the cable: no violations, and each known inconsistency is computed as a warning."""
    report = built.report
    assert report.conforms
    assert report.counts() == {"violations": 0, "warnings": 3, "infos": 0}
    assert {(f.focus, f.value) for f in report.findings} == KNOWN_WARNINGS
    assert all(f.graph == BASE + f"graph/{CABLE}" for f in report.findings)


def test_cli_text_report_exits_0(tmp_path: Path) -> None:
    """Protects the historian's view: exit 0, warnings listed with labels and passages."""
    project = copy_project(tmp_path / "project")
    result = CliRunner().invoke(main, ["--project", str(project), "validate", "--format", "json"])
    assert result.exit_code == 0, result.output
    described = json.loads(result.stdout)
    assert described["conforms"] is True and described["counts"]["warnings"] == 3
    (document,) = described["documents"]
    assert document["label"].startswith("Cable, Mao Zedong to the Central Committee")
    travel = next(e for e in document["entities"] if e["iri"].endswith("zhou-journey-travel"))
    assert travel["label"] == "(planned) Zhou Enlai travels to Moscow by train: eleven days"
    (finding,) = travel["findings"]
    assert finding["severity"] == "warning"
    assert finding["value_label"] == "9 January + eleven days = 20 January, but the cable says 19 January"
    assert finding["passage"]["exact"] == "It would take him eleven days by train [to travel to Moscow]"
    text = CliRunner().invoke(main, ["--project", str(project), "validate"])
    assert text.exit_code == 0
    assert "WARNING:" in text.stdout


def test_cli_turtle_is_a_standard_report(tmp_path: Path) -> None:
    """Protects interoperability: --format turtle is an sh:ValidationReport with the results."""
    project = copy_project(tmp_path / "project")
    result = CliRunner().invoke(main, ["--project", str(project), "validate", "--format", "turtle"])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout, format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms).toPython() is True
    severities = [graph.value(r, SH.resultSeverity) for r in graph.objects(report, SH.result)]
    assert severities == [SH.Warning] * 3


def test_broken_document_exits_1_and_cannot_be_published(tmp_path: Path) -> None:
    """Protects publishing: violations give exit 1, and the build keeps the last good one."""
    project = copy_project(tmp_path / "project")
    settings = load_settings({"project_dir": project}, environ={})
    good = build(settings)
    _break_meeting(project)
    result = CliRunner().invoke(main, ["--project", str(project), "validate", "--format", "json"])
    assert result.exit_code == 1
    described = json.loads(result.stdout)
    findings = [
        (e["iri"], f["message"])
        for d in described["documents"]
        for e in d["entities"]
        for f in e["findings"]
        if f["severity"] == "violation"
    ]
    assert findings == [
        (BASE + "id/event/meeting-1950-01-02", "A meeting needs at least one participant (crm:P11_had_participant or crm:P14_carried_out_by).")
    ]
    with pytest.raises(ValidationFailed) as info:
        build(settings)
    assert "A meeting needs at least one participant" in str(info.value)
    assert (project / "build" / "current").resolve() == good.path
    assert (project / "build" / "current").resolve() == good.path


def test_malformed_turtle_exits_2_with_file_and_line(tmp_path: Path) -> None:
    """Protects the error a person sees for a typo: exit 2, file and line, nothing validated."""
    project = copy_project(tmp_path / "project")
    places = project / "data" / "authorities" / "places.ttl"
    lines = places.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "place:broken rdfs:label 'no end .")
    places.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(project), "validate"])
    assert result.exit_code == 2
    assert "places.ttl:4" in result.output


def test_parallel_and_sequential_give_the_same_findings(tmp_path: Path) -> None:
    """Protects parallel validation: the same findings, whatever the number of processes."""
    project = copy_project(tmp_path / "project", extra_documents=("test-fixture-second-document",))
    _break_meeting(project)
    settings = load_settings({"project_dir": project}, environ={})
    source = read_project(settings.data_dir, settings.ontology_dir)
    quads, _ = resolve_anchors(source.quads, source.texts)
    shapes = load_shapes_text(settings.shapes_dir)
    one = validate_dataset(quads, shapes, base_iri=BASE, workers=1)
    two = validate_dataset(quads, shapes, base_iri=BASE, workers=2)
    assert one.findings == two.findings
    assert one.counts()["violations"] == 1


def test_adding_a_document_rechecks_only_that_document(tmp_path: Path) -> None:
    """Protects incremental validation: unchanged documents' results come from the cache."""
    project = copy_project(tmp_path / "project")
    settings = load_settings({"project_dir": project}, environ={})
    first = build(settings).report
    assert first.cached_units == 0
    fixture = Path(__file__).parent / "fixtures" / "test-fixture-second-document"
    target = project / "data" / "documents" / fixture.name
    target.mkdir()
    for path in fixture.iterdir():
        (target / path.name).write_bytes(path.read_bytes())
    second = build(settings).report
    assert second.conforms
    assert second.units == first.units + 1
    assert second.cached_units == first.units


def test_report_json_is_published_with_the_build(built) -> None:
    """Protects the site's link to the latest report: report.json sits in every build."""
    described = json.loads((built.path / "report.json").read_text(encoding="utf-8"))
    assert described["conforms"] is True
    assert described["counts"] == built.report.counts()
    graph = Graph().parse(built.path / "report.ttl", format="turtle")
    assert len(list(graph.subjects(RDF.type, SH.ValidationReport))) == 1


def test_validate_help_documents_exit_codes() -> None:
    """Protects the command's help: formats and exit codes are explained."""
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    assert "--format" in result.output and "2: an input file could not be read" in result.output


def test_unit_data_is_rdf(tmp_path: Path) -> None:
    """Protects the unit payloads sent to worker processes: valid N-Triples."""
    from histgraph.validation.units import dataset_units

    quads = list(ox.parse(path=str(Path(__file__).parent / "fixtures" / "shacl" / "base.trig"), format=ox.RdfFormat.TRIG))
    for unit in dataset_units(quads, BASE):
        assert list(ox.parse(unit.data, format=ox.RdfFormat.N_TRIPLES))
