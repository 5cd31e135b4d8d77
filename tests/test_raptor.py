"""raptor (`rapper`, an RDF parser independent of ours) reads what we publish as we read it.

Protects interoperability: an entity's Turtle and the dataset's TriG dump parse
in raptor to exactly the triples pyoxigraph reads from the same bytes.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.web import create_app

pytestmark = pytest.mark.skipif(shutil.which("rapper") is None, reason="raptor2-utils is not installed")


@pytest.fixture(scope="module")
def client(settings, built):  # type: ignore[no-untyped-def]
    return create_app(settings).test_client()


def _raptor(path: Path, syntax: str) -> set[ox.Triple]:
    """The triples raptor reads from ``path``, written as N-Triples and parsed back."""
    out = subprocess.run(["rapper", "-q", "-i", syntax, "-o", "ntriples", str(path)],
                         capture_output=True, check=True, timeout=300).stdout
    return {q.triple for q in ox.parse(out, format=ox.RdfFormat.N_TRIPLES)}


def test_entity_turtle_reads_the_same_in_raptor(client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An entity's Turtle: raptor and pyoxigraph find the same triples, and there are some."""
    body = client.get("/id/person/molotov", headers={"Accept": "text/turtle"}).get_data()
    (tmp_path / "molotov.ttl").write_bytes(body)
    ours = {q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)}
    assert ours and _raptor(tmp_path / "molotov.ttl", "turtle") == ours


def test_trig_dump_reads_the_same_in_raptor(client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The whole dataset as TriG: raptor reads the same triples (graphs aside: N-Triples has none)."""
    with client.get("/dumps/dataset.trig") as response:  # closes the file send_file opened
        body = response.get_data()
    (tmp_path / "dataset.trig").write_bytes(body)
    ours = {q.triple for q in ox.parse(body, format=ox.RdfFormat.TRIG)}
    assert len(ours) > 1000 and _raptor(tmp_path / "dataset.trig", "trig") == ours
