"""``histgraph import``: create a document folder from an archive page, a TEI file or a text with a sidecar."""

from __future__ import annotations

from pathlib import Path

import click

from histgraph.cli.app import handle_errors, settings_from


@click.command("import")
@click.argument("source")
@click.option("--id", "document_id", metavar="SLUG", help="The document's id (default: from its date and title).")
@click.option(
    "--format", "reader", type=click.Choice(["wilson-text", "wilson-html", "tei", "text+sidecar"]),
    help="The source's format (default: recognised from its content).",
)
@click.option(
    "--sidecar", type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Metadata sidecar (TOML) of a plain text (default: NAME.meta.toml beside it).",
)
@click.option("--page-url", help="The archive page the text was taken from, when the source does not say.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to fetch a URL.")
@click.pass_context
@handle_errors
def command(ctx: click.Context, source: str, document_id: str | None, reader: str | None, sidecar: Path | None,
            page_url: str | None, timeout: float) -> None:
    """Import SOURCE (a file or an http(s) URL) as a new document folder.

    Reads the title, date, summary, citation (original edition and translation)
    and original language, and writes data/documents/ID/text.txt (the body,
    exactly as given) and document.ttl (the metadata and citation chain).
    Nothing is invented: what the source does not give is left out and listed.
    Next: `histgraph suggest ID`. See docs/adding-a-document.md.
    """
    from histgraph.ingest.importing import import_document

    settings = settings_from(ctx)
    click.echo(f"reading {source}", err=True)
    result = import_document(settings.data_dir, source, document_id=document_id, sidecar=sidecar,
                             reader=reader, page_url=page_url, timeout=timeout)
    click.echo(f"created {result.folder} (text.txt, document.ttl) from a {result.source.format} source")
    if result.absent:
        click.echo("not given by the source, so left out: " + ", ".join(a.replace("_", " ") for a in result.absent))
    click.echo(f"next: `histgraph suggest {result.document_id}`")
