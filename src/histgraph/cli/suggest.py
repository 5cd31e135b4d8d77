"""``histgraph suggest``: suggest mentions, dates, durations and new entities for a document, and review them."""

from __future__ import annotations

import click

from histgraph.cli.app import handle_errors, settings_from


@click.command("suggest")
@click.argument("document")
@click.option("--accept", multiple=True, metavar="ID[=CHOICE]",
              help="Accept a suggestion by its id (repeatable). CHOICE: for a new entity its kind (=person, =group, "
                   "=place, =work); for words naming several entities the one(s) meant (=work:treaty-1945, "
                   "comma-separated); for a date, optionally the fact it dates (=step:…); for a duration, the "
                   "fact it is the length of (required).")
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
    historical names, aliases, the Wikidata snapshot's labels, and family
    names and short forms of labels), dates resolved against the document's
    date, stated durations ("eleven days"), and capitalised names that match
    nothing known, and writes them to data/review/suggest-DOCUMENT.json, never
    into the data. Words that name several known entities are one suggestion
    listing the alternatives.

    \b
    Then review, as with `histgraph link`: --accept ID, --reject ID, or edit
    the file and --apply. What an accepted suggestion writes:
      mention       hg:mention in the document's facts.ttl
      ID=ENTITY     (words naming several entities) the mention of the one chosen
      date          a time-span anchored to its words in facts.ttl, free,
      ID=FACT       or attached to that fact of the document: hg:plannedTimeSpan
                    of a step, plan, request or proposal, crm:P4_has_time-span
                    of an event reported as done
      ID=FACT       (duration) the fact's time:hasDuration, <FACT#duration>
      ID=KIND       (new entity) its record in data/authorities/ (people.ttl,
                    groups.ttl, places.ttl, works.ttl) and its mention in facts.ttl
    FACT is a CURIE (step:zhou-journey-depart-beijing) or an IRI declared in
    the document's facts.ttl. Then `histgraph build`.
    """
    from histgraph.ingest.suggest import suggest
    from histgraph.ingest.suggestion_review import apply_decisions

    settings = settings_from(ctx, reviewer=reviewer)
    if accept or reject or apply_only:
        facts, review = apply_decisions(settings.data_dir, document, accept=accept, reject=reject,
                                        reviewer=settings.reviewer, note=note)
        accepted = sum(1 for e in review["entries"] if e["decisions"] and e["decisions"][-1]["status"] == "accepted")
        click.echo(f"{accepted} suggestions accepted, written to {facts} (new entities to "
                   f"{settings.data_dir / 'authorities'}); run `histgraph build` to publish them")
        return
    click.echo(f"suggesting for {document}: reading the project's names and the text", err=True)
    result = suggest(settings.data_dir, document)
    click.echo(
        f"{result.mentions} mentions of known entities, {result.dates} dates, {result.durations} durations, "
        f"{result.new_entities} candidate new entities\nreview file: {result.review_file}\n"
        f"next: `histgraph suggest {document} --accept ID --reviewer NAME`, or edit the file and --apply"
    )
