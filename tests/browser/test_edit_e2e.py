"""Issue #17 item 4, end to end in Chromium: import a page, suggest, review with the keyboard, annotate a
planned event with its date in the editor, save, and find the fact with its passage on the published pages.

The project is a temporary copy (the cable plus the Wilson-format fixture page);
the editor is the real app of ``histgraph edit`` over the real session, served
by a real server on 127.0.0.1 and driven by Debian's Chromium; the published
build is read back through the public app.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from histgraph.build.pipeline import validate_project
from histgraph.config import Settings
from histgraph.editing.session import EditSession
from histgraph.web import create_app
from histgraph.web.curation import create_editor_app

from ..conftest import imported_project, serve_app

pytestmark = pytest.mark.browser

DOC = "fixture-letter"
TOKEN = "e2e-token-0123456789abcdef"
QUOTE = "Comrade Molotov will come to Springfield on 9 March"
STEP = "/id/step/planned-molotov-travels-to-springfield"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

SELECT = """([start, end]) => {
  const spans = [...document.querySelectorAll('#edit-text [data-start]')];
  const at = (offset) => { const s = spans.find((x) => +x.dataset.start <= offset && offset <= +x.dataset.end);
                           return [s.firstChild, offset - +s.dataset.start]; };
  const range = document.createRange();
  range.setStart(...at(start)); range.setEnd(...at(end));
  const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
  document.getElementById('edit-text').dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
}"""


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A project copy with the fixture page imported and suggested (the CLI, as a curator runs it), then built."""
    return imported_project(tmp_path_factory.mktemp("edit-e2e"), DOC)


def _pick(page, box: str, words: str, label: str) -> None:  # type: ignore[no-untyped-def]
    page.fill(f"{box} input", words)
    page.click(f"{box} .edit-result:has-text('{label}')")


def test_import_suggest_review_annotate_save_publish(browser, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """Protects the whole workflow of #17: keyboard review, a planned step with its date from a selection, save,
    a conforming build, and the step's page and the document's text showing the fact at its passage."""
    app = create_editor_app(EditSession(settings), TOKEN)
    with serve_app(app) as url:
        page = browser.new_page()
        page.goto(f"{url}/document/{DOC}?token={TOKEN}")
        page.wait_for_selector("main[data-ready='true']")
        page.fill("#edit-reviewer", "Test Curator")
        page.click("#edit-text")  # the keyboard belongs to the text, not to a field
        first = page.inner_text("#edit-suggestions li[aria-current='true'] q")
        assert first == "Comrade Molotov"
        page.keyboard.press("a")  # accept Molotov
        assert page.inner_text("#edit-suggestions li[aria-current='true'] q") == "9 March"
        page.keyboard.press("a")  # accept the date, as a free time-span
        page.keyboard.press("r")  # reject "early April"
        assert page.locator("#edit-pending li").count() == 3
        page.keyboard.press("Control+s")
        page.wait_for_selector("main[data-last-outcome='published']", timeout=120_000)
        states = {li.get_attribute("data-id"): li.get_attribute("class") for li in page.query_selector_all("#edit-suggestions li")}
        assert "accepted" in states["mention:person/molotov:comrade-molotov"]

        text = page.evaluate("() => document.getElementById('edit-text').textContent")
        start = text.index(QUOTE)
        page.evaluate(SELECT, [start, start + len(QUOTE)])
        assert page.inner_text("#edit-selected-words") == QUOTE
        page.select_option("#edit-fact-kind", "step")
        page.fill("#edit-fact-label", "(planned) Molotov travels to Springfield")
        page.select_option("#edit-fact-type", "Travelling")
        _pick(page, ".edit-picker[data-role='according_to']", "Molotov", "Molotov")
        _pick(page, ".edit-picker[data-property='hg:plannedAgent']", "Molotov", "Molotov")
        assert page.input_value("#edit-date-begin") == "1951-03-09T00:00:00"
        page.fill("#edit-date-words", "on 9 March")
        page.click("#edit-fact-add")
        page.click("#edit-save")
        page.wait_for_selector("#edit-status.ok:has-text('Saved and published')", timeout=120_000)
        page.screenshot(path=str(ARTIFACTS / "edit-e2e.png"), full_page=True)
        page.close()

    report, _ = validate_project(settings)
    assert report.conforms, report.findings
    public = create_app(settings).test_client()
    step_page = public.get(STEP, headers={"Accept": "text/html"})
    assert step_page.status_code == 200
    tree = lxml.html.fromstring(step_page.data)
    passages = [" ".join(q.text_content().split()) for q in tree.xpath("//section[@id='passages']//blockquote")]
    assert any(QUOTE in p for p in passages), passages
    document_page = lxml.html.fromstring(public.get(f"/id/document/{DOC}", headers={"Accept": "text/html"}).data)
    items = [li for li in document_page.xpath("//li[contains(concat(' ', @class, ' '), ' fact-item ')]")
             if any(STEP in (a.get("href") or "") for a in li.iter("a"))]
    assert len(items) == 1, "the document's list of statements names the new step once"
    fact_id = items[0].get("id").removeprefix("fact-")
    marked = [span for span in document_page.xpath("//div[@id='annotated-text']//span[@data-facts]")
              if fact_id in span.get("data-facts").split()]
    assert "".join(s.text_content() for s in marked) == QUOTE
