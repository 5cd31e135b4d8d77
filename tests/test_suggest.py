"""``histgraph suggest``: suggestions to a review file, the link-style review, Turtle that validates, and the measure."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from histgraph.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
HG_MENTION = URIRef("https://histgraph.example.org/ontology#mention")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project (data, ontology, shapes) with the HTML fixture imported as a new document."""
    root = tmp_path_factory.mktemp("suggest")
    for folder in ("data", "ontology", "shapes"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.rmtree(root / "data" / "review", ignore_errors=True)
    result = CliRunner().invoke(main, ["--project", str(root), "import", str(FIXTURES / "fixture-page.html"),
                                       "--id", "fixture-letter"])
    assert result.exit_code == 0, result.output
    return root


def _review(project: Path) -> dict:
    return json.loads((project / "data" / "review" / "suggest-fixture-letter.json").read_text(encoding="utf-8"))


def test_suggest_writes_a_review_file_not_data(project: Path) -> None:
    """Protects 'suggestions go to a review file': known mentions, dates with precision, new names; no facts.ttl yet."""
    result = CliRunner().invoke(main, ["--project", str(project), "suggest", "fixture-letter"])
    assert result.exit_code == 0, result.output
    assert not (project / "data" / "documents" / "fixture-letter" / "facts.ttl").exists()
    entries = {e["id"]: e for e in _review(project)["entries"]}
    molotov = entries["mention:person/molotov:comrade-molotov"]
    assert molotov["entity"] == "https://histgraph.example.org/id/person/molotov" and molotov["decisions"] == []
    dates = {e["words"]: e for e in entries.values() if e["kind"] == "date"}
    assert (dates["9 March"]["begin"], dates["9 March"]["end_of_span"]) == ("1951-03-09T00:00:00", "1951-03-09T23:59:59")
    early = dates["early April"]
    assert (early["begin"], early["end_of_span"], early["vague"]) == ("1951-04-01T00:00:00", "1951-04-10T23:59:59", True)
    assert "Springfield" in {e["words"] for e in entries.values() if e["kind"] == "new-entity"}


def test_accepted_suggestions_become_turtle_that_validates(project: Path) -> None:
    """Protects the review flow: --accept/--reject as in `histgraph link`, a stable facts.ttl block, a conforming project."""
    runner = CliRunner()
    base = ["--project", str(project), "suggest", "fixture-letter"]
    assert runner.invoke(main, base).exit_code == 0
    date_id = next(e["id"] for e in _review(project)["entries"] if e["kind"] == "date" and e["words"] == "9 March")
    decided = runner.invoke(main, [*base, "--accept", "mention:person/molotov:comrade-molotov", "--accept", date_id,
                                   "--accept", "new:springfield=place", "--reject", "new:springfield",
                                   "--reviewer", "A. Curator"])
    assert decided.exit_code == 0, decided.output
    facts = project / "data" / "documents" / "fixture-letter" / "facts.ttl"
    graph = Graph().parse(facts, format="turtle")
    assert set(graph.subject_objects(HG_MENTION)) == {
        (URIRef("https://histgraph.example.org/id/person/molotov"), Literal("Comrade Molotov"))}
    assert (None, None, Literal("9 March")) in graph
    before = facts.read_bytes()
    assert runner.invoke(main, [*base, "--apply"]).exit_code == 0
    assert facts.read_bytes() == before  # applying again changes nothing
    unknown = runner.invoke(main, [*base, "--accept", "new:nowhere=place", "--reviewer", "A. Curator"])
    assert unknown.exit_code != 0 and "not in the review file" in unknown.output
    no_kind = runner.invoke(main, [*base, "--accept", "new:springfield", "--reviewer", "A. Curator"])
    assert no_kind.exit_code != 0 and "=KIND" in no_kind.output
    validated = runner.invoke(main, ["--project", str(project), "validate"])
    assert validated.exit_code == 0, validated.output


def test_suggestions_on_the_cable_keep_their_measured_quality() -> None:
    """Protects the measured quality (docs/benchmarks.md) on the cable with its mentions hidden.

    Measured: known entities recall 68/76 (89.5%, just under the 90% goal) and
    precision 63/67 (94%); dates 13 of 14 found and resolved to the right days, none
    wrong. The data is edited by others, so this asserts the level, not the counts:
    precision at the 80% goal, recall no lower than 85%, every person found, and no
    wrong date.
    """
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from suggest_quality import measure
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    result = measure(ROOT / "data")
    known = result["known entities"]
    assert known["precision"] >= 0.8 and known["recall"] >= 0.85
    assert result["person"]["recall"] == 1.0
    assert result["date"]["precision"] == 1.0 and result["date"]["resolved"] == result["date"]["found"]
