"""``histgraph query``: run a named query and print its answer in the endpoint's formats."""

from __future__ import annotations

import click

from histgraph.cli.app import handle_errors, settings_from


@click.command("query")
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="Bind a parameter (repeatable).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True
)
@click.option("--list", "list_only", is_flag=True, help="List the named queries and their parameters.")
@click.pass_context
@handle_errors
def command(ctx: click.Context, name: str | None, params: tuple[str, ...], fmt: str, list_only: bool) -> None:
    """Run the named query NAME from queries/ on the current build.

    Example: histgraph query options-with-claims --format csv
    """
    from histgraph.endpoint.answers import write_boolean, write_select, write_table
    from histgraph.endpoint.named_queries import get_query, load_queries, run_query
    from histgraph.store import SelectResult, open_store, to_oxigraph

    settings = settings_from(ctx)
    queries = load_queries(settings.queries_dir)
    if list_only or name is None:
        for q in queries.values():
            args = " ".join(f"[{p.name}={p.type}]" if not p.required else f"{p.name}={p.type}" for p in q.params)
            click.echo(f"{q.name:32s} {q.summary}{'  ' + args if args else ''}")
        return
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: write --param KEY=VALUE", param_hint="--param")
        values[key.strip()] = value
    result = run_query(open_store(settings), get_query(queries, name), values)
    # The endpoint's writers, so that the command prints what /sparql would send.
    if isinstance(result, bool):
        click.echo(write_boolean(result, "csv" if fmt == "table" else fmt).decode("utf-8"))
    elif isinstance(result, SelectResult):
        rows = [[to_oxigraph(row[v]) if v in row else None for v in result.variables] for row in result.rows]
        if fmt == "table":
            click.echo(write_table(result.variables, rows))
        else:
            click.echo(write_select(result.variables, rows, fmt).decode("utf-8"), nl=fmt == "json")
    else:
        click.echo(result.serialize(format="turtle"))
