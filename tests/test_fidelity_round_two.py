"""Fidelity, round two (issue #15): each fix is asserted on parsed query results over the real build.

The audit found statements the cable does not support, content the graph
missed, other sources cited only by nickname, and links between facts that a
query could not follow. Each test below protects one of those fixes; the
queries run against the store the session builds from the project's data.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from histgraph.endpoint.named_queries import load_queries, run_query
from histgraph.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "data/documents/cable-1950-01-02-mao-to-ccp-cc/text.txt").read_text(encoding="utf-8")
ID = "https://histgraph.example.org/id/"
HG = "https://histgraph.example.org/ontology#"
CABLE_GRAPH = URIRef("https://histgraph.example.org/graph/cable-1950-01-02-mao-to-ccp-cc")

PREFIXES = """
PREFIX hg: <https://histgraph.example.org/ontology#>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX pplan: <http://purl.org/net/p-plan#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""


def iri(path: str) -> URIRef:
    return URIRef(ID + path)


def hg(term: str) -> URIRef:
    return URIRef(HG + term)


@pytest.fixture(scope="module")
def select(store: EmbeddedStore):
    def run(query: str) -> list[Mapping[str, object]]:
        return list(store.select(PREFIXES + query))

    return run


@pytest.fixture(scope="module")
def ask(store: EmbeddedStore):
    queries = load_queries(ROOT / "queries")

    def run(name: str, **params: str) -> list[Mapping[str, object]]:
        return list(run_query(store, queries[name], params))  # type: ignore[arg-type]

    return run


def passages(select, node: URIRef) -> set[str]:
    """The words of the text each describing anchor of ``node`` slices out, checked against its quote."""
    rows = select(f"""
        SELECT ?exact ?start ?end WHERE {{
          ?a oa:hasBody <{node}> ; oa:motivatedBy oa:describing ; oa:hasTarget/oa:hasSelector ?q, ?p .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
        }}""")
    for row in rows:
        assert TEXT[int(row["start"]) : int(row["end"])] == str(row["exact"])
    return {str(row["exact"]) for row in rows}


# --- Statements the text does not support -----------------------------------------


def test_calculation_says_we_and_records_only_mao(select) -> None:
    """Item 1: "we calculated" stays ambiguous: Mao is the only agent, the word "we" is kept, a note flags it."""
    (row,) = select(f"""
        SELECT ?label ?written (GROUP_CONCAT(STR(?agent)) AS ?agents) ?kind WHERE {{
          <{ID}event/calculation-of-timetable> rdfs:label ?label ; hg:agentAsWritten ?written ;
              crm:P14_carried_out_by ?agent ; hg:consistencyNote/hg:noteKind ?kind .
        }} GROUP BY ?label ?written ?kind""")
    assert str(row["agents"]) == ID + "person/mao-zedong"
    assert str(row["written"]) == "we"
    assert row["kind"] == hg("AmbiguousReference")
    assert "visitors" not in str(row["label"]) and '"We"' in str(row["label"])
    participants = select(
        f"SELECT ?p WHERE {{ <{ID}event/calculation-of-timetable> crm:P11_had_participant ?p }}"
    )
    assert participants == []


def test_we_is_read_the_same_way_everywhere(select) -> None:
    """Choice "we": every "we" activity has Mao as its only agent and keeps the word; no reading differs."""
    rows = select("""
        SELECT ?event (GROUP_CONCAT(STR(?agent)) AS ?agents) WHERE {
          ?event hg:agentAsWritten ?w ; crm:P14_carried_out_by ?agent .
        } GROUP BY ?event""")
    assert {str(r["event"]).removeprefix(ID) for r in rows} == {
        "event/calculation-of-timetable",
        "event/discussion-of-sightseeing",
        "event/decision-on-sightseeing",
        "event/discussion-of-meetings-with-soviet-leaders",
    }
    assert {str(r["agents"]) for r in rows} == {ID + "person/mao-zedong"}


def test_option_a_travel_is_an_anchored_editorial_inference(select) -> None:
    """Item 2: (a) requiring Zhou's travel is the editors' inference, with its own modality, reasoning and passages."""
    (row,) = select("""
        SELECT ?claim ?modality ?by ?reasoning WHERE {
          ?claim a hg:EditorialInference ; rdf:subject ?s ; rdf:predicate hg:requiresTravelOf ; rdf:object ?o ;
                 hg:modality ?modality ; prov:wasAttributedTo ?by ; rdfs:comment ?reasoning .
        }""")
    assert row["modality"] == hg("Inferred") and row["by"] == iri("agent/histgraph-editors")
    words = passages(select, row["claim"])  # type: ignore[arg-type]
    assert "Accordingly, China's foreign minister Zhou Enlai does not need to come here." in words
    assert "If this is the option, Zhou Enlai will not have to come either." in words
    assert any("Zhou should come" in w for w in words)
    assert not any(w.startswith("(a) To sign") for w in words)
    rests_on = select(f"SELECT ?s WHERE {{ <{row['claim']}> hg:inferredFrom ?s }}")
    assert {str(r["s"]).removeprefix(ID) for r in rests_on} == {
        "claim/option-b-zhou-need-not-come",
        "claim/option-c-zhou-need-not-come",
        "claim/molotov-zhou-should-come",
    }


def test_inferred_is_never_the_sources_word(select) -> None:
    """hg:Inferred belongs to editorial inferences only, never to something the cable's author says."""
    rows = select("SELECT ?n ?who WHERE { ?n hg:modality hg:Inferred ; hg:accordingTo ?who }")
    assert rows and {r["who"] for r in rows} == {iri("agent/histgraph-editors")}


def test_stalin_agrees_but_is_not_the_signatory(ask, select) -> None:
    """Item 3: Stalin's agreement is reported; the signing step has no agent and the plan is not his design."""
    rows = ask("agreements-accepted", person=str(iri("person/stalin")))
    assert {r["agreement"] for r in rows} == {iri("event/stalin-agrees-to-invite-zhou-and-sign")}
    assert {r["planModality"] for r in rows} == {hg("Planned")}
    signing = [r for r in rows if r["stepType"] == hg("Signing")]
    (sign,) = signing
    assert str(sign.get("stepAgents") or "") == ""
    assert "the new Sino-Soviet treaty" in str(sign["outputs"])
    attributed = select(
        f"SELECT ?who WHERE {{ <{ID}plan/invite-zhou-and-sign-treaty> prov:wasAttributedTo ?who }}"
    )
    assert attributed == []
    agents = select(
        f"SELECT ?who WHERE {{ <{ID}step/sign-new-treaty-and-agreements> hg:plannedAgent ?who }}"
    )
    assert agents == []


def test_paragraph_two_instructions_stay_requests_linked_to_the_step(select) -> None:
    """Item 4 and "documents and materials": party, means and baggage are on Mao's request, which names the step."""
    step = select(f"""
        SELECT ?agent ?means ?excluded WHERE {{
          <{ID}step/zhou-journey-depart-beijing> hg:plannedAgent ?agent .
          OPTIONAL {{ <{ID}step/zhou-journey-depart-beijing> hg:plannedMeans ?means }}
          OPTIONAL {{ <{ID}step/zhou-journey-depart-beijing> hg:excludedMeans ?excluded }}
        }}""")
    assert [(r["agent"], r.get("means"), r.get("excluded")) for r in step] == [
        (iri("person/zhou-enlai"), None, None)
    ]
    (request,) = select(f"""
        SELECT ?request ?modality ?means ?excluded ?object ?objectWords
               (GROUP_CONCAT(STR(?agent); separator=" ") AS ?agents) WHERE {{
          ?request hg:specifiesStep <{ID}step/zhou-journey-depart-beijing> ; hg:modality ?modality ;
                   hg:requestedBy <{ID}person/mao-zedong> ; hg:requestedOf <{ID}group/ccp-central-committee> ;
                   hg:plannedMeans ?means ; hg:excludedMeans ?excluded ; hg:plannedAgent ?agent ;
                   hg:plannedObject ?object .
          ?object hg:asWritten ?objectWords .
        }} GROUP BY ?request ?modality ?means ?excluded ?object ?objectWords""")
    assert request["modality"] == hg("Requested")
    assert (request["means"], request["excluded"]) == (hg("ByTrain"), hg("ByAir"))
    assert set(str(request["agents"]).split()) == {
        ID + "person/zhou-enlai",
        ID + "role/minister-of-trade",
        ID + "role/other-necessary-aides",
    }
    assert str(request["objectWords"]) == "the necessary documents and materials"
    mentioned = select(f"""
        SELECT ?exact WHERE {{ ?a oa:hasBody <{request["object"]}> ; oa:motivatedBy oa:identifying ;
                               oa:hasTarget/oa:hasSelector/oa:exact ?exact }}""")
    assert [str(r["exact"]) for r in mentioned] == ["the necessary documents and materials"]


def test_leaving_moscow_is_only_a_partial_match_for_returning_home(ask, select) -> None:
    """Item 5: no event fully realises "return home in early February"; leaving Moscow and Mao's arrival are partial."""
    home = iri("step/zhou-journey-return-home")
    full = select(f"SELECT ?e WHERE {{ ?e pplan:correspondsToStep <{home}> }}")
    assert full == []
    partial = select(f"SELECT ?e WHERE {{ ?e hg:partlyCorrespondsToStep <{home}> }}")
    assert {str(r["e"]).removeprefix(ID) for r in partial} == {
        "event/mao-zhou-leave-moscow-1950-02-17",
        "event/mao-back-in-beijing-1950-03-04",
    }
    rows = ask("plan-vs-record")
    assert not [r for r in rows if r["step"] == home and r.get("record") is not None]


def test_archive_address_says_where_it_comes_from_and_that_it_is_unchecked(ask) -> None:
    """Item 6: the Wilson Center address is cited to the research notes and marked unchecked until read."""
    rows = ask("document-editions", document=str(iri("document/cable-1950-01-02-mao-to-ccp-cc")))
    (web,) = [r for r in rows if str(r["kind"]) == "web copy"]
    assert str(web["url"]) == "https://digitalarchive.wilsoncenter.org/document/110390"
    assert web["sourceCheck"] == hg("SourceUnchecked")
    assert "MODELING.md" in str(web["addressFrom"])


# --- Content the graph missed -------------------------------------------------------


def test_molotov_says_zhou_should_come_as_his_own_claim(select) -> None:
    """Molotov's "Zhou should come" is his claim, apart from the endorsement, anchored to his words."""
    (row,) = select(
        "SELECT ?c ?words WHERE { ?c hg:claimedBy ?m ; rdf:value ?words . "
        f"FILTER(?m = <{ID}person/molotov>) }}"
    )
    assert str(row["words"]) == "Zhou should come"
    assert passages(select, row["c"]) == {"that Zhou should come"}  # type: ignore[arg-type]
    endorsed = select(f"SELECT ?o WHERE {{ <{row['c']}> hg:endorsed ?o }}")
    assert endorsed == []


def test_meetings_with_soviet_leaders_are_proposed_not_planned(select) -> None:
    """Mao's meetings with "various Soviet leaders" are a proposed node the discussion concerns, never planned."""
    (row,) = select("""
        SELECT ?p ?modality WHERE {
          ?p a hg:Proposal ; hg:modality ?modality ; crm:P67_refers_to ?leaders .
          ?d crm:P2_has_type hg:Discussing ; hg:concerns ?p .
          FILTER(?leaders = <https://histgraph.example.org/id/role/various-soviet-leaders>)
        }""")
    assert row["modality"] == hg("Proposed")
    assert passages(select, row["p"]) == {"the problem of my meeting with various Soviet leaders"}  # type: ignore[arg-type]
    assert (
        select(
            f"SELECT ?t WHERE {{ <{row['p']}> a ?t FILTER(?t IN (pplan:Plan, crm:E7_Activity)) }}"
        )
        == []
    )


def test_old_and_new_treaties_with_dates_parties_and_sources(ask) -> None:
    """The 1945 treaty's date and parties, the 1950 signing, and both signatory claims side by side, each sourced."""
    rows = ask("treaties")
    facts: dict[tuple[str, str], list[Mapping[str, object]]] = {}
    for r in rows:
        facts.setdefault((str(r["treaty"]).removeprefix(ID), str(r["fact"])), []).append(r)
    (date_1945,) = facts[("work/treaty-1945", "date")]
    assert date_1945["date"] == Literal("1945-08-14", datatype=XSD.date)
    assert "CCTV" in str(date_1945["accordingTo"])
    parties = {str(r["value"]).removeprefix(ID) for r in facts[("work/treaty-1945", "party")]}
    assert parties == {"group/soviet-union", "group/republic-of-china"}
    assert all(str(r["accordingTo"]) for r in facts[("work/treaty-1945", "party")])
    (signed,) = facts[("work/treaty-1950", "signed")]
    assert str(signed["date"]).startswith("1950-02-14") and "worldjpn" in str(signed["accordingTo"])
    by_claim: dict[str, set[str]] = {}
    for r in facts[("work/treaty-1950", "signatories")]:
        by_claim.setdefault(str(r["statement"]).removeprefix(ID), set()).add(
            str(r["value"]).removeprefix(ID)
        )
        assert r["competesWith"] is not None and "histgraph research notes" not in str(
            r["accordingTo"]
        )
    assert by_claim == {
        "claim/treaty-1950-signatories-worldjpn": {"person/vyshinsky", "person/zhou-enlai"},
        "claim/treaty-1950-signatories-wikipedia": {"person/stalin", "person/mao-zedong"},
    }
    planned = facts[("work/treaty-1950", "planned in the cable")]
    assert {r["modality"] for r in planned} == {hg("Planned")}


def test_no_signatory_is_stated_on_the_signing_itself(select) -> None:
    """Competing claims stay claims: the signing event carries no agent, so no source's reading wins."""
    rows = select(
        f"SELECT ?who WHERE {{ <{ID}event/treaty-signed-1950-02-14> crm:P14_carried_out_by|crm:P11_had_participant ?who }}"
    )
    assert rows == []


def test_every_other_source_can_be_checked(select) -> None:
    """Other sources have a title or description, an address, and say whether a copy was read; no notes-only source."""
    rows = select("""
        SELECT ?source ?label ?url ?citation ?check WHERE {
          GRAPH <https://histgraph.example.org/graph/record-other-sources> { ?source a prov:Entity ; rdfs:label ?label }
          OPTIONAL { ?source schema:url ?url }
          OPTIONAL { ?source dcterms:bibliographicCitation ?citation }
          OPTIONAL { ?source hg:sourceCheck ?check }
        }""")
    by_name = {str(r["source"]).removeprefix(ID + "source/"): r for r in rows}
    assert {"getit01", "szzy-7lue", "3000qb", "iqnt", "worldjpn"} <= set(by_name)
    assert "histgraph-research-notes" not in by_name
    for name, r in by_name.items():
        assert r.get("url") is not None or r.get("citation") is not None, name
        assert r.get("check") in {hg("SourceChecked"), hg("SourceUnchecked")}, name
        if r.get("check") == hg("SourceChecked"):
            assert str(r["url"]).startswith(("http://", "https://")), name
    assert by_name["szzy-7lue"]["check"] == hg("SourceChecked")
    assert by_name["3000qb"]["check"] == hg("SourceUnchecked")


def test_claims_never_rest_on_the_research_notes(select) -> None:
    """The treaty's signing and the other records cite real sources, not the project's own notes."""
    rows = select(
        "SELECT ?c WHERE { ?c hg:accordingTo|prov:wasDerivedFrom ?s . "
        f"FILTER(?s = <{ID}source/histgraph-research-notes>) }}"
    )
    assert rows == []


# --- Weak links made explicit ------------------------------------------------------


def test_embargo_holds_until_zhou_arrives(select) -> None:
    """The news embargo names the step it waits for with hg:holdsUntil, not only a generic hg:concerns."""
    (row,) = select("SELECT ?r ?step WHERE { ?r hg:holdsUntil ?step ; hg:modality hg:Requested }")
    assert row["step"] == iri("step/zhou-journey-arrive-moscow")
    assert passages(select, row["r"]) == {
        "The news should not be publicized until Zhou has arrived in Moscow."
    }  # type: ignore[arg-type]


def test_decision_of_1_january_links_to_the_tass_interview(select) -> None:
    """The 1 January decision names the interview and the plan it made; the publication realised that plan."""
    (row,) = select("""
        SELECT ?decision ?plan ?work ?published WHERE {
          ?decision crm:P2_has_type hg:Deciding ; hg:decided ?plan ; hg:decidedOn ?work .
          ?published hg:realisedPlan ?plan ; crm:P2_has_type hg:Publishing .
        }""")
    assert row["decision"] == iri("event/decision-to-publish-tass-interview")
    assert row["work"] == iri("work/tass-interview")
    assert row["published"] == iri("event/tass-interview-published")


def test_breakthrough_is_explained_by_stalins_agreement(select) -> None:
    """The breakthrough links to Stalin's agreement, and the link is marked as the editors' reading of the text."""
    (row,) = select("""
        SELECT ?claim WHERE {
          ?b hg:explainedBy ?a .
          ?claim rdf:subject ?b ; rdf:predicate hg:explainedBy ; rdf:object ?a ; hg:modality hg:Inferred .
        }""")
    (words,) = passages(select, row["claim"])  # type: ignore[arg-type]
    assert words.startswith("Our work here has achieved an important breakthrough")
    assert words.endswith("Comrade Stalin has finally agreed")


# --- Choices a historian would question ----------------------------------------------


def test_option_b_put_off_is_an_intention_not_a_consequence(ask, select) -> None:
    """Choice (b): "we mean to put off the solution" is Mao's stated intention, and no longer a consequence."""
    rows = select(
        'SELECT ?s ?by WHERE { ?o hg:optionLabel "b" ; hg:statedIntention ?s . ?s hg:claimedBy ?by }'
    )
    assert [(str(r["s"]).removeprefix(ID), r["by"]) for r in rows] == [
        ("claim/option-b-problem-put-off", iri("person/mao-zedong"))
    ]
    consequences = {str(r["statement"]) for r in ask("option-claims", option="b")}
    assert not any("put off the solution" in c for c in consequences)
    assert any("does not need to come" in c for c in consequences)


def test_new_facts_are_in_the_cables_graph_and_records_in_their_own(select) -> None:
    """Graphs keep sources apart: the inferences sit with the cable, the treaty claims with the other sources."""
    rows = select("""
        SELECT ?node ?g WHERE { GRAPH ?g { ?node hg:modality ?m }
          FILTER(?node IN (<https://histgraph.example.org/id/claim/option-a-requires-zhou-travel>,
                           <https://histgraph.example.org/id/claim/treaty-1950-signatories-worldjpn>)) }""")
    graphs = {str(r["node"]).rsplit("/", 1)[1]: r["g"] for r in rows}
    assert graphs["option-a-requires-zhou-travel"] == CABLE_GRAPH
    assert graphs["treaty-1950-signatories-worldjpn"] == URIRef(
        "https://histgraph.example.org/graph/record-other-sources"
    )
