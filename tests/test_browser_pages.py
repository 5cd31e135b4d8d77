"""Headless Chromium on a real server: read the cable, follow a name, come back, search.

The server is the real app on a free 127.0.0.1 port (werkzeug in a thread),
serving the session's build; the browser is Debian's chromium driven by
Playwright. Screenshots are kept in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from histgraph.web import create_app

from .conftest import CABLE, ROOT, serve_app

pytestmark = [pytest.mark.browser, pytest.mark.server]

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def site(settings, built) -> Iterator[str]:
    """The app serving the session build at http://127.0.0.1:<port>."""
    with serve_app(create_app(settings)) as url:
        yield url


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    """A fresh page that records console errors and failed requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    # Requests aborted by a navigation are not problems; answers of 400 and more are.
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"{r.status} {r.url}"))
    yield page
    context.close()


def _shot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def test_mention_to_entity_and_back_to_the_passage(site: str, page) -> None:  # type: ignore[no-untyped-def]
    """Document view -> click "Molotov" -> his page with that passage highlighted -> back to the text."""
    page.goto(f"{site}/id/document/{CABLE}")
    _shot(page, "document-view")
    mention = page.locator("#annotated-text a.mention[href^='/id/person/molotov']").first
    href = mention.get_attribute("href")
    start_end = href.split("from=")[1].split("#")[0]
    mention.click()
    page.wait_for_url("**/id/person/molotov**")
    assert page.locator("h1").inner_text().startswith("Vyacheslav Molotov")
    current = page.locator(".passage.current")
    assert current.count() == 1
    assert "Molotov" in current.locator("mark").first.inner_text()
    assert current.is_visible()
    _shot(page, "entity-molotov")
    current.locator("a.to-text").click()
    page.wait_for_url(f"**/id/document/{CABLE}?hl=*")
    highlighted = page.locator("#annotated-text .hl")
    assert highlighted.count() >= 1
    assert "Molotov" in " ".join(highlighted.all_inner_texts()) or start_end
    assert page.problems == []


def test_clicking_a_fact_shows_its_statements_with_modality(site: str, page) -> None:  # type: ignore[no-untyped-def]
    """Clicking words that state a fact opens the panel listing the statement and its modality."""
    page.goto(f"{site}/id/document/{CABLE}")
    fact = page.locator("#annotated-text .para > .fact.cat-plans").first  # not inside a name's link
    fact.click()
    panel = page.locator("#fact-panel")
    assert panel.is_visible()
    badges = panel.locator(".modality").all_inner_texts()
    assert badges and all(b.strip().lower() in {"planned", "proposed", "requested", "asked", "conditional", "reported",
                                                "inferred"}
                          for b in badges)
    assert any(b.strip().lower() != "reported" for b in badges)
    _shot(page, "document-fact-panel")
    assert page.problems == []


def test_search_autocomplete_leads_to_the_page(site: str, page) -> None:  # type: ignore[no-untyped-def]
    """Typing part of a name in the header box offers it; choosing it opens its page."""
    page.goto(f"{site}/")
    box = page.locator("header .nav-search input")
    box.fill("molo")
    option = page.locator("header ul.autocomplete a[href='/id/person/molotov']")
    option.wait_for(state="visible")
    _shot(page, "search-autocomplete")
    option.click()
    page.wait_for_url("**/id/person/molotov")
    assert page.problems == []
