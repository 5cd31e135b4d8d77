"""`histgraph export`: the network and the timeline for Gephi, spreadsheets, TimelineJS and papers."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import _settings, handle_errors
from ..export import FORMATS


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    required=True,
    help="gexf/graphml (Gephi, Cytoscape), nodes-csv/edges-csv (spreadsheets), "
    "timelinejs (TimelineJS JSON), dot, svg or png (Graphviz, for papers and slides).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="File to write (default: standard output; required for png).",
)
@click.pass_context
@handle_errors
def command(ctx: click.Context, fmt: str, output: str | None) -> None:
    """Export the current build's network or timeline.

    Every node and edge carries its IRI, label, kind and modality ("n/a" where
    the model states none, as for people and places). svg and png need Graphviz
    (apt-get install graphviz).

    Examples: histgraph export --format gexf -o cable.gexf;
    histgraph export --format svg -o network.svg
    """
    from ..export import export
    from ..store import open_store

    spec = FORMATS[fmt]
    if spec.binary and output is None:
        raise click.UsageError(f"--format {fmt} is binary: give a file with -o, e.g. -o network.{spec.extension}")
    settings = _settings(ctx)
    with click.progressbar(length=2, label=f"exporting {fmt}", file=sys.stderr) as bar:
        store = open_store(settings)
        bar.update(1)
        data = export(store, settings.base_iri, fmt)
        bar.update(1)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    Path(output).write_bytes(data)
    click.echo(f"wrote {output} ({len(data)} bytes)", err=True)
