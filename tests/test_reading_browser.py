"""Reading the cable in Chromium: calm mode and legend, the fact panel by keyboard, phones at 390 px.

The real app serves the session's build on 127.0.0.1 (werkzeug in a thread);
Debian's Chromium is driven by Playwright. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from histgraph.web import create_app

from .conftest import CABLE, ROOT, serve_app

pytestmark = [pytest.mark.browser, pytest.mark.server]

ARTIFACTS = ROOT / "test-artifacts"
DOCUMENT = f"/id/document/{CABLE}"


@pytest.fixture(scope="module")
def site(settings, built) -> Iterator[str]:
    with serve_app(create_app(settings)) as url:
        yield url


def _page(browser, width: int = 1366):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 860})
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return context, page


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"reading-{name}.png"))


def _underline(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    return page.eval_on_selector(selector, "el => getComputedStyle(el).borderBottomColor")


def test_calm_mode_hides_marks_until_asked_and_is_remembered(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    """Calm by default (marks on hover only); the toggle shows every mark and the choice survives a reload."""
    context, page = _page(browser)
    page.goto(site + DOCUMENT)
    fact = "#p1 .fact.cat-events"
    page.mouse.move(1300, 5)  # away from the text
    assert _underline(page, fact) == "rgba(0, 0, 0, 0)"
    toggle = page.locator("#highlight-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    page.hover("#p1")
    assert _underline(page, fact) != "rgba(0, 0, 0, 0)"  # on hover, the paragraph's marks show
    page.mouse.move(1300, 5)
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert _underline(page, fact) != "rgba(0, 0, 0, 0)"
    _shot(page, "all-highlights")
    page.reload()
    assert page.locator("#highlight-toggle").get_attribute("aria-pressed") == "true"
    assert "calm" not in (page.get_attribute("#annotated-text", "class") or "").split()
    page.locator("#highlight-toggle").click()  # back to calm for the next visit
    page.reload()
    assert "calm" in (page.get_attribute("#annotated-text", "class") or "").split()
    _shot(page, "calm")
    assert page.problems == []
    context.close()


def test_the_legend_opens_and_shows_each_mark(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    """The legend is near the text and shows a styled sample of each kind of mark."""
    context, page = _page(browser)
    page.goto(site + DOCUMENT)
    page.click("#legend summary")
    samples = page.locator("#legend .sample")
    assert samples.count() >= 7 and samples.first.is_visible()
    styles = {page.eval_on_selector(f"#legend .sample.fact.cat-{c}", "el => getComputedStyle(el).borderBottomStyle")
              for c in ("events", "plans", "notes")}
    assert styles == {"solid", "dashed", "dotted"}
    top = page.eval_on_selector("#annotated-text", "el => el.getBoundingClientRect().top")
    assert top < 860, "the text starts on the first screen"
    _shot(page, "legend")
    context.close()


def test_keyboard_opens_the_panel_focus_moves_in_and_escape_returns_it(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    """One tab stop per paragraph; Enter opens its statements with focus inside; Escape closes and returns focus."""
    context, page = _page(browser)
    page.goto(site + DOCUMENT)
    stops = page.evaluate("""() => Array.from(document.querySelectorAll('#annotated-text *'))
        .filter(el => el.tabIndex >= 0).length""")
    paragraphs = page.locator("#annotated-text .para").count()
    assert stops == paragraphs
    page.focus("#highlight-toggle")
    for _ in range(10):  # Tab forward to the first paragraph of ¶ 1
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "p1":
            break
    assert page.evaluate("document.activeElement.id") == "p1"
    page.keyboard.press("Enter")
    panel = page.locator("#fact-panel")
    assert panel.is_visible()
    assert page.evaluate("document.getElementById('fact-panel').contains(document.activeElement)")
    assert page.locator("#fact-panel-title").inner_text() == "Statements in ¶ 1"
    assert panel.locator(".panel-facts li").count() >= 3
    assert panel.locator(".panel-names a[href^='/id/person/stalin']").count() == 1
    _shot(page, "panel-keyboard")
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    assert page.evaluate("document.activeElement.id") == "p1"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "p1a"
    assert page.problems == []
    context.close()


def test_clicking_words_opens_the_panel_and_close_returns_focus(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    """A click on marked words lists what they state; the close button shuts it, focus back on the paragraph."""
    context, page = _page(browser)
    page.goto(site + DOCUMENT)
    page.locator("#p1c > .fact.cat-plans").first.click()
    panel = page.locator("#fact-panel")
    assert panel.is_visible()
    assert panel.locator(".modality").count() >= 1
    assert page.locator("#annotated-text .fact.selected").count() >= 1
    panel.locator("button.close").click()
    assert panel.is_hidden()
    assert page.evaluate("document.activeElement.id") == "p1c"
    context.close()


@pytest.mark.parametrize("path", [DOCUMENT, "/id/person/zhou-enlai", "/id/plan/zhou-journey",
                                  "/id/event/zhou-departs-beijing-1950-01-10"])
def test_no_horizontal_overflow_at_390_px(site: str, browser, path: str) -> None:  # type: ignore[no-untyped-def]
    """At 390 px the reading pages lay out within the screen."""
    context, page = _page(browser, 390)
    page.goto(site + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('main *'))
        .filter(el => el.getBoundingClientRect().right > 391 && !el.closest('.table-scroll'))
        .slice(0, 5).map(el => el.tagName + '.' + el.className)""")
    assert width <= 390 and wide == [], (width, wide)
    _shot(page, "390-" + path.strip("/").replace("/", "-"))
    assert page.problems == []
    context.close()


def test_the_fact_panel_is_a_bottom_sheet_on_a_phone(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    """At 390 px the opened panel spans the screen's width at its bottom, inside the viewport."""
    context, page = _page(browser, 390)
    page.goto(site + DOCUMENT)
    page.locator("#p2 > .fact").first.click()
    box = page.locator("#fact-panel").bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["width"] >= 380
    assert box["y"] + box["height"] <= 860 + 1 and box["y"] > 0
    _shot(page, "390-panel")
    context.close()
