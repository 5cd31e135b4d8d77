"""The network reads as "who dealt with whom, about what" (issue #14 item 6), in headless Chromium.

The default view draws actors only, one line per pair labelled with what ties them; a "focus on…"
box and a depth control centre it on one actor; a sortable table holds the same links for readers
who do not use the picture. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from histgraph.present.network import ACTOR_KINDS
from histgraph.store import EmbeddedStore
from histgraph.web import create_app

from .conftest import serve_app

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ZHOU = "https://histgraph.example.org/id/person/zhou-enlai"


@pytest.fixture(scope="module")
def live_url(settings, built) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The session build served by a real server on 127.0.0.1."""
    with serve_app(create_app(settings, store=EmbeddedStore.open(built.path))) as url:
        yield url


@pytest.fixture
def page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh page that records console errors and uncaught exceptions in ``page.errors``."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 1000})
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda m: tab.errors.append(m.text)
           if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico") else None)
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


def _ready(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("#hg-network-main[data-state=ready]", timeout=30000)


def _drawn(page) -> dict[str, list]:  # type: ignore[no-untyped-def]
    return page.evaluate("""() => { const cy = document.querySelector('#hg-network-main').hgCy;
        return { nodes: cy.nodes().not('.hidden').map(n => [n.id(), n.data('kind')]),
                 edges: cy.edges().not('.hidden').map(e => [e.source().id(), e.target().id(), e.data('modality')]) }; }""")


def _table(page) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return page.evaluate("""() => Array.from(document.querySelectorAll('#network-table tbody tr')).map(
        r => [r.dataset.source, r.dataset.target, r.cells[2].dataset.value])""")


def test_default_view_is_actors_tied_by_what_they_dealt_with(page, live_url) -> None:  # type: ignore[no-untyped-def]
    """Only people, groups and roles are drawn; each line is a pair of them, labelled with the facts that tie
    them; the table lists exactly the drawn pairs, and Mao–Molotov and Mao–Zhou are there."""
    data = page.request.get(live_url + "/network.json?view=actors").json()
    page.goto(live_url + "/network")
    _ready(page)
    drawn = _drawn(page)
    assert drawn["nodes"] and {kind for _id, kind in drawn["nodes"]} <= ACTOR_KINDS
    assert sorted(i for i, _k in drawn["nodes"]) == sorted(n["id"] for n in data["nodes"])
    pairs = {(s, t) for s, t, _m in drawn["edges"]}
    table = _table(page)
    assert {(s, t) for s, t, _n in table} == pairs
    people = "https://histgraph.example.org/id/person/"
    assert (people + "mao-zedong", people + "molotov") in pairs
    assert (people + "mao-zedong", people + "zhou-enlai") in pairs
    counts = {(e["source"], e["target"]): len(e["facts"]) for e in data["edges"]}
    assert all(int(n) == max(1, counts[(s, t)]) for s, t, n in table)
    # Every "about what" links to the fact's page.
    about = page.evaluate("() => Array.from(document.querySelectorAll('#network-table .dealt-about a')).map(a => a.getAttribute('href'))")
    assert about and all(h.startswith("/id/") for h in about)
    page.screenshot(path=str(ARTIFACTS / "network-actors.png"), full_page=True)
    assert page.errors == []


def test_only_intended_lines_in_the_actors_view(page, live_url) -> None:  # type: ignore[no-untyped-def]
    """Filtering to what was planned, proposed or requested leaves no reported line, and no actor without a line."""
    page.goto(live_url + "/network")
    _ready(page)
    page.click("button.only-intended")
    drawn = _drawn(page)
    assert drawn["edges"]
    assert {m for _s, _t, m in drawn["edges"]} <= {"planned", "proposed", "requested", "none"}
    ends = {s for s, _t, _m in drawn["edges"]} | {t for _s, t, _m in drawn["edges"]}
    assert {i for i, _k in drawn["nodes"]} == ends
    assert page.errors == []


def test_focus_on_a_name_with_a_depth(page, live_url) -> None:  # type: ignore[no-untyped-def]
    """Typing an older spelling in "focus on…" and choosing depth 2 draws Zhou Enlai's neighbourhood two
    relations deep, Zhou marked, exactly as /network.json gives it."""
    page.goto(live_url + "/network")
    page.fill("#network-name", "Chou En-lai")
    page.select_option("#network-depth", "2")
    page.click(".network-focus button[type=submit]")
    page.wait_for_url("**/network?name=Chou*")
    _ready(page)
    data = page.request.get(live_url + f"/network.json?focus={ZHOU}&depth=2").json()
    drawn = _drawn(page)
    assert sorted(i for i, _k in drawn["nodes"]) == sorted(n["id"] for n in data["nodes"])
    one = page.request.get(live_url + f"/network.json?focus={ZHOU}&depth=1").json()
    assert len(data["nodes"]) > len(one["nodes"])
    focused = page.evaluate("() => document.querySelector('#hg-network-main').hgCy.nodes('.focus').map(n => n.id())")
    assert focused == [ZHOU]
    assert page.locator("h1").inner_text() == "Around Zhou Enlai"
    page.screenshot(path=str(ARTIFACTS / "network-focus-zhou-2.png"), full_page=True)
    assert page.errors == []


def test_the_table_sorts_from_the_keyboard(page, live_url) -> None:  # type: ignore[no-untyped-def]
    """The table's sort buttons are reached with Tab and pressed with Enter; rows reorder and aria-sort says how."""
    page.goto(live_url + "/network")
    _ready(page)
    page.locator("#network-table th button[data-sort='0']").focus()
    # The sort buttons are in the tab order: Tab goes to the next column's, Shift+Tab comes back.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.sort") == "1"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.dataset.sort") == "0"
    page.keyboard.press("Enter")
    assert page.locator("#network-table th").nth(0).get_attribute("aria-sort") == "ascending"
    names = page.evaluate("() => Array.from(document.querySelectorAll('#network-table tbody tr')).map(r => r.cells[0].dataset.value)")
    assert names == sorted(names, key=str.casefold)
    page.keyboard.press("Enter")
    assert page.locator("#network-table th").nth(0).get_attribute("aria-sort") == "descending"
    counts = page.locator("#network-table th button[data-sort='2']")
    counts.focus()
    page.keyboard.press("Enter")
    # Counts sort the biggest first on the first press, then the other way.
    values = [int(n) for _s, _t, n in _table(page)]
    assert values == sorted(values, reverse=True)
    page.keyboard.press("Enter")
    values = [int(n) for _s, _t, n in _table(page)]
    assert values == sorted(values)
    assert page.locator("#network-table th").nth(2).get_attribute("aria-sort") == "ascending"
    assert page.errors == []
