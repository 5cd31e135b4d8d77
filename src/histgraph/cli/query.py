"""``histgraph query``: run a named query and print its answer in the endpoint's formats.

A SELECT query is a list: it prints one page (``--limit``, default 100, and
``--offset``) and says on standard error which rows these are, of how many,
and the command for the next page, so that standard output stays the answer.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

import click

from histgraph.cli.app import handle_errors, settings_from

if TYPE_CHECKING:
    from histgraph.endpoint.named_queries import PageOfRows


@click.command("query")
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="Bind a parameter (repeatable).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True
)
@click.option("--limit", type=str, default=None, help="Rows per page of a SELECT query (default 100).")
@click.option("--offset", type=str, default=None, help="Rows to skip before the page (default 0).")
@click.option("--list", "list_only", is_flag=True, help="List the named queries and their parameters.")
@click.pass_context
@handle_errors
def command(
    ctx: click.Context,
    name: str | None,
    params: tuple[str, ...],
    fmt: str,
    limit: str | None,
    offset: str | None,
    list_only: bool,
) -> None:
    """Run the named query NAME from queries/ on the current build.

    A SELECT query prints a page of its rows (100 unless --limit says
    otherwise); the line on standard error gives the total and the command
    for the next page.

    Example: histgraph query plan-steps --format csv --limit 20 --offset 20
    """
    from histgraph.endpoint.answers import write_boolean, write_select, write_table
    from histgraph.endpoint.named_queries import Page, get_query, load_queries, run_page, run_query
    from histgraph.store import EmbeddedStore, SelectResult, open_store, to_oxigraph

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
    query = get_query(queries, name)
    store = open_store(settings)
    if query.kind != "SELECT":
        if limit is not None or offset is not None:
            raise click.UsageError(f"{name} is a {query.kind} query: --limit and --offset page SELECT queries only")
        result = run_query(store, query, values)
        # The endpoint's writers, so that the command prints what /sparql would send.
        if isinstance(result, bool):
            click.echo(write_boolean(result, "csv" if fmt == "table" else fmt).decode("utf-8"))
        elif not isinstance(result, SelectResult):
            click.echo(result.serialize(format="turtle"))
        return
    # The build's folder: a page of a whole list is read in the order the build wrote.
    folder = store.path.parent if isinstance(store, EmbeddedStore) and store.path is not None else None
    paged = run_page(store, query, values, Page.parse(limit, offset), folder)
    rows = [[to_oxigraph(row[v]) if v in row else None for v in paged.result.variables] for row in paged.result.rows]
    if fmt == "table":
        click.echo(write_table(paged.result.variables, rows))
    else:
        click.echo(write_select(paged.result.variables, rows, fmt).decode("utf-8"), nl=fmt == "json")
    click.echo(_page_line(ctx, name, paged, params, fmt), err=True)


def _page_line(ctx: click.Context, name: str, paged: PageOfRows, params: tuple[str, ...], fmt: str) -> str:
    """Which rows were printed, of how many, and the command for the next page."""
    page, shown, total = paged.page, len(paged.result), paged.total
    line = f"rows {page.offset + 1 if shown else page.offset}-{page.offset + shown} of {total}"
    following = page.next(total)
    if following is None:
        return f"{line} (the last page)"
    argv = ["histgraph"]
    # The group's options as given, so that the next page reads the same build.
    flags = {"project_dir": "--project", "base_iri": "--base-iri", "build_dir": "--build-dir"}
    for option, value in (ctx.parent.params if ctx.parent else {}).items():
        if value is not None and option in flags:
            argv += [flags[option], str(value)]
    argv += ["query", name, *(f"--param={item}" for item in params), "--format", fmt]
    argv += ["--limit", str(following.limit), "--offset", str(following.offset)]
    return f"{line}; next page: {shlex.join(argv)}"
