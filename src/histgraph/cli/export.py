"""`histgraph export`: the network and the timeline for Gephi, spreadsheets, TimelineJS and papers."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from histgraph.cli.app import handle_errors, settings_from
from histgraph.config import Settings
from histgraph.errors import HistgraphError
from histgraph.present.export import FORMATS

#: The dataset formats, by the suffix of the build's dump files.
DATASET = {"nquads": "nq", "trig": "trig"}


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*DATASET, *FORMATS]),
    required=True,
    help="nquads/trig (the whole dataset, for triple stores' bulk loaders), "
    "gexf/graphml (Gephi, Cytoscape), nodes-csv/edges-csv (spreadsheets), "
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
    """Export the current build's dataset, network or timeline.

    nquads and trig write every named graph of the build as one file (a build
    keeps one file per document; this joins them).

    Every node and edge carries its IRI, label, kind and modality ("n/a" where
    the model states none, as for people and places). svg and png need Graphviz
    (apt-get install graphviz).

    Examples: histgraph export --format nquads -o dataset.nq;
    histgraph export --format gexf -o cable.gexf;
    histgraph export --format svg -o network.svg
    """
    from histgraph.present.export import export
    from histgraph.store import open_store

    if fmt in DATASET:
        _export_dataset(settings_from(ctx), DATASET[fmt], output)
        return
    spec = FORMATS[fmt]
    if spec.binary and output is None:
        raise click.UsageError(f"--format {fmt} is binary: give a file with -o, e.g. -o network.{spec.extension}")
    settings = settings_from(ctx)
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


def _export_dataset(settings: Settings, suffix: str, output: str | None) -> None:
    """Write the current build's whole dataset as one N-Quads or TriG file (or to standard output)."""
    import shutil

    from histgraph.store.layout import current_build, open_dump, write_dump

    folder = current_build(settings)
    if folder is None:
        raise HistgraphError(f"nothing built yet in {settings.builds_root}; run `histgraph build` first")
    if output is None:
        with open_dump(folder, suffix) as stream:
            shutil.copyfileobj(stream, sys.stdout.buffer, 1 << 20)
        sys.stdout.buffer.flush()
        return
    written = write_dump(folder, suffix, Path(output))
    click.echo(f"wrote {written} ({written.stat().st_size} bytes)", err=True)
