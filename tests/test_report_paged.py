"""The validation report page shows its counts whole and its findings a page at a time (issue #18, goal 0).

At 10,000 documents ``/report`` listed all 2,503 findings: 2,140 kB of HTML. On a
generated archive of 500 documents built with validation (about one document
in four states an arrival that does not add up, a warning: 128 findings, more
than one page), the pages together list every finding of the build's
``report.json`` once, in its order, and each page holds at most PAGE_SIZE of them.
HTML is parsed with lxml, the Turtle report with pyoxigraph.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import lxml.html
import pyoxigraph as ox
import pytest

from histgraph.build.pipeline import build
from histgraph.config import load_settings
from histgraph.store.layout import REPORT_JSON
from histgraph.web import create_app
from histgraph.web.browse import PAGE_SIZE

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_archive import generate  # noqa: E402

DOCUMENTS = 500
HTML = {"Accept": "text/html"}
SH = "http://www.w3.org/ns/shacl#"
#: Goal 0 of issue #18: no HTML page weighs over 300 kB.
MAX_PAGE_BYTES = 300_000


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The built archive's report.json and a client of a fresh app serving the build."""
    project = tmp_path_factory.mktemp("report-paged") / "archive"
    generate(DOCUMENTS, project)
    settings = load_settings(
        {"project_dir": project, "build_dir": project / "build", "validator": "turbo"}, environ={})
    build(settings)
    folder = (project / "build" / "current").resolve()
    app = create_app(settings)
    yield json.loads((folder / REPORT_JSON).read_text(encoding="utf-8")), app.test_client()
    from tests.servers import close_app

    close_app(app)


def _findings(described: dict) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    """``(document graph, entity IRI, message)`` of every finding of a described report, in its order."""
    return [(document["graph"], entity["iri"], finding["message"])
            for document in described["documents"] for entity in document["entities"]
            for finding in entity["findings"]]


def _page(client, path: str):  # type: ignore[no-untyped-def]
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, path
    body = response.get_data()
    assert len(body) < MAX_PAGE_BYTES, path
    return lxml.html.fromstring(body)


def _listed(page) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """The findings a report page lists, as ``(document graph, entity IRI, message)``."""
    listed = []
    for item in page.xpath("//section[@class='document']/ul[@class='findings']/li"):
        graph = item.xpath("ancestor::section[1]/h2/code[@class='uri']")[0].text_content()
        entity = item.xpath("../preceding-sibling::h3[1]/code[@class='uri']")[0].text_content()
        text = "".join(item.xpath("text()")).strip()  # ": message", before the value and passage
        listed.append((graph, entity, text.removeprefix(":").split(" — value")[0].strip()))
    return listed


def _next(page) -> str | None:  # type: ignore[no-untyped-def]
    links = page.xpath("//nav[@aria-label='Pages of findings']//a[@rel='next']/@href")
    return "/report" + links[0] if links else None


def test_pages_together_list_every_finding_once(archive) -> None:  # type: ignore[no-untyped-def]
    """Protects goal 0 of issue #18 for /report: the first page lists exactly PAGE_SIZE findings, following
    the pager's next links reaches every page, and the pages together list each finding of report.json
    (and of report.ttl) once, in the report's order, with the whole report's counts on every page."""
    described, client = archive
    expected = _findings(described)
    counts = described["counts"]
    assert len(expected) == counts["violations"] + counts["warnings"] + counts["infos"]
    with client.get("/report.ttl") as turtle:  # closes the file send_file opened
        assert turtle.status_code == 200
        data = turtle.get_data()
    results = [q for q in ox.parse(data, format=ox.RdfFormat.TURTLE) if q.predicate.value == SH + "result"]
    assert len(results) == len(expected)
    assert len(expected) > PAGE_SIZE, "the archive is too small to page its report"

    listed: list[tuple[str, str, str]] = []
    path: str | None = "/report"
    pages = 0
    while path is not None:
        page = _page(client, path)
        pages += 1
        on_page = _listed(page)
        assert 0 < len(on_page) <= PAGE_SIZE, path
        if pages == 1:
            assert len(on_page) == PAGE_SIZE
        summary = page.xpath("//main//h1/following-sibling::p[1]")[0].text_content()
        assert f"{counts['warnings']} warning(s)" in summary, path
        listed += on_page
        path = _next(page)
    assert pages == -(-len(expected) // PAGE_SIZE)
    assert listed == expected


def test_a_page_past_the_end_shows_the_last_and_a_bad_number_is_a_400(archive) -> None:  # type: ignore[no-untyped-def]
    """Protects /report?page= as /documents/ reads it: past the last page shows the last page (not a 5xx
    or an empty list), an empty page is the first, and a page that is not a whole number from 1 is a 400."""
    described, client = archive
    last = -(-len(_findings(described)) // PAGE_SIZE)
    at_last = _listed(_page(client, f"/report?page={last}"))
    assert at_last == _listed(_page(client, f"/report?page={last + 7}"))
    assert at_last == _findings(described)[(last - 1) * PAGE_SIZE:]
    assert _listed(_page(client, "/report?page=")) == _listed(_page(client, "/report"))
    for bad in ("0", "-1", "two", "1.5", "1e400", "9" * 40):
        response = client.get(f"/report?page={bad}", headers=HTML)
        assert response.status_code == 400, bad
        assert "page must be a whole number" in lxml.html.fromstring(response.get_data()).text_content()


def test_pager_is_a_labelled_nav_with_working_links(archive) -> None:  # type: ignore[no-untyped-def]
    """Protects the report pager's accessibility and links: each page's links sit in navs with distinct
    labels, the first page has no previous link, and the second page's previous link leads back to page 1."""
    _described, client = archive
    first = _page(client, "/report")
    labels = first.xpath("//nav/@aria-label")
    assert "Pages of findings" in labels and len(labels) == len(set(labels))
    assert not first.xpath("//nav[@aria-label='Pages of findings']//a[@rel='prev']")
    second = _page(client, "/report?page=2")
    previous = second.xpath("//nav[@aria-label='Pages of findings']//a[@rel='prev']/@href")
    assert previous == ["?page=1"]
    assert _listed(_page(client, "/report" + previous[0])) == _listed(first)
