"""``histgraph link`` end to end: reconcile, review (CLI and by hand), build; every link carries status and provenance.

A copy of the real project is reconciled against a real ``oxigraph serve``
holding the Wikidata-shaped fixture; the review file is parsed as JSON and the
batch of links as TriG; the copy is then built (validated) and queried.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

from histgraph.build.pipeline import build
from histgraph.cli import main
from histgraph.config import load_settings
from histgraph.store import EmbeddedStore, to_rdflib
from histgraph.validation.engines import load_shapes_text
from histgraph.validation.validate import validate_graph
from histgraph.wikidata.review import candidate_method
from tests.conftest import ROOT, copy_project
from tests.fixtures.wikidata.servers import wikidata_endpoint

BASE = "https://histgraph.example.org/"
WD = "http://www.wikidata.org/entity/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
HG = "https://histgraph.example.org/ontology#"
PROV = "http://www.w3.org/ns/prov#"
TODAY = date.today().isoformat()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with wikidata_endpoint(tmp_path_factory.mktemp("wikidata")) as url:
        yield url


def run(project: Path, *args: str, reviewer: str | None = None):  # type: ignore[no-untyped-def]
    env = {"HISTGRAPH_WIKIDATA_CACHE_DIR": str(project / ".cache" / "wikidata")}
    if reviewer:
        env["HISTGRAPH_REVIEWER"] = reviewer
    return CliRunner().invoke(
        main, ["--project", str(project), *args], env=env, catch_exceptions=False
    )


def quads_of(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))


def graph_triples(quads: list[ox.Quad], graph: str) -> set[tuple[str, str, str]]:
    return {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in quads
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == graph
    }


@pytest.fixture()
def linked(tmp_path: Path, endpoint: str) -> Path:
    """A project copy after `histgraph link --include-linked` against the fixture endpoint."""
    project = copy_project(tmp_path / "project")
    result = run(project, "link", "--endpoint", endpoint, "--include-linked")
    assert result.exit_code == 0, result.output
    return project


def test_link_writes_a_review_file_with_scores_and_reasons(linked: Path) -> None:
    """Protects the review file: candidates with scores and reasons, suggestions, no decisions yet."""
    review = json.loads(
        (linked / "data/links/review" / f"wikidata-{TODAY}.json").read_text(encoding="utf-8")
    )
    entries = {e["entity"].removeprefix(BASE + "id/"): e for e in review["entities"]}
    assert entries["place/leningrad"]["suggested"] == "Q656"
    assert entries["person/li-fuchun"]["suggested"] is None
    top = entries["work/new-sino-soviet-treaty"]["candidates"][0]
    assert top["qid"] == "Q990000062" and top["score"] >= 70 and top["reasons"]
    assert all(e["decisions"] == [] for e in review["entities"])


def test_unreviewed_candidates_are_published_only_as_candidates(linked: Path) -> None:
    """Protects honesty: before review nothing is an exact match; candidates are closeMatch in a hg:Candidate batch.
    """
    quads = quads_of(linked / "data/links" / f"wikidata-{TODAY}.trig")
    batch = f"{BASE}graph/links-wikidata-{TODAY}"
    assert not graph_triples(quads, batch)  # nothing reviewed yet
    candidates = graph_triples(quads, f"{batch}-candidates")
    assert not any(p == SKOS + "exactMatch" for q in quads for p in [q.predicate.value])
    method = candidate_method()
    assert (f"{BASE}id/place/leningrad", SKOS + "closeMatch", WD + "Q656") in candidates
    assert {p for _s, p, _o in candidates} == {SKOS + "closeMatch"}
    li = {o for s, _p, o in candidates if s.endswith("/person/li-fuchun")}
    assert li == {WD + "Q990000031", WD + "Q990000032"}  # ambiguous: both stay candidates
    described = {(q.subject.value, q.predicate.value, q.object.value) for q in quads}
    assert (f"{batch}-candidates", HG + "matchStatus", HG + "Candidate") in described
    assert (f"{batch}-candidates", HG + "matchMethod", method) in described


def test_accept_and_reject_make_a_reviewed_batch_with_who_when_how(linked: Path) -> None:
    """Protects review: accepted matches become skos:exactMatch with reviewer, time, method, score and reasons."""
    result = run(
        linked,
        "link",
        "--accept",
        "place:leningrad",
        "--accept",
        "work:new-sino-soviet-treaty",
        "--reject",
        "person:li-fuchun=Q990000031",
        reviewer="Test Curator",
    )
    assert result.exit_code == 0, result.output
    quads = quads_of(linked / "data/links" / f"wikidata-{TODAY}.trig")
    batch = f"{BASE}graph/links-wikidata-{TODAY}"
    reviewed = graph_triples(quads, batch)
    assert reviewed == {
        (f"{BASE}id/place/leningrad", SKOS + "exactMatch", WD + "Q656"),
        (f"{BASE}id/work/new-sino-soviet-treaty", SKOS + "exactMatch", WD + "Q990000062"),
    }
    store = ox.Store()
    store.extend(quads)
    statement = next(
        iter(
            store.query(
                "SELECT ?st ?who ?when ?score ?method WHERE { ?st a rdf:Statement ; rdf:object <"
                + WD
                + "Q656> ; "
                "prov:wasAttributedTo ?a ; prov:generatedAtTime ?when ; rdf:value ?score ; hg:matchMethod ?method . "
                "?a rdfs:label ?who }",
                prefixes={
                    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                    "prov": PROV,
                    "hg": HG,
                    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                },
            )
        )
    )
    assert statement["who"].value == "Test Curator"
    assert statement["method"].value == HG + "ManualReview"
    assert int(statement["score"].value) >= 70
    assert (batch, HG + "matchStatus", HG + "Reviewed") in {
        (q.subject.value, q.predicate.value, q.object.value) for q in quads
    }
    candidates = graph_triples(quads, f"{batch}-candidates")
    assert not any(s.endswith("/place/leningrad") for s, _p, _o in candidates)
    assert {o for s, _p, o in candidates if s.endswith("/person/li-fuchun")} == {WD + "Q990000032"}


def test_hand_edited_review_file_is_applied(linked: Path) -> None:
    """Protects the hand-editing path: a decision added in the JSON becomes a reviewed match with --apply."""
    path = linked / "data/links/review" / f"wikidata-{TODAY}.json"
    review = json.loads(path.read_text(encoding="utf-8"))
    for entry in review["entities"]:
        if entry["entity"].endswith("/person/li-fuchun"):
            entry["decisions"].append(
                {"status": "accepted", "qid": "Q990000032", "reviewer": "Hand Editor"}
            )
    path.write_text(json.dumps(review), encoding="utf-8")
    result = run(linked, "link", "--apply")
    assert result.exit_code == 0, result.output
    reviewed = graph_triples(
        quads_of(linked / "data/links" / f"wikidata-{TODAY}.trig"),
        f"{BASE}graph/links-wikidata-{TODAY}",
    )
    assert (f"{BASE}id/person/li-fuchun", SKOS + "exactMatch", WD + "Q990000032") in reviewed


def test_bad_decisions_are_refused_and_nothing_is_written(linked: Path) -> None:
    """Protects the review file and batch: an invalid decision changes neither, and says what to do."""
    review = linked / "data/links/review" / f"wikidata-{TODAY}.json"
    batch = linked / "data/links" / f"wikidata-{TODAY}.trig"
    before = (review.read_bytes(), batch.read_bytes())
    result = run(linked, "link", "--accept", "person:li-fuchun", reviewer="Test Curator")
    assert result.exit_code == 1
    assert "no suggestion" in result.output and "--accept person:li-fuchun=Q" in result.output
    result = run(linked, "link", "--accept", "place:leningrad")  # nobody named
    assert result.exit_code == 1 and "--reviewer" in result.output
    assert (review.read_bytes(), batch.read_bytes()) == before


def test_every_published_link_carries_status_and_provenance(linked: Path, tmp_path: Path) -> None:
    """Protects the published data: after review and a build, each Wikidata link's graph has status, agent and time."""
    assert run(linked, "link", "--accept", "place:gorky", reviewer="Test Curator").exit_code == 0
    settings = load_settings({"project_dir": linked, "build_dir": tmp_path / "build"}, environ={})
    store = EmbeddedStore.open(build(settings, validate=False).path)
    rows = store.select(
        """PREFIX hg: <https://histgraph.example.org/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?s ?rel ?o ?status ?method ?agent ?when WHERE {
          VALUES ?rel { skos:exactMatch skos:closeMatch }
          GRAPH ?g { ?s ?rel ?o FILTER(STRSTARTS(STR(?o), "http://www.wikidata.org/entity/")) }
          OPTIONAL { ?g hg:matchStatus ?status }
          OPTIONAL { ?g hg:matchMethod ?method }
          OPTIONAL { ?g prov:wasAttributedTo ?agent }
          OPTIONAL { ?g prov:generatedAtTime ?when }
        }"""
    )
    assert len(rows) > 10
    for row in rows:
        assert {"status", "method", "agent", "when"} <= row.keys(), row
        expected = "Reviewed" if str(row["rel"]).endswith("exactMatch") else "Candidate"
        assert str(row["status"]) == HG + expected, row
    gorky = [r for r in rows if str(r["s"]).endswith("/place/gorky") and str(r["o"]) == WD + "Q891"]
    assert {str(r["status"]) for r in gorky} == {HG + "Reviewed"}


def test_batches_conform_to_the_link_shapes(linked: Path) -> None:
    """Protects builds after a review: the batch (links, statements, agents) passes the project's shapes."""
    assert (
        run(
            linked,
            "link",
            "--accept",
            "place:leningrad",
            "--accept",
            "person:li-fuchun=Q990000031",
            reviewer="Test Curator",
        ).exit_code
        == 0
    )
    data = Graph()
    for quad in quads_of(linked / "data/links" / f"wikidata-{TODAY}.trig"):
        data.add(tuple(to_rdflib(t) for t in (quad.subject, quad.predicate, quad.object)))  # type: ignore[arg-type]
    shapes = Graph().parse(data=load_shapes_text(ROOT / "shapes"), format="turtle")
    report = validate_graph(data, shapes)
    assert report.conforms, [f.message for f in report.findings]


def test_commands_have_help() -> None:
    """Protects the documented surface: both commands explain themselves."""
    for name in ("link", "enrich"):
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "docs/wikidata.md" in result.output
