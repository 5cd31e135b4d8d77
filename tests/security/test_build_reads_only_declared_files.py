"""The build reads only regular files inside the project, and only those the authoring format declares.

Issue #12, item 5: a link ``text.fr.txt -> /etc/passwd`` in a document folder
built with exit 0 and was published in the dumps and SPARQL answers; linked
folders and Turtle files from outside were read too. Each attack here is tried
on a copy of the real project that has a good build: the build must refuse,
name the entry, publish nothing (``build/current`` stays the good build) and
never carry the outside file's text.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.build.load import graph_iri, parse_file
from histgraph.build.parts import plan_parts, read_part
from histgraph.build.pipeline import build
from histgraph.errors import InputError
from histgraph.store.layout import current_build, read_quads

from ..conftest import CABLE
from .build_cli import histgraph
from .harness import built_project, project_settings

SECRET = "outside-secret-5c1e"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real project with a good build, and an outside folder holding a secret."""
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_text(f"{SECRET}\n")
    (outside / "secret.ttl").write_text(f'<http://example.org/s> <http://example.org/p> "{SECRET}" .\n')
    return built_project(tmp_path / "project")


def _document(project: Path) -> Path:
    return project / "data" / "documents" / CABLE


def _outside(project: Path) -> Path:
    return project.parent / "outside"


def link_text_to_outside(project: Path) -> Path:
    link = _document(project) / "text.fr.txt"
    link.symlink_to(_outside(project) / "secret.txt")
    return link


def link_text_to_passwd(project: Path) -> Path:
    link = _document(project) / "text.fr.txt"
    link.symlink_to("/etc/passwd")
    return link


def link_document_folder(project: Path) -> Path:
    target = _outside(project) / "folder" / "copied-document"
    shutil.copytree(_document(project), target)
    link = project / "data" / "documents" / "copied-document"
    link.symlink_to(target, target_is_directory=True)
    return link


def link_authority_file(project: Path) -> Path:
    link = project / "data" / "authorities" / "outside.ttl"
    link.symlink_to(_outside(project) / "secret.ttl")
    return link


def link_shared_folder(project: Path) -> Path:
    record = project / "data" / "record"
    shutil.copy(_outside(project) / "secret.ttl", record / "secret.ttl")
    shutil.move(record, _outside(project) / "record")
    record.symlink_to(_outside(project) / "record", target_is_directory=True)
    return record


def link_inside_the_project(project: Path) -> Path:
    """Even a link to a file of the project: the build reads files, never links."""
    link = _document(project) / "text.de.txt"
    link.symlink_to(_document(project) / "text.txt")
    return link


def fifo_as_text(project: Path) -> Path:
    fifo = _document(project) / "text.de.txt"
    os.mkfifo(fifo)  # opening it would wait for a writer: the build must not open it
    return fifo


def socket_as_text(project: Path) -> Path:
    path = _document(project) / "text.ru.txt"
    short = Path(tempfile.mkdtemp(dir=project.parent))  # a socket's path is limited to ~100 bytes
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(os.path.relpath(short / "s"))
    os.rename(short / "s", path)
    return path


def folder_with_a_declared_name(project: Path) -> Path:
    folder = _document(project) / "text.es.txt"
    folder.mkdir()
    return folder


def undeclared_turtle_file(project: Path) -> Path:
    path = _document(project) / "extra.ttl"
    shutil.copy(_outside(project) / "secret.ttl", path)
    return path


def undeclared_other_file(project: Path) -> Path:
    path = _document(project) / "notes.md"
    path.write_text(f"{SECRET}\n")
    return path


ATTACKS: list[Callable[[Path], Path]] = [
    link_text_to_outside, link_text_to_passwd, link_document_folder, link_authority_file, link_shared_folder,
    link_inside_the_project, fifo_as_text, socket_as_text, folder_with_a_declared_name, undeclared_turtle_file,
    undeclared_other_file,
]


def _published_values(project: Path) -> set[str]:
    current = current_build(project_settings(project))
    assert current is not None
    return {q.object.value for q in read_quads(current) if isinstance(q.object, ox.Literal)}


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.__name__)
def test_anything_but_declared_regular_files_stops_the_build(project: Path, attack: Callable[[Path], Path]) -> None:
    """Protects the dumps from outside files: links, FIFOs, sockets and undeclared files are refused by name."""
    settings = project_settings(project)
    good = current_build(settings)
    entry = attack(project)
    with pytest.raises(InputError) as refused:
        build(settings, validate=False)
    assert Path(refused.value.path) == entry
    assert current_build(settings) == good
    assert not any(SECRET in value or "root:x:0:0" in value for value in _published_values(project))


def test_cli_names_the_link_and_exits_non_zero(project: Path) -> None:
    """Protects the reviewer's case end to end: `histgraph build` with text.fr.txt -> /etc/passwd exits 2, no traceback."""
    link = link_text_to_passwd(project)
    run = histgraph(project, "build", "--no-validate")
    assert run.returncode == 2
    assert not run.traceback
    assert [Path(e.path) for e in run.errors] == [link]
    assert "symbolic link" in run.errors[0].message


def test_validate_applies_the_same_rules(project: Path) -> None:
    """Protects `histgraph validate`: it reads through the same parts, so it refuses the same link."""
    link = link_authority_file(project)
    run = histgraph(project, "validate")
    assert run.returncode == 2
    assert not run.traceback
    assert [Path(e.path) for e in run.errors] == [link]


def test_incremental_build_applies_the_same_rules(project: Path) -> None:
    """Protects incremental builds: a link added next to a changed document is refused like in a full build."""
    settings = project_settings(project)
    good = current_build(settings)
    facts = _document(project) / "facts.ttl"
    facts.write_text(facts.read_text() + f'\n<https://histgraph.example.org/id/document/{CABLE}> '
                     '<http://www.w3.org/2000/01/rdf-schema#comment> "changed"@en .\n')
    link = link_text_to_outside(project)
    with pytest.raises(InputError) as refused:
        build(settings, validate=False)
    assert Path(refused.value.path) == link
    assert current_build(settings) == good
    link.unlink()
    assert build(settings, validate=False).incremental


@pytest.mark.parametrize("swap", ["file", "folder"])
def test_file_swapped_for_a_link_after_listing_is_refused(project: Path, swap: str) -> None:
    """Protects the read itself (defence in depth): a file or folder replaced by a link after the listing is not followed."""
    settings = project_settings(project)
    spec = next(s for s in plan_parts(settings.data_dir, settings.ontology_dir) if s.document == CABLE)
    listed = Path(next(name for name in spec.files if name.endswith("document.ttl")))
    folder = _document(project)
    copy = _outside(project) / "folder" / CABLE
    shutil.copytree(folder, copy)
    shutil.copy(_outside(project) / "secret.ttl", copy / "document.ttl")
    if swap == "file":
        listed.unlink()
        listed.symlink_to(copy / "document.ttl")
    else:
        shutil.rmtree(folder)
        folder.symlink_to(copy, target_is_directory=True)
    with pytest.raises(InputError) as refused:
        parse_file(listed, graph_iri(CABLE), Path(spec.root or ""))
    assert Path(refused.value.path) == listed
    assert "symbolic link" in refused.value.detail
    with pytest.raises(InputError):
        read_part(spec, "digest", settings.base_iri, settings.ontology_dir)


def test_hidden_files_and_notes_in_shared_folders_are_not_read(project: Path) -> None:
    """Protects authors' work: editors' hidden files and a README in a shared folder are skipped, not refused."""
    settings = project_settings(project)
    (_document(project) / ".facts.ttl.swp").write_bytes(b"\x00binary swap file")
    (_document(project) / ".#facts.ttl").symlink_to("user@host.1234:1700000000")  # an Emacs lock
    (project / "data" / "authorities" / "README.md").write_text(f"{SECRET}\n")
    result = build(settings, validate=False)
    assert result.path == current_build(settings)
    assert not any(SECRET in value for value in _published_values(project))
