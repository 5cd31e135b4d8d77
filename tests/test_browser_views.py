"""The network, timeline and map pages in headless Chromium, served by a real server.

A werkzeug server on a free 127.0.0.1 port serves the session build; Playwright
drives the Debian chromium. Screenshots are kept in test-artifacts/ to be looked at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.config import load_settings
from histgraph.store import EmbeddedStore
from histgraph.store.layout import read_quads
from histgraph.web import create_app

from .conftest import serve_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
SNAPSHOT = Path(__file__).resolve().parent / "fixtures" / "enrichment" / "wikidata-snapshot.trig"
ZHOU = "https://histgraph.example.org/id/person/zhou-enlai"
@pytest.fixture(scope="module")
def cable(settings, built):  # type: ignore[no-untyped-def]
    """The project's real data: the session's validated build."""
    return settings, built


@pytest.fixture(scope="module")
def live_url(cable) -> Iterator[str]:
    """The build served by a real server."""
    settings, built = cable
    with serve_app(create_app(settings, store=EmbeddedStore.open(built.path))) as url:
        yield url


@pytest.fixture(scope="module")
def live_url_with_coordinates(cable) -> Iterator[str]:
    """The build plus a small fixture Wikidata snapshot with coordinates."""
    settings, built = cable
    quads = read_quads(built.path)
    quads += list(ox.parse(path=str(SNAPSHOT), format=ox.RdfFormat.TRIG))
    with serve_app(create_app(settings, store=EmbeddedStore.from_quads(quads, "with-coordinates"))) as url:
        yield url


@pytest.fixture
def page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh page that records console errors and uncaught exceptions in ``page.errors``."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.errors = []
    # The browser's own request for /favicon.ico (the site has none) is not a page error.
    tab.on(
        "console",
        lambda message: tab.errors.append(message.text)
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")
        else None,
    )
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


def _json(page, url: str) -> dict:  # type: ignore[no-untyped-def]
    response = page.request.get(url)
    assert response.ok, url
    return response.json()


def _ready(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector(f"{selector}[data-state=ready]", timeout=30000)


def _visible_ids(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "() => document.querySelector('#hg-network-main').hgCy.nodes().not('.hidden').map(n => n.id())"
    )


def test_network_renders_every_node_of_the_graph(page, live_url):
    """/network?view=all draws exactly the nodes and edges of /network.json (the cable's network is
    small enough to draw whole), without console errors."""
    data = _json(page, live_url + "/network.json")
    page.goto(live_url + "/network?view=all")
    _ready(page, "#hg-network-main")
    net = page.locator("#hg-network-main")
    assert int(net.get_attribute("data-total-nodes")) == len(data["nodes"])
    assert int(net.get_attribute("data-visible-nodes")) == len(data["nodes"])
    assert int(net.get_attribute("data-visible-edges")) == len(data["edges"])
    assert sorted(_visible_ids(page)) == sorted(n["id"] for n in data["nodes"])
    page.screenshot(path=str(ARTIFACTS / "network.png"), full_page=True)
    assert page.errors == []


def test_network_filters_to_what_was_planned(page, live_url):
    """The "only planned, proposed or requested" filter shows those facts and the people and
    places they involve, and nothing reported; unticking a kind hides it."""
    data = _json(page, live_url + "/network.json")
    wanted = {"planned", "proposed", "requested"}
    facts = {n["id"] for n in data["nodes"] if n["modality"] in wanted}
    neighbours = {e["source"] for e in data["edges"] if e["target"] in facts} | {
        e["target"] for e in data["edges"] if e["source"] in facts
    }
    entities = {n["id"] for n in data["nodes"] if n["modality"] is None and n["id"] in neighbours}

    page.goto(live_url + "/network?view=all")
    _ready(page, "#hg-network-main")
    page.click("button.only-intended")
    assert set(_visible_ids(page)) == facts | entities
    modality = {n["id"]: n["modality"] for n in data["nodes"]}
    assert all(modality[i] in wanted | {None} for i in _visible_ids(page))
    page.screenshot(path=str(ARTIFACTS / "network-planned.png"), full_page=True)

    page.uncheck("input[name=kind][value=person]")
    kinds = {n["id"]: n["kind"] for n in data["nodes"]}
    visible = _visible_ids(page)
    assert visible and not [i for i in visible if kinds[i] == "person"]
    page.click("button[type=reset]")
    page.wait_for_function(
        "n => document.querySelector('#hg-network-main').dataset.visibleNodes == n", arg=str(len(data["nodes"]))
    )
    assert page.errors == []


def test_network_click_opens_the_entity_page(page, live_url):
    """Clicking a node navigates to its entity page (the path of its IRI on this site)."""
    page.goto(live_url + "/network")
    _ready(page, "#hg-network-main")
    point = page.evaluate(
        """iri => { const cy = document.querySelector('#hg-network-main').hgCy;
                    const node = cy.getElementById(iri); cy.zoom(2.5); cy.center(node);
                    const p = node.renderedPosition(); return {x: p.x, y: p.y}; }""",
        ZHOU,
    )
    box = page.locator("#hg-network-main").bounding_box()
    assert page.errors == []
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_url("**/id/person/zhou-enlai")
    assert page.url == live_url + "/id/person/zhou-enlai"


def test_network_of_one_entity_shows_its_neighbourhood(page, live_url):
    """/network?focus=IRI draws the entity and what is one relation away, the entity marked."""
    data = _json(page, live_url + f"/network.json?focus={ZHOU}&depth=1")
    page.goto(live_url + f"/network?focus={ZHOU}")
    _ready(page, "#hg-network-main")
    assert sorted(_visible_ids(page)) == sorted(n["id"] for n in data["nodes"])
    focused = page.evaluate("() => document.querySelector('#hg-network-main').hgCy.nodes('.focus').map(n => n.id())")
    assert focused == [ZHOU]
    page.screenshot(path=str(ARTIFACTS / "network-zhou.png"), full_page=True)
    assert page.errors == []


def test_network_stays_usable_at_a_few_thousand_nodes(page, browser):
    """A synthetic archive of 3,000 nodes is never drawn whole: "everything" draws the 400 best-connected
    and the page says so; filters still work; the actors' view draws at most 150 actors and says so."""
    from histgraph.present.network import MAX_ACTORS, MAX_DRAWN

    from .test_network import _synthetic_archive

    store = EmbeddedStore.from_quads(_synthetic_archive(1000, 1000, 200, 100, 7), "synthetic")
    settings = load_settings({"project_dir": ROOT}, environ={})
    with serve_app(create_app(settings, store=store)) as url:
        page.goto(url + "/network?view=all")
        _ready(page, "#hg-network-main")
        net = page.locator("#hg-network-main")
        assert net.get_attribute("data-visible-nodes") == str(MAX_DRAWN)
        assert "of 3000" in page.locator("#network-extent").inner_text()
        kinds = page.evaluate("() => document.querySelector('#hg-network-main').hgCy.nodes().map(n => n.data('kind'))")
        commonest = max(set(kinds), key=kinds.count)
        page.uncheck(f"input[name=kind][value={commonest}]")
        assert net.get_attribute("data-visible-nodes") == str(len([k for k in kinds if k != commonest]))
        page.screenshot(path=str(ARTIFACTS / "network-3000.png"))
        page.goto(url + "/network")
        _ready(page, "#hg-network-main")
        assert int(net.get_attribute("data-visible-nodes")) <= MAX_ACTORS
        assert "of 1000" in page.locator("#network-extent").inner_text()
    assert page.errors == []


def test_timeline_shows_plan_and_record_rows_and_vague_ranges(page, live_url):
    """/timeline draws the three rows, every dated item as a range, vague spans marked, flags
    on the steps they concern, and selecting the planned departure also selects the record."""
    data = _json(page, live_url + "/timeline.json")
    page.goto(live_url + "/timeline")
    _ready(page, "#hg-timeline-main")
    rows = page.locator("#hg-timeline-main .vis-label").all_inner_texts()
    assert [r.strip() for r in rows] == ["reported (the cable)", "plan (the cable)", "record (other sources)"]
    ranges = page.locator("#hg-timeline-main .vis-item.vis-range")
    assert ranges.count() == len(data["items"])
    assert page.locator("#hg-timeline-main .vis-item.vis-point, #hg-timeline-main .vis-item.vis-box").count() == 0
    vague = page.locator("#hg-timeline-main .vis-item.vague")
    assert vague.count() == sum(1 for i in data["items"] if i["vague"])
    assert page.locator("#hg-timeline-main .vis-item.group-record").count() == sum(
        1 for i in data["items"] if i["group"] == "record"
    )
    flagged = page.locator("#hg-timeline-main .vis-item.flagged")
    assert flagged.count() == sum(1 for i in data["items"] if i["flags"])

    # "from 20 January to the end of the month" is a range of days, the planned departure one day.
    negotiate = page.locator("#hg-timeline-main .vis-item.vague", has_text="the end of the month")
    depart = page.locator("#hg-timeline-main .vis-item.group-plan", has_text="on 9 January")
    assert negotiate.bounding_box()["width"] > 5 * depart.bounding_box()["width"]

    depart.click()
    selected = page.evaluate("() => document.querySelector('#hg-timeline-main').hgTimeline.getSelection()")
    assert sorted(selected) == [
        "https://histgraph.example.org/id/event/zhou-departs-beijing-1950-01-10",
        "https://histgraph.example.org/id/step/zhou-journey-depart-beijing",
    ]
    assert "Zhou Enlai leaves Beijing" in page.locator("#hg-timeline-details").inner_text()
    page.screenshot(path=str(ARTIFACTS / "timeline.png"), full_page=True)
    assert page.errors == []


def test_map_draws_places_with_snapshot_coordinates(page, live_url_with_coordinates):
    """/map draws one labelled point per place whose reviewed Wikidata match has coordinates."""
    data = _json(page, live_url_with_coordinates + "/map.json")
    assert sorted(p["label"] for p in data["points"]) == ["Beijing", "Gorky", "Leningrad", "Moscow"]
    page.goto(live_url_with_coordinates + "/map")
    _ready(page, "#hg-map-main")
    labels = page.locator("#hg-map-main .leaflet-tooltip.place-label").all_inner_texts()
    assert sorted(labels) == ["Beijing", "Gorky", "Leningrad", "Moscow"]
    page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=True)
    assert page.errors == []


def test_map_without_coordinates_says_so(page, live_url):
    """With no coordinates in the data (no enrichment yet), /map says so and draws nothing."""
    page.goto(live_url + "/map")
    assert "No place has coordinates yet" in page.locator(".map-empty").inner_text()
    assert page.locator(".hg-map").count() == 0
    page.screenshot(path=str(ARTIFACTS / "map-empty.png"), full_page=True)
    assert page.errors == []
