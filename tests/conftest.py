"""Shared fixtures: a real build of the project, its store, the Flask app and client.

The build is made once per test session into a temporary folder from the
project's own data/, queries/, shapes/ and ontology/, exactly as `histgraph
build` makes it; nothing is mocked.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from werkzeug.serving import make_server

from histgraph.build.pipeline import build
from histgraph.config import Settings, load_settings
from histgraph.store import EmbeddedStore

# CI must be reproducible: the property and Schemathesis suites draw the same
# examples on every run ("ci", the default). To hunt for new failures with
# fresh random examples, run with HYPOTHESIS_PROFILE=explore.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", max_examples=500)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CABLE = "cable-1950-01-02-mao-to-ccp-cc"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the real project, building into a private folder."""
    return load_settings({"project_dir": ROOT, "build_dir": tmp_path_factory.mktemp("build")}, environ={})


@pytest.fixture(scope="session")
def built(settings: Settings):
    """The real project, built once (validated) for the whole session."""
    return build(settings)


@pytest.fixture(scope="session")
def store(built) -> EmbeddedStore:
    return EmbeddedStore.open(built.path)


@pytest.fixture(scope="session")
def cable(settings: Settings, store: EmbeddedStore) -> tuple[Settings, EmbeddedStore]:
    """The project's real data: the session's settings and the store of its validated build."""
    return settings, store


@pytest.fixture(scope="session")
def network(store: EmbeddedStore):  # type: ignore[no-untyped-def]
    """The actor–event network extracted from the real build."""
    from histgraph.present.network import extract_network

    return extract_network(store)


def copy_project(dest: Path, extra_documents: tuple[str, ...] = ()) -> Path:
    """A copy of the project's inputs in ``dest``, with fixture documents added."""
    for name in ("data", "queries", "shapes", "ontology"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name)
    for doc in extra_documents:
        shutil.copytree(FIXTURES / doc, dest / "data" / "documents" / doc)
    return dest


def imported_project(dest: Path, document: str) -> Settings:
    """A project copy in ``dest`` with the fixture page imported as ``document`` and suggested (the CLI,
    as a curator runs it), then built: what the editor's tests start from."""
    from click.testing import CliRunner

    from histgraph.cli import main

    root = copy_project(dest)
    for args in (["import", str(FIXTURES / "ingest" / "fixture-page.html"), "--id", document], ["suggest", document]):
        result = CliRunner().invoke(main, ["--project", str(root), *args])
        assert result.exit_code == 0, result.output
    settings = load_settings({"project_dir": root, "build_dir": root / "build"}, environ={})
    build(settings)
    return settings


#: Debian's Chromium, headless, with nothing reaching out to the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def serve_app(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Serve a Flask app with a real threaded server on a free 127.0.0.1 port; yield its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
