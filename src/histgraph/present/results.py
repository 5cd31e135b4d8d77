"""Write SELECT results as SPARQL 1.1 JSON, CSV, TSV or a plain-text table."""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from histgraph.store import SelectResult


def term_json(term: Node) -> dict[str, str]:
    """One RDF term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    cell = {"type": "literal", "value": str(term)}
    if term.language:
        cell["xml:lang"] = term.language
    elif term.datatype is not None:
        cell["datatype"] = str(term.datatype)
    return cell


def to_json(result: SelectResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    payload = {
        "head": {"vars": list(result.variables)},
        "results": {
            "bindings": [{k: term_json(v) for k, v in row.items()} for row in result.rows]
        },
    }
    return json.dumps(payload, ensure_ascii=False, indent=1)


def to_csv(result: SelectResult, delimiter: str = ",") -> str:
    """SPARQL 1.1 CSV results: plain values, a header of variable names."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([str(row[v]) if v in row else "" for v in result.variables])
    return out.getvalue()


def to_table(result: SelectResult, width: int = 60) -> str:
    """A plain-text table for the terminal; long values are cut with an ellipsis."""
    names = list(result.variables)

    def cell(row: dict[str, Node], name: str) -> str:
        value = str(row.get(name, "")).replace("\n", " ")
        return value if len(value) <= width else value[: width - 1] + "…"

    grid = [[cell(row, n) for n in names] for row in result.rows]
    sizes = [max([len(n)] + [len(r[i]) for r in grid]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(s) for n, s in zip(names, sizes))
    rule = "  ".join("-" * s for s in sizes)
    body = ["  ".join(v.ljust(s) for v, s in zip(r, sizes)) for r in grid]
    return "\n".join([line, rule, *body, f"({len(grid)} row{'s' if len(grid) != 1 else ''})"])
