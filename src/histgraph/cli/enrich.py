"""``histgraph enrich``: a dated, offline snapshot of Wikidata for the reviewed matches."""

from __future__ import annotations

import sys

import click

from histgraph.cli.app import handle_errors, settings_from
from histgraph.cli.wikidata_options import endpoint_option, timeout_option


@click.command("enrich")
@endpoint_option
@click.option(
    "--commons-api",
    help="Wikimedia Commons API for image licences (default: setting commons_api_url).",
)
@timeout_option
@click.option(
    "--use-cache",
    is_flag=True,
    help="Reuse answers cached in .cache/wikidata/ (the snapshot is then dated by the oldest one).",
)
@click.pass_context
@handle_errors
def command(
    ctx: click.Context,
    endpoint: str | None,
    commons_api: str | None,
    timeout: float | None,
    use_cache: bool,
) -> None:
    """Fetch what Wikidata says about every reviewed match, for pages that work offline.

    For each item of a reviewed skos:exactMatch: labels and descriptions in
    English, Chinese and Russian, birth and death dates, positions held around
    the time of the documents, the image with its licence (from Wikimedia
    Commons) and coordinates. Writes data/enrichment/wikidata-snapshot.trig,
    stamped with the retrieval time and source; nothing is written if any
    request fails. Candidates are never enriched. See docs/wikidata.md.
    """
    from histgraph.wikidata.client import WikidataClient, options_from_settings
    from histgraph.wikidata.enrich import enrich

    settings = settings_from(
        ctx, wikidata_endpoint=endpoint, commons_api_url=commons_api, wikidata_timeout=timeout
    )
    client = WikidataClient(
        options_from_settings(settings, use_cache=use_cache),
        notify=lambda line: click.echo(line, err=True),
    )
    with click.progressbar(length=1, label="enriching", file=sys.stderr, show_pos=True) as bar:

        def plan(count: int) -> None:
            bar.length = count

        result = enrich(settings, client, on_plan=plan, progress=bar.update)
    click.echo(
        f"snapshot of {result.items} items written to {result.path}\n"
        f"  {result.triples} triples, {result.images} images, {result.places} places with coordinates, "
        f"{result.requests} requests\n"
        "run `histgraph build` to publish it"
    )
