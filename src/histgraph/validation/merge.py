"""One report from many units' reports: findings read once, kept once, written without a graph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF, SH

from histgraph.validation.cache import read_cached, write_cache_file
from histgraph.validation.results import Finding, ValidationReport

_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_RDF_TYPE = str(RDF.type)
_SH = str(SH)


def _ox_findings(payload: bytes, graph_name: str, unit: str) -> list[tuple[Finding, list[ox.Triple], object]]:
    """The findings of one unit's report, each with its result's triples (blank nodes made unique)."""
    by_subject: dict[object, list[ox.Triple]] = {}

    def rename(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Any:
        return ox.BlankNode(f"u{unit}x{term.value}") if isinstance(term, ox.BlankNode) else term

    for t in ox.parse(payload, format=ox.RdfFormat.N_TRIPLES):
        triple = ox.Triple(rename(t.subject), t.predicate, rename(t.object))
        by_subject.setdefault(triple.subject, []).append(triple)
    out = []
    for subject, triples in by_subject.items():
        props: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {}
        for t in triples:
            props.setdefault(t.predicate.value, t.object)
        if _SH + "resultSeverity" not in props:
            continue

        def text(name: str, props: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = props) -> str | None:
            value = props.get(_SH + name)
            return value.value if isinstance(value, (ox.NamedNode, ox.Literal)) else None

        finding = Finding(
            severity=_SEVERITY.get(URIRef(text("resultSeverity") or ""), "violation"),
            message=text("resultMessage") or "",
            focus=text("focusNode") or "",
            path=text("resultPath"),
            value=text("value"),
            shape=text("sourceShape"),
            constraint=text("sourceConstraintComponent"),
            graph=graph_name,
        )
        closure, todo, seen = [], [subject], set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for t in by_subject.get(node, []):
                closure.append(t)
                if isinstance(t.object, ox.BlankNode):
                    todo.append(t.object)
        out.append((finding, closure, subject))
    return out


def _unit_findings(key: str, payload: bytes | None, cache_dir: Path | None) -> list[dict]:
    """A unit's findings, each with its result's triples as N-Triples, cached next to its report.

    Blank nodes are renamed after the cache key, so results of different units
    never share one. Raises :class:`LookupError` when neither is in the cache.
    """
    path = cache_dir / f"{key}.findings.json" if cache_dir is not None else None
    if path is not None:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    if payload is None:
        payload = read_cached(cache_dir, key)
        if payload is None:
            raise LookupError(key)
    found = [
        {
            "finding": [f.severity, f.message, f.focus, f.path, f.value, f.shape, f.constraint],
            "node": str(node),
            "nt": (ox.serialize(closure, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8"),
        }
        for f, closure, node in _ox_findings(payload, "", key[:16])
    ]
    if path is not None:
        write_cache_file(path, json.dumps(found).encode("utf-8"))
    return found


def merge_unit_reports(reports: list[tuple[str, str, bytes | None]], units: int,
                       cache_dir: Path | None = None) -> ValidationReport:
    """One :class:`ValidationReport` from units' reports (graph, cache key, report or None).

    A finding met by two units (a shared record) is kept once. Built for
    thousands of units: each unit's findings are read once and kept in the
    cache as JSON, and the standard report is written as N-Triples (which is
    Turtle) without building a graph.
    """
    seen: set[tuple[str, ...]] = set()
    findings: list[Finding] = []
    lines: list[str] = []
    for graph_name, key, payload in reports:
        for item in _unit_findings(key, payload, cache_dir):
            severity, message, focus, path, value, shape, constraint = item["finding"]
            finding = Finding(severity, message, focus, path, value, shape, constraint, graph=graph_name)
            if finding.key() in seen:
                continue
            seen.add(finding.key())
            findings.append(finding)
            lines.append(f"_:report <{_SH}result> {item['node']} .\n")
            lines.append(item["nt"])
    conforms = not any(f.severity == "violation" for f in findings)
    head = (
        f"_:report <{_RDF_TYPE}> <{_SH}ValidationReport> .\n"
        f'_:report <{_SH}conforms> "{str(conforms).lower()}"^^<http://www.w3.org/2001/XMLSchema#boolean> .\n'
    )
    order = {"violation": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: (order[f.severity], f.graph or "", f.focus, f.message, f.value or ""))
    text = (head + "".join(lines)).encode("utf-8")
    return ValidationReport(conforms=conforms, findings=findings, units=units, text=text)
