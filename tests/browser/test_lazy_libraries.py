"""Heavy libraries load only when their picture comes into view (issue #14 item 9), in Chromium.

The app serves the session's build on a free 127.0.0.1 port; what the browser
fetched is read from its own list of requests, not from the page's HTML.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from histgraph.web import create_app

from ..conftest import serve_app

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def site(settings, built) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app serving the session build."""
    with serve_app(create_app(settings)) as url:
        yield url


def fetched(browser, url: str, width: int, height: int, scroll: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """The paths the browser requested for ``url`` at that size, optionally after scrolling to the end."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    paths: list[str] = []
    page.on("request", lambda r: paths.append(r.url.split("/", 3)[-1]))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if scroll:
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_selector("#yasgui[data-ready=true]", timeout=20000)
    context.close()
    return paths


def test_the_editor_library_waits_until_the_editor_is_in_view(browser, site: str) -> None:  # type: ignore[no-untyped-def]
    """Protects lazy loading: in a short window YASGUI is not fetched until the reader scrolls to the editor."""
    before = fetched(browser, f"{site}/editor", 390, 240, scroll=False)
    assert "static/editor.js" in before
    assert not any("yasgui" in p for p in before), before
    after = fetched(browser, f"{site}/editor", 390, 240, scroll=True)
    assert "assets/vendor/yasgui.min.js" in after and "assets/vendor/yasgui.min.css" in after


def test_the_timeline_library_is_never_fetched_on_a_phone(browser, site: str) -> None:  # type: ignore[no-untyped-def]
    """Protects the phone layout: the list replaces the drawing, so vis-timeline is not fetched; on a wide screen it is."""
    phone = fetched(browser, f"{site}/timeline", 390, 844, scroll=False)
    wide = fetched(browser, f"{site}/timeline", 1366, 900, scroll=False)
    assert not any("vis-timeline" in p for p in phone), phone
    assert "assets/vendor/vis-timeline-graph2d.min.js" in wide


def test_an_entity_page_draws_its_neighbourhood_only_when_it_comes_into_view(browser, site: str) -> None:  # type: ignore[no-untyped-def]
    """Protects entity pages' weight: Cytoscape is fetched only once the neighbourhood is scrolled to,
    and the picture is then drawn (its nodes are on the page's Cytoscape instance)."""
    context = browser.new_context(viewport={"width": 1366, "height": 400})
    page = context.new_page()
    paths: list[str] = []
    page.on("request", lambda r: paths.append(r.url.split("/", 3)[-1]))
    page.goto(f"{site}/id/person/molotov")
    page.wait_for_load_state("networkidle")
    before = list(paths)
    page.locator(".neighbourhood .hg-network").scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.neighbourhood .hg-network').hgCy !== undefined",
                           timeout=20000)
    drawn = page.evaluate("() => document.querySelector('.neighbourhood .hg-network').hgCy.nodes().length")
    context.close()
    assert not any("cytoscape" in p for p in before), before
    assert "assets/vendor/cytoscape.min.js" in paths
    assert drawn > 1
