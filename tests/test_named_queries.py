"""Every example question of MODELING.md Part 4 is answered by a named query, checked on parsed results.

These tests protect fidelity: a historian reading the answers finds nothing of
the cable missing and nothing added; plans never appear among reported events.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from rdflib import URIRef

from histgraph.endpoint.named_queries import load_queries, run_query
from histgraph.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://histgraph.example.org/"
HG = "https://histgraph.example.org/ontology#"
TEXT = (ROOT / "data/documents/cable-1950-01-02-mao-to-ccp-cc/text.txt").read_text(encoding="utf-8")


def iri(path: str) -> URIRef:
    return URIRef(BASE + path)


@pytest.fixture(scope="module")
def ask(store: EmbeddedStore):
    queries = load_queries(ROOT / "queries")

    def run(name: str, **params: str) -> list[Mapping[str, object]]:
        return list(run_query(store, queries[name], params))

    return run


def test_q1_author_and_addressee(ask) -> None:
    """Q1: Who wrote the cable, and to whom? Mao Zedong; the CC of the CCP."""
    (row,) = ask("cable-author-addressee", document=str(iri("id/document/cable-1950-01-02-mao-to-ccp-cc")))
    assert row["author"] == iri("id/person/mao-zedong")
    assert row["addressee"] == iri("id/group/ccp-central-committee")
    assert str(row["dateAsWritten"]) == "11:00 p.m., 2 January [1950]"
    assert str(row["date"]) == "1950-01-02"


def test_q2_who_visited_when_why(ask) -> None:
    """Q2: Molotov and Mikoyan, at 8:00 p.m. on 2 January, asking Mao's opinions on the treaty."""
    rows = ask("meeting-visitors", day="1950-01-02")
    assert {r["visitor"] for r in rows} == {iri("id/person/molotov"), iri("id/person/mikoyan")}
    assert {r["host"] for r in rows} == {iri("id/person/mao-zedong")}
    assert {str(r["begin"]) for r in rows} == {"1950-01-02T20:00:00"}
    (purpose,) = {str(r["purpose"]) for r in rows}
    assert "asking about my opinions on the Sino-Soviet treaty and other matters" in purpose
    assert ask("meeting-visitors", day="1950-01-03") == []


def test_q3_options_presented(ask) -> None:
    """Q3: (a) a new treaty; (b) a brief joint communique; (c) a statement, not a treaty — nothing more."""
    rows = ask("options")
    assert [str(r["optionLabel"]) for r in rows] == ["a", "b", "c"]
    content = {str(r["optionLabel"]): str(r["content"]) for r in rows}
    assert content["a"] == "To sign a new Sino-Soviet Treaty of Friendship and Alliance."
    assert "a brief communique" in content["b"]
    assert content["c"].startswith("To sign a statement, not a treaty")
    assert {r["proposedBy"] for r in rows} == {iri("id/person/mao-zedong")}


def test_q4_molotov_endorsed_a(ask) -> None:
    """Q4: Molotov endorsed option (a), and nobody endorsed anything else."""
    rows = ask("endorsements")
    assert [(r["person"], str(r["optionLabel"])) for r in rows] == [(iri("id/person/molotov"), "a")]
    assert ask("endorsements", person=str(iri("id/person/mikoyan"))) == []


def test_q5_three_advantages_of_a(ask) -> None:
    """Q5: exactly the three advantages Mao claimed for (a), conditional on choosing it."""
    rows = [r for r in ask("option-claims", option="a") if str(r["kind"]) == "advantage"]
    statements = sorted(str(r["statement"]) for r in rows)
    assert len(statements) == 3
    assert any(s.startswith("Sino-Soviet relations will be solidified") for s in statements)
    assert any("left wing of the national bourgeoisie will be greatly inspired" in s and "isolated" in s for s in statements)
    assert any("more political capital" in s and "examine all the treaties" in s for s in statements)
    assert {str(r["claimedByLabel"]) for r in rows} == {"Mao Zedong"}
    assert {r["modality"] for r in rows} == {URIRef(HG + "Conditional")}


def test_q5_consequences_of_b_and_c(ask) -> None:
    """(b) and (c): Zhou need not come; (b) puts the problem off — consequences, not advantages."""
    rows = ask("option-claims")
    by_option = {}
    for r in rows:
        by_option.setdefault(str(r["optionLabel"]), []).append((str(r["kind"]), str(r["statement"])))
    assert ("consequence", "Accordingly, China's foreign minister Zhou Enlai does not need to come here.") in by_option["b"]
    assert ("consequence", "If this is the option, Zhou Enlai will not have to come either.") in by_option["c"]
    assert not [k for k, _ in by_option["b"] + by_option["c"] if k == "advantage"]


def test_q6_tass_interview_decided_and_published(ask) -> None:
    """Q6: publication decided on 1 January, published on 2 January 1950."""
    rows = ask("work-events", work=str(iri("id/work/tass-interview")))
    assert [(str(r["type"]).rsplit("#")[1], str(r["begin"])[:10]) for r in rows] == [
        ("Deciding", "1950-01-01"),
        ("Publishing", "1950-01-02"),
    ]


def _journey(ask) -> dict[str, Mapping[str, object]]:
    rows = ask("plan-steps", plan=str(iri("id/plan/zhou-journey")))
    return {str(r["types"]).split()[0].rsplit("#")[1] + str(r["order"]): r for r in rows}


def test_q7_planned_departure(ask, store: EmbeddedStore) -> None:
    """Q7: departure planned for 9 January 1950, from Beijing; by train and not by air as Mao's request about it."""
    steps = _journey(ask)
    depart = steps["Departing3"]
    assert str(depart["begin"]).startswith("1950-01-09")
    assert str(depart["from"]) == "Beijing" and str(depart["to"]) == "Moscow"
    assert depart["modality"] == URIRef(HG + "Planned")
    # The means are paragraph (2)'s request to the Central Committee, which names the step it adds to.
    assert not str(depart.get("means", "")) and not str(depart.get("excludedMeans", ""))
    rows = store.select(
        f"SELECT ?means ?excluded WHERE {{ ?request <{HG}specifiesStep> ?step ; <{HG}plannedMeans> ?means ;"
        f" <{HG}excludedMeans> ?excluded }}",
        {"step": depart["step"]},
    )
    assert [(r["means"], r["excluded"]) for r in rows] == [(URIRef(HG + "ByTrain"), URIRef(HG + "ByAir"))]


def test_q8_planned_arrival_and_travel_time(ask) -> None:
    """Q8: arrival 19 January 1950 as stated (not corrected to 20), eleven days of travel, flagged."""
    steps = _journey(ask)
    arrive, travel = steps["Arriving5"], steps["Travelling4"]
    assert str(arrive["begin"]).startswith("1950-01-19")
    assert str(arrive["dateAsWritten"]) == "on 19 January"
    assert float(travel["days"]) == 11.0 and str(travel["durationAsWritten"]) == "eleven days"
    assert "19 January" in str(arrive["flags"])


def test_plan_is_complete_and_in_order(ask) -> None:
    """The journey plan step by step, nothing missing or added: telegram to return home."""
    rows = ask("plan-steps", plan=str(iri("id/plan/zhou-journey")))
    assert [int(r["order"]) for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    types = [{t.rsplit("#")[1] for t in str(r["types"]).split()} for r in rows]
    assert types[:5] + types[6:] == [{"Arriving"}, {"Preparing"}, {"Departing"}, {"Travelling"}, {"Arriving"},
                                     {"Travelling"}]
    assert types[5] == {"Negotiating", "Signing"}  # both types of the step, neither dropped
    negotiate = rows[5]
    assert str(negotiate["begin"]).startswith("1950-01-20") and str(negotiate["end"]).startswith("1950-01-31")
    assert str(negotiate["approximate"]) == "true" and float(negotiate["days"]) == 10.0
    home = rows[6]
    assert str(home["dateAsWritten"]) == "in early February" and str(home["vague"]) == "true"
    assert set(str(home["agents"]).split("; ")) == {"Zhou Enlai", "Mao Zedong"}
    assert {r["modality"] for r in rows} == {URIRef(HG + "Planned")}


def test_plan_steps_keep_every_value(ask) -> None:
    """plan-steps drops no value of a many-valued column: Leningrad and Gorky, Negotiating and Signing."""
    rows = ask("plan-steps", plan=str(iri("id/plan/mao-sightseeing")))
    (travel,) = [r for r in rows if int(r["order"]) == 2]
    assert set(str(travel["to"]).split("; ")) == {"Leningrad", "Gorky"}
    (negotiate,) = [r for r in ask("plan-steps", plan=str(iri("id/plan/zhou-journey"))) if int(r["order"]) == 6]
    assert set(str(negotiate["types"]).split()) == {HG + "Negotiating", HG + "Signing"}


def test_q9_acting_premier(ask) -> None:
    """Q9: Dong Biwu — as a request of the cable, not as a reported fact."""
    rows = ask("role-assignments", role=str(iri("id/role/acting-premier-of-the-gac")))
    assert [(r["person"], r["modality"]) for r in rows] == [(iri("id/person/dong-biwu"), URIRef(HG + "Requested"))]


def test_minister_of_trade_is_a_separate_attributed_claim(ask) -> None:
    """The cable does not name the minister of trade; Ye Jizhuang comes only from other sources."""
    rows = ask("role-assignments", role=str(iri("id/role/minister-of-trade")))
    (row,) = rows
    assert row["person"] == iri("id/person/ye-jizhuang")
    assert "getit01" in str(row["accordingTo"]) and "Mao" not in str(row["accordingTo"])


def test_q10_recommended_sightseeing(ask) -> None:
    """Q10: Molotov and Mikoyan recommended the ordnance factory and the subway, nothing else."""
    rows = ask("recommendations")
    places = {str(r["step"]).rsplit("/", 1)[1] for r in rows}
    assert places == {"sightseeing-ordnance-factory", "sightseeing-subway"}
    assert {r["person"] for r in rows} == {iri("id/person/molotov"), iri("id/person/mikoyan")}
    assert len(ask("recommendations", person=str(iri("id/person/molotov")))) == 2


def test_q11_passage_with_round_tripping_offsets(ask) -> None:
    """Q11: the quote supporting 'Molotov endorsed option (a)', with offsets that slice the text to it."""
    (row,) = ask("fact-passages", fact=str(iri("id/event/molotov-endorses-option-a")))
    quote = "Comrade Molotov said promptly that option (a) was good and that Zhou should come."
    assert str(row["quote"]) == quote
    start, end = int(row["start"]), int(row["end"])
    assert TEXT[start:end] == quote and (start, end) == (2044, 2125)


def test_q12_questions_to_the_central_committee(ask) -> None:
    """Q12: the four questions put to the CC, in the order of the text."""
    rows = ask("questions", addressee=str(iri("id/group/ccp-central-committee")))
    assert [str(r["text"]) for r in rows] == [
        "Are the above-stated arrangements feasible?",
        "Will five days be enough for you to finish the preparations?",
        "Does [Zhou] need one or two more days for preparation?",
        "Is it necessary for Comrade Li Fuchun or other comrades to come to offer assistance?",
    ]


def test_reported_events_never_include_plans(ask, store: EmbeddedStore) -> None:
    """'What happened' never returns a plan, step, option, request or question."""
    rows = ask("events-reported")
    events = {r["event"] for r in rows}
    assert iri("id/event/meeting-1950-01-02") in events
    planned = store.select(
        "PREFIX hg: <https://histgraph.example.org/ontology#> SELECT ?x WHERE { ?x hg:modality ?m FILTER(?m != hg:Reported) }"
    )
    assert events.isdisjoint({r["x"] for r in planned})
    dated = [str(r["begin"]) for r in rows if "begin" in r]
    assert dated[0].startswith("1950-01-01")
    cable_rows = [r for r in rows if str(r.get("accordingTo")) == "Mao Zedong"]
    assert len(cable_rows) == 13


def test_requests_in_text_order(ask) -> None:
    """The five instructions and requests of paragraphs (2) and (3), all Requested of the CC."""
    rows = ask("requests")
    assert len(rows) == 5
    assert str(rows[0]["text"]).startswith("Please finish all the preparations")
    assert str(rows[-1]["text"]) == "Please consider them and report to me in a return telegram."
    assert {str(r["requestedOfLabel"]) for r in rows} == {"Central Committee of the Chinese Communist Party"}


def test_consistency_flags_keep_stated_values(ask) -> None:
    """The source's arithmetic is flagged with stated and computed values, not corrected."""
    rows = {str(r["note"]).rsplit("/", 1)[1]: r for r in ask("consistency-flags")}
    arrival = rows["arrival-arithmetic"]
    assert (str(arrival["stated"]), str(arrival["computed"])) == ("1950-01-19", "1950-01-20")
    duration = rows["negotiation-duration-arithmetic"]
    assert (str(duration["stated"]), str(duration["computed"])) == ("P10D", "P12D")


def test_people_and_places_in_the_cable(ask) -> None:
    """Every actor and place the issue lists is named in the cable, with Wikidata status."""
    people = {str(r["entity"]).split("/id/", 1)[1]: r for r in ask("people")}
    for slug in ("person/mao-zedong", "person/stalin", "person/zhou-enlai", "person/molotov", "person/mikoyan",
                 "person/dong-biwu", "person/li-fuchun", "role/minister-of-trade", "role/tass-correspondent",
                 "group/ccp-central-committee", "group/government-administration-council", "group/tass",
                 "role/various-soviet-leaders"):
        assert slug in people, slug
    assert "person/ye-jizhuang" not in people  # not named in the cable
    assert str(people["person/mao-zedong"]["linkStatus"]) == "reviewed"
    assert "linkStatus" not in people["person/zhou-enlai"]  # unverified: no identifier
    places = {str(r["place"]).rsplit("/", 1)[1]: r for r in ask("places")}
    assert set(places) >= {"moscow", "beijing", "mao-quarters", "lenins-tomb", "leningrad", "gorky",
                           "ordnance-factory", "subway", "collective-farm"}
    assert str(places["leningrad"]["currentName"]) == "Saint Petersburg"
    assert str(places["gorky"]["currentName"]) == "Nizhny Novgorod"
    assert str(places["subway"]["linkStatus"]) == "candidate"


def test_plan_against_record(ask) -> None:
    """Plan and record side by side: departure planned 9 January, recorded 10 January, attributed."""
    rows = [r for r in ask("plan-vs-record") if str(r["step"]).endswith("zhou-journey-depart-beijing")]
    assert {str(r["plannedBegin"])[:10] for r in rows} == {"1950-01-09"}
    assert {str(r["recordBegin"])[:10] for r in rows} == {"1950-01-10"}


def test_wikidata_links_carry_status(ask) -> None:
    """Every link says whether it is a reviewed match or an unconfirmed candidate."""
    rows = ask("wikidata-links")
    assert rows and all("status" in r and "linkGraph" in r for r in rows)
    status = {str(r["wikidata"]).rsplit("/", 1)[1]: str(r["status"]).rsplit("#")[1] for r in rows}
    assert status["Q5816"] == "Reviewed" and status["Q5499"] == "Candidate"


def test_every_named_query_runs(store: EmbeddedStore) -> None:
    """No named query is broken: each parses and runs with its required parameters."""
    samples = {"iri": str(iri("id/person/molotov")), "string": "a", "date": "1950-01-02"}
    for query in load_queries(ROOT / "queries").values():
        values = {p.name: samples[p.type] for p in query.params if p.required}
        result = run_query(store, query, values)
        assert result is not None, query.name


def test_every_named_query_is_documented() -> None:
    """Docs are tested: docs/queries.md names every query."""
    doc = (ROOT / "docs/queries.md").read_text(encoding="utf-8")
    missing = [name for name in load_queries(ROOT / "queries") if f"`{name}`" not in doc]
    assert missing == []

