"""A polite SPARQL client for Wikidata (or any endpoint shaped like it).

Public endpoints are shared: the Wikidata Query Service asks clients to send a
User-Agent that says who they are, to make one request at a time, and to wait as
long as a ``429`` answer's ``Retry-After`` says. This client does that, backs off
exponentially on ``5xx`` answers, gives up after a bounded number of tries with a
message that says what to do, and keeps every answer in an on-disk cache so that
a second run (and a review a week later) asks the endpoint nothing new.

Values are bound into queries as a generated ``VALUES`` block of RDF terms
written by pyoxigraph (:func:`with_values`), never pasted in as text.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib.term import Node

from histgraph import __version__
from histgraph.atomic_files import write_atomically
from histgraph.config import Settings
from histgraph.errors import HistgraphError
from histgraph.store import sparql_http, term_from_json, to_oxigraph
from histgraph.timestamps import utc_timestamp

Row = dict[str, Node]

_WHERE = "WHERE {"


class EndpointError(HistgraphError):
    """The endpoint could not be reached, refused, or kept failing; nothing was written."""


@dataclass(frozen=True)
class ClientOptions:
    """How to talk to the endpoint; :func:`options_from_settings` fills it from settings."""

    endpoint: str
    contact: str = ""
    timeout: float = 30.0
    retries: int = 4
    max_wait: float = 120.0
    backoff: float = 2.0
    cache_dir: Path | None = None

    @property
    def user_agent(self) -> str:
        """Who we are, as Wikimedia's User-Agent policy asks: tool, version, site, contact."""
        contact = self.contact or "contact: set wikidata_contact"
        return f"histgraph/{__version__} (https://histgraph.example.org/; {contact})"


def options_from_settings(settings: Settings, *, use_cache: bool = True) -> ClientOptions:
    """Client options from :class:`histgraph.config.Settings` (cache under ``.cache/wikidata``)."""
    cache_dir = settings.wikidata_cache_dir or settings.project_dir / ".cache" / "wikidata"
    return ClientOptions(
        endpoint=settings.wikidata_endpoint,
        contact=settings.wikidata_contact,
        timeout=settings.wikidata_timeout,
        retries=settings.wikidata_retries,
        max_wait=settings.wikidata_max_wait,
        backoff=settings.wikidata_backoff,
        cache_dir=Path(cache_dir) if use_cache else None,
    )


def with_values(query: str, columns: Mapping[str, Sequence[Node]]) -> str:
    """``query`` with one ``VALUES ?var { … }`` block per column at the top of its WHERE clause.

    Each value is an rdflib term validated and written in N-Triples syntax by
    pyoxigraph, so no value can change the query's structure.

    >>> from rdflib import URIRef
    >>> print(with_values("SELECT ?x WHERE { ?x ?p ?o }", {"x": [URIRef("http://e/a")]}))
    SELECT ?x WHERE { VALUES ?x { <http://e/a> } ?x ?p ?o }
    """
    at = query.find(_WHERE)
    if at < 0:
        raise HistgraphError(f"query has no '{_WHERE}' to bind values in")
    at += len(_WHERE)
    blocks = "".join(
        f" VALUES ?{name} {{ {' '.join(str(to_oxigraph(term)) for term in terms)} }}"
        for name, terms in columns.items()
    )
    return query[:at] + blocks + query[at:]


def load_query(name: str, package: str = "histgraph.wikidata") -> str:
    """The text of ``queries/NAME.rq`` shipped with ``package`` (this one, or ``histgraph.ingest``)."""
    from importlib.resources import files

    resource = files(package).joinpath("queries", f"{name}.rq")
    try:
        return resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HistgraphError(
            f"histgraph is missing its query queries/{name}.rq; reinstall it"
        ) from None


def rows_of(data: Mapping[str, Any]) -> list[Row]:
    """The rows of a SPARQL JSON result, as rdflib terms."""
    return [
        {name: term_from_json(cell) for name, cell in row.items()} for row in data["results"]["bindings"]
    ]


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date); None if absent.

    >>> retry_after_seconds("3")
    3.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", datetime(2015, 10, 21, 7, 28, tzinfo=UTC))
    10.0
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class _Retry(Exception):
    """A failure worth retrying: wait ``wait`` seconds (or back off when negative)."""

    def __init__(self, wait: float, why: str, where: str) -> None:
        super().__init__(why)
        self.wait = wait
        self.why = why
        self.where = where


class WikidataClient:
    """Sends requests one at a time, politely, with a disk cache.

    ``select`` runs SPARQL SELECT queries on the endpoint;
    ``get_json`` fetches a JSON web API (Wikimedia Commons, for image licences)
    with the same User-Agent, timeout, retries and cache. ``notify`` is called
    with a line of text whenever the client waits, so the CLI can say why it
    pauses. ``requests``, ``cache_hits`` and ``oldest_answer`` (the retrieval
    time of the oldest answer used) say what happened.
    """

    def __init__(
        self, options: ClientOptions, *, notify: Callable[[str], None] | None = None
    ) -> None:
        self.options = options
        self.notify = notify or (lambda _line: None)
        self.requests = 0
        self.cache_hits = 0
        self.oldest_answer: str | None = None

    # --- cache ---------------------------------------------------------------

    def _cache_path(self, key: str) -> Path | None:
        if self.options.cache_dir is None:
            return None
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.options.cache_dir / f"{digest}.json"

    def _answer(self, key: str, fetch: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        path = self._cache_path(key)
        if path is not None and path.is_file():
            try:
                envelope = json.loads(path.read_text(encoding="utf-8"))
                data, retrieved = envelope["answer"], envelope["retrieved"]
            except (OSError, ValueError, KeyError, TypeError):
                pass  # a damaged cache entry is only a cache miss
            else:
                self.cache_hits += 1
                self._seen(retrieved)
                return data
        data = self._with_retries(fetch)
        retrieved = utc_timestamp()
        self._seen(retrieved)
        if path is not None:
            envelope = {"key": key, "retrieved": retrieved, "answer": data}
            write_atomically(path, json.dumps(envelope, ensure_ascii=False))
        return data

    def _seen(self, retrieved: str) -> None:
        if self.oldest_answer is None or retrieved < self.oldest_answer:
            self.oldest_answer = retrieved

    # --- requests ------------------------------------------------------------

    def select(self, query: str, columns: Mapping[str, Sequence[Node]] | None = None) -> list[Row]:
        """Run a SELECT (with ``columns`` bound as VALUES) and return its rows."""
        text = with_values(query, columns) if columns else query
        data = self._answer(f"{self.options.endpoint}\n{text}", lambda: self._sparql(text))
        return rows_of(data)

    def get_json(self, url: str, params: Mapping[str, str]) -> dict[str, Any]:
        """GET ``url`` with ``params`` (URL-encoded) and return the JSON object it answers."""
        full = f"{url}?{urllib.parse.urlencode(sorted(params.items()))}"
        return self._answer(full, lambda: self._get(full, url))

    def _with_retries(self, once: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        attempts = max(1, self.options.retries + 1)
        for attempt in range(attempts):
            try:
                return once()
            except _Retry as retry:
                if attempt + 1 >= attempts:
                    raise EndpointError(
                        f"{retry.where} kept failing ({retry.why}) after {attempts} tries; "
                        "nothing was written. Try again later, or raise wikidata_retries."
                    ) from None
                wait = retry.wait if retry.wait >= 0 else self.options.backoff * (2**attempt)
                if wait > self.options.max_wait:
                    raise EndpointError(
                        f"{retry.where} asked us to wait {wait:.0f} s ({retry.why}), longer than "
                        f"wikidata_max_wait ({self.options.max_wait:.0f} s); nothing was written. "
                        "Try again later."
                    ) from None
                self.notify(f"{retry.where}: {retry.why}; waiting {wait:g} s before trying again")
                time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _sparql(self, query: str) -> dict[str, Any]:
        where = self.options.endpoint
        self.requests += 1
        try:
            return sparql_http.results_json(where, query, timeout=self._timeout, user_agent=self.options.user_agent)
        except sparql_http.RemoteFailed as exc:
            raise self._translate(exc, where) from None

    def _get(self, full: str, where: str) -> dict[str, Any]:
        self.requests += 1
        try:
            return sparql_http.get_json(full, timeout=self._timeout, user_agent=self.options.user_agent)
        except sparql_http.RemoteFailed as exc:
            raise self._translate(exc, where) from None

    @property
    def _timeout(self) -> float:
        return max(0.1, float(self.options.timeout))

    def _translate(self, exc: sparql_http.RemoteFailed, where: str) -> Exception:
        """The error, or the retry, that a failed request becomes, with what the user can do."""
        if isinstance(exc, sparql_http.Refused):
            if exc.status == 429:
                wait = retry_after_seconds(exc.retry_after)
                return _Retry(-1 if wait is None else wait, "HTTP 429 Too Many Requests", where)
            if 500 <= exc.status < 600:
                return _Retry(-1, f"HTTP {exc.status}", where)
            return EndpointError(f"{where} answered HTTP {exc.status} {exc.reason}; check the URL setting")
        if isinstance(exc, sparql_http.TimedOut):
            return EndpointError(f"{exc}; nothing was written. Try again later or raise wikidata_timeout.")
        if isinstance(exc, sparql_http.Unreachable):
            return EndpointError(f"{exc}; check your connection and the URL setting. Nothing was written.")
        return EndpointError(str(exc))


def chunks(items: Iterable[Node], size: int) -> list[list[Node]]:
    """``items`` in lists of at most ``size`` (to keep each request small)."""
    batch: list[Node] = []
    out: list[list[Node]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            out.append(batch)
            batch = []
    if batch:
        out.append(batch)
    return out
