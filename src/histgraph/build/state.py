"""What a build records about itself: its id, the curator's summary, and the state a later build starts from."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from histgraph.build.parts import PartMeta
from histgraph.vocab import HG

CONSISTENCY_NOTE = str(HG.ConsistencyNote)
#: What the build's state keeps of each part (class counts live in the summary).
_ESSENTIAL = ("name", "digest", "nq_sha", "trig_sha", "lines", "graphs", "facts", "mentions", "document")


def build_id(metas: list[PartMeta]) -> str:
    """The build's id: a hash of its parts' N-Quads, in order (so of the dataset itself)."""
    digest = hashlib.sha256()
    for meta in metas:
        digest.update(f"{meta.name} {meta.nq_sha}\n".encode())
    return digest.hexdigest()[:16]


def summarize(metas: list[PartMeta]) -> dict[str, Any]:
    """Counts a curator wants after a build: triples, graphs, classes, documents, anchors, flags."""
    classes: Counter[str] = Counter()
    graphs: set[str] = set()
    for meta in metas:
        classes.update(meta.classes)
        graphs.update(meta.graphs)
    return {
        "triples": sum(m.lines for m in metas),
        "named_graphs": len(graphs),
        "documents": sorted(m.document for m in metas if m.document),
        "anchors": {"facts": sum(m.facts for m in metas), "mentions": sum(m.mentions for m in metas)},
        "flags": classes.get(CONSISTENCY_NOTE, 0),
        "classes": dict(sorted(classes.items())),
    }


def adjusted(before: dict[str, Any], old: list[PartMeta], new: list[PartMeta]) -> dict[str, Any]:
    """The previous build's summary with some parts taken out and others put in.

    Parts never share a graph or a quad, so every count is a sum over parts.
    """
    classes: Counter[str] = Counter(before["classes"])
    for meta in old:
        classes.subtract(meta.classes)
    for meta in new:
        classes.update(meta.classes)
    kept = {k: v for k, v in sorted(classes.items()) if v > 0}
    documents = set(before["documents"]) - {m.document for m in old} | {m.document for m in new if m.document}
    return {
        "triples": before["triples"] - sum(m.lines for m in old) + sum(m.lines for m in new),
        "named_graphs": before["named_graphs"] - sum(len(m.graphs) for m in old) + sum(len(m.graphs) for m in new),
        "documents": sorted(documents),
        "anchors": {
            "facts": before["anchors"]["facts"] - sum(m.facts for m in old) + sum(m.facts for m in new),
            "mentions": before["anchors"]["mentions"] - sum(m.mentions for m in old) + sum(m.mentions for m in new),
        },
        "flags": kept.get(CONSISTENCY_NOTE, 0),
        "classes": kept,
    }


def about_entries(metas: list[PartMeta]) -> list[list[Any]]:
    """What graphs say about named graphs, by the part that says it: ``[part, graph, triple]``."""
    return [[meta.name, graph, list(triple)] for meta in metas for graph, triple in meta.about]


def essentials(meta: PartMeta) -> dict[str, Any]:
    """What the build's state keeps of a part."""
    return {key: getattr(meta, key) for key in _ESSENTIAL}


def from_essentials(data: dict[str, Any]) -> PartMeta:
    """A part's meta from what the state kept of it (enough to write the build again)."""
    return PartMeta(**{key: data[key] for key in _ESSENTIAL}, classes={}, types=[], about=[])
