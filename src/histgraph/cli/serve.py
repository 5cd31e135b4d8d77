"""``histgraph serve``: serve the build (or RDF files) with pages, ``/sparql`` and the editor."""

from __future__ import annotations

import click

from histgraph.cli.app import handle_errors, settings_from


@click.command("serve")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--host", help="Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).")
@click.option("--port", type=int, help="Port to listen on (default 5000).")
@click.option("--workers", type=int, help="gunicorn worker processes (default 2).")
@click.option("--timeout", "query_timeout", type=float, help="Time limit per query in seconds (default 10).")
@click.option("--debug", is_flag=True, default=None, help="Flask's development server, with tracebacks.")
@click.pass_context
@handle_errors
def command(
    ctx: click.Context,
    files: tuple[str, ...],
    host: str | None,
    port: int | None,
    workers: int | None,
    query_timeout: float | None,
    debug: bool | None,
) -> None:
    """Serve the current build (or RDF FILES) as a website and SPARQL endpoint.

    With FILES (Turtle, TriG, N-Triples, N-Quads, RDF/XML) their data is served
    without a build. Example: histgraph serve --port 8000 my-data.ttl
    """
    from pathlib import Path

    from histgraph.web.serve import serve as run_server

    settings = settings_from(ctx, host=host, port=port, workers=workers, query_timeout=query_timeout, debug=debug)
    run_server(settings, [Path(f) for f in files], announce=lambda line: click.echo(line, err=True))
