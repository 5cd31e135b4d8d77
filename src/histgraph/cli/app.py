"""The ``histgraph`` group: its options, the settings every command starts from, and error handling.

Each command parses its options, calls one library function, and prints. Errors
the user can fix are printed as one clear message with what to do, and the
command exits non-zero (2 for unreadable input, 1 otherwise).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from histgraph import __version__
from histgraph.config import Settings, load_settings
from histgraph.errors import HistgraphError


def settings_from(ctx: click.Context, **overrides: Any) -> Settings:
    """The settings of this run: the group's options, then the command's ``overrides``."""
    base = dict(ctx.obj or {})
    base.update({k: v for k, v in overrides.items() if v is not None})
    return load_settings(base, environ=os.environ)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print a :class:`HistgraphError` as one message and exit with its code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except HistgraphError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(exc.exit_code)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="histgraph")
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, exists=True),
    help="Project folder holding data/, queries/, shapes/ (default: the current folder).",
)
@click.option("--base-iri", help="Base IRI for minted identifiers (default https://histgraph.example.org/).")
@click.option(
    "--build-dir", type=click.Path(file_okay=False), help="Where builds are written (default: PROJECT/build)."
)
@click.pass_context
def main(ctx: click.Context, project_dir: str | None, base_iri: str | None, build_dir: str | None) -> None:
    """Publish historical documents as source-faithful knowledge graphs.

    Typical use, in a project folder: `histgraph build`, then `histgraph serve`.
    Settings come from defaults, histgraph.toml, HISTGRAPH_* variables and flags,
    in that order.
    """
    ctx.obj = {
        k: v
        for k, v in {"project_dir": project_dir, "base_iri": base_iri, "build_dir": build_dir}.items()
        if v is not None
    }
