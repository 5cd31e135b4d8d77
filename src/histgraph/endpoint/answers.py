"""Run a checked query on a pyoxigraph store, cap its rows, and write it in one format.

This is what a query process does for every request (see
:mod:`histgraph.endpoint.isolation`), and what the remote backend does with the answer
of the remote store, so both backends cap, signal truncation and serialize
identically. Results are written row by row while counting, so a query that
yields millions of rows costs no more than ``max_rows`` of them.

Truncation is signalled without breaking any format: :attr:`Answer.truncated`
(sent as the ``X-Histgraph-Truncated`` header), a ``"truncated": true`` member
and a ``head.link`` in SPARQL JSON, a ``<link>`` in SPARQL XML, and a comment
in Turtle and TriG.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TypedDict
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from histgraph.bounded_cache import BoundedCache
from histgraph.endpoint.formats import BY_NAME
from histgraph.endpoint.safety import QueryRejected
from histgraph.errors import HistgraphError
from histgraph.vocab import RDF, XSD

TRUNCATION_LINK = "https://histgraph.example.org/docs/sparql#row-limit"
XSD_STRING = str(XSD.string)
RDF_LANG_STRING = str(RDF.langString)


class QueryTimeout(HistgraphError):
    """The query ran past the time limit and was stopped (answer 503)."""

    status = 503


class BackendFailed(HistgraphError):
    """The query engine failed or could not be reached (answer 502).

    Its message is ours: never a payload copied from an upstream server (that is
    logged, not sent to the client).
    """

    status = 502


class Unrepresentable(QueryRejected):
    """The answer holds a value the chosen format cannot carry (answer 406).

    XML 1.0 has no way to write most C0 control characters, not even as
    character references (XML 1.0 §2.2, production [2] Char), so an answer in
    SPARQL XML would not be well-formed. The query is fine and the answer exists:
    406 Not Acceptable says the format asked for cannot carry it, and the message
    names the formats that can.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, status=406)


@dataclass(frozen=True)
class QueryJob:
    """Everything a query process needs to answer one request (plain data, picklable)."""

    text: str
    form: str
    format: str
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    #: The query names its own dataset (FROM / FROM NAMED).
    has_dataset: bool = False
    prefixes: dict[str, str] = field(default_factory=dict)
    #: What relative IRIs in the query resolve against (the endpoint's URL), as the
    #: SPARQL Protocol expects; None leaves them unresolved (a syntax error).
    base_iri: str | None = None


@dataclass(frozen=True)
class Answer:
    """A serialized answer: the bytes, their format name, and whether rows were cut."""

    body: bytes
    format: str
    truncated: bool = False
    rows: int = 0


def answer_cache(max_bytes: int) -> BoundedCache[str, Answer]:
    """Answers by ETag, least recently used first out, within a byte budget.

    The data a server answers from never changes while it runs (a new build is a
    new server), so an answer is valid as long as its ETag, which includes the
    build id: a repeated query costs no query process at all. An answer taking
    more than a tenth of the budget is not kept.
    """
    return BoundedCache(max_bytes, size_of=lambda answer: len(answer.body), largest=max_bytes // 10)


class _QueryOptions(TypedDict, total=False):
    """The keyword arguments of pyoxigraph's ``Store.query`` that :func:`run` sets."""

    base_iri: str | None
    default_graph: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]
    named_graphs: list[ox.NamedNode | ox.BlankNode]
    use_default_graph_as_union: bool


def run(store: ox.Store, job: QueryJob) -> Answer:
    """Evaluate ``job`` on ``store`` and write the answer; SyntaxError propagates.

    The default graph is the union of the named graphs unless the request names
    graphs (``default-graph-uri``/``named-graph-uri``, passed to pyoxigraph, which
    only ever reads its own graphs) or the query has FROM clauses.
    """
    options: _QueryOptions = {"base_iri": job.base_iri}
    if job.default_graphs or job.named_graphs:
        # The SPARQL Protocol: the request's graphs replace the query's dataset, and
        # a list not given is empty.
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    elif not job.has_dataset:
        # With this flag pyoxigraph would ignore the query's FROM clauses.
        options["use_default_graph_as_union"] = True
    result = store.query(job.text, **options)
    return write(result, job)


def write(result: ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple], job: QueryJob) -> Answer:
    """Write a query result (from a store or parsed from a remote answer) as ``job.format``."""
    if isinstance(result, ox.QueryBoolean):
        return Answer(result.serialize(format=BY_NAME[job.format].results_writer) or b"", job.format, rows=1)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = list(islice(result, job.max_rows + 1))
        truncated = len(rows) > job.max_rows
        rows = rows[: job.max_rows]
        body = _SOLUTION_WRITERS[job.format](variables, rows, truncated)
        return Answer(body, job.format, truncated, len(rows))
    triples = [t.triple if isinstance(t, ox.Quad) else t for t in islice(result, job.max_rows + 1)]
    truncated = len(triples) > job.max_rows
    triples = triples[: job.max_rows]
    body = ox.serialize(triples, format=BY_NAME[job.format].rdf_writer, prefixes=job.prefixes or None) or b""
    if truncated and job.format in {"turtle", "trig"}:
        body = f"# truncated after {job.max_rows} triples: {TRUNCATION_LINK}\n".encode() + body
    return Answer(body, job.format, truncated, len(triples))


# --- SELECT writers --------------------------------------------------------------


def json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, object]:
    """A pyoxigraph term as a term of SPARQL 1.1 JSON results (a plain string has no datatype)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        cell: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            cell["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            cell["datatype"] = term.datatype.value
        return cell
    return {
        "type": "triple",
        "value": {
            "subject": json_term(term.subject),
            "predicate": json_term(term.predicate),
            "object": json_term(term.object),
        },
    }


def _json(variables: list[str], rows: Sequence[ox.QuerySolution | Row], truncated: bool) -> bytes:
    head: dict[str, object] = {"vars": variables}
    if truncated:
        head["link"] = [TRUNCATION_LINK]
    bindings = [
        {name: json_term(term) for name, term in zip(variables, row, strict=False) if term is not None}
        for row in rows
    ]
    payload: dict[str, object] = {"head": head}
    if truncated:
        payload["truncated"] = True
    payload["results"] = {"bindings": bindings}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


#: Characters XML 1.0 cannot hold at all (§2.2 Char): C0 controls but tab, LF and CR.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    """``value`` as XML character data that parses back to the same string.

    A raw CR would reach the client as LF (XML 1.0 §2.11, end-of-line handling),
    so it is written as ``&#13;``; a character XML cannot hold is :class:`Unrepresentable`.
    """
    found = _NOT_XML.search(value)
    if found:
        raise Unrepresentable(
            f"the answer holds the control character U+{ord(found.group()):04X}, which SPARQL XML "
            "(XML 1.0) cannot carry; ask for application/sparql-results+json, text/csv or "
            "text/tab-separated-values instead"
        )
    return escape(value, {"\r": "&#13;"})


def _xml_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    parts = zip(("subject", "predicate", "object"), (term.subject, term.predicate, term.object), strict=False)
    return "<triple>" + "".join(f"<{n}>{_xml_term(t)}</{n}>" for n, t in parts) + "</triple>"


def _xml(variables: list[str], rows: Sequence[ox.QuerySolution | Row], truncated: bool) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out.extend(f"<variable name={quoteattr(v)}/>" for v in variables)
    if truncated:
        out.append(f"<link href={quoteattr(TRUNCATION_LINK)}/>")
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        out.extend(
            f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
            for n, t in zip(variables, row, strict=False)
            if t is not None
        )
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode("utf-8")


def _plain_value(term: object) -> str:
    """What CSV holds for a term: an IRI, a literal's text, or ``_:`` and a blank node's label."""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else getattr(term, "value", str(term))


def _csv_cell(term: object) -> str:
    if term is None:
        return ""
    value = _plain_value(term)
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv(variables: list[str], rows: Sequence[ox.QuerySolution | Row], truncated: bool) -> bytes:
    lines: Iterator[str] = (",".join(_csv_cell(t) for t in row) for row in rows)
    return ("\r\n".join([",".join(variables), *lines]) + "\r\n").encode("utf-8")


#: Turtle's abbreviated forms (Turtle §2.5.2, grammar [19]-[21], booleans §2.5.3), by datatype.
_ABBREVIATED = {
    str(XSD.integer): re.compile(r"[+-]?[0-9]+"),
    str(XSD.decimal): re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    str(XSD.double): re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    str(XSD.boolean): re.compile(r"true|false"),
}


def _tsv_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """One TSV cell (SPARQL 1.1 Query Results CSV and TSV §3.2): a term in Turtle syntax.

    Numbers and booleans take Turtle's abbreviated form, as §3.2 recommends, but
    only when the lexical form is one the abbreviation reads back to the same
    literal (``"11"^^xsd:decimal`` stays long: ``11`` would be an integer).
    """
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and not term.language:
        shape = _ABBREVIATED.get(term.datatype.value)
        if shape is not None and shape.fullmatch(term.value):
            return term.value
    # pyoxigraph writes the rest in N-Triples syntax, which escapes tabs and newlines.
    return str(term)


def _tsv(variables: list[str], rows: Sequence[ox.QuerySolution | Row], truncated: bool) -> bytes:
    lines = ("\t".join(_tsv_term(t) for t in row) for row in rows)
    return ("\n".join(["\t".join("?" + v for v in variables), *lines]) + "\n").encode("utf-8")


_SOLUTION_WRITERS = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}

Row = Sequence[ox.NamedNode | ox.BlankNode | ox.Literal | None]


def write_select(variables: Sequence[str], rows: Iterable[Row], format: str) -> bytes:
    """SELECT rows in one of the endpoint's result formats (``json``, ``xml``, ``csv``, ``tsv``).

    Each row holds one term (or None) per variable, in order. ``histgraph query``
    writes through this too, so the command and ``/sparql`` give the same bytes.
    """
    return _SOLUTION_WRITERS[format](list(variables), list(rows), False)


def write_boolean(value: bool, format: str) -> bytes:
    """An ASK answer in one of the endpoint's result formats, written by pyoxigraph as ``/sparql`` does."""
    parsed = ox.parse_query_results(json.dumps({"head": {}, "boolean": value}), format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QueryBoolean)
    return parsed.serialize(format=BY_NAME[format].results_writer) or b""


def write_table(variables: Sequence[str], rows: Iterable[Row], width: int = 60) -> str:
    """SELECT rows as a plain-text table for a terminal; long values end in an ellipsis.

    Cells hold the values the CSV format holds (an IRI, a literal's text, ``_:`` and
    a blank node's label), on one line.
    """

    def cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
        value = "" if term is None else _plain_value(term).replace("\n", " ")
        return value if len(value) <= width else value[: width - 1] + "…"

    names = list(variables)
    grid = [[cell(term) for term in row] for row in rows]
    sizes = [max([len(n)] + [len(r[i]) for r in grid]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(s) for n, s in zip(names, sizes, strict=False))
    rule = "  ".join("-" * s for s in sizes)
    body = ["  ".join(v.ljust(s) for v, s in zip(r, sizes, strict=False)) for r in grid]
    return "\n".join([line, rule, *body, f"({len(grid)} row{'s' if len(grid) != 1 else ''})"])

__all__ = [
    "Answer", "BackendFailed", "QueryJob", "QueryTimeout", "Row", "Unrepresentable", "answer_cache", "json_term", "run", "write",
    "write_boolean", "write_select", "write_table",
]
