"""What a client sends, checked where it comes in: a mistake is a 400 or 404 saying what is accepted.

Page handlers call these before a value reaches the store, so a path segment
or a parameter that cannot be what it claims (an IRI with a space, a page
number like ``1e400``) is answered with a sentence, never with a 500 from deep
inside a query. A path that cannot name anything is a 404 (no such page can
exist); a parameter of the wrong shape is a 400.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox
from flask import abort, request

from histgraph.errors import quoted
from histgraph.web.page_data import base_iri

#: Enough for any page or offset; more digits than this is a mistake, not a far page
#: (and Python refuses to read integers of over 4,300 digits at all).
MAX_DIGITS = 9
_WHOLE = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")
_RANGE = re.compile(rf"([0-9]{{1,{MAX_DIGITS}}})-([0-9]{{1,{MAX_DIGITS}}})")
def is_iri(text: str) -> bool:
    """True when ``text`` is an absolute IRI the store can hold (pyoxigraph's rules, which binding applies)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def minted_iri(path: str) -> str:
    """``<base><path>`` (``path`` such as ``id/person/molotov``), or a 404 when no IRI can be that."""
    iri = base_iri() + path
    if not is_iri(iri):
        abort(404, description=f"Nothing in this dataset can be called {quoted('/' + path)}: its IRIs "
                               f"are {base_iri()}id/KIND/NAME, without spaces, quotes, angle brackets, "
                               "stray % signs or control characters. Browse or search for what you "
                               "are looking for.")
    return iri


def whole_number(name: str, default: int, low: int = 1, high: int = 10**MAX_DIGITS - 1) -> int:
    """The parameter ``name`` as a whole number from ``low`` to ``high``; ``default`` when absent or empty."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not _WHOLE.fullmatch(raw) or not low <= int(raw) <= high:
        abort(400, description=f"{name} must be a whole number from {low} to {high:,} "
                               f"(digits only), not {quoted(raw)}.")
    return int(raw)


def web_iri(name: str) -> str | None:
    """The parameter ``name`` as an http(s) IRI; None when it is absent."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if not raw.startswith(("http://", "https://")) or not is_iri(raw):
        abort(400, description=f"{name} must be an http(s) IRI such as {base_iri()}id/person/NAME, "
                               f"not {quoted(raw)}.")
    return raw


def char_range(name: str) -> tuple[int, int] | None:
    """The parameter ``name`` as ``START-END`` character offsets (START before END); None when absent."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    match = _RANGE.fullmatch(raw)
    if not match or int(match[1]) >= int(match[2]):
        abort(400, description=f"{name} must be two character offsets START-END with START "
                               f"before END, such as 120-180, not {quoted(raw)}.")
    return int(match[1]), int(match[2])


def choices(name: str, allowed: Iterable[str]) -> list[str]:
    """Every value of the repeatable parameter ``name``, each one of ``allowed``."""
    known = tuple(allowed)
    values = request.args.getlist(name)
    wrong = [v for v in values if v not in known]
    if wrong:
        abort(400, description=f"{name} must be one of {', '.join(known)}, not {quoted(wrong[0])}.")
    return values
