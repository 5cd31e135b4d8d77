"""Named queries: ``queries/NAME.rq`` files with a short front matter, run by name.

Front matter lines start with ``#+`` (as in grlc)::

    #+ summary: Events the cable reports as done, in time order
    #+ description: Longer text (optional, may repeat to continue)
    #+ param: document iri optional -- the document whose events to list
    #+ param: since date optional default=1950-01-01 -- earliest date
    #+ tags: events, time
    #+ key: event

A parameter ``NAME`` is the query variable ``?NAME``. Values are validated for
their declared type (``iri``, ``string``, ``integer``, ``date``, ``datetime``,
``language``) and bound through the store (substitutions or a ``VALUES``
clause), never pasted into the query text. Bad front matter raises an error
naming the file.

A SELECT query is a list and is read a page at a time (:class:`Page`:
``limit``, default 100, and ``offset``): :func:`page_text` asks for one page,
:func:`count_text` for the total number of rows, both from the query with its
values already bound. ``limit``, ``offset`` and ``format`` are reserved: no
query declares a parameter of those names.

``#+ key:`` names the variables that tell the rows apart (one row per value),
for readers of the query and its tests. A page of a whole list is read from
the answer the build stored rather than computed
(:mod:`histgraph.endpoint.stored_answers`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType

from pyoxigraph import NamedNode
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from histgraph.errors import QueryError, quoted
from histgraph.store import SelectResult, Store, bind_values

_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>iri|string|integer|date|datetime|language)"
    r"(?:\s+(?P<need>required|optional))?(?:\s+default=(?P<default>\S+))?"
    r"(?:\s+--\s+(?P<doc>.*))?$"
)
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANGUAGE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
#: A query that ends with its own LIMIT or OFFSET cannot be paged by appending ours.
_OWN_SLICE = re.compile(r"\b(LIMIT|OFFSET)\s+\d+\s*(\b(LIMIT|OFFSET)\s+\d+\s*)?$", re.IGNORECASE)

#: Rows per page when a client does not say.
DEFAULT_PAGE_SIZE = 100
#: The largest page a client may ask for: a bigger answer is a dump (see /dumps).
MAX_PAGE_SIZE = 10_000
#: The largest offset taken (12 digits): any archive's rows, and a number a query can carry.
MAX_OFFSET = 999_999_999_999
#: Request parameters that steer the answer rather than bind a value.
RESERVED_PARAMS = frozenset({"limit", "offset", "format"})


@dataclass(frozen=True)
class Param:
    """A declared parameter of a named query."""

    name: str
    type: str
    required: bool
    default: str | None
    description: str

    def bind(self, raw: str) -> Node:
        """Validate ``raw`` for this parameter's type and return the RDF term."""
        try:
            if self.type == "iri":
                if _IRI_FORBIDDEN.search(raw) or not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", raw):
                    raise ValueError("not an absolute IRI")
                NamedNode(raw)  # pyoxigraph's IRI rules (e.g. percent-encoding), which binding applies
                return URIRef(raw)
            if self.type == "integer":
                return Literal(int(raw), datatype=XSD.integer)
            if self.type == "date":
                return Literal(date.fromisoformat(raw).isoformat(), datatype=XSD.date)
            if self.type == "datetime":
                return Literal(datetime.fromisoformat(raw).isoformat(), datatype=XSD.dateTime)
            if self.type == "language":
                if not _LANGUAGE.match(raw):
                    raise ValueError("not a language tag such as en or zh-Hans")
                return Literal(raw.lower())
            if len(raw) > 1000:
                raise ValueError("longer than 1000 characters")
            return Literal(raw)
        except ValueError as exc:
            raise QueryError(f"parameter {self.name!r} ({self.type}): {quoted(raw)} is invalid: {exc}") from None


@dataclass(frozen=True)
class NamedQuery:
    """A query file, parsed once: its name, front matter and text."""

    name: str
    path: Path
    summary: str
    description: str
    params: tuple[Param, ...]
    tags: tuple[str, ...]
    text: str
    #: The variables that tell the rows apart (``#+ key:``), or none.
    key: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE (the first keyword after the prologue)."""
        body = re.sub(r"#[^\n]*", "", self.text)
        match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.IGNORECASE)
        return match.group(1).upper() if match else "SELECT"

    def bindings(self, values: Mapping[str, str]) -> dict[str, Node]:
        """Validate user-given ``values`` and return the terms to bind."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryError(
                f"query {self.name!r} has no parameter {quoted(', '.join(unknown))}; "
                f"its parameters: {', '.join(known) or 'none'}"
            )
        out: dict[str, Node] = {}
        for param in self.params:
            raw = values.get(param.name, param.default)
            if raw is None:
                if param.required:
                    raise QueryError(f"query {self.name!r} needs --param {param.name}=VALUE")
                continue
            out[param.name] = param.bind(raw)
        return out


def parse_query_file(path: Path) -> NamedQuery:
    """Parse one ``.rq`` file; raise :class:`QueryError` naming it on bad front matter."""
    name = path.stem
    if not _NAME.match(name):
        raise QueryError(f"{path}: query file names are lower-case letters, digits, - and _")
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#+"):
            continue
        key, sep, value = line[2:].strip().partition(":")
        key = key.strip()
        if not sep or key not in {"summary", "description", "param", "tags", "key"}:
            raise QueryError(
                f"{path}:{number}: front matter lines look like '#+ summary: …'; "
                "known keys: summary, description, param, tags, key"
            )
        fields.setdefault(key, []).append(value.strip())
    if not fields.get("summary"):
        raise QueryError(f"{path}: a named query needs a '#+ summary: …' line")
    params = []
    for spec in fields.get("param", []):
        match = _PARAM.match(spec)
        if not match:
            raise QueryError(
                f"{path}: bad parameter {spec!r}; write "
                "'#+ param: NAME TYPE [required|optional] [default=VALUE] -- description'"
            )
        if match["name"] in RESERVED_PARAMS:
            raise QueryError(f"{path}: {match['name']!r} is reserved for paging and formats; name the parameter otherwise")
        if f"?{match['name']}" not in text and f"${match['name']}" not in text:
            raise QueryError(f"{path}: parameter {match['name']!r} is not used as ?{match['name']}")
        params.append(
            Param(
                match["name"],
                match["type"],
                match["need"] == "required",
                match["default"],
                (match["doc"] or "").strip(),
            )
        )
    tags = tuple(t.strip() for t in ",".join(fields.get("tags", [])).split(",") if t.strip())
    row_key = tuple(" ".join(fields.get("key", [])).split())
    for variable in row_key:
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", variable) or not re.search(rf"[?$]{variable}\b", text):
            raise QueryError(f"{path}: the key {variable!r} is not a variable of the query; write '#+ key: step'")
    if _OWN_SLICE.search(re.sub(r"#[^\n]*", "", text).rstrip()):
        raise QueryError(f"{path}: end the query without LIMIT or OFFSET; it is paged with the client's limit and offset")
    return NamedQuery(
        name=name,
        path=path,
        summary=" ".join(fields["summary"]),
        description=" ".join(fields.get("description", [])),
        params=tuple(params),
        tags=tags,
        text=text,
        key=row_key,
    )


def load_queries(folder: Path) -> Mapping[str, NamedQuery]:
    """Every named query in ``folder``, by name (read-only mapping)."""
    if not folder.is_dir():
        raise QueryError(f"no queries folder at {folder}")
    return MappingProxyType({q.name: q for q in map(parse_query_file, sorted(folder.glob("*.rq")))})


def run_query(
    store: Store, query: NamedQuery, values: Mapping[str, str] | None = None
) -> SelectResult | bool | Graph:
    """Run a named query with validated ``values``; SELECT gives a SelectResult."""
    bindings = query.bindings(values or {})
    if query.kind == "ASK":
        return store.ask(query.text, bindings)
    if query.kind in {"CONSTRUCT", "DESCRIBE"}:
        return store.construct(query.text, bindings)
    return store.select(query.text, bindings)


@dataclass(frozen=True)
class Page:
    """Which rows of a list to answer: ``limit`` rows after the first ``offset``."""

    limit: int = DEFAULT_PAGE_SIZE
    offset: int = 0

    @classmethod
    def parse(cls, limit: str | None, offset: str | None) -> Page:
        """A page from a client's ``limit`` and ``offset`` (each may be missing); QueryError when invalid."""
        return cls(
            _count_in("limit", limit, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
            _count_in("offset", offset, 0, 0, MAX_OFFSET),
        )

    def next(self, total: int) -> Page | None:
        """The page after this one, or None when this one reaches the last row."""
        return Page(self.limit, self.offset + self.limit) if self.offset + self.limit < total else None

    def previous(self) -> Page | None:
        """The page before this one, or None on the first."""
        return Page(self.limit, max(0, self.offset - self.limit)) if self.offset > 0 else None

    def last(self, total: int) -> Page:
        """The page holding the last row (the first page when there are none)."""
        return Page(self.limit, max(0, (total - 1) // self.limit * self.limit))


def _count_in(name: str, raw: str | None, default: int, lowest: int, highest: int | None) -> int:
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise QueryError(f"{name} must be a whole number, such as {default}; got {quoted(raw)}")
    value = int(raw)
    if value < lowest or (highest is not None and value > highest):
        most = f" and at most {highest}" if highest is not None else ""
        raise QueryError(f"{name} must be at least {lowest}{most}; got {value}")
    return value


def _split_prologue(text: str) -> tuple[str, str]:
    """The query's prologue (front matter, PREFIX and BASE lines) and its body (from SELECT on)."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        head = line.strip()
        if not head or head.startswith("#") or re.match(r"(PREFIX|BASE)\b", head, re.IGNORECASE):
            continue
        if not re.match(r"SELECT\b", head, re.IGNORECASE):
            break
        return "".join(lines[:i]), "".join(lines[i:])
    raise QueryError("only a SELECT query that starts on a line of its own can be paged")


def page_text(bound_text: str, page: Page) -> str:
    """A SELECT (values already bound) asking for one page of its rows, in its own order.

    LIMIT and OFFSET take no variables in SPARQL, so they are written as the
    validated integers of ``page``: nothing a client sends reaches the text.
    """
    return f"{bound_text.rstrip()}\nLIMIT {int(page.limit)} OFFSET {int(page.offset)}\n"


def count_text(bound_text: str) -> str:
    """A query counting every row of a SELECT (values already bound): one row, ``?total``."""
    prologue, body = _split_prologue(bound_text)
    return f"{prologue}SELECT (COUNT(*) AS ?total) WHERE {{\n{body}\n}}\n"


@dataclass(frozen=True)
class PageOfRows:
    """One page of a named SELECT query's rows, the page asked for and the total number of rows."""

    result: SelectResult
    page: Page
    total: int


def run_page(
    store: Store, query: NamedQuery, values: Mapping[str, str] | None = None, page: Page | None = None,
    folder: Path | None = None,
) -> PageOfRows:
    """One page of a SELECT named query (the first 100 rows by default) and its total.

    ``folder`` is the build the store holds: a page of a whole list is then read from
    the answer the build stored (:mod:`histgraph.endpoint.stored_answers`) when it has one.
    """
    # Imported here: stored_answers builds on this module's NamedQuery and Page.
    from histgraph.endpoint.stored_answers import stored_page

    if query.kind != "SELECT":
        raise QueryError(f"query {query.name!r} is a {query.kind} query; only SELECT queries give rows to page")
    page = page or Page()
    bindings = query.bindings(values or {})
    stored = None if bindings else stored_page(folder, query, page)
    if stored is not None:
        return PageOfRows(stored.result(), page, stored.total)
    bound = bind_values(query.text, bindings)
    counted = store.select(count_text(bound))
    total = int(str(counted.rows[0]["total"])) if counted.rows else 0
    return PageOfRows(store.select(page_text(bound, page)), page, total)


def get_query(queries: Mapping[str, NamedQuery], name: str) -> NamedQuery:
    """Look up a query by name, with a helpful error listing the known ones."""
    try:
        return queries[name]
    except KeyError:
        raise QueryError(f"no named query {quoted(name)}; known: {', '.join(sorted(queries))}") from None


__all__ = [
    "DEFAULT_PAGE_SIZE", "MAX_OFFSET", "MAX_PAGE_SIZE", "RESERVED_PARAMS", "NamedQuery", "Page", "PageOfRows", "Param",
    "SelectResult", "count_text", "get_query", "load_queries", "page_text", "run_page", "run_query",
]
