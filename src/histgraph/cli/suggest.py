"""``histgraph suggest``: suggest mentions, dates and new entities for a document, and review them."""

from __future__ import annotations

import click

from histgraph.cli.app import handle_errors, settings_from


@click.command("suggest")
@click.argument("document")
@click.option("--accept", multiple=True, metavar="ID[=KIND]",
              help="Accept a suggestion by its id (a new entity needs =person, =group, =place or =work) (repeatable).")
@click.option("--reject", multiple=True, metavar="ID", help="Reject a suggestion by its id (repeatable).")
@click.option("--apply", "apply_only", is_flag=True,
              help="Write the accepted suggestions of the review file as edited by hand, deciding nothing new.")
@click.option("--reviewer", help="Who decides (default: setting reviewer, HISTGRAPH_REVIEWER).")
@click.option("--note", default="", help="A note kept with each decision made by this command.")
@click.pass_context
@handle_errors
def command(ctx: click.Context, document: str, accept: tuple[str, ...], reject: tuple[str, ...],
            apply_only: bool, reviewer: str | None, note: str) -> None:
    """Suggest annotations for DOCUMENT (an id in data/documents/) in a review file.

    Without options: finds mentions of known entities (names, variant and
    historical names, aliases, the Wikidata snapshot's labels), dates resolved
    against the document's date, and capitalised names that match nothing
    known, and writes them to data/review/suggest-DOCUMENT.json, never into the
    data. Then review, as with `histgraph link`: `--accept ID`, `--reject ID`,
    or edit the file and `--apply`; accepted suggestions become hg:mention and
    hg:quote Turtle in the document's facts.ttl. Then `histgraph build`.
    """
    from histgraph.ingest.suggest import apply_decisions, suggest

    settings = settings_from(ctx, reviewer=reviewer)
    if accept or reject or apply_only:
        facts, review = apply_decisions(settings.data_dir, document, accept=accept, reject=reject,
                                        reviewer=settings.reviewer, note=note)
        accepted = sum(1 for e in review["entries"] if e["decisions"] and e["decisions"][-1]["status"] == "accepted")
        click.echo(f"{accepted} suggestions accepted, written to {facts}; run `histgraph build` to publish them")
        return
    click.echo(f"suggesting for {document}: reading the project's names and the text", err=True)
    result = suggest(settings.data_dir, document)
    click.echo(
        f"{result.mentions} mentions of known entities, {result.dates} dates, "
        f"{result.new_entities} candidate new entities\nreview file: {result.review_file}\n"
        f"next: `histgraph suggest {document} --accept ID --reviewer NAME`, or edit the file and --apply"
    )
