"""Checks every query passes before any SPARQL engine sees it.

The endpoint is read-only and makes no outbound request, whatever the query
says. These checks run on the query text, with ``\\uXXXX`` escapes decoded first
(SPARQL decodes them before parsing, so ``\\u0053ERVICE`` must count as
``SERVICE``), and with strings, IRIs and comments recognised so that a word
inside a literal is not mistaken for a keyword:

* size: the query is at most ``max_request_bytes`` (413);
* nesting: ``{ ( [`` at most ``max_query_depth`` deep — pyoxigraph's recursive
  parser crashes the process on a few thousand nested braces (400);
* length of chains: at most ``max_query_operators`` operators and
  UNION/OPTIONAL/MINUS (pyoxigraph's parser overflows its stack on ~7,000
  ``!``, ``+`` or ``||`` in a row, or ~7,000 UNIONs, with no brace at all), and
  property paths at most ``max_path_length`` steps (a 1,000-step path takes the
  optimiser past any time limit) (400);
* read-only: updates and ``LOAD`` are refused (400, pointing to the policy);
* no federation: ``SERVICE`` is refused unless its IRI is in
  ``federation_allowlist`` (empty by default) (400).

That lexical pass is the early, cheap line with good messages. It is not the
one SERVICE rests on: a tokenizer can disagree with the engine's grammar, so
the query process also asks the engine's own parser where SERVICE is a keyword
(:func:`histgraph.endpoint.service_probe.engine_service_positions`), and it runs under a filter that forbids it
any network connection (:mod:`histgraph.endpoint.sandbox`). ``FROM`` needs no check:
the engines used never dereference it (pyoxigraph reads only its own graphs),
which the test-suite verifies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from histgraph.errors import HistgraphError

POLICY = "this endpoint is read-only (see docs/sparql.md)"
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})

# An escaped backslash is matched first so that "\\u0041" (a backslash, then
# "u0041") stays as written, as oxigraph's parser reads it.
_ESCAPE = re.compile(r"\\\\|\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
# The SPARQL grammar's terminals, as oxigraph reads them. A prefixed name is
# PN_PREFIX? ':' PN_LOCAL?, where PN_LOCAL may hold '%XX' and backslash escapes
# (``ex:a\#`` is one name, not the start of a comment) and dots only inside; a
# bare word (keyword, function name, ``a``, ``true``) has no dot at all, so
# ``true.SERVICE`` is three tokens.
_PN_CHARS = r"\w\-\u00B7\u00C0-\uFFFF"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIXED = re.compile(
    rf"(?:[A-Za-z\u00C0-\uFFFF](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)?:"
    rf"(?:(?:[{_PN_CHARS}:]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?)?"
)
_BARE = re.compile(r"[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_\u00C0-\uFFFF]*")
_VARIABLE = re.compile(r"[?$][\w\u00B7\u00C0-\uFFFF]*")
_LANGTAG = re.compile(r"@[A-Za-z]+(-[A-Za-z0-9]+)*")
_OPEN, _CLOSE = "{([", "})]"
_OPERATORS = frozenset("!+-*/|&=<>^")
_CHAIN_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS"})
_PATH_STEPS = frozenset("/|")


class QueryRejected(HistgraphError):
    """A query the endpoint will not run; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Token:
    """A lexical token: ``kind`` is iri, word, var, string, langtag, punct; ``text`` as written."""

    kind: str
    text: str
    position: int


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the checks, with what the endpoint needs to know about it."""

    text: str
    #: SELECT, ASK, CONSTRUCT or DESCRIBE.
    form: str
    #: True when the query names its own dataset with FROM or FROM NAMED.
    has_dataset: bool
    #: The SERVICE IRIs it calls (all in the allow-list).
    services: tuple[str, ...] = field(default=())
    #: The IRIs of its FROM and FROM NAMED clauses.
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    #: Its PREFIX declarations, ``{"ex": "http://…"}`` (to write readable Turtle answers).
    prefixes: dict[str, str] = field(default_factory=dict)


def decode_escapes(text: str) -> str:
    r"""``text`` with ``\uXXXX`` and ``\UXXXXXXXX`` escapes decoded, as SPARQL's parser sees it.

    >>> decode_escapes(r"\u0053ERVICE")
    'SERVICE'
    >>> decode_escapes(r'"\\u003e"') == r'"\\u003e"'
    True
    """

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "\\\\":
            return match.group(0)
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryRejected(f"invalid escape {match.group(0)!r}: not a Unicode character")
        return chr(code)

    return _ESCAPE.sub(replace, text)


def _string_end(text: str, start: int) -> int:
    """Index just after the string literal opening at ``start``."""
    quote = text[start : start + 3] if text[start : start + 3] in ('"""', "'''") else text[start]
    i, n = start + len(quote), len(text)
    while i < n:
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(quote, i):
            return i + len(quote)
        if len(quote) == 1 and text[i] in "\r\n":
            break
        i += 1
    raise QueryRejected(f"unterminated string starting at {position_words(text, start)}")


def position_words(text: str, position: int) -> str:
    """Where ``position`` is in ``text``, in words: "line L, column C"."""
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"line {line}, column {column}"


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text`` (escapes already decoded), skipping comments and spaces."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end == -1 else end
        elif ch in "\"'":
            end = _string_end(text, i)
            yield Token("string", text[i:end], i)
            i = end
        elif ch == "<" and (iri := _IRI.match(text, i)):
            yield Token("iri", iri.group(0), i)
            i = iri.end()
        elif ch == "@" and (tag := _LANGTAG.match(text, i)):
            yield Token("langtag", tag.group(0), i)
            i = tag.end()
        elif ch in "?$" and (var := _VARIABLE.match(text, i)) and var.end() > i + 1:
            yield Token("var", var.group(0), i)
            i = var.end()
        elif word := (_PREFIXED.match(text, i) or _BARE.match(text, i)):
            yield Token("word", word.group(0), i)
            i = word.end()
        else:
            yield Token("punct", ch, i)
            i += 1


def declared_prefixes(toks: list[Token]) -> dict[str, str]:
    """PREFIX declarations as ``{"ex:": "http://…"}``."""
    declared = {}
    for k, tok in enumerate(toks[:-2]):
        if tok.kind == "word" and tok.text.upper() == "PREFIX" and toks[k + 2].kind == "iri":
            declared[toks[k + 1].text] = toks[k + 2].text[1:-1]
    return declared


def iri_after(toks: list[Token], k: int, prefixes: dict[str, str], skip: str) -> str | None:
    """The IRI written after the keyword at ``toks[k]`` (past an optional ``skip`` word), if fixed."""
    k += 1
    if k < len(toks) and toks[k].kind == "word" and toks[k].text.upper() == skip:
        k += 1
    if k >= len(toks):
        return None
    target = toks[k]
    if target.kind == "iri":
        return target.text[1:-1]
    if target.kind == "word" and ":" in target.text:
        prefix, _, local = target.text.partition(":")
        if prefix + ":" in prefixes:
            return prefixes[prefix + ":"] + local
    return None


def _is_path_term(tok: Token, before: bool) -> bool:
    """Could ``tok`` stand next to a property-path ``/`` or ``|`` (before or after it)?"""
    if tok.kind == "iri" or (tok.kind == "word" and (":" in tok.text or tok.text == "a")):
        return True
    return tok.kind == "punct" and tok.text in ((")*+?") if before else "(^!")


def path_steps(toks: list[Token]) -> int:
    """How many ``/`` and ``|`` path operators the query has (division and ``||`` excluded)."""
    return sum(
        1
        for k in range(1, len(toks) - 1)
        if toks[k].kind == "punct"
        and toks[k].text in _PATH_STEPS
        and _is_path_term(toks[k - 1], True)
        and _is_path_term(toks[k + 1], False)
    )


def _check_chains(toks: list[Token], max_operators: int, max_path_length: int) -> None:
    operators = sum(
        1
        for tok in toks
        if (tok.kind == "punct" and tok.text in _OPERATORS)
        or (tok.kind == "word" and tok.text.upper() in _CHAIN_WORDS)
    )
    if operators > max_operators:
        raise QueryRejected(
            f"the query has {operators} operators and UNION/OPTIONAL/MINUS, more than the "
            f"limit of {max_operators} (setting max_query_operators); split it or use VALUES"
        )
    steps = path_steps(toks)
    if steps > max_path_length:
        raise QueryRejected(
            f"the query's property paths have {steps} steps, more than the limit of "
            f"{max_path_length} (setting max_path_length); use + or * for chains of any length"
        )


def check_query(
    text: str,
    *,
    max_bytes: int,
    max_depth: int,
    federation_allowlist: tuple[str, ...] = (),
    max_operators: int = 2000,
    max_path_length: int = 50,
) -> CheckedQuery:
    """Check ``text`` and say what kind of query it is; raise :class:`QueryRejected` if unsafe."""
    if len(text.encode("utf-8")) > max_bytes:
        raise QueryRejected(
            f"the query is longer than the limit of {max_bytes} bytes (setting max_request_bytes)",
            413,
        )
    decoded = decode_escapes(text)
    toks = list(tokens(decoded))
    _check_depth(decoded, toks, max_depth)
    _check_chains(toks, max_operators, max_path_length)
    words = [(k, t.text.upper()) for k, t in enumerate(toks) if t.kind == "word" and ":" not in t.text]
    keywords = {w for _, w in words}
    if keywords & UPDATE_KEYWORDS:
        # None of these words can appear in a query, only in an update.
        raise QueryRejected(f"SPARQL Update and LOAD are refused: {POLICY}")
    form = next((w for _, w in words if w in QUERY_FORMS), None)
    if form is None:
        raise QueryRejected("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    prefixes = declared_prefixes(toks)
    services = _services(decoded, toks, words, prefixes, federation_allowlist)
    from_graphs, from_named = _from_lists(decoded, toks, words, prefixes)
    short = {name.rstrip(":"): iri for name, iri in prefixes.items() if name.rstrip(":")}
    return CheckedQuery(
        decoded, form, "FROM" in keywords, tuple(services), tuple(from_graphs), tuple(from_named), short
    )


def _check_depth(decoded: str, toks: list[Token], max_depth: int) -> None:
    """Refuse brackets nested deeper than ``max_depth``, naming where."""
    depth = 0
    for tok in toks:
        if tok.kind != "punct":
            continue
        if tok.text in _OPEN:
            depth += 1
            if depth > max_depth:
                raise QueryRejected(
                    f"the query nests brackets more than {max_depth} deep at "
                    f"{position_words(decoded, tok.position)} (setting max_query_depth); simplify it"
                )
        elif tok.text in _CLOSE:
            depth = max(0, depth - 1)


def _services(decoded: str, toks: list[Token], words: list[tuple[int, str]], prefixes: dict[str, str],
              federation_allowlist: tuple[str, ...]) -> list[str]:
    """The IRIs of the query's SERVICE clauses; refuses any not on the allow-list."""
    services = []
    for k, word in words:
        if word != "SERVICE":
            continue
        iri = iri_after(toks, k, prefixes, "SILENT")
        if iri is None or iri not in federation_allowlist:
            where = position_words(decoded, toks[k].position)
            allowed = ", ".join(federation_allowlist) or "none are allowed here"
            raise QueryRejected(
                f"SERVICE (federated query) at {where} is refused: the endpoint makes no "
                f"outbound requests except to allow-listed services ({allowed}); "
                "setting federation_allowlist"
            )
        services.append(iri)
    return services


def _from_lists(decoded: str, toks: list[Token], words: list[tuple[int, str]],
                prefixes: dict[str, str]) -> tuple[list[str], list[str]]:
    """The IRIs after FROM and after FROM NAMED, in order."""
    from_graphs: list[str] = []
    from_named: list[str] = []
    for k, word in words:
        if word == "FROM":
            iri = iri_after(toks, k, prefixes, "NAMED")
            if iri is None:
                raise QueryRejected(f"FROM at {position_words(decoded, toks[k].position)} needs an IRI")
            named = toks[k + 1].text.upper() == "NAMED"
            (from_named if named else from_graphs).append(iri)
    return from_graphs, from_named


__all__ = [
    "CheckedQuery",
    "QueryRejected",
    "Token",
    "check_query",
    "decode_escapes",
    "path_steps",
    "tokens",
]
