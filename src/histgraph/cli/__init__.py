"""The ``histgraph`` command: a thin click layer over the library.

Each command parses its options, calls one library function, and prints. Errors
the user can fix are printed as one clear message with what to do, and the
command exits non-zero (2 for unreadable input, 1 otherwise).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from histgraph import __version__
from histgraph.config import Settings, load_settings
from histgraph.errors import HistgraphError

if TYPE_CHECKING:
    # What click.progressbar returns; click names it only in a private module.
    from click._termui_impl import ProgressBar


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    base = dict(ctx.obj or {})
    base.update({k: v for k, v in overrides.items() if v is not None})
    return load_settings(base, environ=os.environ)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print a :class:`HistgraphError` as one message and exit with its code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except HistgraphError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(exc.exit_code)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="histgraph")
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, exists=True),
    help="Project folder holding data/, queries/, shapes/ (default: the current folder).",
)
@click.option("--base-iri", help="Base IRI for minted identifiers (default https://histgraph.example.org/).")
@click.option(
    "--build-dir", type=click.Path(file_okay=False), help="Where builds are written (default: PROJECT/build)."
)
@click.pass_context
def main(ctx: click.Context, project_dir: str | None, base_iri: str | None, build_dir: str | None) -> None:
    """Publish historical documents as source-faithful knowledge graphs.

    Typical use, in a project folder: `histgraph build`, then `histgraph serve`.
    Settings come from defaults, histgraph.toml, HISTGRAPH_* variables and flags,
    in that order.
    """
    ctx.obj = {
        k: v
        for k, v in {"project_dir": project_dir, "base_iri": base_iri, "build_dir": build_dir}.items()
        if v is not None
    }


@main.command()
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (not for publishing).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--full", is_flag=True, help="Make a full build, reading every file again, not one that applies a few changed documents to the current build.")
@click.pass_context
@handle_errors
def build(ctx: click.Context, no_validate: bool, as_json: bool, full: bool) -> None:
    """Build the dataset: read, anchor, validate, and switch to the new build atomically.

    With violations nothing is written over the last good build. Same input gives
    a byte-identical dataset (the files under build/current/dump/, served
    as /dumps/dataset.nq and /dumps/dataset.trig). When only a few documents
    were added, changed or removed, they are applied to the current build
    (same result as a full build, in a fraction of the time).
    """
    from histgraph.build.pipeline import build as run_build

    settings = _settings(ctx)
    with _StageBars() as bars:
        result = run_build(settings, validate=not no_validate, progress=bars, incremental=not full)
    if result.incremental:
        click.echo("applied the changed documents to the current build (use --full to read everything)", err=True)
    if as_json:
        click.echo(json.dumps(result.summary, indent=1, sort_keys=True))
        return
    click.echo(format_summary(result.summary, str(result.path), result.reused))


class _StageBars:
    """A progress bar per stage of a long job, on standard error."""

    def __init__(self) -> None:
        self.bar: ProgressBar[int] | None = None

    def stage(self, label: str, total: int) -> None:
        self.close()
        if total > 0:
            self.bar = click.progressbar(length=total, label=f"{label:18s}", file=sys.stderr, show_pos=True)
            self.bar.__enter__()

    def advance(self, steps: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(steps)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def __enter__(self) -> _StageBars:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def format_summary(summary: dict[str, Any], path: str, reused: bool) -> str:
    """The build summary as lines a curator reads at a glance."""
    lines = [
        f"build {summary['build_id']} {'(unchanged, reused)' if reused else 'written'} at {path}",
        f"  {summary['triples']} triples in {summary['named_graphs']} named graphs",
        f"  documents: {', '.join(summary['documents']) or 'none'}",
        f"  anchors: {summary['anchors']['facts']} facts, {summary['anchors']['mentions']} mentions",
        f"  consistency flags: {summary['flags']}",
    ]
    if "validation" in summary:
        v = summary["validation"]
        lines.append(f"  validation: {v['violations']} violations, {v['warnings']} warnings")
    lines.append("  instances per class:")
    for cls, count in sorted(summary["classes"].items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"    {count:6d}  {_short(cls)}")
    return "\n".join(lines)


def _short(iri: str) -> str:
    from histgraph.vocab import PREFIXES

    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


@main.command()
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="Bind a parameter (repeatable).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True
)
@click.option("--list", "list_only", is_flag=True, help="List the named queries and their parameters.")
@click.pass_context
@handle_errors
def query(ctx: click.Context, name: str | None, params: tuple[str, ...], fmt: str, list_only: bool) -> None:
    """Run the named query NAME from queries/ on the current build.

    Example: histgraph query options-with-claims --format csv
    """
    from histgraph.endpoint.answers import write_boolean, write_select, write_table
    from histgraph.endpoint.named_queries import get_query, load_queries, run_query
    from histgraph.store import SelectResult, open_store, to_oxigraph

    settings = _settings(ctx)
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


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--host", help="Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).")
@click.option("--port", type=int, help="Port to listen on (default 5000).")
@click.option("--workers", type=int, help="gunicorn worker processes (default 2).")
@click.option("--timeout", "query_timeout", type=float, help="Time limit per query in seconds (default 10).")
@click.option("--debug", is_flag=True, default=None, help="Flask's development server, with tracebacks.")
@click.pass_context
@handle_errors
def serve(
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

    settings = _settings(ctx, host=host, port=port, workers=workers, query_timeout=query_timeout, debug=debug)
    run_server(settings, [Path(f) for f in files], announce=lambda line: click.echo(line, err=True))


@main.command()
@click.option("--to", "url", help="Graph Store Protocol URL of the remote store (default: remote_store_url).")
@click.pass_context
@handle_errors
def publish(ctx: click.Context, url: str | None) -> None:
    """Load the current build into a remote SPARQL store, one named graph at a time.

    Each graph is PUT to URL?graph=IRI (SPARQL 1.1 Graph Store Protocol), replacing
    it there. Example: histgraph publish --to http://localhost:7878/store
    """
    from histgraph.errors import HistgraphError
    from histgraph.store.publish import graphs_of
    from histgraph.store.publish import publish as run_publish

    settings = _settings(ctx)
    target = url or settings.remote_store_url
    if not target:
        raise HistgraphError("say where to publish: --to URL (or set HISTGRAPH_REMOTE_STORE_URL)")
    current = settings.builds_root / "current"
    if not current.exists():
        raise HistgraphError(f"nothing built yet in {settings.builds_root}; run `histgraph build` first")
    with click.progressbar(length=len(graphs_of(current)), label="publishing", file=sys.stderr) as bar:
        result = run_publish(current, target, progress=lambda _g: bar.update(1))
    click.echo(f"published {result.triples} triples in {result.graphs} graphs to {result.url}")


# The commands that live in their own modules register themselves on ``main``
# when imported; imported here, after ``main`` exists, explicitly.
from histgraph.cli import enrich, export, link, validate  # noqa: E402

for _module in (export, link, enrich, validate):
    main.add_command(_module.command)

if __name__ == "__main__":  # pragma: no cover
    main()
