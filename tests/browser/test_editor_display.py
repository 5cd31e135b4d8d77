"""The SPARQL editor in Chromium: errors as one sentence, results with labels that link here.

Issue #14 found a bad query putting the whole HTML error page, as source, into
the result pane (5,000 px tall, the parser's grammar list), and results showing
raw IRIs and ``"154"^^xsd:integer``. The app serves the session's build on a
free 127.0.0.1 port; the browser is Debian's Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from histgraph.web import create_app

from ..conftest import ROOT, serve_app

pytestmark = [pytest.mark.browser, pytest.mark.server]

ARTIFACTS = ROOT / "test-artifacts" / "editor"


@pytest.fixture(scope="module")
def site(settings, built) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app serving the session build."""
    with serve_app(create_app(settings)) as url:
        yield url


@pytest.fixture
def editor(browser, site: str) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The editor page, started, with its console errors collected in ``page.problems``."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and not m.text.startswith("Failed to load resource")
            and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.goto(f"{site}/editor")
    page.wait_for_selector("#yasgui[data-ready=true]", timeout=20000)
    yield page
    context.close()


def run(page: Any, query: str) -> None:
    """Replace the editor's query with ``query`` and run it."""
    page.evaluate("(q) => { window.histgraphEditor.getTab().setQuery(q); }", query)
    page.click(".yasqe_queryButton")


def test_a_bad_query_shows_one_sentence_with_line_and_column(editor: Any) -> None:
    """Protects the error display: a short sentence naming the word, line and column; the pane stays small."""
    run(editor, "SELECT ?s WHERE {\n  ?s ?p ?o\n  FILTR (?o) }")
    error = editor.wait_for_selector(".hg-query-error", timeout=20000)
    text = " ".join(error.inner_text().split())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    editor.screenshot(path=str(ARTIFACTS / "error.png"), full_page=True)
    assert text == "The query was not run. Unexpected 'FILTR' at line 3, column 3."
    pane = editor.evaluate("document.querySelector('.yasr').getBoundingClientRect().height")
    assert pane < 400, f"the result pane is {pane} px tall"
    assert editor.locator(".hg-error-line").count() == 1  # the line is marked in the editor
    assert "<html" not in editor.inner_text(".yasr").lower()
    assert editor.problems == []


def test_results_show_labels_that_link_to_local_pages_and_plain_values(editor: Any) -> None:
    """Protects the result display: IRIs by label linking to /id/… here; a number shown as 154, not "154"^^xsd:integer."""
    run(editor, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                "SELECT ?person (154 AS ?n) WHERE {\n"
                "  VALUES ?person { <https://histgraph.example.org/id/person/molotov> }\n}")
    editor.wait_for_selector("#yasgui[data-labelled=true]", timeout=20000)
    link = editor.wait_for_selector(".yasr a.hg-iri", timeout=20000)
    cells = editor.eval_on_selector_all(".yasr tbody td", "(tds) => tds.map((td) => td.innerText.trim())")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    editor.screenshot(path=str(ARTIFACTS / "results.png"), full_page=True)
    assert link.get_attribute("href") == "/id/person/molotov"
    assert link.inner_text().startswith("Vyacheslav Molotov")
    assert link.get_attribute("title") == "https://histgraph.example.org/id/person/molotov"
    assert "154" in cells and not any("^^" in c or '"154"' in c for c in cells)
    assert editor.problems == []


def test_results_do_not_run_under_the_examples(editor: Any) -> None:
    """Protects the layout: the results pane and the example list do not overlap."""
    run(editor, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20")
    editor.wait_for_selector(".yasr tbody tr", timeout=20000)
    overlap = editor.evaluate("""() => {
      const a = document.querySelector('.yasr').getBoundingClientRect();
      const b = document.querySelector('.editor-examples').getBoundingClientRect();
      return !(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top);
    }""")
    assert overlap is False
    assert editor.problems == []
