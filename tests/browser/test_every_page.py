"""Every kind of page, in headless Chromium at 1366 and 390 px: fits, is accessible, has no errors.

The server is the real app on a free 127.0.0.1 port serving the session's
build; the browser is Debian's Chromium (Playwright). For each page of
tests/browser/pages.py and each width, the page is opened, scrolled to the
bottom (so lazily loaded pictures load), and checked for:

* no horizontal overflow: ``document.documentElement.scrollWidth <= innerWidth``;
* no critical or serious violation found by axe-core (npm's, injected from node_modules);
* no console error, uncaught exception or failed request (a 404 page's own status aside).

Screenshots go to test-artifacts/pages/NAME-WIDTH.png for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from histgraph.present.kinds import BROWSE_HEADINGS
from histgraph.web import create_app

from ..conftest import ROOT, serve_app
from .pages import FIXED_PAGES, site_pages

pytestmark = [pytest.mark.browser, pytest.mark.server]

ARTIFACTS = ROOT / "test-artifacts" / "pages"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"wide": (1366, 900), "phone": (390, 844)}
#: Every page name: the fixed ones, then one entity of each browsed kind (the cable stands for documents).
NAMES = [*FIXED_PAGES, *(segment for segment in BROWSE_HEADINGS if segment != "document")]

RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary) }));
}"""
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && getComputedStyle(el).position !== 'fixed')
    .slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ' right=' + Math.round(el.getBoundingClientRect().right));
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, widest: wide };
}"""

#: The first element in tab order (its href), and where the focus is once the page has loaded.
FOCUS = """() => {
  const candidates = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
    .filter((el) => el.tabIndex >= 0 && !el.disabled);
  const first = candidates[0];
  const active = document.activeElement;
  return { first: first ? first.getAttribute('href') : null,
           focused: active ? active.tagName.toLowerCase() + (active.id ? '#' + active.id : '') : null };
}"""


@pytest.fixture(scope="module")
def site(settings, built) -> Iterator[tuple[str, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """The app serving the session build, and the path of each page to visit."""
    app = create_app(settings)
    pages = site_pages(app.extensions["histgraph"].store, settings.base_iri)
    with serve_app(app) as url:
        yield url, pages


def visit(browser: Any, url: str, width: str, expect_status: int = 200) -> tuple[Any, Any, list[str]]:
    """Open ``url`` at a width, scrolled to the bottom once the network is idle; the page and its problems."""
    w, h = WIDTHS[width]
    # bypass_csp: the page's policy allows only this site's scripts, and axe is injected by the test.
    context = browser.new_context(viewport={"width": w, "height": h}, bypass_csp=True)
    page = context.new_page()
    problems: list[str] = []
    # The browser logs a page's own error status (the 404 page) as a failed load: that one is expected.
    own_status = f"status of {expect_status} " if expect_status >= 400 else None
    page.on("console", lambda m: m.type == "error" and not (own_status and own_status in m.text and
                                                              m.location.get("url") == url)
            and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"exception: {e}"))
    page.on("response", lambda r: r.status >= 400 and r.url != url and problems.append(f"{r.status} {r.url}"))
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == expect_status, f"{url} answered {response and response.status}"
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    return context, page, problems


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", NAMES)
def test_page_fits_is_accessible_and_has_no_errors(browser, site, name: str, width: str) -> None:  # type: ignore[no-untyped-def]
    """Protects issue #14's 'Done when': each kind of page fits a phone, passes axe (no critical/serious), logs no error."""
    url, pages = site
    assert name in pages, f"no page {name!r}: the data has no entity of that kind"
    context, page, problems = visit(browser, url + pages[name], width, 404 if name == "not-found" else 200)
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(OVERFLOW)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(RUN_AXE)
        focus = page.evaluate(FOCUS)
    finally:
        context.close()
    assert overflow["scrollWidth"] <= overflow["innerWidth"], f"wider than the screen: {overflow}"
    assert violations == [], f"axe: {violations}"
    assert problems == [], problems
    assert focus["first"] == "#main", f"the first tab stop is {focus['first']!r}, not the skip link to the content"
    assert focus["focused"] in ("body", "main#main"), f"the page moved the focus to {focus['focused']} by itself"
