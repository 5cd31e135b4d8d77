"""Wikidata identifiers are checked by shape: only an item's entity IRI is accepted as an item.

Issue #12, item 10: the build published ``wd:X5816``, ``Q5816abc``, a wiki page
address and ``wd:P31`` as Wikidata items of reviewed links. The build now
refuses them naming the file (``histgraph.wikidata_identifiers``), and the
shapes state the same rule, so data checked by SHACL alone is reported too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.build.load import graph_iri, parse_file
from histgraph.build.pipeline import build
from histgraph.errors import InputError
from histgraph.store.layout import current_build
from histgraph.validation.engines import load_shapes_text
from histgraph.validation.validate import validate_dataset

from ..conftest import ROOT, copy_project
from .build_cli import histgraph
from .harness import project_settings

BASE = "https://histgraph.example.org/"
WD = "http://www.wikidata.org/entity/"
GOOD = "wd:Q5816"
#: Malformed items as written in Turtle: the IRI they stand for, and the one the error suggests (if any).
BAD = {
    "wd:X5816": (WD + "X5816", None),
    "wd:Q5816abc": (WD + "Q5816abc", None),
    "wd:Q05816": (WD + "Q05816", WD + "Q5816"),
    "<https://www.wikidata.org/wiki/Q5816>": ("https://www.wikidata.org/wiki/Q5816", WD + "Q5816"),
    "<https://www.wikidata.org/entity/Q5816>": ("https://www.wikidata.org/entity/Q5816", WD + "Q5816"),
    "wd:P31": (WD + "P31", None),
}
SHACL_FIXTURES = ROOT / "tests" / "fixtures" / "shacl"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("wikidata") / "project")


def _reviewed(project: Path) -> Path:
    return project / "data" / "links" / "wikidata-reviewed.trig"


def _with_link(pristine: Path, tmp_path: Path, item: str) -> Path:
    """A copy of the project whose reviewed batch matches Mao Zedong to ``item``."""
    project = tmp_path / "project"
    shutil.copytree(pristine, project)
    text = _reviewed(project).read_text()
    assert f"person:mao-zedong skos:exactMatch {GOOD} ." in text
    _reviewed(project).write_text(text.replace(f"person:mao-zedong skos:exactMatch {GOOD} .",
                                               f"person:mao-zedong skos:exactMatch {item} ."))
    return project


@pytest.mark.parametrize("item", sorted(BAD))
def test_malformed_items_stop_the_build(pristine: Path, tmp_path: Path, item: str) -> None:
    """Protects published links: a non-item identifier in a link batch stops the build, naming the file."""
    project = _with_link(pristine, tmp_path, item)
    settings = project_settings(project)
    with pytest.raises(InputError) as refused:
        build(settings, validate=False)
    assert Path(refused.value.path) == _reviewed(project)
    assert current_build(settings) is None
    _iri, suggestion = BAD[item]
    if suggestion is not None:  # an identifier we can read: the message gives the IRI to use
        assert f"<{suggestion}>" in refused.value.detail


def test_wiki_page_address_refused_by_the_cli_with_a_hint(pristine: Path, tmp_path: Path) -> None:
    """Protects the reviewer's case end to end: a wiki page URL exits 2 with the entity IRI to use instead."""
    project = _with_link(pristine, tmp_path, "<https://www.wikidata.org/wiki/Q5816>")
    run = histgraph(project, "build", "--no-validate")
    assert run.returncode == 2
    assert not run.traceback
    assert [Path(e.path) for e in run.errors] == [_reviewed(project)]
    assert "use the entity IRI <http://www.wikidata.org/entity/Q5816>" in run.errors[0].message


def test_well_formed_items_build(pristine: Path, tmp_path: Path) -> None:
    """Protects real links: an item with a large number builds, and the real batches build as they are."""
    project = _with_link(pristine, tmp_path, "wd:Q123456789")
    result = build(project_settings(project), validate=False)
    store = ox.Store.read_only(str(result.path / "store"))
    objects = {q.object.value for q in store.quads_for_pattern(
        ox.NamedNode(f"{BASE}id/person/mao-zedong"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch"),
        None, None)}
    assert objects == {"http://www.wikidata.org/entity/Q123456789"}


def test_a_property_is_accepted_where_a_property_is_meant(tmp_path: Path) -> None:
    """Protects the ontology: a property of ours may match a Wikidata property; a record may not."""
    turtle = ("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
              "<https://histgraph.example.org/ontology#instanceOf> skos:closeMatch "
              "<http://www.wikidata.org/entity/P31> .\n")
    path = tmp_path / "hg.ttl"
    path.write_text(turtle)
    quads = parse_file(path, graph_iri("ontology"))
    assert [q.object.value for q in quads] == ["http://www.wikidata.org/entity/P31"]
    with pytest.raises(InputError) as refused:
        parse_file(path, graph_iri("authorities"))
    assert Path(refused.value.path) == path


def test_malformed_entity_iri_refused_anywhere(tmp_path: Path) -> None:
    """Protects the enrichment snapshot: a subject in Wikidata's entity namespace must be an item or property."""
    path = tmp_path / "snapshot.trig"
    path.write_text('<http://www.wikidata.org/entity/Q649x> <http://www.w3.org/2000/01/rdf-schema#label> "Moscow"@en .\n')
    with pytest.raises(InputError) as refused:
        parse_file(path, graph_iri("provenance"))
    assert Path(refused.value.path) == path


def _batch(item: str, relation: str = "skos:exactMatch", status: str = "Reviewed",
           method: str = "ManualReview") -> list[ox.Quad]:
    """A link batch in the SHACL fixtures' style, matching the fixture person to ``item``."""
    header = (SHACL_FIXTURES / "exact-match-not-reviewed.trig").read_text().split("graph:links-test {")[0]
    body = (f"graph:links-test {{ person:tester {relation} {item} . }}\n"
            "graph:provenance {\n"
            '    graph:links-test rdfs:label "test links"@en ; rdfs:comment "Checked."@en ;\n'
            f"        hg:matchStatus hg:{status} ; hg:matchMethod hg:{method} ;\n"
            "        prov:wasAttributedTo agent:histgraph-editors ;\n"
            '        prov:generatedAtTime "2026-01-01T00:00:00Z"^^xsd:dateTime .\n}\n')
    return list(ox.parse((header + body).encode(), format=ox.RdfFormat.TRIG))


@pytest.mark.parametrize("validator", ["pyshacl", "turbo"])
def test_shapes_report_malformed_items(validator: str) -> None:
    """Protects data checked by SHACL alone: the shapes flag each malformed item, with the focus and the value."""
    shapes = load_shapes_text(ROOT / "shapes")
    base = list(ox.parse(path=str(SHACL_FIXTURES / "base.trig"), format=ox.RdfFormat.TRIG))
    cases = [(item, iri, "exactMatch", "Reviewed", "ManualReview") for item, (iri, _hint) in BAD.items()]
    cases += [("<https://www.wikidata.org/wiki/Q5499>", "https://www.wikidata.org/wiki/Q5499", "closeMatch",
               "Candidate", "ObservedUsage")]
    for item, iri, relation, status, method in cases:
        report = validate_dataset(base + _batch(item, f"skos:{relation}", status, method), shapes, base_iri=BASE,
                                  workers=1, validator=validator)
        assert not report.conforms, item
        found = [(f.focus, f.path, f.value) for f in report.findings]
        assert found == [(f"{BASE}id/person/tester", f"http://www.w3.org/2004/02/skos/core#{relation}", iri)], item


@pytest.mark.parametrize("validator", ["pyshacl", "turbo"])
def test_shapes_accept_items_and_other_datasets(validator: str) -> None:
    """Protects good links: an item, and a match to another dataset than Wikidata, conform."""
    shapes = load_shapes_text(ROOT / "shapes")
    base = list(ox.parse(path=str(SHACL_FIXTURES / "base.trig"), format=ox.RdfFormat.TRIG))
    for item in (GOOD, "<http://viaf.org/viaf/64013650>"):
        report = validate_dataset(base + _batch(item), shapes, base_iri=BASE, workers=1, validator=validator)
        assert report.conforms and report.findings == [], item
