"""Where SERVICE is a keyword, by the engine's own grammar — the check SERVICE rests on.

The lexical pass of :mod:`histgraph.endpoint.safety` is early and gives good
messages, but a tokenizer can disagree with the engine's grammar
(``true.SERVICE``, ``ex:a\\#`` before a keyword). So the query process asks
pyoxigraph itself (:func:`engine_service_positions`) and refuses a SERVICE
whose IRI is not allow-listed (:func:`service_refusal`); it does so only where
the network sandbox holds, since probing runs the query on an empty store.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from histgraph.endpoint.safety import (
    QueryRejected,
    Token,
    declared_prefixes,
    decode_escapes,
    iri_after,
    position_words,
    tokens,
)

#: The keyword the engine probe looks for, and the bare word that replaces it: a
#: bare word that is not a keyword is never valid SPARQL where a keyword stands.
_SERVICE = re.compile("service", re.IGNORECASE)
_NOT_A_KEYWORD = "zqxjvkwq"
#: More occurrences than this are not probed one by one; they are all taken as keywords.
MAX_PROBED_WORDS = 16


def engine_service_positions(text: str, accepts: Callable[[str], bool]) -> list[int]:
    """Where the engine's own grammar reads ``SERVICE`` in ``text`` as a keyword (offsets).

    ``accepts(query)`` says whether the SPARQL engine parses ``query`` (it runs in
    a sandboxed process with an empty store). A lexical scan can disagree with the
    engine's grammar (``true.SERVICE``, ``ex:a\\#`` before a keyword); this asks the
    engine itself. Every occurrence of the letters ``service`` (any case) is
    replaced by a bare word that is no keyword: inside a string, an IRI, a
    comment, a variable, a prefixed name or a language tag the query stays valid;
    where the engine saw the keyword it no longer parses. A spelling the engine
    might decode to those letters (``\\u0053ERVICE``, ``ſervice``) is counted as a
    keyword (``re.IGNORECASE`` also matches ``ſ`` and the Kelvin sign): the
    answer errs towards refusing.
    """
    found = [m.start() for m in _SERVICE.finditer(text)]
    disguised = len(_SERVICE.findall(decode_escapes_loosely(text))) > len(found)
    if disguised:
        return [m.start() for m in re.finditer(r"\\[uU]", text)] or [0]
    if not found:
        return []
    if accepts(_SERVICE.sub(_NOT_A_KEYWORD, text)):
        return []
    if not accepts(text):
        return []  # a syntax error of its own: the engine refuses to run it anyway
    if len(found) > MAX_PROBED_WORDS:
        return found
    keywords = []
    for start in found:
        one = text[:start] + _NOT_A_KEYWORD + text[start + 7 :]
        if not accepts(one):
            keywords.append(start)
    return keywords or found


def mentions_service(text: str) -> bool:
    """True when ``text`` holds the letters ``service`` in any case or escaped spelling (probe it)."""
    return bool(_SERVICE.search(text) or _SERVICE.search(decode_escapes_loosely(text)))


def decode_escapes_loosely(text: str) -> str:
    """``text`` with every ``\\u``/``\\U`` escape decoded and invalid ones left as written."""
    try:
        return decode_escapes(text)
    except QueryRejected:
        return text


def service_refusal(text: str, positions: list[int], allowlist: tuple[str, ...]) -> str | None:
    """The refusal message for SERVICE keywords at ``positions``, or None when all are allow-listed."""
    prefixes = declared_prefixes(list(tokens(decode_escapes_loosely(text))))
    for start in positions:
        after = [t for t in tokens(text[start + 7 :])][:2]
        target = None
        if after and after[0].kind == "word" and after[0].text.upper() == "SILENT":
            after = after[1:]
        if after:
            toks = [Token("word", "SERVICE", 0), after[0]]
            target = iri_after(toks, 0, prefixes, "SILENT")
        if target is None or target not in allowlist:
            allowed = ", ".join(allowlist) or "none are allowed here"
            return (
                f"SERVICE (federated query) at {position_words(text, start)} is refused: the endpoint makes "
                f"no outbound requests except to allow-listed services ({allowed}); "
                "setting federation_allowlist"
            )
    return None


__all__ = ["MAX_PROBED_WORDS", "decode_escapes_loosely", "engine_service_positions", "mentions_service", "service_refusal"]
