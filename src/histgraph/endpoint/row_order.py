"""The order of a named query's rows, written once by the build, so that any page of the whole list is a lookup.

Ordering a list means computing all of it: at 10,000 documents, the first page
of ``events-reported`` took longer than the whole list of a small archive. So a
SELECT query whose front matter names the variables that tell its rows apart
(``#+ key: step``) is run whole once, by the build, and the key of each row is
written in the answer's order to ``query-order/NAME.jsonl`` in the build's
folder: a header line (the query's fingerprint, the key's variables, the number
of rows) and one line per row. A page is then the query with the page's keys
bound in a ``VALUES`` block (:func:`histgraph.store.bind_rows`): the store looks
up those rows by index, and the query's own ORDER BY puts them in the order of
the whole list. The total is the file's count.

Only the whole list is read this way (a query run without parameters); a query
with a parameter bound is a narrower question and is answered as before. A key
that does not tell rows apart (two rows with one key, a row without it, a blank
node) gets no file, and neither does a query changed since the build (its
fingerprint differs): both are answered as before, never wrongly.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from histgraph.atomic_files import write_atomically
from histgraph.endpoint.named_queries import NamedQuery, Page
from histgraph.store import EmbeddedStore, SelectStore, bind_rows, term_from_json

#: The folder of a build holding the row orders, one file per keyed query.
ORDER_DIR = "query-order"


def fingerprint(query: NamedQuery) -> str:
    """The SHA-256 of the query's text: an order is used only for the text it was computed from."""
    return hashlib.sha256(query.text.encode("utf-8")).hexdigest()


def _cell(term: Identifier | None) -> dict[str, str] | None:
    """A term as a cell of SPARQL 1.1 JSON results (read back with :func:`term_from_json`); None for unbound."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    assert isinstance(term, Literal)
    cell = {"type": "literal", "value": str(term)}
    if term.language:
        cell["xml:lang"] = term.language
    elif term.datatype is not None:
        cell["datatype"] = str(term.datatype)
    return cell


def key_order(store: SelectStore, query: NamedQuery) -> list[tuple[Identifier | None, ...]] | None:
    """The keys of the whole answer's rows, in its order; None when the key does not tell the rows apart.

    A key variable a row leaves unbound (an OPTIONAL part that found nothing) is None,
    bound as UNDEF; a blank node cannot be looked up again, so it gives no order.
    """
    if query.kind != "SELECT" or not query.key or any(p.required for p in query.params):
        return None
    keys = [tuple(row.get(name) for name in query.key) for row in store.select(query.text).rows]
    if any(isinstance(term, BNode) for key in keys for term in key) or not all(any(key) for key in keys):
        return None
    return keys if len(set(keys)) == len(keys) else None


def write_row_orders(folder: Path, queries: Mapping[str, NamedQuery]) -> list[str]:
    """Write the row order of every keyed query into the build at ``folder``; the files' names in the build."""
    store = EmbeddedStore.open(folder)
    written = []
    for name, query in sorted(queries.items()):
        keys = key_order(store, query)
        if keys is None:
            continue
        header = {"query": fingerprint(query), "key": list(query.key), "total": len(keys)}
        lines = [json.dumps(header, sort_keys=True)]
        lines += [json.dumps([_cell(term) for term in key], sort_keys=True, ensure_ascii=False) for key in keys]
        path = folder / ORDER_DIR / f"{name}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, "\n".join(lines) + "\n")
        written.append(f"{ORDER_DIR}/{name}.jsonl")
    return written


@dataclass(frozen=True)
class KeyedPage:
    """The keys of one page of a whole list, and how many rows the list has."""

    names: tuple[str, ...]
    keys: tuple[tuple[Identifier | None, ...], ...]
    total: int

    def text(self, query_text: str) -> str:
        """The query asking for exactly these rows: their keys bound in a VALUES block."""
        return bind_rows(query_text, self.names, self.keys)


def keyed_page(folder: Path | None, query: NamedQuery, page: Page) -> KeyedPage | None:
    """The keys of ``page`` of the whole list from the build at ``folder``; None when it has no order for the query.

    Reads the header and the lines up to the page's last, parsing only the page's.
    """
    if folder is None or not query.key:
        return None
    try:
        handle = open(folder / ORDER_DIR / f"{query.name}.jsonl", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError:
        return None
    with handle:
        header = json.loads(handle.readline() or "{}")
        if header.get("query") != fingerprint(query) or tuple(header.get("key", ())) != query.key:
            return None
        lines: Iterable[str] = itertools.islice(handle, page.offset, page.offset + page.limit)
        keys = tuple(tuple(term_from_json(c) if c else None for c in json.loads(line)) for line in lines)
    return KeyedPage(query.key, keys, int(header["total"]))


__all__ = ["ORDER_DIR", "KeyedPage", "fingerprint", "key_order", "keyed_page", "write_row_orders"]
