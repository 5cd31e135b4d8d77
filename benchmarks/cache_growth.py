"""How big the build caches get over many edits, with the pruning each build does (issue #18, goal 5).

Run: ``.venv/bin/python benchmarks/cache_growth.py [--docs 100] [--edits 10] [--quick] [--json]``

A generated archive (benchmarks/generate_archive.py) is built with
pyshacl-turbo validation, then one document at a time is edited (a new
wording of its meeting's title) and the project built again, as a curator
does, through ``histgraph.build.pipeline.build`` (what ``histgraph build``
calls). After each build the files and bytes of ``build/.cache`` and
``build/.validation-cache`` are counted, with the files the build added and
the files its pruning removed. "Without pruning" is the first build's files
plus every file a build added: what the caches held before the pruning existed.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_harness import emit, load_average, main_guard  # noqa: E402
from generate_archive import generate  # noqa: E402

CACHES = (".cache", ".validation-cache")


def files(build_dir: Path) -> dict[str, int]:
    """Every file of both caches with its size, by path relative to the build folder."""
    out = {}
    for name in CACHES:
        for path in (build_dir / name).rglob("*"):
            if path.is_file():
                out[str(path.relative_to(build_dir))] = path.stat().st_size
    return out


def totals(found: dict[str, int], cache: str) -> tuple[int, int]:
    """Files and bytes of one cache."""
    sizes = [size for path, size in found.items() if path.split("/", 1)[0] == cache]
    return len(sizes), sum(sizes)


def edit(project: Path, n: int, docs: int) -> None:
    """Change the title of one document's meeting (each edit a different document, then round again)."""
    facts = project / "data" / "documents" / f"synthetic-{n % docs:05d}" / "facts.ttl"
    facts.write_text(re.sub(r"\(synthetic[^ ]* ", f"(synthetic-edit-{n} ", facts.read_text(), count=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100, help="synthetic documents (default 100)")
    parser.add_argument("--edits", type=int, default=10, help="edits, each followed by a build (default 10)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 5 documents, 3 edits")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args()
    if args.quick:
        args.docs, args.edits = 5, 3
    from histgraph.build.pipeline import build
    from histgraph.config import load_settings

    say = print if not args.json else (lambda *a, **k: None)
    rows = []
    with tempfile.TemporaryDirectory(prefix="histgraph-caches-") as tmp:
        project, build_dir = Path(tmp) / "archive", Path(tmp) / "build"
        generate(args.docs, project)
        settings = load_settings({"project_dir": project, "build_dir": build_dir, "validator": "turbo"}, environ={})
        started = time.perf_counter()
        build(settings)
        before = files(build_dir)
        first = {cache: totals(before, cache) for cache in CACHES}
        unpruned = {cache: list(first[cache]) for cache in CACHES}
        say(f"first build: {time.perf_counter() - started:.1f} s; " +
            "; ".join(f"{c} {n} files, {b / 1e6:.2f} MB" for c, (n, b) in first.items()))
        for n in range(args.edits):
            edit(project, n, args.docs)
            started = time.perf_counter()
            result = build(settings)
            seconds = time.perf_counter() - started
            after = files(build_dir)
            added = {path: after[path] for path in after.keys() - before.keys()}
            removed = before.keys() - after.keys()
            row = {"edit": n + 1, "seconds": round(seconds, 2), "incremental": result.incremental,
                   "added": len(added), "removed": len(removed), "load": load_average()}
            for cache in CACHES:
                count, size = totals(after, cache)
                new_count, new_size = totals(added, cache)
                unpruned[cache][0] += new_count
                unpruned[cache][1] += new_size
                row[cache] = {"files": count, "bytes": size, "files_without_pruning": unpruned[cache][0],
                              "bytes_without_pruning": unpruned[cache][1]}
            rows.append(row)
            say(f"edit {n + 1}: {seconds:.2f} s, {len(added)} files added, {len(removed)} removed; " +
                "; ".join(f"{c} {row[c]['files']} files ({row[c]['files_without_pruning']} without pruning)"
                          for c in CACHES))
            before = after
    emit({"docs": args.docs, "edits": args.edits,
          "first": {c: {"files": n, "bytes": b} for c, (n, b) in first.items()}, "rows": rows}, args.json)


if __name__ == "__main__":
    main_guard(main)
