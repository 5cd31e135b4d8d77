"""Oversized input gets a clear message naming the file and the limit, in bounded memory: no traceback.

Issue #12, item 13: a literal over 16 MiB (pyoxigraph's parser buffer) and a
200 MB text.txt ended the build with a traceback. The files are made here, in
tmp_path (the text is sparse: no disk is spent), and the build runs as the
``histgraph`` command in 1.5 GiB of address space.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from histgraph.build.input_files import MAX_TEXT_BYTES
from histgraph.build.pipeline import build
from histgraph.errors import InputError
from histgraph.store.layout import current_build
from histgraph.store.rdf_guard import MAX_LITERAL_CHARS

from ..conftest import CABLE, copy_project
from .build_cli import histgraph
from .harness import project_settings

MEMORY = 1536 << 20


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def _huge_literal_file(project: Path, characters: int) -> Path:
    path = project / "data" / "authorities" / "huge.ttl"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('<https://histgraph.example.org/id/person/huge> <http://www.w3.org/2000/01/rdf-schema#comment> "')
        for _ in range(characters // (1 << 20)):
            handle.write("a" * (1 << 20))
        handle.write('"@en .\n')
    return path


def test_literal_over_the_parser_buffer_gets_a_message(project: Path) -> None:
    """Protects the build from pyoxigraph's MemoryError: a 17 MiB literal names the file and the limits, exit 2."""
    path = _huge_literal_file(project, 17 << 20)
    run = histgraph(project, "build", "--no-validate", memory_bytes=MEMORY)
    assert run.returncode == 2
    assert not run.traceback
    assert [Path(e.path) for e in run.errors] == [path]
    assert "16 MiB" in run.errors[0].message and f"{MAX_LITERAL_CHARS:,}" in run.errors[0].message


def test_literal_over_the_literal_limit_gets_a_message(project: Path) -> None:
    """Protects the literal limit below the buffer: a 2 MiB literal is refused by the build, naming the file."""
    path = _huge_literal_file(project, 2 << 20)
    with pytest.raises(InputError) as refused:
        build(project_settings(project), validate=False)
    assert Path(refused.value.path) == path
    assert f"{MAX_LITERAL_CHARS:,}" in refused.value.detail


def test_huge_text_is_refused_before_it_is_read(project: Path) -> None:
    """Protects memory: a 200 MB text.txt is refused by its size, naming the file and the limit, exit 2."""
    text = project / "data" / "documents" / CABLE / "text.txt"
    os.truncate(text, 200_000_000)  # sparse: 200 MB that take no disk
    run = histgraph(project, "build", "--no-validate", memory_bytes=MEMORY)
    assert run.returncode == 2
    assert not run.traceback
    assert [Path(e.path) for e in run.errors] == [text]
    assert f"{MAX_TEXT_BYTES:,} bytes" in run.errors[0].message
    assert current_build(project_settings(project)) is None


def test_text_at_the_limit_builds(project: Path) -> None:
    """Protects long documents: a text of exactly the limit builds."""
    text = project / "data" / "documents" / CABLE / "text.txt"
    original = text.read_bytes()
    line = b"An appended paragraph of a long document, repeated to reach the limit of one text.\n"
    padding = line * ((MAX_TEXT_BYTES - len(original)) // len(line) + 1)
    text.write_bytes(original + padding[: MAX_TEXT_BYTES - len(original)])
    assert text.stat().st_size == MAX_TEXT_BYTES
    result = build(project_settings(project), validate=False)
    assert result.path == current_build(project_settings(project))


def test_serve_file_with_a_literal_over_the_parser_buffer_is_a_clear_error(tmp_path: Path) -> None:
    """Protects `histgraph serve FILE` from a traceback: a 17 MiB literal names the file and the limit."""
    data = tmp_path / "huge.nt"
    with open(data, "w", encoding="utf-8") as handle:
        handle.write('<http://example.org/s> <http://example.org/p> "')
        chunk = "x" * (1 << 20)
        for _ in range(17):
            handle.write(chunk)
        handle.write('" .\n')
    run = histgraph(tmp_path, "serve", "--port", "1", str(data))
    assert run.returncode != 0
    assert not run.traceback
    assert [error.path for error in run.errors] == [str(data)]
    assert "16 MiB" in run.errors[0].message
