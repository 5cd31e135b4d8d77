"""``histgraph edit``: the annotation editor in the browser, on 127.0.0.1 with a token."""

from __future__ import annotations

import click

from histgraph.cli.app import handle_errors, settings_from


@click.command("edit")
@click.argument("document", required=False)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Loopback address to listen on; any other is refused (the editor writes the project's files).")
@click.option("--port", type=int, default=0, help="Port to listen on (default: a free one, printed at start).")
@click.option("--reviewer", help="Who decides and writes (default: setting reviewer, HISTGRAPH_REVIEWER).")
@click.pass_context
@handle_errors
def command(ctx: click.Context, document: str | None, host: str, port: int, reviewer: str | None) -> None:
    """Annotate DOCUMENT (or choose one) in the browser, then save, build and validate.

    Starts a local editor on 127.0.0.1 and prints its URL with a random token;
    only this machine, with that token, can use it, and the public server
    (`histgraph serve`) never includes it. In the browser: select words to link
    them to an entity or create one, or to state a fact (event, plan, step,
    proposal, claim, request, question) with its modality, agents, places and
    date; accept or reject `histgraph suggest`'s suggestions with a and r. Each
    save writes facts.ttl, data/authorities/ and the review file as a person
    would, then runs the incremental build: invalid data is never published,
    and the SHACL messages appear next to their passages (undo is offered).
    Example: histgraph edit fixture-letter
    """
    import secrets

    from histgraph.editing.session import EditSession
    from histgraph.web.curation import check_loopback, create_editor_app, serve_editor

    check_loopback(host)
    settings = settings_from(ctx, reviewer=reviewer)
    session = EditSession(settings)
    if document is not None:
        session.view(document)  # an unknown document stops here, with what to do
    token = secrets.token_urlsafe(24)
    app = create_editor_app(session, token, max_request_bytes=settings.max_request_bytes)
    first_page = f"/document/{document}" if document else "/"
    serve_editor(app, host, port, first_page, token, announce=lambda line: click.echo(line, err=True))
