"""Parser bombs in any RDF histgraph reads are refused quickly, in bounded memory, resolving nothing.

Each hostile file is read the way histgraph reads it — ``load.parse_file`` (a
build) or ``histgraph serve FILE`` — in a fresh process limited to 1.5 GiB of
address space, so a bomb that got through would fail that process, not the
test run. A logging server on 127.0.0.1 and a canary file show that no entity
is fetched or read.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.build.load import parse_file
from histgraph.errors import InputError
from histgraph.store.rdf_guard import MAX_LITERAL_CHARS, check_rdf_xml_prolog

from ..servers import BIN
from .harness import logging_server, python_in_subprocess

MEMORY = 1536 << 20
RDF_NS = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/"'
CANARY = "canary-7f3a9c"


def rdf_xml(doctype: str, value: str) -> str:
    """An RDF/XML file with ``doctype`` and one triple whose literal is ``value``."""
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<rdf:RDF {RDF_NS}>'
        f'<rdf:Description rdf:about="http://example.org/s"><ex:p>{value}</ex:p>'
        "</rdf:Description></rdf:RDF>\n"
    )


def billion_laughs(levels: int = 10) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)
    ]
    return rdf_xml("<!DOCTYPE rdf:RDF [\n" + "\n".join(entities) + "\n]>", f"&lol{levels - 1};")


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[str, list[str]]]:
    with logging_server() as server:
        yield server


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    path = tmp_path / "canary.txt"
    path.write_text(CANARY)
    return path


def parse_in_subprocess(path: Path) -> dict:
    """``parse_file(path)`` in a memory-capped process: ``{"error": message}`` or ``{"values": [...]}``."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from histgraph.errors import InputError\n"
        "from histgraph.build.load import parse_file\n"
        "try:\n"
        f"    quads = parse_file(Path({str(path)!r}), None)\n"
        "    print(json.dumps({'values': [q.object.value[:200] for q in quads]}))\n"
        "except InputError as exc:\n"
        "    print(json.dumps({'error': str(exc)}))\n"
    )
    done = python_in_subprocess(code, MEMORY)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_billion_laughs_refused_by_the_build(tmp_path: Path) -> None:
    """Protects the build: nested entities (which make pyoxigraph abort on a 2.4 GB allocation) are refused."""
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(billion_laughs())
    outcome = parse_in_subprocess(bomb)
    assert "refers to other entities" in outcome["error"]


def test_billion_laughs_refused_by_serve(tmp_path: Path) -> None:
    """Protects `histgraph serve FILE`: the same bomb stops the command with a message, before any worker starts."""
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(billion_laughs())
    done = subprocess.run(
        [str(BIN / "histgraph"), "serve", "--port", "9", str(bomb)],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert done.returncode != 0
    assert "refers to other entities" in done.stderr


@pytest.mark.parametrize(
    "declaration",
    [
        '<!ENTITY xxe SYSTEM "{file}">',
        '<!ENTITY xxe SYSTEM "{http}/entity">',
        '<!ENTITY xxe PUBLIC "-//X//EN" "{http}/public">',
        '<!ENTITY % xxe SYSTEM "{http}/parameter"> %xxe;',
    ],
)
def test_external_entities_refused_and_not_resolved(
    tmp_path: Path, canary: Path, listener: tuple[str, list[str]], declaration: str
) -> None:
    """Protects against XXE: external and parameter entities are refused; no file read, no request sent."""
    url, hits = listener
    before = len(hits)
    doctype = "<!DOCTYPE rdf:RDF [" + declaration.format(file=canary.as_uri(), http=url) + "]>"
    hostile = tmp_path / "xxe.rdf"
    hostile.write_text(rdf_xml(doctype, "&xxe;"))
    with pytest.raises(InputError, match="external or parameter entity"):
        parse_file(hostile, None)
    # The parser underneath refuses them too, so the guard is not the only wall.
    with pytest.raises(SyntaxError):
        list(ox.parse(hostile.read_bytes(), format=ox.RdfFormat.RDF_XML))
    assert len(hits) == before


@pytest.mark.parametrize(
    ("doctype", "message"),
    [
        ('<!DOCTYPE rdf:RDF [<!ENTITY big "' + "x" * 600 + '">]>', "longer than"),
        ("<!DOCTYPE rdf:RDF [" + "".join(f'<!ENTITY e{i} "x">' for i in range(101)) + "]>", "more than 100"),
        ("<!DOCTYPE rdf:RDF [<!ENTITY a '&#38;b;'>]>", "refers to other entities"),
    ],
)
def test_entity_limits(doctype: str, message: str) -> None:
    """Protects against quadratic blow-up: long entities and many entities are refused before parsing."""
    with pytest.raises(InputError, match=message):
        check_rdf_xml_prolog(rdf_xml(doctype, "x").encode(), "hostile.rdf")


def test_doctype_hidden_after_a_long_prolog_is_refused() -> None:
    """Protects the guard itself: a DOCTYPE pushed past the bytes it reads cannot slip through."""
    padded = '<?xml version="1.0"?>\n<!--' + " " * 70_000 + "-->\n" + billion_laughs().split("\n", 1)[1]
    with pytest.raises(InputError, match="no root element"):
        check_rdf_xml_prolog(padded.encode()[: 64 * 1024], "padded.rdf")


def test_namespace_abbreviations_still_parse(tmp_path: Path) -> None:
    """Protects ordinary RDF/XML: the flat entities ontology editors write are read as before."""
    doctype = '<!DOCTYPE rdf:RDF [<!ENTITY ex "http://example.org/">]>'
    path = tmp_path / "ontology.rdf"
    path.write_text(rdf_xml(doctype, "&ex;name"))
    (quad,) = parse_file(path, None)
    assert quad.object == ox.Literal("http://example.org/name")


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".rdf"])
def test_oversized_literal_refused_in_bounded_memory(tmp_path: Path, suffix: str) -> None:
    """Protects the build: a literal over the cap (a document's text belongs in text.txt) is refused."""
    value = "x" * (MAX_LITERAL_CHARS + 1)
    path = tmp_path / f"huge{suffix}"
    if suffix == ".rdf":
        path.write_text(rdf_xml("", value))
    else:
        path.write_text(f'<http://example.org/s> <http://example.org/p> "{value}" .\n')
    outcome = parse_in_subprocess(path)
    assert "longer than the limit" in outcome["error"]


def test_oversized_literal_refused_by_serve(tmp_path: Path) -> None:
    """Protects `histgraph serve FILE`: the literal cap holds there too."""
    path = tmp_path / "huge.nt"
    path.write_text(f'<http://example.org/s> <http://example.org/p> "{"x" * (MAX_LITERAL_CHARS + 1)}" .\n')
    done = subprocess.run(
        [str(BIN / "histgraph"), "serve", "--port", "9", str(path)],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert done.returncode != 0
    assert "longer than the limit" in done.stderr
