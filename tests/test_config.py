"""Settings are layered: defaults < config file < HISTGRAPH_* variables < flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from histgraph.config import load_settings
from histgraph.errors import HistgraphError


def test_layers_in_order(tmp_path: Path) -> None:
    """Protects the documented precedence, so a deployment knows which setting wins."""
    (tmp_path / "histgraph.toml").write_text('query_timeout = 3.0\nmax_rows = 7\nport = 8000\n')
    env = {"HISTGRAPH_MAX_ROWS": "9", "HISTGRAPH_PORT": "8001"}
    settings = load_settings({"project_dir": tmp_path, "port": 8002}, environ=env)
    assert settings.query_timeout == 3.0  # file
    assert settings.max_rows == 9  # environment over file
    assert settings.port == 8002  # flag over environment
    assert settings.workers == 2  # default


def test_unknown_setting_is_named(tmp_path: Path) -> None:
    """Protects against typos in config files being silently ignored."""
    (tmp_path / "histgraph.toml").write_text("query_timout = 3\n")
    with pytest.raises(HistgraphError, match="unknown setting 'query_timout'"):
        load_settings({"project_dir": tmp_path}, environ={})


def test_bad_environment_value_says_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(HistgraphError, match="expected a whole number"):
        load_settings({"project_dir": tmp_path}, environ={"HISTGRAPH_MAX_ROWS": "many"})


def test_base_iri_must_end_with_slash(tmp_path: Path) -> None:
    with pytest.raises(HistgraphError, match="must end with '/'"):
        load_settings({"project_dir": tmp_path, "base_iri": "https://x.org/a"}, environ={})
