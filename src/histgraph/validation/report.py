"""A validation report a historian can read: grouped, labelled, with the passage.

:func:`describe` turns a :class:`~histgraph.validation.validate.ValidationReport` into a
plain structure grouped by document (named graph) and then by entity, with
labels instead of IRIs and, where the entity is anchored in a text, the words of
the text with a little context. :func:`to_text` prints it; the same structure is
the JSON format (documented in ``docs/validation.md``), which the build keeps as
``report.json`` and the site's report page shows (:func:`read_described`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from histgraph.validation.results import Finding, ValidationReport
from histgraph.vocab import OA, RDF, RDFS

#: An RDF term the report reads a value of (triple terms have none, and are skipped).
_Term = ox.NamedNode | ox.BlankNode | ox.Literal

_LABEL = str(RDFS.label)
_OA = str(OA)
_CONTEXT = 30  # characters of text shown on each side of a passage
JSON_FORMAT_VERSION = 1


@dataclass(frozen=True)
class Passage:
    """Where an entity is stated in a text: the words, their context, their offsets."""

    text: str
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass
class ReportContext:
    """What the report needs from the data: labels, passages, documents' names."""

    labels: dict[str, str] = field(default_factory=dict)
    passages: dict[str, Passage] = field(default_factory=dict)

    def label(self, iri: str | None) -> str | None:
        """The English label of ``iri`` (or any label), else None."""
        return None if iri is None else self.labels.get(iri)

    def passage(self, iri: str) -> Passage | None:
        """The first passage (by annotation IRI) that states ``iri``, or that ``iri`` anchors."""
        return self.passages.get(iri)


class StoreReportContext(ReportContext):
    """Labels and the first anchored passage of each entity, looked up in a store when asked.

    For large builds: a report names a few thousand nodes, the dataset holds millions.
    """

    def __init__(self, store: ox.Store, base_iri: str) -> None:
        super().__init__()
        self.store, self.base_iri = store, base_iri
        self._labels: dict[str, str | None] = {}
        self._passages: dict[str, Passage | None] = {}

    def _values(self, subject: str, predicate: str) -> list[_Term]:
        if not subject or subject.startswith("_:"):
            return []
        try:
            node = ox.NamedNode(subject)
        except ValueError:
            return []
        quads = self.store.quads_for_pattern(node, ox.NamedNode(predicate), None, None)
        return [q.object for q in quads if not isinstance(q.object, ox.Triple)]

    def label(self, iri: str | None) -> str | None:
        if iri is None:
            return None
        if iri not in self._labels:
            found = [o for o in self._values(iri, _LABEL) if isinstance(o, ox.Literal)]
            best = min(((0 if o.language == "en" else 1, o.value) for o in found), default=None)
            label = best[1] if best else None
            if label is None and "/graph/" in iri:
                name = iri.rsplit("/graph/", 1)[1]
                label = self.label(f"{self.base_iri}id/document/{name}") or f"{name.replace('-', ' ')} (shared records)"
            self._labels[iri] = label
        return self._labels[iri]

    def prime(self, described: dict[str, Any], stale: set[str]) -> None:
        """Take the labels and passages a previous report (``describe`` output) shows, except ``stale`` IRIs.

        A build that changes a few documents can only change the labels and
        passages of what those documents describe (``stale``); everything else
        the last report showed is still right and need not be looked up again.
        """
        for document in described.get("documents", []):
            if document["graph"] not in stale:
                self._labels.setdefault(document["graph"], document["label"])
            for entity in document["entities"]:
                if entity["iri"] in stale:
                    continue
                self._labels.setdefault(entity["iri"], entity["label"])
                for item in entity["findings"]:
                    if item["value"] is not None and item["value"] not in stale:
                        self._labels.setdefault(item["value"], item["value_label"])
                    passage = item["passage"]
                    self._passages.setdefault(entity["iri"], None if passage is None else Passage(**passage))

    def passage(self, iri: str) -> Passage | None:
        if iri not in self._passages:
            self._passages[iri] = self._find_passage(iri)
        return self._passages[iri]

    def _find_passage(self, iri: str) -> Passage | None:
        targets = self._values(iri, _OA + "hasTarget")
        if self._values(iri, _OA + "hasBody") and targets:
            return self._target_passage(targets[0].value)
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return None
        # pyoxigraph 0.5's stub still allows a Triple subject; RDF 1.2 and its store do not.
        annotations = sorted({q.subject.value for q in self.store.quads_for_pattern(  # type: ignore[union-attr]
            None, ox.NamedNode(_OA + "hasBody"), node, None)})
        for annotation in annotations:
            if not any(m.value == _OA + "describing" for m in self._values(annotation, _OA + "motivatedBy")):
                continue
            targets = self._values(annotation, _OA + "hasTarget")
            passage = self._target_passage(targets[0].value) if targets else None
            if passage is not None:
                return passage
        return None

    def _target_passage(self, target: str) -> Passage | None:
        by_subject: dict[str, dict[str, list[_Term]]] = {}
        for prop in ("hasSource", "hasSelector"):
            by_subject.setdefault(target, {})[prop] = self._values(target, _OA + prop)
        for selector in by_subject[target]["hasSelector"]:
            for prop in ("exact", "start", "end"):
                values = self._values(selector.value, _OA + prop)
                if values:
                    by_subject.setdefault(selector.value, {})[prop] = values
        texts = {}
        for source in by_subject[target]["hasSource"]:
            values = self._values(source.value, str(RDF.value))
            if values:
                texts[source.value] = values[0].value
        return _passage(by_subject, texts, target)


def _passage(by_subject: dict[str, dict[str, list[_Term]]], texts: dict[str, str], target: str) -> Passage | None:
    props = by_subject.get(target, {})
    source = props.get("hasSource", [None])[0]
    quote = position = None
    for selector in props.get("hasSelector", []):
        sel = by_subject.get(selector.value, {})
        if "exact" in sel:
            quote = sel
        if "start" in sel:
            position = sel
    if source is None or quote is None or position is None:
        return None
    start, end = int(position["start"][0].value), int(position["end"][0].value)
    full = texts.get(source.value, "")
    return Passage(
        text=source.value,
        exact=quote["exact"][0].value,
        prefix=full[max(0, start - _CONTEXT) : start],
        suffix=full[end : end + _CONTEXT],
        start=start,
        end=end,
    )


def _finding_dict(finding: Finding, context: ReportContext) -> dict[str, object]:
    passage = context.passage(finding.focus)
    return {
        "severity": finding.severity,
        "message": finding.message,
        "path": finding.path,
        "value": finding.value,
        "value_label": context.label(finding.value),
        "shape": finding.shape,
        "constraint": finding.constraint,
        "passage": None if passage is None else passage.__dict__,
    }


def describe(report: ValidationReport, context: ReportContext) -> dict[str, Any]:
    """The report as a plain structure: documents, then entities, then findings.

    This is the ``--format json`` output; docs/validation.md documents it.
    """
    documents: dict[str, dict[str, dict[str, Any]]] = {}
    for finding in report.findings:
        graph = finding.graph or ""
        entities = documents.setdefault(graph, {})
        entity = entities.setdefault(
            finding.focus,
            {"iri": finding.focus, "label": context.label(finding.focus), "findings": []},
        )
        entity["findings"].append(_finding_dict(finding, context))
    return {
        "format": JSON_FORMAT_VERSION,
        "conforms": report.conforms,
        "counts": report.counts(),
        "documents": [
            {"graph": graph, "label": context.label(graph), "entities": list(entities.values())}
            for graph, entities in documents.items()
        ],
    }


def read_described(path: Path) -> dict[str, Any] | None:
    """The described report a build wrote (``report.json``), or None when it validated nothing.

    The site shows this, the same structure as ``histgraph validate --format json``,
    so a page and the command group, label and quote findings alike.
    """
    try:
        described = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return described if isinstance(described, dict) and "documents" in described else None


def to_text(described: dict[str, Any]) -> str:
    """The described report as text for a terminal: one block per document and entity."""
    counts = described["counts"]
    lines = []
    verdict = "conforms" if described["conforms"] else "does NOT conform"
    lines.append(
        f"The data {verdict}: {counts['violations']} violation(s), "
        f"{counts['warnings']} warning(s), {counts['infos']} note(s)."
    )
    for document in described["documents"]:
        lines.append("")
        lines.append(f"== {document['label'] or document['graph']}")
        lines.append(f"   ({document['graph']})")
        for entity in document["entities"]:
            lines.append("")
            lines.append(f"  {entity['label'] or entity['iri']}")
            lines.append(f"    <{entity['iri']}>")
            for item in entity["findings"]:
                lines.append(f"    {item['severity'].upper()}: {item['message']}")
                if item["value"] is not None:
                    shown = item["value_label"] or item["value"]
                    extra = f"  <{item['value']}>" if item["value_label"] else ""
                    lines.append(f"      value: {shown}{extra}")
                passage = item["passage"]
                if passage is not None:
                    lines.append(
                        f"      text ({passage['start']}-{passage['end']}): "
                        f"\u2026{passage['prefix']}[{passage['exact']}]{passage['suffix']}\u2026".replace("\n", " ")
                    )
    return "\n".join(lines) + "\n"


def violation_summary(report: ValidationReport, context: ReportContext, limit: int = 5) -> str:
    """The first few violations, one line each, for an error message."""
    lines = []
    for finding in [f for f in report.findings if f.severity == "violation"][:limit]:
        who = context.label(finding.focus) or finding.focus
        lines.append(f"  - {who}: {finding.message}")
    return "\n".join(lines)
