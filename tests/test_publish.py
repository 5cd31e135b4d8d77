"""`histgraph publish --to URL`: a build's graphs PUT into a real `oxigraph serve` and a real Virtuoso."""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from histgraph.cli import main
from histgraph.store import PUBLICATION_GRAPH

from .servers import (
    FIXTURE_DATA,
    SPARQL_FIXTURES,
    STORES,
    free_port,
    oxigraph_server,
    sparql_server,
)

pytestmark = pytest.mark.server


def fake_build(build_dir: Path) -> Path:
    """A build folder as `histgraph build` leaves it (only its state and N-Quads dump are read), linked as current."""
    build = build_dir / "builds" / "b1"
    (build / "dump").mkdir(parents=True)
    quads = list(ox.parse(path=str(FIXTURE_DATA), format=ox.RdfFormat.TRIG))
    ox.serialize(quads, str(build / "dump" / "fixture.nq"), ox.RdfFormat.N_QUADS)
    (build / "state.json").write_text(json.dumps({"parts": [{"name": "fixture"}]}))
    os.symlink(build, build_dir / "current")
    return build


def graph_counts(query_url: str) -> dict[str, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    request = urllib.request.Request(
        f"{query_url}?{urllib.parse.urlencode({'query': query})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request) as response:
        rows = json.load(response)["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


@pytest.mark.parametrize("store", STORES)
def test_publish_puts_every_graph(tmp_path: Path, store: str) -> None:
    """Protects publishing: each named graph arrives whole, and publishing again replaces, not adds."""
    fake_build(tmp_path / "build")
    args = ["--project", str(SPARQL_FIXTURES), "--build-dir", str(tmp_path / "build"), "publish"]
    with sparql_server(store, tmp_path, data=None) as server:
        env = {}
        if server.credentials:  # Virtuoso's Graph Store asks for a user allowed to write
            args += ["--user", server.credentials[0]]
            env["HISTGRAPH_PUBLISH_PASSWORD"] = server.credentials[1]
        result = CliRunner().invoke(main, [*args, "--to", server.graph_store_url], env=env)
        assert result.exit_code == 0, result.output
        assert "in 3 graphs" in result.output
        expected = Counter(q.graph_name.value for q in ox.parse(path=str(FIXTURE_DATA), format=ox.RdfFormat.TRIG))
        assert len(expected) == 3
        expected[PUBLICATION_GRAPH] = 2  # the marker app instances watch (store.RemoteStore.version)
        # Virtuoso also holds graphs of its own (its system and service-description graphs).
        assert {g: n for g, n in graph_counts(server.query_url).items() if g in expected} == expected
        again = CliRunner().invoke(main, args, env={**env, "HISTGRAPH_REMOTE_STORE_URL": server.graph_store_url})
        assert again.exit_code == 0, again.output
        assert {g: n for g, n in graph_counts(server.query_url).items() if g in expected} == expected


def test_publish_with_a_wrong_password_is_a_clear_error(tmp_path: Path) -> None:
    """Protects the error when the store's authentication refuses the user: what to give, and how."""
    fake_build(tmp_path / "build")
    args = ["--project", str(SPARQL_FIXTURES), "--build-dir", str(tmp_path / "build"), "publish"]
    with sparql_server("virtuoso", tmp_path, data=None) as server:
        result = CliRunner().invoke(main, [*args, "--to", server.graph_store_url, "--user", "dba"],
                                    env={"HISTGRAPH_PUBLISH_PASSWORD": "not-the-password"})
        unauthenticated = CliRunner().invoke(main, [*args, "--to", server.graph_store_url])
        missing = CliRunner().invoke(main, [*args, "--to", server.graph_store_url, "--user", "dba"],
                                     env={"HISTGRAPH_PUBLISH_PASSWORD": ""})
    assert result.exit_code == 1 and "401" in result.output and "HISTGRAPH_PUBLISH_PASSWORD" in result.output
    assert unauthenticated.exit_code == 1 and "--user" in unauthenticated.output
    assert missing.exit_code == 1 and "needs its password in HISTGRAPH_PUBLISH_PASSWORD" in missing.output


def test_publish_to_nowhere_is_a_clear_error(tmp_path: Path) -> None:
    """Protects the error a curator sees when the store is not running."""
    fake_build(tmp_path / "build")
    args = ["--project", str(SPARQL_FIXTURES), "--build-dir", str(tmp_path / "build"), "publish"]
    result = CliRunner().invoke(main, [*args, "--to", f"http://127.0.0.1:{free_port()}/store"])
    assert result.exit_code == 1
    assert "cannot reach" in result.output and "is the store running?" in result.output


def test_publish_to_a_read_only_store_is_a_clear_error(tmp_path: Path) -> None:
    """Protects the error when the URL refuses writes: status and what URL is expected."""
    fake_build(tmp_path / "build")
    args = ["--project", str(SPARQL_FIXTURES), "--build-dir", str(tmp_path / "build"), "publish"]
    with oxigraph_server(tmp_path, read_only=True) as url:
        result = CliRunner().invoke(main, [*args, "--to", f"{url}/store"])
    assert result.exit_code == 1
    assert "refused graph" in result.output


def test_publish_without_build(tmp_path: Path) -> None:
    """Protects the first-run message when there is nothing to publish."""
    result = CliRunner().invoke(
        main, ["--project", str(SPARQL_FIXTURES), "--build-dir", str(tmp_path), "publish", "--to", "http://x/store"]
    )
    assert result.exit_code == 1
    assert "histgraph build" in result.output
