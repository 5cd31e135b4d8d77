"""Dates in words and places in the text: the reader's words for what the data holds.

``date_words`` is fed time-spans parsed from Turtle (as the data writes them),
at every precision the data uses; ``text_places`` is fed the cable's own text.
"""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, URIRef

from histgraph.present.date_words import date_words
from histgraph.present.text_places import text_places
from histgraph.vocab import CRM, HG

from .conftest import CABLE, ROOT

SPANS = """
@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix hg: <https://histgraph.example.org/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix t: <https://histgraph.example.org/id/timespan/> .

t:instant crm:P82a_begin_of_the_begin "1950-01-02T20:00:00"^^xsd:dateTime ;
    crm:P82b_end_of_the_end "1950-01-02T20:00:00"^^xsd:dateTime ; hg:asWritten "At 8:00 p.m. today" .
t:day crm:P82a_begin_of_the_begin "1950-01-10T00:00:00"^^xsd:dateTime ;
    crm:P82b_end_of_the_end "1950-01-10T23:59:59"^^xsd:dateTime .
t:early crm:P82a_begin_of_the_begin "1950-02-01T00:00:00"^^xsd:dateTime ;
    crm:P82b_end_of_the_end "1950-02-10T23:59:59"^^xsd:dateTime ; hg:vague true ; hg:asWritten "in early February" .
t:evening crm:P82a_begin_of_the_begin "1950-01-02T20:00:00"^^xsd:dateTime ;
    crm:P82b_end_of_the_end "1950-01-02T23:00:00"^^xsd:dateTime .
t:by crm:P82b_end_of_the_end "1950-01-02T23:00:00"^^xsd:dateTime ; hg:asWritten "has finally agreed" .
t:two-days crm:P82a_begin_of_the_begin "1950-01-01T00:00:00"^^xsd:dateTime ;
    crm:P82b_end_of_the_end "1950-01-02T23:00:00"^^xsd:dateTime ; hg:vague true .
t:month-end crm:P82a_begin_of_the_begin "1950-01-20T00:00:00"^^xsd:dateTime ;
    crm:P82b_end_of_the_end "1950-01-31T23:59:59"^^xsd:dateTime ; hg:vague true .
t:days crm:P82a_begin_of_the_begin "1950-01-30"^^xsd:date ; crm:P82b_end_of_the_end "1950-02-02"^^xsd:date .
t:month crm:P82a_begin_of_the_begin "1950-01"^^xsd:gYearMonth ; crm:P82b_end_of_the_end "1950-01"^^xsd:gYearMonth .
t:year crm:P82a_begin_of_the_begin "1950"^^xsd:gYear ; crm:P82b_end_of_the_end "1950"^^xsd:gYear .
"""

EXPECTED = {
    "instant": "2 January 1950, 8 p.m.",
    "day": "10 January 1950",
    "early": "early February 1950",
    "evening": "2 January 1950, between 8 and 11 p.m.",
    "by": "by 11 p.m. on 2 January 1950",
    "two-days": "between 1 January and 11 p.m. on 2 January 1950",
    "month-end": "20 January to the end of January 1950",
    "days": "30 January – 2 February 1950",
    "month": "January 1950",
    "year": "1950",
}


@pytest.fixture(scope="module")
def spans() -> Graph:
    return Graph().parse(data=SPANS, format="turtle")


def _words(graph: Graph, name: str):  # type: ignore[no-untyped-def]
    span = URIRef(f"https://histgraph.example.org/id/timespan/{name}")
    begin = graph.value(span, CRM.P82a_begin_of_the_begin)
    end = graph.value(span, CRM.P82b_end_of_the_end)
    written = graph.value(span, HG.asWritten)
    vague = graph.value(span, HG.vague)
    return date_words(str(begin) if begin is not None else None, str(end) if end is not None else None,
                      vague=bool(vague is not None and vague.toPython()),
                      as_written=str(written) if written is not None else None)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_precision_is_worded_as_the_data_holds_it(spans: Graph, name: str) -> None:
    """A span reads at its own precision: a time only where the data has one, never an invented midnight."""
    words = _words(spans, name)
    assert words.text == EXPECTED[name]
    assert "00:00" not in words.text and "midnight" not in words.text


def test_the_sources_words_stay_beside_the_date(spans: Graph) -> None:
    """The source's own words are kept, unchanged, next to the worded date."""
    assert _words(spans, "instant").as_written == "At 8:00 p.m. today"
    assert _words(spans, "early").as_written == "in early February"
    assert _words(spans, "day").as_written is None


def test_machine_value_keeps_the_precision(spans: Graph) -> None:
    """<time datetime> gets the begin at its own precision: a day is a day, a time a time."""
    assert _words(spans, "day").iso == "1950-01-10"
    assert _words(spans, "instant").iso == "1950-01-02T20:00"
    assert _words(spans, "by").iso == "1950-01-02T23:00"
    assert _words(spans, "month").iso == "1950-01"


def test_a_span_not_called_vague_stays_in_numbers() -> None:
    """"Early" is the project's reading of a vague span only; a precise 1–10 February stays numbers."""
    assert date_words("1950-02-01T00:00:00", "1950-02-10T23:59:59").text == "1–10 February 1950"


def test_every_span_of_the_cable_reads_without_an_invented_time(store) -> None:  # type: ignore[no-untyped-def]
    """Every time-span of the real build is worded, with no midnight and no raw ISO value."""
    rows = store.select("""
        PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
        PREFIX hg: <https://histgraph.example.org/ontology#>
        SELECT ?ts ?b ?e ?v WHERE { ?ts a crm:E52_Time-Span .
          OPTIONAL { ?ts crm:P82a_begin_of_the_begin ?b } OPTIONAL { ?ts crm:P82b_end_of_the_end ?e }
          OPTIONAL { ?ts hg:vague ?v } }""")
    assert len(rows.rows) >= 10
    for row in rows:
        words = date_words(str(row["b"]) if "b" in row else None, str(row["e"]) if "e" in row else None,
                           vague=str(row.get("v", "")).lower() == "true").text
        assert words, row["ts"]
        assert "00:00" not in words and not re.search(r"\d{4}-\d{2}", words), words


CABLE_TEXT = (ROOT / "data" / "documents" / CABLE / "text.txt").read_text(encoding="utf-8")


def _cite(words: str) -> str:
    start = CABLE_TEXT.index(words)
    return text_places(CABLE_TEXT).cite(start, start + len(words))


def test_passages_are_cited_by_the_cables_own_paragraphs_and_sentences() -> None:
    """The cable numbers its paragraphs (1)–(3) and the options (a)–(c); citations follow them."""
    assert _cite("Comrade Stalin has finally agreed") == "¶ 1, sentence 2"
    assert _cite("At 8:00 p.m. today, Comrade Molotov") == "¶ 1, sentence 4"
    assert _cite("Comrade Molotov said promptly that option (a) was good") == "¶ 1 (c), sentence 3"
    assert _cite('Comrade Molotov replied: "Yes."') == "¶ 1 (c), sentence 5"
    assert _cite("Comrade Dong Biwu will assume the post") == "¶ 2, sentence 3"
    assert _cite("Is it necessary for Comrade Li Fuchun") == "¶ 3, sentence 4"
    assert _cite("To the Central Committee") == "opening"
    assert _cite("11:00 p.m., 2 January [1950]") == "closing"


def test_a_span_across_sentences_or_paragraphs_names_both_ends() -> None:
    """A quote over two sentences says so; one over two paragraphs names both places."""
    start = CABLE_TEXT.index("I then asked:")
    end = CABLE_TEXT.index('"Yes."') + len('"Yes."')
    assert text_places(CABLE_TEXT).cite(start, end) == "¶ 1 (c), sentences 4–5"
    start = CABLE_TEXT.index("Please consider them")
    assert text_places(CABLE_TEXT).cite(start, len(CABLE_TEXT)).startswith("¶ 3, sentence 5 – closing")


def test_unnumbered_documents_have_their_paragraphs_counted() -> None:
    """Without the document's own numbers, blocks are counted ¶ 1, ¶ 2 and the places say so."""
    text = "First block. Second sentence.\n\nSecond block."
    places = text_places(text)
    assert not places.numbered
    assert places.cite(text.index("Second sentence"), text.index("sentence.")) == "¶ 1, sentence 2"
    assert places.cite(text.index("Second block"), len(text)) == "¶ 2"


def test_abbreviations_and_times_do_not_end_sentences() -> None:
    """"p.m." before a lowercase word and "Dr." do not split a sentence; "received. At" does."""
    text = "(1) At 8:00 p.m. today we met Dr. Li. He left."
    places = text_places(text)
    assert [text[s:e] for s, e in places.blocks[0].sentences] == [
        "(1) At 8:00 p.m. today we met Dr. Li.", "He left."]


def test_the_cables_blocks_are_named_as_it_numbers_them() -> None:
    """Salutation, ¶ 1 with its options (a)–(c), ¶ 2, ¶ 3, then signature and date."""
    assert [b.name for b in text_places(CABLE_TEXT).blocks] == [
        "opening", "¶ 1", "¶ 1 (a)", "¶ 1 (b)", "¶ 1 (c)", "¶ 2", "¶ 3", "closing", "closing"]
