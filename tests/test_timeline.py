"""The timeline: reported events, the plan and the record of other sources, vague spans, flags."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from histgraph.present.timeline import extract_timeline
from histgraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
ID = "https://histgraph.example.org/id/"
BASE = "https://histgraph.example.org/"


@pytest.fixture(scope="module")
def data(cable) -> dict:  # type: ignore[no-untyped-def]
    return extract_timeline(cable[1]).to_json(BASE)


def _by_id(data: dict) -> dict[str, dict]:
    return {i["id"]: i for i in data["items"] + data["undated"]}


def test_rows_hold_reported_events_plan_steps_and_records(data):
    """Each dated item sits in its row with the outer bounds of its time-span, as the data gives them."""
    rows = {(i["group"], i["id"].removeprefix(ID), i["start"], i["end"]) for i in data["items"]}
    assert rows == {
        ("reported", "event/breakthrough", "1950-01-01T00:00:00", "1950-01-02T23:00:00"),
        ("reported", "event/decision-to-publish-tass-interview", "1950-01-01T00:00:00", "1950-01-01T23:59:59"),
        ("reported", "event/tass-interview-published", "1950-01-02T00:00:00", "1950-01-02T23:00:00"),
        ("reported", "event/meeting-1950-01-02", "1950-01-02T20:00:00", "1950-01-02T23:00:00"),
        ("plan", "step/zhou-journey-telegram-reaches-beijing", "1950-01-03T00:00:00", "1950-01-03T23:59:59"),
        ("plan", "step/zhou-journey-depart-beijing", "1950-01-09T00:00:00", "1950-01-09T23:59:59"),
        ("plan", "step/zhou-journey-arrive-moscow", "1950-01-19T00:00:00", "1950-01-19T23:59:59"),
        ("plan", "step/zhou-journey-negotiate-and-sign", "1950-01-20T00:00:00", "1950-01-31T23:59:59"),
        ("plan", "step/zhou-journey-return-home", "1950-02-01T00:00:00", "1950-02-10T23:59:59"),
        ("record", "event/zhou-departs-beijing-1950-01-10", "1950-01-10T00:00:00", "1950-01-10T23:59:59"),
        ("record", "event/zhou-arrives-moscow-1950-01-20", "1950-01-20T00:00:00", "1950-01-20T23:59:59"),
        ("record", "event/treaty-signed-1950-02-14", "1950-02-14T00:00:00", "1950-02-14T23:59:59"),
        ("record", "event/mao-zhou-leave-moscow-1950-02-17", "1950-02-17T00:00:00", "1950-02-17T23:59:59"),
        # Issue #15: leaving Moscow is not arriving home; the record now also has Mao back in Beijing.
        ("record", "event/mao-back-in-beijing-1950-03-04", "1950-03-04T00:00:00", "1950-03-04T23:59:59"),
    }
    assert [g["label"] for g in data["groups"]] == ["reported (the cable)", "plan (the cable)", "record (other sources)"]
    assert {i["modality"] for i in data["items"] if i["group"] == "plan"} == {"planned"}


def test_vague_spans_keep_their_words(data):
    """"Early February", "the end of the month", "the past two days" are ranges marked vague,
    with the source's words."""
    vague = {i["id"].removeprefix(ID): i["as_written"] for i in data["items"] if i["vague"]}
    assert vague == {
        "event/breakthrough": "in the past two days",
        "step/zhou-journey-negotiate-and-sign": "from 20 January to the end of the month",
        "step/zhou-journey-return-home": "in early February",
    }


def test_undated_steps_are_notes_never_given_dates(data):
    """Preparation and travel have durations but no dates: listed, in plan order, never dated."""
    undated = {i["id"].removeprefix(ID): i for i in data["undated"]}
    assert set(undated) == {
        "step/zhou-journey-prepare",
        "step/zhou-journey-travel",
        "event/stalin-agrees-to-invite-zhou-and-sign",
    }
    prepare, travel = undated["step/zhou-journey-prepare"], undated["step/zhou-journey-travel"]
    assert (prepare["duration"], travel["duration"]) == ("five days", "eleven days")
    assert prepare["start"] is None and travel["start"] is None and travel["end"] is None
    assert [a["id"] for a in travel["after"]] == [ID + "step/zhou-journey-depart-beijing"]
    assert [b["id"] for b in travel["before"]] == [ID + "step/zhou-journey-arrive-moscow"]
    # Only an upper bound is known for Stalin's agreement: not drawn as a point.
    assert undated["event/stalin-agrees-to-invite-zhou-and-sign"]["end"] == "1950-01-02T23:00:00"


def test_plan_and_record_point_at_each_other(data):
    """The planned departure (9 January) knows what other sources record (10 January), and back."""
    items = _by_id(data)
    depart = items[ID + "step/zhou-journey-depart-beijing"]
    assert [r["id"] for r in depart["realised_by"]] == [ID + "event/zhou-departs-beijing-1950-01-10"]
    record = items[ID + "event/zhou-departs-beijing-1950-01-10"]
    assert [s["id"] for s in record["corresponds_to"]] == [ID + "step/zhou-journey-depart-beijing"]
    assert {a["id"] for a in record["according_to"]} == {ID + "source/getit01", ID + "source/szzy-7lue"}


def test_flags_sit_on_the_items_they_concern(data):
    """Where the cable's arithmetic does not add up, the note is attached to the steps it concerns."""
    items = _by_id(data)
    arrival = ID + "note/arrival-arithmetic"
    assert arrival in items[ID + "step/zhou-journey-arrive-moscow"]["flags"]
    assert arrival in items[ID + "step/zhou-journey-travel"]["flags"]
    assert ID + "note/negotiation-duration-arithmetic" in items[ID + "step/zhou-journey-negotiate-and-sign"]["flags"]
    flag = next(f for f in data["flags"] if f["id"] == arrival)
    assert (flag["stated"], flag["computed"], flag["kind"]) == ("1950-01-19", "1950-01-20", "arithmetic mismatch")


class _ListedIris(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.iris: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attributes = dict(attrs)
        if tag == "li" and "data-iri" in attributes:
            self.iris.append(attributes["data-iri"] or "")


def test_timeline_page_and_json(cable, data):
    """/timeline.json is the timeline; /timeline lists every dated item in date order (the drawing's
    list equivalent), the undated steps and the flags in HTML."""
    settings, store = cable
    client = create_app(settings, store=store).test_client()
    assert client.get("/timeline.json").get_json() == data
    page = client.get("/timeline")
    assert page.status_code == 200
    parser = _ListedIris()
    parser.feed(page.get_data(as_text=True))
    assert set(parser.iris) == (
        {i["id"] for i in data["items"]} | {i["id"] for i in data["undated"]} | {f["id"] for f in data["flags"]}
    )
