"""``histgraph link``: reconcile the project's entities against Wikidata, and review the matches."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from histgraph.cli.app import handle_errors, settings_from
from histgraph.cli.wikidata_options import endpoint_option, timeout_option
from histgraph.config import Settings

PUBLIC_ENDPOINT = "https://query.wikidata.org/sparql"


@click.command("link")
@click.option(
    "--only",
    multiple=True,
    metavar="KIND|IRI",
    help="Reconcile only this kind (person, group, place, treaty) or entity IRI (repeatable).",
)
@click.option(
    "--include-linked",
    is_flag=True,
    help="Also re-check entities that already have a reviewed match.",
)
@endpoint_option
@timeout_option
@click.option(
    "--no-cache", is_flag=True, help="Ask the endpoint again instead of using .cache/wikidata/."
)
@click.option(
    "--accept",
    multiple=True,
    metavar="ENTITY[=QID]",
    help="Accept a match: the suggestion, or the QID given (repeatable). ENTITY is an IRI or "
    "CURIE such as place:leningrad.",
)
@click.option(
    "--reject",
    multiple=True,
    metavar="ENTITY[=QID]",
    help="Reject a candidate (or, without =QID, all candidates of ENTITY) (repeatable).",
)
@click.option(
    "--apply",
    "apply_only",
    is_flag=True,
    help="Write the links from the review file as edited by hand, deciding nothing new.",
)
@click.option("--reviewer", help="Who decides (default: setting reviewer, HISTGRAPH_REVIEWER).")
@click.option("--note", default="", help="A note kept with each decision made by this command.")
@click.option(
    "--review-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Review file to decide in (default: the newest data/links/review/wikidata-*.json).",
)
@click.pass_context
@handle_errors
def command(
    ctx: click.Context,
    only: tuple[str, ...],
    include_linked: bool,
    endpoint: str | None,
    timeout: float | None,
    no_cache: bool,
    accept: tuple[str, ...],
    reject: tuple[str, ...],
    apply_only: bool,
    reviewer: str | None,
    note: str,
    review_file: Path | None,
) -> None:
    """Find Wikidata matches for the project's people, groups, places and treaties.

    Without options: asks the endpoint (one request at a time, cached) for items
    whose labels or aliases (English, Chinese, Russian) are the entities' names,
    scores them on names, types and dates, and writes the candidates with their
    reasons to data/links/review/wikidata-DATE.json, and the unreviewed
    candidates (skos:closeMatch) to data/links/wikidata-DATE.trig.

    Then review: `histgraph link --accept place:leningrad --reviewer "A. Curator"`
    accepts the suggestion (or `--accept place:leningrad=Q656` a given item);
    `--reject` rejects. Accepted matches become skos:exactMatch in their own
    named graph, with who decided, when and how. Editing the review file and
    running `histgraph link --apply` does the same. See docs/wikidata.md.
    """
    settings = settings_from(ctx, wikidata_endpoint=endpoint, wikidata_timeout=timeout, reviewer=reviewer)
    if accept or reject or apply_only:
        _decide(settings, review_file, accept, reject, note)
    else:
        _reconcile(settings, only, include_linked, use_cache=not no_cache)


def _decide(settings: Settings, review_file: Path | None, accept: tuple[str, ...], reject: tuple[str, ...],
            note: str) -> None:
    """Record decisions in the review file and write the links it now holds."""
    from histgraph.wikidata.linking import apply_decisions
    from histgraph.wikidata.review import latest_review

    path = review_file or latest_review(settings.data_dir)
    batch, review = apply_decisions(
        settings.data_dir,
        path,
        accept=accept,
        reject=reject,
        reviewer=settings.reviewer,
        note=note,
    )
    decided = sum(1 for e in review["entities"] if e["decisions"])
    accepted = sum(
        1 for e in review["entities"] if any(d["status"] == "accepted" for d in e["decisions"])
    )
    click.echo(f"{path}: {decided} entities decided, {accepted} matches accepted")
    click.echo(f"links written to {batch}; run `histgraph build` to publish them")


def _reconcile(settings: Settings, only: tuple[str, ...], include_linked: bool, *, use_cache: bool) -> None:
    """Ask the endpoint for candidates, write the review file and the unreviewed candidates."""
    from histgraph.wikidata.client import WikidataClient, options_from_settings
    from histgraph.wikidata.linking import apply_decisions, reconcile

    if settings.wikidata_endpoint == PUBLIC_ENDPOINT and not settings.wikidata_contact:
        click.echo(
            "note: set wikidata_contact (HISTGRAPH_WIKIDATA_CONTACT) to an e-mail or URL; "
            "Wikimedia asks tools to say how to reach whoever runs them",
            err=True,
        )
    client = WikidataClient(
        options_from_settings(settings, use_cache=use_cache),
        notify=lambda line: click.echo(line, err=True),
    )
    with click.progressbar(length=1, label="reconciling", file=sys.stderr, show_pos=True) as bar:

        def plan(count: int) -> None:
            bar.length = count + 1

        result = reconcile(
            settings,
            client,
            only=only,
            include_linked=include_linked,
            on_plan=plan,
            progress=bar.update,
        )
    batch, _review = apply_decisions(settings.data_dir, result.review_file)
    click.echo(
        f"{result.entities} entities reconciled against {settings.wikidata_endpoint} "
        f"({result.requests} requests, {result.cache_hits} answers from the cache)\n"
        f"  {result.suggested} with a clear suggestion, {result.ambiguous_or_weak} ambiguous or weak, "
        f"{result.without_candidates} without candidates\n"
        f"review file: {result.review_file}\n"
        f"unreviewed candidates: {batch}\n"
        f"next: check the reasons there, then `histgraph link --accept ENTITY` or `--reject ENTITY=QID`"
    )
