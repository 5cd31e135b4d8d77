"""Shared fixtures: a real build of the project, its store, the Flask app and client.

The build is made once per test session into a temporary folder from the
project's own data/, queries/, shapes/ and ontology/, exactly as `histgraph
build` makes it; nothing is mocked.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from histgraph.build import build
from histgraph.config import Settings, load_settings
from histgraph.store import EmbeddedStore

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


def copy_project(dest: Path, extra_documents: tuple[str, ...] = ()) -> Path:
    """A copy of the project's inputs in ``dest``, with fixture documents added."""
    for name in ("data", "queries", "shapes", "ontology"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name)
    for doc in extra_documents:
        shutil.copytree(FIXTURES / doc, dest / "data" / "documents" / doc)
    return dest
