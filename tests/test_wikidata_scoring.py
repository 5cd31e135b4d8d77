"""Reconciliation against a real Wikidata-shaped endpoint: the right candidates win, for the right reasons.

The endpoint is a real ``oxigraph serve`` holding tests/fixtures/wikidata/entities.ttl
(real QIDs only where MODELING.md lists them as verified; decoys and both
treaties fictional). The entities are the project's own, read from data/.
"""

from __future__ import annotations

import doctest
from collections.abc import Iterator
from pathlib import Path

import pytest

from histgraph.config import load_settings
from histgraph.wikidata import client as client_module
from histgraph.wikidata import names as names_module
from histgraph.wikidata.client import WikidataClient, options_from_settings
from histgraph.wikidata.linking import entities_to_link, rank_all
from histgraph.wikidata.local import project_store
from histgraph.wikidata.scoring import Scored
from tests.conftest import ROOT
from tests.fixtures.wikidata.servers import wikidata_endpoint

ID = "https://histgraph.example.org/id/"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with wikidata_endpoint(tmp_path_factory.mktemp("wikidata")) as url:
        yield url


@pytest.fixture(scope="module")
def ranked(endpoint: str, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Every linkable entity of the real project, ranked with and without context."""
    settings = load_settings(
        {
            "project_dir": ROOT,
            "wikidata_endpoint": endpoint,
            "wikidata_cache_dir": tmp_path_factory.mktemp("cache"),
        },
        environ={},
    )
    client = WikidataClient(options_from_settings(settings))
    entities, period = entities_to_link(project_store(settings.data_dir), include_linked=True)
    full = {e.iri: (r, s, w) for e, r, s, w in rank_all(client, entities, period)}
    title_only = {
        e.iri: (r, s, w) for e, r, s, w in rank_all(client, entities, period, use_context=False)
    }
    return full, title_only, client


def _by_qid(ranked: list[Scored]) -> dict[str, Scored]:
    return {s.qid: s for s in ranked}


def test_treaty_trap_title_alone_picks_1945_dates_and_types_pick_1950(ranked) -> None:  # type: ignore[no-untyped-def]
    """Protects the 1945/1950 trap: the cable's "new Treaty of Friendship and Alliance" has the 1945 title.

    By title alone the 1945 treaty wins; with dates (the cable speaks of the new
    treaty as still to be made on 1950-01-02) the 1950 treaty is suggested and
    the 1945 one is marked down for its date.
    """
    full, title_only, _ = ranked
    new_treaty = ID + "work/new-sino-soviet-treaty"
    assert title_only[new_treaty][0][0].qid == "Q990000061"
    ranked_full, suggested, _why = full[new_treaty]
    assert suggested == "Q990000062"
    scores = _by_qid(ranked_full)
    assert scores["Q990000062"].score > scores["Q990000061"].score
    assert any("after the document (1950-01-02)" in r for r in scores["Q990000062"].reasons)
    assert any("dated 1945-08-14, before the document" in r for r in scores["Q990000061"].reasons)
    # The other two treaty entities go the right way too.
    assert full[ID + "work/treaty-1945"][1] == "Q990000061"
    assert full[ID + "work/treaty-1950"][1] == "Q990000062"
    assert any("the date our data gives" in r for r in full[ID + "work/treaty-1950"][0][0].reasons)


def test_historical_names_find_todays_places_and_decoys_lose(ranked) -> None:  # type: ignore[no-untyped-def]
    """Protects Leningrad → Saint Petersburg (Q656) and Gorky → Nizhny Novgorod (Q891) over decoys."""
    full, _, _ = ranked
    leningrad, suggested, _ = full[ID + "place/leningrad"]
    assert suggested == "Q656"
    scores = _by_qid(leningrad)
    assert any('"Leningrad" is its alias "Leningrad"@en' in r for r in scores["Q656"].reasons)
    assert any(
        "came into being 1975-06-01, after the documents" in r for r in scores["Q990000011"].reasons
    )
    assert any('instance of "ship", not a place' in r for r in scores["Q990000012"].reasons)
    gorky, suggested, _ = full[ID + "place/gorky"]
    assert suggested == "Q891"
    assert any(
        'instance of "human", not a place' in r for r in _by_qid(gorky)["Q990000013"].reasons
    )


def test_people_are_matched_on_type_and_lifetime(ranked) -> None:  # type: ignore[no-untyped-def]
    """Protects person matching: a namesake born after 1950 and a family name do not win."""
    full, _, _ = ranked
    zhou, suggested, _ = full[ID + "person/zhou-enlai"]
    assert suggested == "Q990000021"
    scores = _by_qid(zhou)
    assert any(
        "alive at the time of the documents (1898–1976)" in r for r in scores["Q990000021"].reasons
    )
    assert any("born 1980-07-01, after the documents" in r for r in scores["Q990000022"].reasons)
    assert any('"family name", not a person' in r for r in scores["Q990000023"].reasons)
    assert full[ID + "person/stalin"][1] == "Q855"
    assert full[ID + "person/molotov"][1] == "Q132899"
    assert full[ID + "person/mao-zedong"][1] == "Q5816"


def test_chinese_and_russian_labels_count(ranked) -> None:  # type: ignore[no-untyped-def]
    """Protects multilingual matching: our 毛泽东@zh and Ленинград@ru are compared with theirs."""
    full, _, _ = ranked
    assert any('"毛泽东"@zh' in r for r in full[ID + "person/mao-zedong"][0][0].reasons)
    assert any("@ru" in r for r in full[ID + "place/leningrad"][0][0].reasons)


def test_ambiguous_and_unknown_names_get_no_suggestion(ranked) -> None:  # type: ignore[no-untyped-def]
    """Protects honesty: two equally good "Li Fuchun"s and an unnamed "subway" are not guessed."""
    full, _, _ = ranked
    li, suggested, why = full[ID + "person/li-fuchun"]
    assert suggested is None and why.startswith("ambiguous")
    assert {s.qid for s in li} == {"Q990000031", "Q990000032"}
    subway = full[ID + "place/subway"]
    assert subway[0] == [] and subway[1] is None


def test_second_run_is_served_from_the_cache(ranked) -> None:  # type: ignore[no-untyped-def]
    """Protects politeness: the title-only run asked the endpoint nothing new."""
    _, _, client = ranked
    assert client.cache_hits >= client.requests > 0


def test_docstring_examples_run() -> None:
    """Protects the documented examples of name forms, VALUES binding and Retry-After parsing."""
    for module in (names_module, client_module):
        failures, _tests = doctest.testmod(module)
        assert failures == 0


def test_no_identifier_in_the_fixture_is_unverified() -> None:
    """Protects the rule: real QIDs in the fixture only where MODELING.md lists them as verified."""
    import re

    verified = {
        "Q5816",
        "Q855",
        "Q132899",
        "Q17427",
        "Q15180",
        "Q148",
        "Q649",
        "Q956",
        "Q656",
        "Q891",
        "Q191414",
    }
    text = (Path(__file__).parent / "fixtures" / "wikidata" / "entities.ttl").read_text(
        encoding="utf-8"
    )
    used = set(re.findall(r"wd:(Q\d+)", text))
    assert used - verified == {q for q in used if q.startswith("Q99000")}
