"""The map: places drawn at the coordinates of their reviewed Wikidata match, and only those."""

from __future__ import annotations

import doctest
from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.present import geo
from histgraph.present.geo import place_points
from histgraph.store import EmbeddedStore
from histgraph.store.layout import read_quads
from histgraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://histgraph.example.org/"
SNAPSHOT = Path(__file__).resolve().parent / "fixtures" / "enrichment" / "wikidata-snapshot.trig"


@pytest.fixture(scope="module")
def cable(settings, built):  # type: ignore[no-untyped-def]
    """The project's real data: the session's validated build."""
    return settings, built


def _store_with(built, *extra: ox.Quad) -> EmbeddedStore:  # type: ignore[no-untyped-def]
    quads = read_quads(built.path)
    quads += list(ox.parse(path=str(SNAPSHOT), format=ox.RdfFormat.TRIG))
    return EmbeddedStore.from_quads(quads + list(extra))


def test_doctests():
    """The WKT parsing examples in histgraph.present.geo hold."""
    assert doctest.testmod(geo).failed == 0


def test_places_with_snapshot_coordinates(cable):
    """The fixture snapshot's coordinates reach the places that exactMatch its items."""
    points = {p.label: (p.wikidata, p.lon, p.lat) for p in place_points(_store_with(cable[1]), BASE)}
    assert points == {
        "Moscow": ("http://www.wikidata.org/entity/Q649", 37.62, 55.76),
        "Beijing": ("http://www.wikidata.org/entity/Q956", 116.40, 39.90),
        "Leningrad": ("http://www.wikidata.org/entity/Q656", 30.31, 59.94),
        "Gorky": ("http://www.wikidata.org/entity/Q891", 44.00, 56.33),
    }


def test_candidate_matches_and_other_graphs_put_nothing_on_the_map(cable):
    """Coordinates of an unconfirmed candidate (the subway, Q5499), or outside the snapshot
    graph, draw no point."""
    wdt = ox.NamedNode("http://www.wikidata.org/prop/direct/P625")
    point = ox.Literal("Point(37.6 55.7)", datatype=ox.NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral"))
    extra = (
        ox.Quad(ox.NamedNode("http://www.wikidata.org/entity/Q5499"), wdt, point, ox.NamedNode(BASE + "graph/wikidata-snapshot")),
        ox.Quad(ox.NamedNode("http://www.wikidata.org/entity/Q191414"), wdt, point, ox.NamedNode(BASE + "graph/elsewhere")),
    )
    labels = {p.label for p in place_points(_store_with(cable[1], *extra), BASE)}
    assert labels == {"Moscow", "Beijing", "Leningrad", "Gorky"}


def test_map_without_coordinates_says_so(cable):
    """The real build has no coordinates (enrichment needs internet): the page says so plainly."""
    settings, built = cable
    client = create_app(settings, store=EmbeddedStore.open(built.path)).test_client()
    assert client.get("/map.json").get_json()["points"] == []
    page = client.get("/map").get_data(as_text=True)
    assert "No place has coordinates yet" in page and "leaflet.js" not in page


def test_map_json_with_coordinates(cable):
    """/map.json lists each point with its page, its Wikidata item and its coordinates."""
    settings, built = cable
    client = create_app(settings, store=_store_with(built)).test_client()
    points = {p["label"]: p for p in client.get("/map.json").get_json()["points"]}
    assert points["Leningrad"]["href"] == "/id/place/leningrad"
    assert (points["Beijing"]["lon"], points["Beijing"]["lat"]) == (116.40, 39.90)
    assert "4 places of the graph" in client.get("/map").get_data(as_text=True)
