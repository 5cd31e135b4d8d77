"""Validate a dataset against the project's SHACL shapes with pyshacl.

Validation is a pure function with a typed result: :func:`validate_quads` takes
the quads of a build and the settings, and returns a :class:`ValidationReport`.
Every pyshacl option is passed explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import SH

from .config import Settings
from .errors import InputError

_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True)
class Finding:
    """One result of a validation report, in plain terms."""

    severity: str
    message: str
    focus: str
    path: str | None
    value: str | None
    shape: str | None


@dataclass
class ValidationReport:
    """The outcome of validating a dataset: conformance and every finding."""

    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)

    def counts(self) -> dict[str, int]:
        """How many violations, warnings and infos the report holds."""
        out = {"violations": 0, "warnings": 0, "infos": 0}
        for finding in self.findings:
            out[finding.severity + "s"] += 1
        return out

    def turtle(self) -> bytes:
        """The standard ``sh:ValidationReport`` as Turtle."""
        return self.graph.serialize(format="turtle").encode("utf-8")


def load_shapes(shapes_dir: Path) -> Graph:
    """Read every Turtle file in ``shapes/`` into one shapes graph."""
    shapes = Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        try:
            shapes.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several unrelated types for bad syntax
            raise InputError(str(path), f"the shapes file does not parse: {exc}") from None
    return shapes


def quads_to_graph(quads: list[ox.Quad]) -> Graph:
    """The union of all named graphs as one rdflib graph (shapes see across graphs)."""
    payload = ox.serialize(
        [ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES
    )
    graph = Graph()
    graph.parse(data=payload.decode("utf-8") if payload else "", format="nt")
    return graph


def _findings(report: Graph) -> list[Finding]:
    out = []
    for result in report.subjects(predicate=SH.resultSeverity):
        severity = _SEVERITY.get(report.value(result, SH.resultSeverity), "violation")

        def text(pred):  # type: ignore[no-untyped-def]
            value = report.value(result, pred)
            return None if value is None else str(value)

        out.append(
            Finding(
                severity=severity,
                message=text(SH.resultMessage) or "",
                focus=text(SH.focusNode) or "",
                path=text(SH.resultPath),
                value=text(SH.value),
                shape=text(SH.sourceShape),
            )
        )
    return sorted(out, key=lambda f: (f.severity, f.focus, f.message, f.value or ""))


def validate_graph(data: Graph, shapes: Graph) -> ValidationReport:
    """Validate ``data`` against ``shapes`` with pyshacl; warnings do not break conformance."""
    if len(shapes) == 0:
        return ValidationReport(conforms=True)
    from pyshacl import validate

    _conforms, report_graph, _text = validate(
        data,
        shacl_graph=shapes,
        ont_graph=None,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=True,
        js=False,
        debug=False,
    )
    findings = _findings(report_graph)
    conforms = not any(f.severity == "violation" for f in findings)
    return ValidationReport(conforms=conforms, findings=findings, graph=report_graph)


def validate_quads(quads: list[ox.Quad], settings: Settings) -> ValidationReport:
    """Validate a build's quads against the shapes in ``settings.shapes_dir``."""
    return validate_graph(quads_to_graph(quads), load_shapes(settings.shapes_dir))
