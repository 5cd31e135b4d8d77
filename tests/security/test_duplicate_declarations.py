"""An entity is declared (given a type) in one authoring file; a second declaration is refused, naming both.

Issue #12, item 10: two records of one IRI in two files were merged silently
into one. Files may still refer to an entity declared elsewhere: the real
cable's facts.ttl adds mentions to the authorities' people, and must build.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.build.pipeline import build
from histgraph.errors import InputError
from histgraph.store.layout import current_build

from ..conftest import CABLE, copy_project
from .build_cli import histgraph
from .harness import project_settings

PERSON = "https://histgraph.example.org/id/person/mao-zedong"
DECLARE_MAO = f"\n<{PERSON}> a <http://www.cidoc-crm.org/cidoc-crm/E21_Person> .\n"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("declarations") / "project")


@pytest.fixture
def project(pristine: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pristine, tmp_path / "project"))


def _data(project: Path) -> Path:
    return project / "data"


def _append(path: Path, text: str) -> Path:
    path.write_text(path.read_text() + text)
    return path


def _refusal(project: Path, *, incremental: bool = True) -> tuple[str, str, str]:
    """Build; the refused file, the other file named in the message, and the message."""
    with pytest.raises(InputError) as refused:
        build(project_settings(project), validate=False, incremental=incremental)
    error = refused.value
    others = [str(p) for p in _data(project).rglob("*.t*") if str(p) in error.detail]
    assert len(others) == 1, error.detail
    return error.path, others[0], error.detail


def test_two_authority_files_declaring_one_entity_are_refused(project: Path) -> None:
    """Protects authority records: a person typed in groups.ttl and people.ttl is refused, naming both files."""
    groups = _append(_data(project) / "authorities" / "groups.ttl", DECLARE_MAO)
    people = _data(project) / "authorities" / "people.ttl"
    refused, other, detail = _refusal(project)
    assert {refused, other} == {str(groups), str(people)}
    assert f"<{PERSON}>" in detail
    assert current_build(project_settings(project)) is None


@pytest.mark.parametrize("incremental", [False, True], ids=["full", "incremental"])
def test_document_declaring_an_authority_entity_is_refused(project: Path, incremental: bool) -> None:
    """Protects the split between records and documents, in full and incremental builds: facts.ttl may not re-declare a person."""
    settings = project_settings(project)
    good = build(settings, validate=False).path
    facts = _append(_data(project) / "documents" / CABLE / "facts.ttl", DECLARE_MAO)
    refused, other, _detail = _refusal(project, incremental=incremental)
    assert {refused, other} == {str(facts), str(_data(project) / "authorities" / "people.ttl")}
    assert current_build(settings) == good


def test_two_documents_declaring_one_entity_are_refused(project: Path) -> None:
    """Protects documents' graphs: a copied document folder re-declares the same IRIs, and is refused naming both."""
    documents = _data(project) / "documents"
    shutil.copytree(documents / CABLE, documents / "cable-copy")
    refused, other, _detail = _refusal(project, incremental=False)
    assert {Path(refused).parent.name, Path(other).parent.name} == {CABLE, "cable-copy"}


def test_document_and_facts_of_one_folder_declaring_one_entity_are_refused(project: Path) -> None:
    """Protects a document's own records: document.ttl and facts.ttl may not both declare the same node."""
    folder = _data(project) / "documents" / CABLE
    document_iri = f"https://histgraph.example.org/id/document/{CABLE}"
    facts = _append(folder / "facts.ttl", f"\n<{document_iri}> a <https://www.ica.org/standards/RiC/ontology#Record> .\n")
    refused, other, _detail = _refusal(project)
    assert {refused, other} == {str(facts), str(folder / "document.ttl")}


def test_cli_names_both_files(project: Path) -> None:
    """Protects the command line: exit status 2, one error naming both files, no traceback."""
    groups = _append(_data(project) / "authorities" / "groups.ttl", DECLARE_MAO)
    run = histgraph(project, "build", "--no-validate")
    assert run.returncode == 2
    assert not run.traceback
    assert len(run.errors) == 1
    named = {run.errors[0].path} | {str(p) for p in (_data(project) / "authorities").iterdir()
                                    if str(p) in run.errors[0].message}
    assert named == {str(groups), str(_data(project) / "authorities" / "people.ttl")}


def test_references_to_declared_entities_still_build(project: Path) -> None:
    """Protects legitimate cross-file references: the cable's facts.ttl mentions authority people and builds."""
    facts = ox.parse(path=str(_data(project) / "documents" / CABLE / "facts.ttl"), format=ox.RdfFormat.TURTLE)
    mentioned = {q.subject.value for q in facts if q.predicate.value.endswith("#mention")}
    assert PERSON in mentioned  # the cable refers to Mao, declared in authorities/people.ttl
    result = build(project_settings(project), validate=False)
    store = ox.Store.read_only(str(result.path / "store"))
    about = {str(q.graph_name) for q in store.quads_for_pattern(ox.NamedNode(PERSON), None, None, None)}
    pointing = {str(q.graph_name) for q in store.quads_for_pattern(None, None, ox.NamedNode(PERSON), None)}
    graph = "<https://histgraph.example.org/graph/{}>".format
    # Declared in the authorities, matched by a link batch, annotated (from its mentions) in the cable.
    assert {graph("authorities"), graph("links-wikidata-reviewed")} <= about
    assert graph(CABLE) in pointing
