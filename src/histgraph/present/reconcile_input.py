"""Reconciliation requests read strictly: bounded in size, checked in type, refused with a reason.

A batch (``queries=`` of the Reconciliation Service API) comes from a
spreadsheet tool or from anyone. :func:`read_batch` turns it into
:class:`Query` values the matcher can trust, or raises :class:`ReconcileRefused`
(answered 400) with a sentence saying what to send instead. Everything is
bounded before any work is done: the text's size, its JSON nesting (Python's
parser recurses, and raises RecursionError at about a thousand brackets), the
number of queries, the length of each name, the number of types and property
values. Nothing here is slower than linear in the request.

>>> read_batch('{"q0": {"query": "Leningrad", "limit": 3}}')["q0"]
Query(text='Leningrad', types=frozenset(), limit=3, values=())
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from histgraph.errors import HistgraphError
from histgraph.vocab import CRM

DEFAULT_LIMIT = 5
MAX_LIMIT = 100
#: Queries in one batch (OpenRefine sends 10 at a time).
MAX_BATCH = 50
#: Characters of one name to reconcile, or of one property value.
MAX_TEXT = 1000
#: Types, or property values, in one query.
MAX_ITEMS = 20
#: Nesting of ``[`` and ``{`` in a batch; a well-formed one needs 5.
MAX_DEPTH = 16
EXAMPLE = '{"q0": {"query": "Zhou Enlai", "type": "E21_Person", "limit": 3}}'


class ReconcileRefused(HistgraphError):
    """A reconciliation request this service will not answer (400); the message says why."""

    status = 400


@dataclass(frozen=True)
class Query:
    """One reconciliation query, checked: the name, wanted types, result count, property values."""

    text: str
    types: frozenset[str]
    limit: int
    values: tuple[str, ...]


def nesting_depth(text: str, stop_at: int) -> int:
    """How deeply ``[`` and ``{`` nest in the JSON ``text`` (brackets in strings do not count).

    One pass, stopping as soon as the depth passes ``stop_at``.

    >>> nesting_depth('{"a": [1, "]]]"], "b": {}}', 10)
    2
    """
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_at:
                    break
        elif ch in "]}":
            depth -= 1
    return deepest


def read_batch(raw: str) -> dict[str, Query]:
    """The checked queries of a batch ``{"q0": {"query": …}, …}``; ReconcileRefused if it is not one."""
    if nesting_depth(raw, MAX_DEPTH) > MAX_DEPTH:
        raise ReconcileRefused(
            f"queries nests brackets more than {MAX_DEPTH} deep; send an object of queries like {EXAMPLE}"
        )
    try:
        batch = json.loads(raw)
    except (ValueError, RecursionError):
        raise ReconcileRefused(f"queries is not valid JSON; send an object of queries like {EXAMPLE}") from None
    if not isinstance(batch, dict):
        raise ReconcileRefused(f"queries must be a JSON object of named queries, like {EXAMPLE}")
    if len(batch) > MAX_BATCH:
        raise ReconcileRefused(
            f"a batch holds at most {MAX_BATCH} queries ({len(batch)} sent); send them in smaller batches"
        )
    return {key: read_query(key, value) for key, value in batch.items()}


def read_query(key: str, value: Any) -> Query:
    """One query of a batch, checked (``key`` names it in messages)."""
    if not isinstance(value, dict):
        raise ReconcileRefused(f"query {_name(key)} must be an object like {{\"query\": \"Zhou Enlai\"}}")
    return Query(
        _text(key, value.get("query")),
        _types(key, value.get("type")),
        _limit(key, value.get("limit")),
        _values(key, value.get("properties")),
    )


def _name(key: str) -> str:
    return json.dumps(key[:40] + ("…" if len(key) > 40 else ""), ensure_ascii=False)


def _text(key: str, text: Any) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ReconcileRefused(f'in query {_name(key)}, "query" must be text (the name to look up)')
    if len(text) > MAX_TEXT:
        raise ReconcileRefused(
            f'in query {_name(key)}, "query" has {len(text)} characters; names of up to {MAX_TEXT} are reconciled'
        )
    return text.strip()


def _types(key: str, kind: Any) -> frozenset[str]:
    values = kind if isinstance(kind, list) else [] if kind in (None, "") else [kind]
    if len(values) > MAX_ITEMS or not all(isinstance(v, str) and len(v) <= MAX_TEXT for v in values):
        raise ReconcileRefused(
            f'in query {_name(key)}, "type" must be a type id (like "E21_Person") or a list of up to {MAX_ITEMS}'
        )
    return frozenset(v.removeprefix(str(CRM)) for v in values)


def _limit(key: str, limit: Any) -> int:
    """A whole number of at least 1; above :data:`MAX_LIMIT` it is :data:`MAX_LIMIT` (``limit`` is a maximum)."""
    if limit is None:
        return DEFAULT_LIMIT
    number: float | None = None
    if isinstance(limit, int) and not isinstance(limit, bool):
        number = limit
    elif isinstance(limit, float) and math.isfinite(limit) and limit.is_integer():
        number = limit
    elif isinstance(limit, str) and limit.strip().isdecimal() and len(limit.strip()) <= 9:
        number = int(limit.strip())
    if number is None or number < 1:
        raise ReconcileRefused(
            f'in query {_name(key)}, "limit" must be a whole number from 1 to {MAX_LIMIT}, not {_shown(limit)}'
        )
    return int(min(number, MAX_LIMIT))


def _values(key: str, properties: Any) -> tuple[str, ...]:
    """The texts of the property values (``v``: text, a number, ``{"id"|"name": …}``, or a list of them)."""
    if properties is None:
        return ()
    refusal = ReconcileRefused(
        f'in query {_name(key)}, "properties" must be a list of up to {MAX_ITEMS} objects like '
        '{"pid": "P1_is_identified_by", "v": "Чжоу Эньлай"}'
    )
    if not isinstance(properties, list) or len(properties) > MAX_ITEMS:
        raise refusal
    found: list[str] = []
    for prop in properties:
        if not isinstance(prop, Mapping):
            raise refusal
        given = prop.get("v")
        for value in given if isinstance(given, list) else [given]:
            text = _value_text(value)
            if text is None or len(text) > MAX_TEXT or len(found) >= MAX_ITEMS:
                raise refusal
            if text:
                found.append(text)
    return tuple(found)


def _value_text(value: Any) -> str | None:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value) if math.isfinite(value) else None
    if isinstance(value, Mapping):
        inner = value.get("id") or value.get("name") or ""
        return inner if isinstance(inner, str) else None
    return None


def _shown(value: Any) -> str:
    """A client's value in a message, short."""
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else text[:40] + "…"
