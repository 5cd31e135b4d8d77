"""The model is easy to query: one property for who, where, about and when, and the closure the docs promise.

The build writes these into the named graph ``graph:derived`` (``build/derived.py``).
Every test asks a plain SPARQL query of the real build, with no inference, and
reads the parsed rows; the derived graph can be left out with ``GRAPH ?g`` and a
filter, and what it adds never turns a plan into something that happened.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

from histgraph.build.derived import derive, derived_graph
from histgraph.endpoint.named_queries import load_queries, run_query
from histgraph.store import EmbeddedStore, SelectResult
from histgraph.store.layout import DERIVED_DUMP, DUMP_DIR, read_quads
from histgraph.vocab import XSD

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://histgraph.example.org/"
HG = "https://histgraph.example.org/ontology#"
DERIVED = f"{BASE}graph/derived"
PREFIXES = f"""
PREFIX hg: <{HG}>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def iri(path: str) -> URIRef:
    return URIRef(BASE + path)


def _column(store: EmbeddedStore, query: str, name: str = "x", **bindings: URIRef) -> set[object]:
    return {row[name] for row in store.select(PREFIXES + query, bindings) if name in row}


def test_who_took_part_is_one_property(store: EmbeddedStore) -> None:
    """Protects hg:participant: the meeting's visitors (P14) and host (P11) come back from one pattern."""
    who = _column(store, "SELECT ?x WHERE { ?event hg:participant ?x }", event=iri("id/event/meeting-1950-01-02"))
    assert who == {iri("id/person/molotov"), iri("id/person/mikoyan"), iri("id/person/mao-zedong")}


def test_participant_spans_events_steps_plans_requests_and_questions(store: EmbeddedStore) -> None:
    """Protects the shortcut's reach: Zhou's journey, its steps, requests and questions find their people."""
    rows = store.select(PREFIXES + "SELECT ?x ?modality WHERE { ?x hg:participant ?who ; hg:modality ?modality }",
                        {"who": iri("id/person/zhou-enlai")})
    kinds = {str(row["x"]).split("/id/")[1].split("/")[0] for row in rows}
    assert {"step", "plan"} <= kinds
    assert iri("id/plan/zhou-journey") in {row["x"] for row in rows}  # a plan has its steps' participants
    # The shortcut keeps the modality of its subject: Zhou's planned steps stay planned.
    steps = {row["modality"] for row in rows if "/id/step/" in str(row["x"])}
    assert steps == {URIRef(HG + "Planned")}
    requested = _column(store, "SELECT ?x WHERE { ?x a hg:Request ; hg:participant ?x2 }", "x")
    asked = _column(store, "SELECT ?x WHERE { ?x a hg:Question ; hg:participant ?x2 }", "x")
    assert requested and asked
    cc = {"cc": iri("id/group/ccp-central-committee")}
    by_shortcut = _column(store, "SELECT ?x WHERE { ?x a hg:Question ; hg:participant ?cc }", **cc)
    by_properties = _column(store, "SELECT ?x WHERE { ?x a hg:Question ; hg:askedBy|hg:askedOf ?cc }", **cc)
    assert by_shortcut == by_properties and by_shortcut


def test_where_and_about_are_one_property_each(store: EmbeddedStore) -> None:
    """Protects hg:place and hg:about: Leningrad and Gorky from one step and its plan; the Tass interview's events."""
    step = iri("id/step/sightseeing-leningrad-gorky")
    places = {iri("id/place/leningrad"), iri("id/place/gorky")}
    assert _column(store, "SELECT ?x WHERE { ?step hg:place ?x }", step=step) == places
    assert places <= _column(store, "SELECT ?x WHERE { ?plan hg:place ?x }", plan=iri("id/plan/mao-sightseeing"))
    meeting = _column(store, "SELECT ?x WHERE { ?e hg:place ?x }", e=iri("id/event/meeting-1950-01-02"))
    assert meeting == _column(store, "SELECT ?x WHERE { ?e crm:P7_took_place_at ?x }",
                              e=iri("id/event/meeting-1950-01-02"))
    about = _column(store, "SELECT ?x WHERE { ?x hg:about ?work }", work=iri("id/work/tass-interview"))
    assert iri("id/event/tass-interview-published") in about


def test_dated_nodes_have_a_flat_date_with_its_precision(store: EmbeddedStore) -> None:
    """Protects hg:when: a day as xsd:date, a range within a month as xsd:gYearMonth, the stated span untouched."""
    query = "SELECT ?when ?precision ?begin WHERE { ?x hg:when ?when ; hg:datePrecision ?precision ; hg:earliest ?begin }"

    def when(path: str) -> tuple[object, object, object]:
        (row,) = store.select(PREFIXES + query, {"x": iri(path)})
        return row["when"], row["precision"], row["begin"]

    assert when("id/step/zhou-journey-depart-beijing")[:2] == (
        Literal("1950-01-09", datatype=XSD.date), URIRef(HG + "DayPrecision"))
    # The cable's arrival date as stated (19 January), not the arithmetic's 20 January.
    assert when("id/step/zhou-journey-arrive-moscow")[0] == Literal("1950-01-19", datatype=XSD.date)
    negotiate = when("id/step/zhou-journey-negotiate-and-sign")
    assert negotiate == (Literal("1950-01", datatype=XSD.gYearMonth), URIRef(HG + "MonthPrecision"),
                         Literal("1950-01-20T00:00:00", datatype=XSD.dateTime))
    assert when("id/event/meeting-1950-01-02")[:2] == (
        Literal("1950-01-02", datatype=XSD.date), URIRef(HG + "DayPrecision"))
    # What happened in February, and what was planned for it, in one range filter over one property.
    february = _column(store, 'SELECT ?x WHERE { ?x hg:earliest ?b . FILTER(?b >= "1950-02-01T00:00:00"^^<'
                       + str(XSD.dateTime) + ">) }")
    assert {iri("id/step/zhou-journey-return-home"), iri("id/event/treaty-signed-1950-02-14")} <= february


def test_consequences_of_option_a_include_its_advantages_unless_derived_is_left_out(store: EmbeddedStore) -> None:
    """Protects the closure: hg:consequence of (a) gives the 4 the docs promise; without graph:derived, 1."""
    option = iri("id/proposal/treaty-option-a")
    union = _column(store, "SELECT ?x WHERE { ?option hg:consequence ?x }", option=option)
    asserted = _column(store, "SELECT ?x WHERE { GRAPH ?g { ?option hg:consequence ?x } FILTER(?g != ?derived) }",
                       option=option, derived=URIRef(DERIVED))
    only_derived = _column(store, "SELECT ?x WHERE { GRAPH ?derived { ?option hg:consequence ?x } }",
                           option=option, derived=URIRef(DERIVED))
    advantages = _column(store, "SELECT ?x WHERE { ?option hg:claimedAdvantage ?x }", option=option)
    assert len(union) == 4 and len(asserted) == 1 and len(advantages) == 3
    assert only_derived == advantages and union == asserted | advantages
    # The subclass closure too: an advantage is a conditional statement.
    assert advantages <= _column(store, "SELECT ?x WHERE { ?x a hg:ConditionalStatement }")


def test_the_derived_graph_never_makes_a_plan_happen(store: EmbeddedStore) -> None:
    """Protects modality: nothing derived is an activity, and every activity in the union is reported."""
    assert not store.ask(PREFIXES + "ASK { GRAPH ?derived { ?x a crm:E7_Activity } }", {"derived": URIRef(DERIVED)})
    assert not store.ask(PREFIXES + "ASK { ?x a crm:E7_Activity . FILTER NOT EXISTS { ?x hg:modality hg:Reported } }")


def test_derived_graph_is_a_function_of_the_asserted_data(built) -> None:  # type: ignore[no-untyped-def]
    """Protects determinism: deriving again from the build's asserted quads gives the dump's bytes exactly."""
    graph = derived_graph(BASE)
    quads = [q for q in read_quads(built.path) if q.graph_name != graph]
    fresh = ox.Store()
    fresh.bulk_extend(quads)
    again = "".join(f"{q} .\n" for q in derive(fresh, BASE)).encode("utf-8")
    written = (built.path / DUMP_DIR / f"{DERIVED_DUMP}.nq").read_bytes()
    assert again == written and written
    assert built.summary["derived_triples"] == written.count(b"\n")
    assert len(set(read_quads(built.path))) == built.summary["triples"]


def test_node_graph_tells_a_sources_claims_from_the_cables(store: EmbeddedStore) -> None:
    """Protects node-graph: Zhou's arrival on 20 January is another source's claim; the meeting is the cable's."""
    queries = load_queries(ROOT / "queries")

    def graphs(path: str) -> dict[str, bool]:
        result = run_query(store, queries["node-graph"], {"node": str(iri(path))})
        assert isinstance(result, SelectResult)
        return {str(row["graph"]): row["derived"].toPython() for row in result}

    assert graphs("id/event/zhou-arrives-moscow-1950-01-20") == {
        f"{BASE}graph/record-other-sources": False, DERIVED: True}
    assert graphs("id/event/meeting-1950-01-02") == {
        f"{BASE}graph/cable-1950-01-02-mao-to-ccp-cc": False, DERIVED: True}
