"""Every command has helpful --help, and the README documents every command."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from histgraph.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_every_command_has_help() -> None:
    """Protects discoverability: each command answers --help with a description of itself."""
    runner = CliRunner()
    assert set(main.commands) >= {"build", "validate", "query", "serve", "publish", "link", "enrich", "export"}
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help and command.help.split("\n")[0].strip(), name
        assert f"Usage: main {name}" in result.output or f"{name} [OPTIONS]" in result.output


def test_readme_documents_every_command() -> None:
    """Docs are tested: a command missing from the README's table fails the suite."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in main.commands if f"`histgraph {name}" not in readme] == []


def test_unknown_project_folder_is_a_clear_error(tmp_path: Path) -> None:
    """Protects 'errors say what to do': building where there is no data/ folder."""
    result = CliRunner().invoke(main, ["--project", str(tmp_path), "build"])
    assert result.exit_code != 0
    assert "no data folder" in result.output
