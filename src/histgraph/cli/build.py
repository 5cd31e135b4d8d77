"""``histgraph build``: read, anchor, validate and switch to the new build, with progress bars."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from histgraph.cli.app import handle_errors, settings_from

if TYPE_CHECKING:
    # What click.progressbar returns; click names it only in a private module.
    from click._termui_impl import ProgressBar


@click.command("build")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (not for publishing).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--full", is_flag=True, help="Make a full build, reading every file again, not one that applies a few changed documents to the current build.")
@click.pass_context
@handle_errors
def command(ctx: click.Context, no_validate: bool, as_json: bool, full: bool) -> None:
    """Build the dataset: read, anchor, validate, and switch to the new build atomically.

    With violations nothing is written over the last good build. Same input gives
    a byte-identical dataset (the files under build/current/dump/, served
    as /dumps/dataset.nq and /dumps/dataset.trig). When only a few documents
    were added, changed or removed, they are applied to the current build
    (same result as a full build, in a fraction of the time).
    """
    from histgraph.build.pipeline import build as run_build

    settings = settings_from(ctx)
    with StageBars() as bars:
        result = run_build(settings, validate=not no_validate, progress=bars, incremental=not full,
                           pages=partial(write_reading_aids, settings.queries_dir))
    if result.incremental:
        click.echo("applied the changed documents to the current build (use --full to read everything)", err=True)
    if as_json:
        click.echo(json.dumps(result.summary, indent=1, sort_keys=True))
        return
    click.echo(format_summary(result.summary, str(result.path), result.reused))


def write_reading_aids(queries_dir: Path, folder: Path, base_iri: str) -> list[str]:
    """What the build computes for its readers from the whole dataset: the pages' summaries and the named queries' answers.

    Both read every entity, so both read one copy of the build's data in memory
    (:meth:`EmbeddedStore.in_memory`), made once; the files' names in the build.
    """
    from histgraph.endpoint.named_queries import load_queries
    from histgraph.endpoint.stored_answers import write_stored_answers
    from histgraph.present.page_summaries import write_page_summaries
    from histgraph.store import EmbeddedStore

    store = EmbeddedStore.in_memory(folder)
    names = write_page_summaries(folder, base_iri, store)
    if queries_dir.is_dir():  # a project may have no named queries
        names += write_stored_answers(folder, load_queries(queries_dir), store)
    return names


class StageBars:
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

    def __enter__(self) -> StageBars:
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
