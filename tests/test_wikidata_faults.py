"""Endpoint faults: down, hanging, 429 then 200, 5xx, too long a wait, failure part-way.

Each fault is played by a small real HTTP server on 127.0.0.1 (forwarding good
answers to a real ``oxigraph serve`` holding the fixture). The promises: a clear
message, retries exactly as promised, and nothing half-written — no review
file, no batch, and an earlier review file left byte for byte as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from histgraph.cli import main
from histgraph.wikidata.client import ClientOptions, EndpointError, WikidataClient
from tests.conftest import copy_project
from tests.fixtures.wikidata.servers import Script, faulty_endpoint, wikidata_endpoint
from tests.servers import free_port

TODAY = date.today().isoformat()
ASK = "SELECT ?x WHERE { VALUES ?x { 1 } }"


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with wikidata_endpoint(tmp_path_factory.mktemp("wikidata")) as url:
        yield url


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("faults") / "project")


def link(project: Path, endpoint: str, *extra: str, **env: str):  # type: ignore[no-untyped-def]
    settings_env = {
        "HISTGRAPH_WIKIDATA_TIMEOUT": "1",
        "HISTGRAPH_WIKIDATA_BACKOFF": "0.1",
        "HISTGRAPH_WIKIDATA_RETRIES": "2",
        **{f"HISTGRAPH_{k.upper()}": v for k, v in env.items()},
    }
    return CliRunner().invoke(
        main,
        ["--project", str(project), "link", "--endpoint", endpoint, "--no-cache", *extra],
        env=settings_env,
    )


def written(project: Path) -> list[Path]:
    return sorted((project / "data" / "links").rglob(f"*{TODAY}*"))


def test_server_down_says_so_and_writes_nothing(project: Path) -> None:
    """Protects the down case: a clear "cannot reach" message, exit 1, no files."""
    result = link(project, f"http://127.0.0.1:{free_port()}/sparql")
    assert result.exit_code == 1
    assert "cannot reach" in result.output and "Nothing was written" in result.output
    assert written(project) == []


def test_hanging_server_times_out_and_writes_nothing(project: Path) -> None:
    """Protects the timeout: a server that never answers is given up on after wikidata_timeout."""
    script = Script(then="hang")
    with faulty_endpoint(script) as url:
        result = link(project, url)
    assert result.exit_code == 1
    assert "did not answer within 1 s" in result.output
    assert len(script.seen) == 1  # a timeout is not retried blindly
    assert written(project) == []


def test_429_then_200_waits_as_asked_and_succeeds(tmp_path: Path, upstream: str) -> None:
    """Protects Retry-After: after a 429 the client waits, says so, retries once, and finishes."""
    project = copy_project(tmp_path / "project")
    script = Script(steps=[(429, {"Retry-After": "1"})])
    with faulty_endpoint(script, upstream) as url:
        result = link(project, url, "--only", "place")
    assert result.exit_code == 0, result.output
    assert "HTTP 429 Too Many Requests; waiting 1 s" in result.output
    assert script.seen[0][0] == (429, {"Retry-After": "1"})
    assert script.seen[1][0] == "ok"
    assert all(
        agent.startswith("histgraph/") and "histgraph.example.org" in agent
        for _s, agent in script.seen
    )
    assert (project / "data/links/review" / f"wikidata-{TODAY}.json").is_file()


def test_5xx_backs_off_then_gives_up_with_a_count(project: Path) -> None:
    """Protects back-off: 503s are retried exactly wikidata_retries times, then a clear error."""
    script = Script(then=(503, {}))
    with faulty_endpoint(script) as url:
        result = link(project, url)
    assert result.exit_code == 1
    assert "kept failing (HTTP 503) after 3 tries" in result.output
    assert len(script.seen) == 3
    assert written(project) == []


def test_a_retry_after_longer_than_allowed_is_not_waited_for(project: Path) -> None:
    """Protects the bound on waiting: Retry-After beyond wikidata_max_wait fails at once."""
    script = Script(then=(429, {"Retry-After": "3600"}))
    with faulty_endpoint(script) as url:
        result = link(project, url, wikidata_max_wait="5")
    assert result.exit_code == 1
    assert "asked us to wait 3600 s" in result.output
    assert len(script.seen) == 1
    assert written(project) == []


def test_failure_part_way_leaves_earlier_files_untouched(tmp_path: Path, upstream: str) -> None:
    """Protects atomicity: when the endpoint fails after some answers, today's earlier review file is unchanged."""
    project = copy_project(tmp_path / "project")
    with faulty_endpoint(Script(), upstream) as url:
        assert link(project, url, "--only", "place").exit_code == 0
    files = written(project)
    before = {p: p.read_bytes() for p in files}
    script = Script(steps=["ok", "ok", "ok"], then=(500, {}))
    with faulty_endpoint(script, upstream) as url:
        result = link(project, url)
    assert result.exit_code == 1 and "kept failing (HTTP 500)" in result.output
    assert {p: p.read_bytes() for p in written(project)} == before
    assert not list((project / "data" / "links").rglob("*.tmp"))


def test_client_raises_a_histgraph_error(tmp_path: Path) -> None:
    """Protects the library surface: callers get EndpointError (a HistgraphError), not a urllib error."""
    client = WikidataClient(
        ClientOptions(endpoint=f"http://127.0.0.1:{free_port()}/sparql", timeout=1)
    )
    with pytest.raises(EndpointError, match="cannot reach"):
        client.select(ASK)
