"""A SPARQL syntax error as one short sentence a person can act on.

pyoxigraph reports a syntax error as ``error at LINE:COLUMN: expected one of
…``, where the list is its grammar's: keywords, quoted tokens and long
character classes (``['A' ..= 'Z' | …]``, ``[_]``). Shown as is, it fills the
editor's result pane with Unicode ranges. Its place is also where the parser
gave up after backtracking, often the end of the query rather than the word
that is wrong; rdflib's parser, asked about the same text, stops at that word.
:func:`syntax_sentence` names what was found there, and keeps only the expected
tokens a person would type (when both parsers stop at the same place).

>>> syntax_sentence("SELECT * WHERE {\\n  ?s ?p ?o FILTR }", 'error at 2:10: expected one of LATERAL, SERVICE, [_]')
"Unexpected 'FILTR' at line 2, column 12."
>>> syntax_sentence("SELECT * WHERE { ?s ?p ?o", 'error at 1:26: expected one of ",", ".", ";", "{", "}", [_]')
"Unexpected end of the query at line 1, column 26; expected ',', '.', ';', '{' or '}'."
>>> syntax_sentence("SELECT * WHERE { ?s ?p ?o }\\nLIMT 5", 'error at 2:1: expected one of ",", "}", [_]')
"Unexpected 'LIMT' at line 2, column 1; expected ',' or '}'."
>>> syntax_sentence("SELECT ?x WHERE { ?x a foo:Bar }", "error at 1:31: expected one of Prefix not found, ['%']")
"The prefix 'foo:' (line 1, column 24) is not declared; add a line PREFIX foo: <…> at the top."
>>> syntax_sentence("ASK {}", "something else entirely")
'The query is not valid SPARQL: something else entirely'
"""

from __future__ import annotations

import re

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery

_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
#: One alternative of the engine's list: a quoted token, a character class, or a bare word.
_ALTERNATIVE = re.compile(r'"((?:[^"\\]|\\.)*)"|\[[^\]]*\]|([A-Za-z][A-Za-z0-9_ ]*)')
#: Characters of a prefixed name (PN_CHARS, simplified to what queries are written with).
_NAME_CHAR = re.compile(r"[\w\-.:%\u00B7\u00C0-\uFFFD]")
#: At most this many expected tokens are named; more is a grammar listing again.
MAX_EXPECTED = 6


def syntax_sentence(query: str, engine_message: str) -> str:
    """The engine's syntax error on ``query`` as one sentence: what is wrong, where, and what would do."""
    match = _POSITION.match(engine_message)
    if not match:
        return f"The query is not valid SPARQL: {_cut(' '.join(engine_message.split()))}"
    line, column, expected = int(match[1]), int(match[2]), match[3]
    text = _line(query, line)
    if "Prefix not found" in expected:
        prefix, start = _prefix_before(text, column)
        if prefix:
            return (f"The prefix '{prefix}' (line {line}, column {start}) is not declared; "
                    f"add a line PREFIX {prefix} <…> at the top.")
    words = _expected_tokens(expected)
    where = _where_rdflib_stops(query)
    if where is not None and where != (line, column):
        # The engine's place is where it gave up; name the word where the text goes wrong.
        (line, column), words = where, []
        text = _line(query, line)
    found = _found(query, text, line, column)
    sentence = f"Unexpected {found} at line {line}, column {column}"
    if words:
        sentence += "; expected " + _or(words[:MAX_EXPECTED]) + (", …" if len(words) > MAX_EXPECTED else "")
    return sentence + "."


def _where_rdflib_stops(query: str) -> tuple[int, int] | None:
    """The line and column where rdflib's parser finds the text wrong, or None if it parses it."""
    try:
        parseQuery(query)
    except ParseException as exc:
        return exc.lineno, exc.col
    except Exception:  # rdflib failing another way says nothing about the place
        return None
    return None


def _line(query: str, line: int) -> str:
    lines = query.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _found(query: str, text: str, line: int, column: int) -> str:
    """What stands at the error's place: a quoted token, or the end of the line or query."""
    rest = text[column - 1:].lstrip() if column >= 1 else ""
    if not rest:
        after = "\n".join(query.split("\n")[line:]).strip()
        return "end of line" if after else "end of the query"
    token = re.match(r"[?$]?\w+|\S", rest)
    word = token.group(0) if token else rest[0]
    return _quote(_cut(word, 30))


def _prefix_before(text: str, column: int) -> tuple[str, int]:
    """The ``prefix:`` of the prefixed name that ends just before ``column``, and its column."""
    end = max(0, min(column - 1, len(text)))
    start = end
    while start > 0 and _NAME_CHAR.match(text[start - 1]):
        start -= 1
    name = text[start:end]
    return (name.split(":", 1)[0] + ":", start + 1) if ":" in name else ("", 0)


def _expected_tokens(expected: str) -> list[str]:
    """The tokens of the engine's list a person types (keywords, punctuation), without character classes."""
    expected = expected.removeprefix("expected one of ").removeprefix("expected ")
    tokens: list[str] = []
    for match in _ALTERNATIVE.finditer(expected):
        quoted, word = match.group(1), match.group(2)
        if quoted is not None:
            token = _quote(bytes(quoted, "utf-8").decode("unicode_escape"))
        elif word and word.strip() and word.strip() != "Prefix not found":
            token = word.strip()
        else:
            continue  # a character class: a range of letters is no help to a reader
        if token not in tokens:
            tokens.append(token)
    return tokens


def _quote(token: str) -> str:
    return f'"{token}"' if "'" in token else f"'{token}'"


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _cut(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


__all__ = ["syntax_sentence"]
