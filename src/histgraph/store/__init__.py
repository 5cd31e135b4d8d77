"""One small store interface, two backends: embedded pyoxigraph and a remote SPARQL store.

Core code takes a :class:`Store` as an argument and never knows which backend it
has. The embedded store opens a build's pyoxigraph database read-only; the remote
store talks SPARQL 1.1 to any server (Oxigraph, Fuseki, Virtuoso, GraphDB,
QLever…) over HTTP (:mod:`histgraph.store.sparql_http`). In both, the default
graph is the union of all named graphs, and values are bound, never pasted into
query text.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, overload

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from histgraph.config import Settings
from histgraph.errors import HistgraphError
from histgraph.store import sparql_http
from histgraph.store.layout import open_dump
from histgraph.vocab import DCTERMS, PROV, XSD

Bindings = Mapping[str, Node]


@dataclass(frozen=True)
class SelectResult:
    """The variables and rows of a SELECT; a row maps variable names to rdflib terms."""

    variables: tuple[str, ...]
    rows: tuple[dict[str, Identifier], ...]

    def __iter__(self) -> Iterator[dict[str, Identifier]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


class SelectStore(Protocol):
    """The part of :class:`Store` that reading an index needs (all a ``TimedStore`` offers)."""

    @property
    def version(self) -> str:
        """Identifies the data served (changes with every build or publish), for caches."""
        ...

    def select(self, query: str, bindings: Bindings | None = None) -> SelectResult: ...


class Store(SelectStore, Protocol):
    """What every backend offers. Queries see the union of all named graphs."""

    def ask(self, query: str, bindings: Bindings | None = None) -> bool: ...

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph: ...


# --- terms -----------------------------------------------------------------


#: A term pyoxigraph may hand back; a quoted ``Triple`` (RDF-star) has no rdflib equivalent.
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@overload
def to_rdflib(term: OxTerm) -> Identifier: ...
@overload
def to_rdflib(term: None) -> None: ...
def to_rdflib(term: OxTerm | None) -> Identifier | None:
    """Convert a pyoxigraph term to the rdflib term that is the same RDF term.

    A typed literal keeps its lexical form: rdflib would otherwise normalise it
    (the store's double ``"1"`` becomes ``"1.0"``), which is another literal.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to the pyoxigraph term with the same meaning."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


# --- embedded ----------------------------------------------------------------


class EmbeddedStore:
    """A build's pyoxigraph store, opened read-only (many processes may share it)."""

    def __init__(self, store: ox.Store, version: str, path: Path | None = None) -> None:
        self._store = store
        self.version = version
        #: The on-disk store folder (None for an in-memory store); query processes open it.
        self.path = path

    @classmethod
    def open(cls, build_path: Path) -> EmbeddedStore:
        """Open the store of the build at ``build_path`` (e.g. ``build/current``)."""
        folder = build_path / "store"
        if not folder.is_dir():
            raise HistgraphError(f"no store in {build_path}; run `histgraph build` first")
        return cls(ox.Store.read_only(str(folder)), build_path.resolve().name, folder.resolve())

    @classmethod
    def in_memory(cls, build_path: Path) -> EmbeddedStore:
        """A copy of the build's whole dataset in memory, read from its dump, for work that reads all of it.

        The on-disk store pays a RocksDB seek for every lookup of a join (10-20 µs at
        10,000 documents): the build's summaries for the pages and the named queries'
        row orders, which join every entity, took minutes there and take seconds here.
        About 1.2 GB at 10,000 documents (3.6 million quads).
        """
        store = ox.Store()
        with open_dump(build_path) as stream:
            store.bulk_load(stream, format=ox.RdfFormat.N_QUADS)
        return cls(store, build_path.resolve().name)

    @classmethod
    def from_quads(cls, quads: list[ox.Quad], version: str = "memory") -> EmbeddedStore:
        """An in-memory store holding ``quads`` (for tests and small files)."""
        store = ox.Store()
        store.bulk_extend(quads)
        return cls(store, version)

    @property
    def native(self) -> ox.Store:
        """The underlying pyoxigraph store, for code that streams native results."""
        return self._store

    def _run(self, query: str, bindings: Bindings | None) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        try:
            return self._store.query(bind_values(query, bindings), use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise HistgraphError(f"SPARQL syntax error: {exc}") from None

    def select(self, query: str, bindings: Bindings | None = None) -> SelectResult:
        result = self._run(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise HistgraphError("select() needs a SELECT query")
        names = tuple(v.value for v in result.variables)
        rows = tuple(
            {name: to_rdflib(solution[name]) for name in names if solution[name] is not None}
            for solution in result
        )
        return SelectResult(names, rows)

    def stream(self, query: str, bindings: Bindings | None = None) -> Iterator[dict[str, Identifier]]:
        """The rows of a SELECT one at a time, as :meth:`select` gives them all: for reading a whole archive."""
        result = self._run(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise HistgraphError("stream() needs a SELECT query")
        names = tuple(v.value for v in result.variables)
        for solution in result:
            yield {name: to_rdflib(solution[name]) for name in names if solution[name] is not None}

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        result = self._run(query, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise HistgraphError("ask() needs an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph:
        result = self._run(query, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise HistgraphError("construct() needs a CONSTRUCT or DESCRIBE query")
        graph = Graph()
        for triple in result:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph


# --- binding values ------------------------------------------------------------

_IRI_BODY = re.compile(r"<[^<>\"{}|^`\\\s]*>")


def _where_brace(query: str) -> int:
    """Index of the ``{`` opening the query's WHERE clause, skipping strings, IRIs, comments."""
    i, n, after_where = 0, len(query), False
    keyword = re.compile(r"WHERE\b", re.IGNORECASE)
    first_brace = -1
    while i < n:
        ch = query[i]
        if ch == "#":
            i = query.find("\n", i)
            i = n if i == -1 else i
            continue
        if ch in "\"'":
            quote = query[i : i + 3] if query[i : i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and query[j : j + len(quote)] != quote:
                j += 2 if query[j] == "\\" else 1
            i = j + len(quote)
            continue
        if ch == "<":
            match = _IRI_BODY.match(query, i)
            if match:
                i = match.end()
                continue
        if ch == "{":
            if after_where:
                return i
            if first_brace == -1:
                first_brace = i
        if (ch in "Ww") and keyword.match(query, i) and (i == 0 or not query[i - 1].isalnum()):
            after_where = True
            i += 5
            continue
        i += 1
    if first_brace != -1 and not re.search(r"\b(CONSTRUCT)\b", query, re.IGNORECASE):
        return first_brace
    raise HistgraphError("cannot bind values: the query has no WHERE { … } clause")


def bind_values(query: str, bindings: Bindings | None) -> str:
    """``query`` with a ``VALUES`` row for ``bindings`` at the top of its WHERE clause.

    Each value is a validated RDF term written in N-Triples syntax by pyoxigraph,
    so a value can never change the query's structure. One mechanism serves every
    backend, so both bind identically.
    """
    if not bindings:
        return query
    names = sorted(bindings)
    cells = " ".join(str(to_oxigraph(bindings[name])) for name in names)
    block = " VALUES (" + " ".join("?" + n for n in names) + ") { (" + cells + ") } "
    at = _where_brace(query) + 1
    return query[:at] + block + query[at:]


def bind_rows(query: str, names: Sequence[str], rows: Sequence[Sequence[Node | None]]) -> str:
    """``query`` with a ``VALUES`` block of several ``rows`` (one term per name) at the top of its WHERE clause.

    As :func:`bind_values`, each term is written by pyoxigraph in N-Triples syntax; None
    is ``UNDEF`` (no value), and no rows at all is a valid block that matches nothing.
    """
    if not names:
        raise HistgraphError("bind_rows needs at least one variable")
    cells = " ".join(
        "(" + " ".join("UNDEF" if term is None else str(to_oxigraph(term)) for term in row) + ")" for row in rows
    )
    block = " VALUES (" + " ".join("?" + n for n in names) + ") { " + cells + " } "
    at = _where_brace(query) + 1
    return query[:at] + block + query[at:]


# --- remote ------------------------------------------------------------------

#: The graph where `histgraph publish` writes, last, what it published: every app
#: instance reads it to know when the remote data changed (and its caches are stale).
PUBLICATION_GRAPH = "urn:histgraph:publication"
PUBLICATION_QUERY = f"""
SELECT ?id WHERE {{ GRAPH <{PUBLICATION_GRAPH}> {{ <{PUBLICATION_GRAPH}> <http://purl.org/dc/terms/identifier> ?id }} }}
"""
#: The version of a remote store nobody marked: it may change unseen, so nothing is cached.
UNVERSIONED = "remote"


def publication_marker(build_id: str, published_at: str) -> list[ox.Triple]:
    """The triples `histgraph publish` writes into :data:`PUBLICATION_GRAPH`.

    The identifier is the build's id and the time of publishing, so publishing
    the same build again (say, into a store that was changed by hand) still
    tells every instance to start its caches over.
    """
    marker = ox.NamedNode(PUBLICATION_GRAPH)
    return [
        ox.Triple(marker, ox.NamedNode(str(DCTERMS.identifier)), ox.Literal(f"{build_id} {published_at}")),
        ox.Triple(marker, ox.NamedNode(str(PROV.generatedAtTime)),
                  ox.Literal(published_at, datatype=ox.NamedNode(str(XSD.dateTime)))),
    ]


_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
_GRAPH_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
}


class RemoteStore:
    """A remote SPARQL 1.1 query endpoint, reached over HTTP (:mod:`histgraph.store.sparql_http`).

    Failures are :class:`~histgraph.store.sparql_http.RemoteFailed` errors, and
    each request, reading included, has ``timeout`` seconds in all.

    Its :attr:`version` is read from the publication marker at most every
    ``version_poll`` seconds (0: at every use), so caches keyed by it start over
    within that time after a `histgraph publish`.
    """

    def __init__(self, query_url: str, *, timeout: float = 10.0, version_poll: float = 5.0) -> None:
        if not query_url:
            raise HistgraphError("the remote backend needs remote_query_url (HISTGRAPH_REMOTE_QUERY_URL)")
        self.query_url = query_url
        self.timeout = timeout
        self.version_poll = version_poll
        self._version = UNVERSIONED
        self._checked: float | None = None

    @property
    def version(self) -> str:
        """``remote:<build id> <published at>`` from the marker, or :data:`UNVERSIONED`."""
        now = time.monotonic()
        if self._checked is None or now - self._checked >= self.version_poll:
            self._checked = now
            try:
                found = sorted(str(row["id"]) for row in self.select(PUBLICATION_QUERY))
            except HistgraphError:
                # Unreachable now: the request itself will say so; keep what we knew.
                return self._version
            self._version = f"remote:{found[-1]}" if found else UNVERSIONED
        return self._version

    def select(self, query: str, bindings: Bindings | None = None) -> SelectResult:
        data = sparql_http.results_json(self.query_url, bind_values(query, bindings), timeout=self.timeout)
        names = tuple(data["head"]["vars"])
        rows = tuple(
            {name: term_from_json(cell) for name, cell in row.items()} for row in data["results"]["bindings"]
        )
        return SelectResult(names, rows)

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        data = sparql_http.results_json(self.query_url, bind_values(query, bindings), timeout=self.timeout)
        return sparql_http.boolean_of(self.query_url, data)

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph:
        request = sparql_http.query_request(self.query_url, bind_values(query, bindings), accept=_GRAPH_ACCEPT)
        graph = Graph()
        with sparql_http.exchange(request, self.timeout) as reply:
            if reply.media not in _GRAPH_TYPES:
                raise sparql_http.UnreadableAnswer(reply.url, f"{reply.url} answered {reply.media}, not RDF")
            for triple in ox.parse(sparql_http.stream_of(reply), _GRAPH_TYPES[reply.media]):
                graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph


def each_row(store: SelectStore, query: str, bindings: Bindings | None = None) -> Iterator[dict[str, Identifier]]:
    """The rows of a SELECT on ``store``, one at a time where the store can stream them (embedded), else all read first.

    Summing up a whole archive joins hundreds of thousands of rows: held together
    as rdflib terms they were most of the build's memory beside its copy of the data.
    """
    if isinstance(store, EmbeddedStore):
        return store.stream(query, bindings)
    return iter(store.select(query, bindings).rows)


def term_from_json(cell: Mapping[str, str]) -> Identifier:
    """The rdflib term for one cell of a SPARQL 1.1 JSON result."""
    kind = cell["type"]
    if kind == "uri":
        return URIRef(cell["value"])
    if kind == "bnode":
        return BNode(cell["value"])
    if "xml:lang" in cell:
        return Literal(cell["value"], lang=cell["xml:lang"])
    if "datatype" in cell:
        # The lexical form as written (as to_rdflib keeps it): rdflib would otherwise
        # rewrite "…Z" as "…+00:00", and a remote answer would differ from an embedded one.
        return Literal(cell["value"], datatype=URIRef(cell["datatype"]), normalize=False)
    return Literal(cell["value"])


def open_store(settings: Settings) -> Store:
    """The store the settings ask for: the current build, or a remote endpoint."""
    if settings.backend == "remote":
        return RemoteStore(settings.remote_query_url, timeout=settings.query_timeout,
                           version_poll=settings.remote_version_poll)
    link = settings.builds_root / "current"
    if not link.exists():
        raise HistgraphError(f"nothing built yet in {settings.builds_root}; run `histgraph build`")
    return EmbeddedStore.open(link)
