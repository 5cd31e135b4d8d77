"""`histgraph query` prints, in every format it offers, the rows the store holds.

The command runs as a user runs it (the installed console script, in a
subprocess) on the session's build, and its output is parsed back: CSV with the
csv module, TSV and JSON with pyoxigraph's SPARQL 1.1 results parsers, and the
table by its columns. The command writes through the endpoint's writers
(`histgraph.endpoint.answers`, which `/sparql` uses), so its TSV is the SPARQL
1.1 TSV, terms in Turtle syntax, not plain values.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.endpoint.named_queries import get_query, load_queries, run_query
from histgraph.store import EmbeddedStore, SelectResult, to_oxigraph

HISTGRAPH = Path(sys.executable).with_name("histgraph")
QUERY = "people"


def _run(settings, *args: str) -> str:  # type: ignore[no-untyped-def]
    completed = subprocess.run(
        [str(HISTGRAPH), "--project", str(settings.project_dir), "--build-dir", str(settings.builds_root),
         "query", *args],
        capture_output=True, check=False, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    return completed.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def expected(settings, store: EmbeddedStore) -> SelectResult:  # type: ignore[no-untyped-def]
    """The rows of the named query, read from the store in-process."""
    result = run_query(store, get_query(load_queries(settings.queries_dir), QUERY))
    assert isinstance(result, SelectResult) and len(result) > 3
    # Some rows leave a variable unbound: the formats must show that too.
    assert any(len(row) < len(result.variables) for row in result.rows)
    return result


def _terms(result: SelectResult) -> list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]]:
    return [[to_oxigraph(row[v]) if v in row else None for v in result.variables] for row in result.rows]


def _parsed(text: str, fmt: ox.QueryResultsFormat) -> tuple[list[str], list[list[object]]]:
    solutions = ox.parse_query_results(text.encode("utf-8"), format=fmt)
    assert isinstance(solutions, ox.QuerySolutions)
    variables = [v.value for v in solutions.variables]
    return variables, [[solution[v] for v in variables] for solution in solutions]


def test_tsv_holds_the_terms_of_every_row(built, settings, expected: SelectResult) -> None:  # type: ignore[no-untyped-def]
    """TSV per SPARQL 1.1: a header of ?variables, then each term in Turtle syntax (IRIs, language and datatype kept)."""
    text = _run(settings, QUERY, "--format", "tsv")
    header = text.split("\n", 1)[0].split("\t")
    assert header == [f"?{v}" for v in expected.variables]
    variables, rows = _parsed(text, ox.QueryResultsFormat.TSV)
    assert variables == list(expected.variables)
    assert rows == _terms(expected)


def test_json_holds_the_terms_of_every_row(built, settings, expected: SelectResult) -> None:  # type: ignore[no-untyped-def]
    """SPARQL 1.1 Query Results JSON: the same variables and terms, an unbound variable absent from its row."""
    text = _run(settings, QUERY, "--format", "json")
    payload = json.loads(text)
    assert payload["head"]["vars"] == list(expected.variables)
    assert [set(b) for b in payload["results"]["bindings"]] == [set(row) for row in expected.rows]
    variables, rows = _parsed(text, ox.QueryResultsFormat.JSON)
    assert variables == list(expected.variables)
    assert rows == _terms(expected)


def test_csv_holds_the_values_of_every_row(built, settings, expected: SelectResult) -> None:  # type: ignore[no-untyped-def]
    """SPARQL 1.1 CSV: a header of variable names, then plain values, empty where unbound."""
    text = _run(settings, QUERY, "--format", "csv")
    assert "\r\n" in text  # the CSV results format ends lines with CRLF
    table = list(csv.reader(io.StringIO(text, newline="")))
    assert table[0] == list(expected.variables)
    assert table[1:] == [[str(row.get(v, "")) for v in expected.variables] for row in expected.rows]


def test_table_lists_every_row_under_its_columns(built, settings, expected: SelectResult) -> None:  # type: ignore[no-untyped-def]
    """The terminal table: the variables as column heads, one line per row, and the row count."""
    lines = _run(settings, QUERY, "--format", "table").rstrip("\n").split("\n")
    assert lines[0].split() == list(expected.variables)
    assert set(lines[1]) == {"-", " "}
    assert lines[-1] == f"({len(expected)} rows)"
    body = lines[2:-1]
    assert len(body) == len(expected)
    starts = _column_starts(lines[1])
    assert len(starts) == len(expected.variables)
    for line, row in zip(body, expected.rows, strict=False):
        cells = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], len(line)], strict=False)]
        assert cells[0] == _shown(str(row["entity"]))
        assert cells[list(expected.variables).index("mentions")] == str(row["mentions"])


def _shown(value: str) -> str:
    """A value as the table shows it: whole up to 60 characters, else cut with an ellipsis."""
    return value if len(value) <= 60 else value[:59] + "…"


def _column_starts(rule_line: str) -> list[int]:
    """Where each column begins: the first dash of each run of dashes under the heads."""
    return [i for i, c in enumerate(rule_line) if c == "-" and (i == 0 or rule_line[i - 1] == " ")]
