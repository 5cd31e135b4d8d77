"""Regression: a string value holding a backslash then "u003e" was decoded as an escape (400).

Schemathesis found `/queries/NAME?text=\\u003e` answered 400: the pre-parse checks
decoded `\\u003e` even after an escaped backslash, so the engine saw `"\\>"`.
"""

from __future__ import annotations

import doctest

from rdflib import Literal

import histgraph.endpoint.safety as safety
from histgraph.store import EmbeddedStore


def test_escaped_backslash_is_not_an_escape() -> None:
    """The checks read the query as oxigraph does: `\\\\u003e` is a backslash and `u003e`."""
    assert safety.decode_escapes(r'"\\u003e"') == r'"\\u003e"'
    assert safety.decode_escapes(r"\u0053ERVICE") == "SERVICE"
    assert doctest.testmod(safety).failed == 0


def test_bound_value_with_backslash_round_trips() -> None:
    """A bound value comes back exactly as given, whatever backslashes it holds."""
    store = EmbeddedStore.from_quads([])
    for value in ("\\u003e", "a\\b", "\\\\U0001F600"):
        (row,) = store.select("SELECT ?v WHERE { BIND(?text AS ?v) }", {"text": Literal(value)})
        assert row["v"] == Literal(value)
