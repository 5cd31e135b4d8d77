"""Validation units made from a build's parts are the units of the whole dataset.

The build never holds the whole dataset: it makes each unit from one part's
triples and an index of the context (authority records, types, statements about
graphs) gathered from every part's meta. units.dataset_units splits the whole
dataset, read back from the build's dump, at once, with an index of the whole
dataset, and is the reference; if the two disagreed, a build would validate
different data than a dataset validated in memory and the cache keys would not
match.
"""

from __future__ import annotations

import sys
from pathlib import Path

from histgraph.build.derived import derived_graph
from histgraph.build.parts import (
    Cache,
    FileDigests,
    code_digest,
    input_digest,
    plan_parts,
    read_lines,
)
from histgraph.build.pipeline import build as run_build
from histgraph.build.plan import Plan, Silent
from histgraph.build.reading import read_parts
from histgraph.build.validating import unit_graphs, unit_index
from histgraph.config import load_settings
from histgraph.store.layout import read_quads
from histgraph.validation.units import dataset_units, triples_by_graph, unit_from_triples

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_archive import generate  # noqa: E402


def _units_from_parts(settings) -> dict:  # type: ignore[no-untyped-def]
    cache = Cache(settings.builds_root / ".cache")
    specs = plan_parts(settings.data_dir, settings.ontology_dir)
    files = FileDigests(cache.root / "files.json")
    digests = [input_digest(s, files, settings.base_iri, code_digest()) for s in specs]
    metas = read_parts(Plan(settings, specs, digests, cache, True, "", Silent()))
    index = unit_index(metas, cache, settings.base_iri)
    units = {}
    for meta in metas:
        by_graph = triples_by_graph(read_lines(cache, meta))
        for graph in unit_graphs(meta, settings.base_iri):
            unit = unit_from_triples(graph, by_graph.get(graph, []), index)
            units[unit.graph] = unit
    return units


def _check(project: Path, build_dir: Path) -> None:
    settings = load_settings({"project_dir": project, "build_dir": build_dir, "validator": "turbo"}, environ={})
    built = run_build(settings)
    # The asserted dataset: the derived graph (build.derived) follows from it and is not validated.
    asserted = [q for q in read_quads(built.path) if q.graph_name != derived_graph(settings.base_iri)]
    reference = {u.graph: u for u in dataset_units(asserted, settings.base_iri)}
    mine = _units_from_parts(settings)
    assert sorted(mine) == sorted(reference)
    for graph, unit in reference.items():
        assert mine[graph].focus == unit.focus, graph
        assert mine[graph].data == unit.data, graph


def test_cable_units_equal_the_whole_dataset_split(tmp_path: Path) -> None:
    """Protects validation of the cable: each unit holds exactly what dataset_units gives it."""
    _check(ROOT, tmp_path / "build")


def test_archive_with_cross_document_links_gives_the_same_units(tmp_path: Path) -> None:
    """Protects context across documents: a document pointing at another's node sees its types."""
    project = tmp_path / "archive"
    generate(4, project)
    facts = project / "data" / "documents" / "synthetic-00001" / "facts.ttl"
    facts.write_text(facts.read_text() + "\nevent:synthetic-00001-endorsement hg:endorsed proposal:synthetic-00002-a .\n")
    _check(project, tmp_path / "build")
