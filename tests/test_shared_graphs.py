"""Which graph a shared file goes into is one rule (build.load.shared_graph), and both readers follow it.

A project is read two ways: whole, by ``build.load.read_project``, and in parts,
by ``build.parts`` (what ``histgraph build`` does). Both must put each shared file
into the same named graph, or a build and a reading of the same files would
disagree about where a record lives.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from histgraph.build.load import graph_iri, read_project
from histgraph.build.parts import SHARED, plan_parts, read_part
from histgraph.config import DEFAULT_BASE_IRI

FILES = {
    "ontology/terms.ttl": "<urn:t:Class> a <http://www.w3.org/2002/07/owl#Class> .",
    "data/authorities/people.ttl": "<urn:t:alice> <urn:t:name> \"Alice\" .",
    "data/links/batch.ttl": "<urn:t:alice> <urn:t:sameAs> <urn:t:other> .",
    "data/enrichment/snapshot.ttl": "<urn:t:alice> <urn:t:born> \"1890\" .",
    "data/record/dispatch-12.ttl": "<urn:t:dispatch> <urn:t:says> \"yes\" .",
}
#: Subject -> the graphs it is in: the ontology's, the authorities' and provenance (links and
#: enrichment), and a record file's own graph named after the file.
EXPECTED = {
    "urn:t:Class": {graph_iri("ontology").value},
    "urn:t:alice": {graph_iri("authorities").value, graph_iri("provenance").value},
    "urn:t:dispatch": {graph_iri("record-dispatch-12").value},
}


def _project(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text + "\n", encoding="utf-8")
    (tmp_path / "data" / "documents").mkdir()
    return tmp_path


def _graphs_by_subject(quads: Iterable[ox.Quad]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for quad in quads:
        found.setdefault(str(quad.subject)[1:-1], set()).add(str(quad.graph_name)[1:-1])
    return found


def test_both_readers_put_each_shared_file_in_the_graph_the_rule_names(tmp_path: Path) -> None:
    """Protects the one rule: read whole or in parts, each shared folder's files land in the same graphs."""
    project = _project(tmp_path)
    whole = _graphs_by_subject(read_project(project / "data", project / "ontology").quads)
    [shared] = [spec for spec in plan_parts(project / "data", project / "ontology") if spec.name == SHARED]
    _meta, nq, _trig = read_part(shared, "digest", DEFAULT_BASE_IRI, project / "ontology")
    in_parts = _graphs_by_subject(ox.parse(nq, format=ox.RdfFormat.N_QUADS))
    assert whole == in_parts == EXPECTED
