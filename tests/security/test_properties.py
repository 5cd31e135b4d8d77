"""Property-based tests: Accept negotiation, parameter binding of named queries, IRIs, the query checks.

Hypothesis generates the hostile input; each property says what must hold for
*every* input, not just the cases someone thought of.
"""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from histgraph.endpoint.admission import static_cost
from histgraph.endpoint.formats import GRAPH, RESULTS, formats_for
from histgraph.endpoint.named_queries import Param
from histgraph.endpoint.safety import QueryRejected, check_query
from histgraph.errors import QueryError
from histgraph.store import bind_values
from histgraph.web.negotiation import negotiate

LIMITS = {"max_bytes": 100_000, "max_depth": 64}
ECHO = "SELECT ?value WHERE { }"
MEDIA = [f.media_type for f in formats_for((RESULTS, GRAPH))] + ["text/html", "*/*", "application/*", "text/*"]

media_range = st.one_of(st.sampled_from(MEDIA), st.from_regex(r"[a-z]{1,8}/[a-z+.*-]{1,12}", fullmatch=True))
quality = st.one_of(st.none(), st.floats(0, 1).map(lambda q: f"{q:.3f}"), st.text(max_size=5))
accept_item = st.tuples(media_range, quality).map(lambda t: t[0] + (f";q={t[1]}" if t[1] is not None else ""))
accept_header = st.one_of(st.lists(accept_item, max_size=12).map(", ".join), st.text(max_size=300))


@given(accept_header, st.sampled_from([RESULTS, GRAPH]))
def test_negotiation_never_fails_and_only_offers_what_it_has(accept: str, kind: str) -> None:
    """Protects negotiation: any Accept header yields an offered format or None, never an error."""
    chosen = negotiate(accept, kind)
    assert chosen is None or chosen in formats_for(kind)


@given(st.sampled_from(formats_for(RESULTS)), st.lists(media_range, max_size=5))
def test_refused_type_is_never_chosen(fmt, others: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Protects negotiation: a type the client gives q=0 is never served, whatever else it lists."""
    header = ", ".join([f"{fmt.media_type};q=0", *others])
    assert negotiate(header, RESULTS) != fmt or any(
        o in {fmt.media_type, *fmt.aliases} for o in others
    )


@given(st.sampled_from(formats_for(GRAPH)))
def test_single_exact_type_is_served(fmt) -> None:  # type: ignore[no-untyped-def]
    """Protects negotiation: asking for exactly one offered type gets that type."""
    assert negotiate(fmt.media_type, GRAPH) == fmt


def _echo(value) -> object:  # type: ignore[no-untyped-def]
    """Bind ``value`` as ?value, check the query like the endpoint does, run it, return the term."""
    query = bind_values(ECHO, {"value": value})
    checked = check_query(query, **LIMITS)
    assert checked.services == () and checked.from_graphs == () and checked.form == "SELECT"
    (row,) = list(ox.Store().query(checked.text))
    return row["value"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=1000))
def test_string_parameter_is_bound_exactly(text: str) -> None:
    """Protects parameter binding: any string (quotes, braces, SERVICE, escapes) comes back as exactly that literal."""
    try:
        term = Param("text", "string", True, None, "").bind(text)
    except QueryError:
        return
    bound = _echo(term)
    assert isinstance(bound, ox.Literal) and bound.value == text


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200), st.from_regex(r"[a-z]{1,6}:[^\s]{0,60}", fullmatch=True)))
def test_iri_parameter_is_refused_or_bound_exactly(raw: str) -> None:
    """Protects IRI handling: a parameter is either refused or becomes exactly that IRI, never extra syntax."""
    try:
        term = Param("thing", "iri", True, None, "").bind(raw)
    except QueryError:
        return
    assert isinstance(term, URIRef)
    bound = _echo(term)
    assert isinstance(bound, ox.NamedNode) and bound.value == raw


@given(st.integers(), st.sampled_from(["integer"]))
def test_integer_parameter_is_bound_exactly(number: int, kind: str) -> None:
    """Protects parameter binding: integers of any size round-trip."""
    bound = _echo(Param("n", kind, True, None, "").bind(str(number)))
    assert int(bound.value) == number


@settings(max_examples=300)
@given(st.text(max_size=400))
def test_checks_only_ever_refuse_cleanly(text: str) -> None:
    """Protects the endpoint: any text is accepted or refused with QueryRejected, never a crash."""
    try:
        checked = check_query(text, **LIMITS)
    except QueryRejected as exc:
        assert exc.status in {400, 413}
        return
    static_cost(checked.text)  # classification never fails on what the checks let through


@given(st.text(alphabet="{}()[]?s ", max_size=600))
def test_bracket_soup_is_checked_not_crashed(text: str) -> None:
    """Protects the lexer: arbitrary bracket soup is classified or refused, no recursion error."""
    try:
        checked = check_query("SELECT * WHERE " + text, **LIMITS)
    except QueryRejected:
        return
    assert static_cost(checked.text) in {None, "a cartesian product"}


@given(st.text(max_size=50))
def test_literal_binding_is_rdflib_compatible(text: str) -> None:
    """Protects the two term worlds: an rdflib Literal bound into a query is the same pyoxigraph literal."""
    bound = _echo(Literal(text))
    assert bound.value == text
