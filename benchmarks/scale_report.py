"""Write the "## Scale" section of docs/benchmarks.md from benchmarks/run_all.py's results.

Only that section is replaced (up to the next "## " heading); the other
sections belong to their authors and are left as they are.
"""

from __future__ import annotations

import statistics
from pathlib import Path

HEADING = "## Scale"


def _spread(values: list[float], unit: str, digits: int = 1) -> str:
    if len(values) == 1:
        return f"{values[0]:,.{digits}f} {unit}"
    return (f"{statistics.median(values):,.{digits}f} {unit} "
            f"({min(values):,.{digits}f}–{max(values):,.{digits}f}, {len(values)} runs)")


def _build_rows(out: dict) -> list[str]:
    rows = ["| N documents | validation | build time | peak memory (process tree) | load avg at start |",
            "|---:|---|---:|---:|---|"]
    for entry in out["builds"]:
        runs = entry["runs"]
        done = [r for r in runs if r["code"] == 0 and r["seconds"] is not None]
        if not done:
            rows.append(f"| {entry['n']:,} | {entry['validator']} | not finished: {runs[0]['code']} "
                        f"({runs[0]['tail'][-120:].strip()!r}) | | {runs[0].get('load', '')} |")
            continue
        rows.append(f"| {entry['n']:,} | {entry['validator']} | {_spread([r['seconds'] for r in done], 's')} | "
                    f"{_spread([r['peak_mb'] for r in done], 'MB', 0)} | {runs[0].get('load', '')} |")
    return rows


def _http_rows(out: dict) -> list[str]:
    rows = ["| server | target | req/s | mean latency | p99 latency |", "|---|---|---:|---:|---:|"]
    for r in out["http"]:
        if r.get("error"):
            rows.append(f"| {r['server']} | {r['target']} | failed: {r['error']} | | |")
        else:
            rows.append(f"| {r['server']} | {r['target']} | {r['rps']:,.0f} | {r['mean_ms']:.2f} ms | {r['p99_ms']:.2f} ms |")
    return rows


def _ratio(out: dict, server: str, target: str, other: str, other_target: str) -> float | None:
    rows = {(r["server"], r["target"]): r["rps"] for r in out["http"]}
    a, b = rows.get((server, target)), rows.get((other, other_target))
    return a / b if a and b else None


def ratios(out: dict) -> dict[str, float | None]:
    """The ratios the goals are stated in, from figures of the same run."""
    hello = ("Flask hello floor (gunicorn, 2 workers)", "/hello")
    emb, ox = "histgraph, embedded backend", "oxigraph serve-read-only"
    return {
        "entity page / hello": _ratio(out, emb, "entity page", *hello),
        "embedded point / oxigraph point": _ratio(out, emb, "point", ox, "point"),
        "embedded point / hello": _ratio(out, emb, "point", *hello),
        "embedded aggregate / oxigraph aggregate": _ratio(out, emb, "aggregate", ox, "aggregate"),
    }


def section(out: dict, command: str) -> str:
    """The Markdown of the section."""
    m = out["machine"]
    lines = [HEADING, "",
             "Generated archives (benchmarks/generate_archive.py: 316 triples per document after",
             "anchoring) built and served on this machine. Command for every figure below:", "",
             f"    .venv/bin/python {command.removeprefix('python ')}", "",
             f"Machine: {m['nproc']} cores ({m['cpu']}), Python {m['python']}, {m['date']}; "
             f"load average at start {m['load']} (these machines are shared: each row gives the load "
             "when it started).", "", "```", m["free"], "```", "",
             "### Full build (parse, anchor, validate, write dumps, bulk-load the store)", "",
             *_build_rows(out), "",
             "### One document changed in the largest archive (previous build and validation cache kept)", "",
             f"Load average at start: {out.get('incremental_load', '')}.", "",
             "| change | time | peak memory | command |", "|---|---:|---:|---|"]
    for name, r in out["incremental"].items():
        seconds = f"{r['seconds']:.1f} s" if r["seconds"] else str(r["code"])
        lines.append(f"| {name} | {seconds} | {r['peak_mb']:,.0f} MB | `{r['command']}` |")
    lines += ["", f"### Query latency at N = {out['sizes'][-1]:,} (in process, ms; load {out['queries_load']})", "",
              "| query | median | min–max |", "|---|---:|---:|"]
    for name, r in {**out["queries"], **out["pages"]}.items():
        if "skipped" in r:
            lines.append(f"| {name} | skipped: {r['skipped']} | |")
        else:
            lines.append(f"| {name} | {r['median']:.2f} | {r['min']:.2f}–{r['max']:.2f} ({r['n']} runs) |")
    lines += ["", f"### HTTP at N = {out['sizes'][-1]:,} (wrk, 2 threads, 8 connections, keep-alive; "
              f"load {out['http_load']} at start, {out['http_load_end']} at end)", "", *_http_rows(out), "",
              "Ratios from this run:", ""]
    for name, value in ratios(out).items():
        lines.append(f"* {name}: {'n/a' if value is None else f'{value:.2f}'}")
    lines.append("")
    return "\n".join(lines)


def write_section(doc: Path, out: dict, command: str, notes: str = "") -> None:
    """Replace (or append) the Scale section of ``doc``."""
    text = doc.read_text(encoding="utf-8")
    new = section(out, command) + (notes + "\n" if notes else "")
    start = text.find("\n" + HEADING + "\n")
    if start == -1:
        doc.write_text(text.rstrip("\n") + "\n\n" + new, encoding="utf-8")
        return
    end = text.find("\n## ", start + 1)
    doc.write_text(text[: start + 1] + new + (text[end:] if end != -1 else ""), encoding="utf-8")
