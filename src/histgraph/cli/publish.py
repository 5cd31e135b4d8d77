"""``histgraph publish``: load the build into a remote store (SPARQL 1.1 Graph Store Protocol)."""

from __future__ import annotations

import os
import sys

import click

from histgraph.cli.app import handle_errors, settings_from


@click.command("publish")
@click.option("--to", "url", help="Graph Store Protocol URL of the remote store (default: remote_store_url).")
@click.option("--user", help="User name for a store that asks for HTTP authentication; the password is read "
              "from the HISTGRAPH_PUBLISH_PASSWORD environment variable, never from the command line.")
@click.pass_context
@handle_errors
def command(ctx: click.Context, url: str | None, user: str | None) -> None:
    """Load the current build into a remote SPARQL store, one named graph at a time.

    Each graph is PUT to URL?graph=IRI (SPARQL 1.1 Graph Store Protocol), replacing
    it there. Example: histgraph publish --to http://localhost:7878/store
    (oxigraph serve). A store that asks for a password, such as Virtuoso:

    \b
      HISTGRAPH_PUBLISH_PASSWORD=... histgraph publish --user dba \\
          --to http://localhost:8890/sparql-graph-crud-auth
    """
    from histgraph.errors import HistgraphError
    from histgraph.store.publish import graphs_of
    from histgraph.store.publish import publish as run_publish

    settings = settings_from(ctx)
    target = url or settings.remote_store_url
    if not target:
        raise HistgraphError("say where to publish: --to URL (or set HISTGRAPH_REMOTE_STORE_URL)")
    credentials = None
    if user:
        password = os.environ.get("HISTGRAPH_PUBLISH_PASSWORD")
        if not password:
            raise HistgraphError(f"--user {user} needs its password in HISTGRAPH_PUBLISH_PASSWORD")
        credentials = (user, password)
    current = settings.builds_root / "current"
    if not current.exists():
        raise HistgraphError(f"nothing built yet in {settings.builds_root}; run `histgraph build` first")
    with click.progressbar(length=len(graphs_of(current)), label="publishing", file=sys.stderr) as bar:
        result = run_publish(current, target, progress=lambda _g: bar.update(1), credentials=credentials)
    click.echo(f"published {result.triples} triples in {result.graphs} graphs to {result.url}")
