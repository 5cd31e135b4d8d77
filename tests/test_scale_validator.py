"""pyshacl-turbo finds exactly what pyshacl finds, on our shapes and data.

``settings.validator = "turbo"`` swaps pyshacl for pyshacl-turbo (Rust, much
faster at scale). It may only be used while its findings equal pyshacl's, unit
by unit: on the cable, on a generated archive with injected errors, and on every
broken fixture of tests/fixtures/shacl/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.build import anchors
from histgraph.build.load import read_project
from histgraph.validation.engines import load_shapes_text, validate_unit_report
from histgraph.validation.merge import merge_unit_reports
from histgraph.validation.units import dataset_units

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "shacl"
BASE = "https://histgraph.example.org/"
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_archive import generate  # noqa: E402


def _findings(quads: list[ox.Quad], shapes_text: str, validator: str) -> list[tuple[str, ...]]:
    """Every finding, with its unit, constraint and full message, as sortable tuples."""
    units = dataset_units(quads, BASE)
    report = merge_unit_reports(
        [(u.graph, str(i), validate_unit_report(u.data, u.focus, shapes_text, validator)) for i, u in enumerate(units)],
        len(units),
    )
    return sorted(f.key() + (f.graph or "", f.constraint or "") for f in report.findings)


def _project_quads(project: Path) -> list[ox.Quad]:
    source = read_project(project / "data", project / "ontology")
    quads, _anchors = anchors.resolve_anchors(source.quads, source.texts)
    return quads


@pytest.fixture(scope="module")
def shapes_text() -> str:
    return load_shapes_text(ROOT / "shapes")


def test_turbo_equals_pyshacl_on_the_cable(shapes_text: str) -> None:
    """Protects the cable's report: the same warnings, word for word, from either validator."""
    quads = _project_quads(ROOT)
    expected = _findings(quads, shapes_text, "pyshacl")
    assert expected, "the cable has known warnings (its arithmetic notes)"
    assert _findings(quads, shapes_text, "turbo") == expected


def test_turbo_equals_pyshacl_on_a_generated_archive_with_errors(tmp_path: Path, shapes_text: str) -> None:
    """Protects refusal at scale: injected violations and every warning are found by both."""
    generate(4, tmp_path / "archive", errors=2)
    quads = _project_quads(tmp_path / "archive")
    expected = _findings(quads, shapes_text, "pyshacl")
    assert sum(1 for f in expected if f[0] == "violation") == 2
    assert _findings(quads, shapes_text, "turbo") == expected


#: Fixtures on which pyshacl-turbo does NOT find what pyshacl finds: none. (It once
#: differed on anchor-start-after-end: SUBSTR with a negative length is "" in rdflib and
#: an error in Oxigraph's engine; hgsh:AnchorWords now tests ?end < ?start first.)
KNOWN_DIFFERENCES: list[str] = []


def test_turbo_equals_pyshacl_on_every_broken_fixture(shapes_text: str) -> None:
    """Protects each rule: every broken fixture gives the same findings from both validators,
    except the known differences listed above (so a new one, or a fix, is noticed)."""
    base = list(ox.parse(path=str(FIXTURES / "base.trig"), format=ox.RdfFormat.TRIG))
    differing = []
    for path in sorted(FIXTURES.glob("*.trig")):
        quads = base + ([] if path.stem == "base" else list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG)))
        if _findings(quads, shapes_text, "turbo") != _findings(quads, shapes_text, "pyshacl"):
            differing.append(path.stem)
    assert differing == KNOWN_DIFFERENCES


def test_turbo_reports_come_straight_from_its_engine() -> None:
    """Protects build speed: with the installed pyshacl-turbo, units skip its rdflib report graph.

    engines._turbo_native_report falls back to the public API if the engine's call
    ever changes; this says when that happens (findings stay right either way, as
    the tests above check), so the figures in docs/benchmarks.md stay true.
    """
    from histgraph.validation.engines import _turbo_native_report

    shapes_text = load_shapes_text(ROOT / "shapes")
    units = [u for u in dataset_units(_project_quads(ROOT), BASE) if u.graph.endswith("authorities")]
    payload = _turbo_native_report(units[0].data, shapes_text, units[0].focus)
    assert payload is not None
    parsed = list(ox.parse(payload, format=ox.RdfFormat.N_TRIPLES))
    assert any(t.object.value == "http://www.w3.org/ns/shacl#ValidationReport" for t in parsed)
