"""The whole answer of each named query, written once by the build, so that any page of a whole list is a file read.

At 10,000 documents a named query's whole list costs from 0.4 s to over 40 s on
the build's store (issue #18): ordering a list means computing all of it, and
counts such as a place's mentions read every annotation. A page cannot cost less
than its list by binding keys either, since oxigraph evaluates some OPTIONAL parts
over the whole archive whatever is bound. So the build runs every SELECT query
that needs no parameter once, on its copy of the data in memory
(:meth:`histgraph.store.EmbeddedStore.in_memory`, where the whole lists of 10,000
documents take about 20 s together), and writes the answer to
``query-answers/NAME.jsonl`` in the build's folder: a header line (the SHA-256 of
the query's text, its variables, the number of rows) and one line per row, each
cell a term of SPARQL 1.1 JSON results (null for unbound).

A page of a whole list (no parameter bound) is then those lines: the API, the CLI
and :func:`histgraph.endpoint.named_queries.run_page` read them, and the total is
the header's. The build never changes once written, so the answer cannot go stale;
a query edited since the build (its fingerprint differs) is answered by running it,
as is any query with a parameter bound.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from histgraph.atomic_files import write_atomically
from histgraph.endpoint.answers import json_term
from histgraph.endpoint.named_queries import NamedQuery, Page
from histgraph.store import EmbeddedStore, SelectResult, term_from_json

#: The folder of a build holding the stored answers, one file per query.
ANSWERS_DIR = "query-answers"

Cell = dict[str, str]


def fingerprint(query: NamedQuery) -> str:
    """The SHA-256 of the query's text: an answer is used only for the text it was computed from."""
    return hashlib.sha256(query.text.encode("utf-8")).hexdigest()


def _native(cell: Cell | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    """A cell as the pyoxigraph term the endpoint's writers take."""
    if cell is None:
        return None
    if cell["type"] == "uri":
        return ox.NamedNode(cell["value"])
    if cell["type"] == "bnode":
        return ox.BlankNode(cell["value"])
    if "xml:lang" in cell:
        return ox.Literal(cell["value"], language=cell["xml:lang"])
    if "datatype" in cell:
        return ox.Literal(cell["value"], datatype=ox.NamedNode(cell["datatype"]))
    return ox.Literal(cell["value"])


def storable(query: NamedQuery) -> bool:
    """Whether the build stores the query's whole answer: a SELECT that needs no parameter."""
    return query.kind == "SELECT" and not any(p.required for p in query.params)


def write_stored_answers(folder: Path, queries: Mapping[str, NamedQuery], store: EmbeddedStore | None = None) -> list[str]:
    """Write the whole answer of every storable query into the build at ``folder``; the files' names in the build.

    ``store`` is the build's data (by default its store on disk; ``histgraph build``
    gives the copy in memory it made for the pages, where the whole lists take seconds).
    """
    store = store if store is not None else EmbeddedStore.open(folder)
    written = []
    for name, query in sorted(queries.items()):
        if not storable(query):
            continue
        variables, rows = _answer(store, query)
        lines = [json.dumps(row, sort_keys=True, ensure_ascii=False) for row in rows]
        header = {"query": fingerprint(query), "variables": variables, "total": len(lines)}
        path = folder / ANSWERS_DIR / f"{name}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(header, sort_keys=True) + "\n" + "".join(line + "\n" for line in lines))
        written.append(f"{ANSWERS_DIR}/{name}.jsonl")
    return written


def _answer(store: EmbeddedStore, query: NamedQuery) -> tuple[list[str], Iterator[list[Cell | None]]]:
    """The query's variables and its rows as cells, streamed from pyoxigraph.

    Streaming skips making rdflib terms of every cell (at 10,000 documents the
    largest answers have 30,000 rows of 20 columns, held whole by ``select``).
    """
    solutions = store.native.query(query.text, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)  # storable() admits SELECT queries only
    names = [v.value for v in solutions.variables]
    return names, ([_stored_cell(s[n]) for n in names] for s in solutions)


def _stored_cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Cell | None:
    """A pyoxigraph term as a stored cell (the endpoint's JSON term), None for unbound."""
    return None if term is None else cast(Cell, json_term(term))


@dataclass(frozen=True)
class StoredPage:
    """One page of a whole list as the build stored it, and how many rows the list has."""

    variables: tuple[str, ...]
    cells: tuple[tuple[Cell | None, ...], ...]
    total: int

    def result(self) -> SelectResult:
        """The page as rdflib terms, as :meth:`histgraph.store.Store.select` gives them."""
        rows = tuple({v: term_from_json(c) for v, c in zip(self.variables, row, strict=True) if c is not None}
                     for row in self.cells)
        return SelectResult(self.variables, rows)

    def native_rows(self) -> list[Sequence[ox.NamedNode | ox.BlankNode | ox.Literal | None]]:
        """The page as pyoxigraph terms, one per variable, for the endpoint's result writers."""
        return [[_native(c) for c in row] for row in self.cells]


def stored_page(folder: Path | None, query: NamedQuery, page: Page) -> StoredPage | None:
    """``page`` of the query's whole list from the build at ``folder``; None when the build has no answer for this text.

    Reads the header and the lines up to the page's last, parsing only the page's.
    """
    if folder is None or not storable(query):
        return None
    try:
        handle = open(folder / ANSWERS_DIR / f"{query.name}.jsonl", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError:
        return None
    with handle:
        header = json.loads(handle.readline() or "{}")
        if header.get("query") != fingerprint(query):
            return None
        lines = itertools.islice(handle, page.offset, page.offset + page.limit)
        cells = tuple(tuple(json.loads(line)) for line in lines)
    return StoredPage(tuple(header["variables"]), cells, int(header["total"]))


__all__ = ["ANSWERS_DIR", "StoredPage", "fingerprint", "storable", "stored_page", "write_stored_answers"]
