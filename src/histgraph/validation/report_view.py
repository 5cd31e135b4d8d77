"""The latest SHACL report (``report.ttl`` of the build), grouped for a page.

Results are grouped by severity (violations first) and then by focus node, so
a historian sees which entity has which problem; the report file itself stays
the standard ``sh:ValidationReport`` for programs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Namespace
from rdflib.namespace import RDF

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITY_ORDER = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Finding:
    """One validation result."""

    path: str | None
    message: str
    value: str | None
    shape: str | None


@dataclass
class ReportView:
    """Whether the data conforms, and the findings by severity and focus node."""

    found: bool
    conforms: bool | None
    groups: dict[str, dict[str, list[Finding]]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """How many results the report has."""
        return sum(len(f) for nodes in self.groups.values() for f in nodes.values())


def read_report(path: Path) -> ReportView:
    """Read ``report.ttl``; an absent or empty file says there is no report to show."""
    if not path.is_file() or not path.read_text(encoding="utf-8").strip():
        return ReportView(found=path.is_file(), conforms=None)
    graph = Graph()
    graph.parse(path, format="turtle")
    conforms = next((bool(o.toPython()) for o in graph.objects(None, SH.conforms)), None)
    groups: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for result in graph.subjects(RDF.type, SH.ValidationResult):
        severity = str(graph.value(result, SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1]
        focus = str(graph.value(result, SH.focusNode) or "")
        message = " ".join(str(m) for m in graph.objects(result, SH.resultMessage)) or "(no message)"
        groups[severity][focus].append(Finding(
            _str(graph.value(result, SH.resultPath)), message,
            _str(graph.value(result, SH.value)), _str(graph.value(result, SH.sourceShape)),
        ))
    ordered = {s: dict(sorted(groups[s].items())) for s in SEVERITY_ORDER if s in groups}
    ordered.update({s: dict(n) for s, n in groups.items() if s not in ordered})
    return ReportView(found=True, conforms=conforms, groups=ordered)


def _str(node) -> str | None:  # type: ignore[no-untyped-def]
    return None if node is None else str(node)
