"""Per-build data the page blueprints share: labels, the base IRI, and where caches live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from histgraph.present.label_search import NameIndex
from histgraph.present.labels import LabelIndex
from histgraph.present.page_summaries import LABELS, NAMES, SUMMARY, names_from_json
from histgraph.store.layout import PAGES_DIR, read_page_file
from histgraph.web.context import get_context


def labels() -> LabelIndex:
    """The label index of the build being served (read once per build: the build's file, else the store)."""
    context = get_context()
    return context.cached("labels", lambda: built_labels() or LabelIndex.load(context.store))


def built_labels() -> LabelIndex | None:
    """The label index the build wrote (:mod:`histgraph.present.page_summaries`), or None without one."""
    best = read_page_file(build_folder(), LABELS)
    return LabelIndex(best=best) if best is not None else None


def built_names(labels: LabelIndex) -> NameIndex | None:
    """The name index the build wrote (:mod:`histgraph.present.page_summaries`), or None without one."""
    data = read_page_file(build_folder(), NAMES)
    return names_from_json(data, labels, get_context().settings.base_iri) if data is not None else None


def page_file(name: str) -> object:
    """A page file the build wrote (:mod:`histgraph.present.page_summaries`), read once per build; None without.

    That a file is missing is not kept: an incremental build is served first and
    writes its page files after, so a later request reads them once they are there.
    """
    folder = build_folder()
    if folder is None or not (folder / PAGES_DIR / name).is_file():
        return None
    return get_context().cached(f"page-file:{name}", lambda: read_page_file(folder, name))


def page_summary() -> dict[str, Any] | None:
    """The build's summary for the pages (counts, sizes, ranges), or None when the build wrote none."""
    found = page_file(SUMMARY)
    return found if isinstance(found, dict) else None


def base_iri() -> str:
    """The base of the IRIs the build minted."""
    return get_context().settings.base_iri


def build_folder() -> Path | None:
    """The folder of the store being served: a build, or the files of `histgraph serve FILE` (None if remote).

    The store's own folder when it has one: ``histgraph serve FILE`` serves a
    store made from FILE, and its dumps must be of FILE, not of the project's build.
    """
    context = get_context()
    if context.folder is not None:
        return context.folder
    link = context.settings.builds_root / "current"
    return link.resolve() if context.settings.backend != "remote" and link.exists() else None


def cache_folder() -> Path:
    """Where generated files (dumps, ontology docs) are kept, per build."""
    return get_context().settings.builds_root / "cache" / get_context().store.version


def script_json(data: object) -> str:
    """JSON safe to put inside ``<script type="application/ld+json">``.

    ``<``, ``>`` and ``&`` are written as ``\\u`` escapes, so a literal holding
    ``</script>`` or ``<!--`` cannot end the element; the JSON means the same.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
