"""Every shape and fidelity rule fires on a small broken fixture, with its message, severity and focus.

Each fixture in tests/fixtures/shacl/ is added to base.trig (a tiny dataset that
conforms) and breaks one rule. The test asserts on the parsed findings: exactly
the expected (severity, focus node, message) triples, nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.validation.engines import load_shapes_text
from histgraph.validation.results import ValidationReport
from histgraph.validation.validate import validate_dataset

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shacl"
BASE = "https://histgraph.example.org/"
ID = BASE + "id/"
ANN = ID + "annotation/fixture-doc-0-29-desc"

V, W = "violation", "warning"

#: fixture -> the findings it must produce: (severity, focus node, start of the message)
EXPECTED: dict[str, list[tuple[str, str, str]]] = {
    "meeting-without-participant": [(V, ID + "event/lonely-meeting", "A meeting needs at least one participant")],
    "fact-without-anchor": [(V, ID + "event/unanchored", "This fact is not tied to the words of its source")],
    "quote-differs-from-text": [
        (V, ID + "annotation/fixture-doc-0-29-bad", 'The quoted words "Tester met Other in Moscow!!" are not what the text says')
    ],
    "anchor-start-after-end": [
        (V, ANN, 'The quoted words "Tester met Other in Testville" are not what the text says'),
        (V, ANN + "#position", "An anchor's start (oa:start"),
        (V, ANN + "#position", "An anchor's start (oa:start"),
    ],
    "planned-typed-as-event": [
        (V, ID + "event/planned-departure", "Only what the source reports as done can be an activity"),
        (V, ID + "event/planned-departure", "The source does not report this as done (hg:Planned)"),
    ],
    "conditional-dated-as-happened": [
        (V, ID + "claim/would-leave", "The source does not report this as done (hg:Conditional)")
    ],
    "reported-with-plan-details": [(V, ID + "claim/has-left", "The source reports this as done (hg:Reported)")],
    "time-span-ends-before-it-begins": [(V, ID + "timespan/backwards", "A time-span must begin before it ends")],
    "time-span-without-bounds": [(V, ID + "timespan/boundless", "A time-span needs at least one bound")],
    "time-span-date-not-datetime": [(V, ID + "timespan/date-only", "A time-span has at most one end")],
    "steps-share-a-position": [
        (V, ID + "step/trip-first", "Two steps of the same plan have the same position"),
        (V, ID + "step/trip-also-first", "Two steps of the same plan have the same position"),
    ],
    "step-follows-a-later-step": [(V, ID + "step/trip-arrive", "This step follows")],
    "step-begins-before-the-step-it-follows": [(V, ID + "step/trip-arrive", "This step is planned to begin")],
    "arithmetic-mismatch-flagged": [(W, ID + "step/trip-travel", "The step before begins on 1950-01-09; adding the stated 11 days gives 1950-01-20")],
    "arithmetic-mismatch-unflagged": [(V, ID + "step/trip-travel", "The step before begins on 1950-01-09; adding the stated 11 days gives 1950-01-20")],
    "duration-against-dates-flagged": [(W, ID + "step/talks", "The stated duration (10 days) does not fit the stated dates")],
    "duration-against-dates-unflagged": [(V, ID + "step/talks", "The stated duration (10 days) does not fit the stated dates")],
    "exact-match-not-reviewed": [(V, ID + "person/tester", "A Wikidata link stated as certain")],
    "close-match-not-candidate": [(V, ID + "person/tester", "An unconfirmed Wikidata link")],
    "same-as-link": [(V, ID + "person/other", "Do not use owl:sameAs")],
    "reviewed-batch-not-reviewed": [
        (V, BASE + "graph/links-test2", "A batch marked as reviewed must have been checked by a curator")
    ],
    "note-property-typo": [(V, ID + "note/typo", "This property is not one a consistency note can have")],
    "note-without-back-pointer": [(V, ID + "note/one-way", "Each record a note concerns must point back to it")],
    "note-with-modality": [(V, ID + "note/modal", "A consistency note is the editors' observation")],
    "arithmetic-note-without-values": [(V, ID + "note/no-values", "An arithmetic note needs both the value")],
    "fact-without-modality-value": [
        (V, ID + "claim/odd", "A fact needs exactly one modality"),
        (V, ID + "claim/odd", "A statement is either reported as the case"),
    ],
    "request-without-addressee": [(V, ID + "request/leave", "A request needs whom it is addressed to")],
    "agent-is-a-place": [(V, ID + "event/town-decides", "Who carried out an activity (crm:P14_carried_out_by) must be a person")],
    "person-iri-pattern": [(V, ID + "person/Tester_Two", "A person's identifier must look like")],
    "label-without-language": [(V, ID + "person/untagged", "A label needs a language tag")],
    "label-not-in-english": [(V, ID + "person/russian-only", "Every record needs a label in English")],
    "role-held-by-unattributed": [(V, ID + "role/minister", "Who filled a role (hg:heldBy")],
    "who-was-this-without-source": [
        (V, ID + "person/tester#who-was-this", 'A "who was this" line must name the source that says it'),
        (V, ID + "person/tester#who-was-this", 'A "who was this" line must name the source it is taken from'),
    ],
    "who-was-this-as-bare-text": [(V, ID + "person/tester", 'A "who was this" line (hg:whoWasThis) is a hg:WhoWasThisLine')],
    "blank-node-record": [
        (V, BASE + ".well-known/genid/fixture-1", "A place's identifier must look like"),
        (V, BASE + ".well-known/genid/fixture-1", "Every record needs an identifier"),
    ],
}


@pytest.fixture(scope="module")
def shapes_text() -> str:
    return load_shapes_text(ROOT / "shapes")


def _validate(name: str | None, shapes_text: str) -> ValidationReport:
    quads = list(ox.parse(path=str(FIXTURES / "base.trig"), format=ox.RdfFormat.TRIG))
    if name is not None:
        quads += list(ox.parse(path=str(FIXTURES / f"{name}.trig"), format=ox.RdfFormat.TRIG))
    return validate_dataset(quads, shapes_text, base_iri=BASE, workers=1)


def test_every_fixture_file_has_an_expectation() -> None:
    """Protects the rule table: a fixture without expectations would test nothing."""
    names = {p.stem for p in FIXTURES.glob("*.trig")} - {"base"}
    assert names == set(EXPECTED)


def test_base_fixture_conforms(shapes_text: str) -> None:
    """Protects the fixtures' meaning: the base they break conforms on its own."""
    report = _validate(None, shapes_text)
    assert report.conforms and report.findings == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_fixture_fires_its_rule(name: str, shapes_text: str) -> None:
    """Protects each rule: its broken fixture gives exactly the expected findings."""
    report = _validate(name, shapes_text)
    got = sorted((f.severity, f.focus, f.message) for f in report.findings)
    expected = sorted(EXPECTED[name])
    assert len(got) == len(expected), got
    for (severity, focus, message), (want_severity, want_focus, want_start) in zip(got, expected, strict=True):
        assert (severity, focus) == (want_severity, want_focus), got
        assert message.startswith(want_start), (message, want_start)
    assert report.conforms == all(s == W for s, _f, _m in expected)


def test_flagged_arithmetic_points_at_its_note(shapes_text: str) -> None:
    """Protects 'flag, not correct': the warning's sh:value is the consistency note."""
    report = _validate("arithmetic-mismatch-flagged", shapes_text)
    (finding,) = report.findings
    assert finding.value == ID + "note/trip-arithmetic"
