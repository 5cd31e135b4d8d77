"""The outcome of validation: findings in plain terms and the report that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph


@dataclass(frozen=True)
class Finding:
    """One result of a validation report, in plain terms (IRIs and literals as strings)."""

    severity: str
    message: str
    focus: str
    path: str | None
    value: str | None
    shape: str | None
    constraint: str | None = None
    graph: str | None = None

    def key(self) -> tuple[str, ...]:
        """What makes two findings the same, whichever unit found them."""
        return (self.severity, self.message, self.focus, self.path or "", self.value or "", self.shape or "")


@dataclass
class ValidationReport:
    """The outcome of validating a dataset: conformance and every finding."""

    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)
    units: int = 0
    cached_units: int = 0
    text: bytes | None = None  # the report as Turtle when made without an rdflib graph

    def counts(self) -> dict[str, int]:
        """How many violations, warnings and infos the report holds."""
        out = {"violations": 0, "warnings": 0, "infos": 0}
        for finding in self.findings:
            out[finding.severity + "s"] += 1
        return out

    def turtle(self) -> bytes:
        """The standard ``sh:ValidationReport`` as Turtle."""
        if self.text is not None:
            return self.text
        return self.graph.serialize(format="turtle").encode("utf-8")


def has_results(payload: bytes) -> bool:
    """Whether a unit's report (N-Triples) holds any result: most hold none."""
    return b"<http://www.w3.org/ns/shacl#result>" in payload
