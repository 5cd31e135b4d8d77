"""``histgraph validate``: check the data against the shapes and print a readable report."""

from __future__ import annotations

import json
import sys

import click

from histgraph.cli.app import handle_errors, settings_from


@click.command("validate")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for people; json (documented in docs/validation.md); turtle, the standard sh:ValidationReport.",
)
@click.option("--workers", type=int, help="Processes to validate documents in parallel (default: one per core when it pays).")
@click.option("--no-cache", is_flag=True, help="Re-check every document, ignoring the results cached by content.")
@click.pass_context
@handle_errors
def command(ctx: click.Context, fmt: str, workers: int | None, no_cache: bool) -> None:
    """Check the data against the SHACL shapes in shapes/ and print the report.

    Findings are grouped by document and entity, with labels, the offending value
    and the passage of the text. Exit code 0: the data conforms (warnings are
    listed); 1: violations; 2: an input file could not be read (file and line).
    Example: histgraph validate --format json
    """
    from histgraph.build.pipeline import validate_project
    from histgraph.cli.build import StageBars
    from histgraph.validation.report import to_text

    settings = settings_from(ctx)
    with StageBars() as bars:
        report, described = validate_project(settings, progress=bars, workers=workers, use_cache=not no_cache)
    if fmt == "turtle":
        click.echo(report.turtle().decode("utf-8"), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(described, indent=1, ensure_ascii=False))
    else:
        click.echo(to_text(described), nl=False)
    if not report.conforms:
        click.secho(
            f"{report.counts()['violations']} violation(s): fix them before building; warnings may stay.",
            fg="red",
            err=True,
        )
        sys.exit(1)
