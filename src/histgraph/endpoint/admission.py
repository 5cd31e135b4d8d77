"""Admission control: expensive queries can never take every web worker.

A sync gunicorn worker running a query is busy until the query ends (at worst
the time limit, ``query_timeout``). If as many runaway queries as workers
arrive, nobody else is answered for that long. So before a query runs, it is
classified, and an *expensive* one must hold one of a few *slots* shared by all
workers of the server: at most ``expensive_slots`` (by default workers - 1)
expensive queries run at once, and at least one worker is always left for
everything else. A query that finds no free slot within ``admission_wait``
seconds is answered 503 with ``Retry-After``.

A query is expensive when, before it runs (:func:`static_cost`), it has

* a cartesian product: two groups of triple patterns in one ``{ }`` group that
  share no variable (every row of one meets every row of the other);
* an unbounded property path (``+`` or ``*``), which may walk the whole graph;
* a regular expression (``REGEX``, ``REPLACE``), evaluated on every candidate;

or when the same query text already ran longer than ``slow_query_ms`` (or hit
the time limit) on this server (:class:`QueryRecord`): measured cost catches
what the lexical heuristics miss, from the second time on.

Slots are ``flock`` locks on files in the server's runtime folder: shared by
every worker process, and released by the kernel if a worker dies holding one.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from histgraph.endpoint.safety import QueryRejected, Token, decode_escapes, tokens
from histgraph.errors import HistgraphError

#: Words that start something other than a triple pattern (its terms then link nothing).
_TERM_WORDS = frozenset({"a", "true", "false"})
_REGEX_WORDS = frozenset({"REGEX", "REPLACE"})
_EXPRESSION_WORDS = frozenset({"FILTER", "BIND"})
#: Never record more slow queries than this (the folder is not a cache to grow forever).
MAX_RECORDS = 10_000
#: A full record is counted again after this many refused records (another process may not share it).
_RECOUNT_FULL = 1000


class AdmissionRefused(HistgraphError):
    """No slot for an expensive query came free in time (answer 503 with Retry-After)."""

    status = 503


def _is_term(tok: Token) -> bool:
    if tok.kind in {"var", "iri", "string"}:
        return True
    return tok.kind == "word" and (":" in tok.text or tok.text in _TERM_WORDS)


def _components(elements: list[set[str]]) -> int:
    """How many groups of ``elements`` are connected through shared variables."""
    groups: list[set[str]] = []
    for variables in elements:
        joined = [g for g in groups if g & variables]
        merged = set(variables).union(*joined)
        groups = [g for g in groups if not g & variables] + [merged]
    return len(groups)


def _scan_group(toks: list[Token], i: int) -> tuple[set[str], bool, int]:
    """Scan one ``{ }`` group from ``toks[i]``: its variables, whether it (or a part) is a product."""
    elements: list[set[str]] = []
    statement: list[Token] = []
    keyword_led = False
    after_union = False
    cartesian = False
    graph_variable: set[str] = set()

    def close() -> None:
        nonlocal statement, keyword_led
        if not keyword_led and sum(1 for t in statement if _is_term(t)) >= 3:
            variables = {t.text[1:] for t in statement if t.kind == "var"}
            if variables:
                elements.append(variables)
        statement, keyword_led = [], False

    while i < len(toks):
        tok = toks[i]
        if tok.kind == "punct" and tok.text == "{":
            close()
            inner, inner_cartesian, i = _scan_group(toks, i + 1)
            cartesian |= inner_cartesian
            inner |= graph_variable  # GRAPH ?g { … } joins ?g to what is inside
            graph_variable = set()
            if inner and after_union and elements:
                elements[-1] |= inner  # UNION branches are alternatives, not a product
            elif inner:
                elements.append(inner)
            after_union = False
            continue
        if tok.kind == "punct" and tok.text == "}":
            i += 1
            break
        if tok.kind == "punct" and tok.text == ".":
            close()
        elif tok.kind == "word" and ":" not in tok.text and tok.text not in _TERM_WORDS:
            close()
            word = tok.text.upper()
            after_union = word == "UNION"
            if word in _EXPRESSION_WORDS:
                # FILTER(…) and BIND(…) need no '.' after them: skip just the expression.
                i = _skip_expression(toks, i + 1)
                continue
            keyword_led = True
            if word == "GRAPH" and i + 1 < len(toks) and toks[i + 1].kind == "var":
                graph_variable = {toks[i + 1].text[1:]}
        else:
            statement.append(tok)
        i += 1
    close()
    cartesian |= _components(elements) >= 2
    return set().union(*elements), cartesian, i


def _skip_expression(toks: list[Token], i: int) -> int:
    """The index after a FILTER or BIND expression starting at ``toks[i]`` (function words, then brackets)."""
    while i < len(toks) and toks[i].kind == "word" and ":" not in toks[i].text:
        if toks[i].text.upper() == "EXISTS":
            return i + 1  # its { } group is scanned as a group
        i += 1
    depth = 0
    while i < len(toks):
        tok = toks[i]
        i += 1
        if tok.kind == "punct" and tok.text == "(":
            depth += 1
        elif tok.kind == "punct" and tok.text == ")":
            depth -= 1
            if depth <= 0:
                break
        if depth == 0:
            break
    return i


def _unbounded_path(toks: list[Token]) -> bool:
    for k in range(1, len(toks) - 1):
        tok = toks[k]
        if tok.kind == "punct" and tok.text in "*+":
            before, after = toks[k - 1], toks[k + 1]
            path_before = before.kind == "iri" or (
                before.kind == "word" and (":" in before.text or before.text == "a")
            ) or (before.kind == "punct" and before.text == ")")
            if path_before and (_is_term(after) or (after.kind == "punct" and after.text == "[")):
                return True
    return False


def static_cost(text: str) -> str | None:
    """Why the query (escapes decoded) is expensive before it runs, or None if it looks cheap.

    >>> static_cost("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
    'a cartesian product'
    >>> static_cost("SELECT ?n WHERE { ?p a <http://ex/P> ; <http://ex/name> ?n }") is None
    True
    """
    toks = list(tokens(text))
    if _scan_group(toks, 0)[1]:
        return "a cartesian product"
    if _unbounded_path(toks):
        return "an unbounded property path"
    if any(t.kind == "word" and t.text.upper() in _REGEX_WORDS for t in toks):
        return "a regular expression"
    return None


def normalized(text: str) -> str:
    """``text`` as the engine would run it, whatever its comments, spacing, keyword case and variable names.

    Resending a slow query with a changed comment, spacing or variable names must
    not make it new again; its constants (IRIs, literals) stay, so a query slow
    for one entity does not slow down the same question about every other one.

    >>> normalized("select ?x # one\\nwhere { ?x a ?t }") == normalized("SELECT ?y WHERE {?y a ?z}")
    True
    """
    try:
        toks = list(tokens(decode_escapes(text)))
    except QueryRejected:
        return text
    names: dict[str, str] = {}
    parts = []
    for tok in toks:
        if tok.kind == "var":
            parts.append(names.setdefault(tok.text[1:], f"?v{len(names)}"))
        elif tok.kind == "word" and ":" not in tok.text:
            parts.append(tok.text.upper() if tok.text != "a" else "a")
        else:
            parts.append(tok.text)
    return " ".join(parts)


@functools.lru_cache(maxsize=1024)
def fingerprint(text: str) -> str:
    """A short stable name for a query (for the record of slow queries): a hash of :func:`normalized`.

    Memoized: a request asks for it up to four times (slow? fast? then one is
    recorded), and normalizing tokenizes the whole query each time.
    """
    return hashlib.sha256(normalized(text).encode("utf-8")).hexdigest()[:32]


class QueryRecord:
    """Queries (normalized) measured one way on this server — slow, or fast — shared by its workers as empty files.

    The data never changes while a server runs, so a query measured slow is slow
    again, and one measured fast is fast again.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        # Counting the folder on every record read up to MAX_RECORDS entries per request:
        # this process adds ``_room`` records, or refuses ``_skip`` when full, between counts.
        self._room = 0
        self._skip = 0

    def known(self, text: str) -> bool:
        """True when this query was recorded here before."""
        return (self.folder / fingerprint(text)).exists()

    def record(self, text: str) -> None:
        """Remember this query (up to :data:`MAX_RECORDS` of them)."""
        path = self.folder / fingerprint(text)
        if path.exists():
            return
        if self._room <= 0:
            if self._skip > 0:
                self._skip -= 1
                return
            with os.scandir(self.folder) as entries:
                room = MAX_RECORDS - sum(1 for _ in entries)
            if room <= 0:
                self._skip = _RECOUNT_FULL
                return
            # Count again once a tenth of the room is used: with a few workers recording
            # at once, the folder stays within a few per cent of the bound.
            self._room = max(1, room // 10)
        self._room -= 1
        path.touch()


class Slots:
    """At most ``count`` holders at once across processes: one ``flock``ed file per slot."""

    def __init__(self, folder: Path, count: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.paths = [folder / f"slot-{n}" for n in range(max(1, count))]
        for path in self.paths:
            path.touch()

    def _try_take(self) -> int | None:
        for path in self.paths:
            fd = os.open(path, os.O_RDWR)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return fd
        return None

    @contextmanager
    def hold(self, wait: float) -> Iterator[None]:
        """Hold a slot for the block; wait up to ``wait`` s, else raise :class:`AdmissionRefused`."""
        release = self.acquire(wait)
        try:
            yield
        finally:
            release()

    def acquire(self, wait: float) -> Callable[[], None]:
        """Take a slot, waiting up to ``wait`` s (else :class:`AdmissionRefused`); return its release."""
        deadline = time.monotonic() + wait
        fd = self._try_take()
        while fd is None:
            if time.monotonic() >= deadline:
                raise AdmissionRefused(
                    f"all {len(self.paths)} slots for expensive queries are busy; "
                    "try again shortly, or make the query cheaper (see docs/security.md)"
                )
            time.sleep(0.05)
            fd = self._try_take()
        taken = fd

        def release() -> None:
            fcntl.flock(taken, fcntl.LOCK_UN)
            os.close(taken)

        return release


def slot_count(expensive_slots: int, workers: int) -> int:
    """The configured number of slots, or by default one fewer than the workers (at least 1)."""
    return expensive_slots if expensive_slots > 0 else max(1, workers - 1)


__all__ = ["AdmissionRefused", "QueryRecord", "Slots", "fingerprint", "normalized", "slot_count", "static_cost"]
