"""The reading pages' structure, parsed: where the text stands, how it is cited, dated and sourced.

Pages come from the real app over the session's build (Flask test client) and
are parsed with lxml; assertions are on elements and attributes, not substrings.
"""

from __future__ import annotations

import re

import lxml.html
import pytest

from histgraph.web import create_app

from .conftest import CABLE

HTML = {"Accept": "text/html"}
PLACE = re.compile(r"^(¶ \d+( \([a-z]\))?(, continued)?|opening|closing)(, sentences? \d+(–\d+)?)?( – .+)?$")


@pytest.fixture(scope="module")
def client(settings, built):  # type: ignore[no-untyped-def]
    return create_app(settings).test_client()


def _page(client, path: str):  # type: ignore[no-untyped-def]
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, path
    return lxml.html.fromstring(response.get_data(as_text=True))


@pytest.fixture(scope="module")
def cable(client):  # type: ignore[no-untyped-def]
    return _page(client, f"/id/document/{CABLE}")


def _words(element) -> str:  # type: ignore[no-untyped-def]
    return " ".join(element.text_content().split())


def test_the_text_comes_before_names_identifiers_and_statements(cable) -> None:  # type: ignore[no-untyped-def]
    """The text is the first section after the heading: identifiers, citation and lists follow it."""
    sections = [s.get("id") or s.get("class") for s in cable.xpath("//article/section")]
    assert sections[0] == "reading", sections
    assert sections.index("reading") < sections.index("identifiers") < sections.index("cite")
    reading = cable.get_element_by_id("reading")
    children = [c.get("id") or c.get("class") for c in reading]
    assert children.index("annotated-text") < children.index("statements")


def test_the_text_is_cut_into_the_cables_own_paragraphs(cable) -> None:  # type: ignore[no-untyped-def]
    """Paragraphs carry the cable's numbering and offsets; no fact span is a tab stop of its own."""
    paras = cable.xpath("//div[@id='annotated-text']/p[contains(@class, 'para')]")
    assert [p.get("data-place") for p in paras] == [
        "opening", "¶ 1", "¶ 1 (a)", "¶ 1 (b)", "¶ 1 (c)", "¶ 2", "¶ 3", "closing", "closing"]
    assert _words(paras[1]).startswith("(1) Our work here")
    assert all(int(p.get("data-start")) < int(p.get("data-end")) for p in paras)
    assert cable.xpath("//div[@id='annotated-text']//*[@tabindex]") == []
    # Each paragraph lists the facts that begin in it, and each is in the statement list.
    listed = {li.get("id") for li in cable.xpath("//details[@id='statements']//li")}
    for p in paras:
        assert {f"fact-{f}" for f in p.get("data-facts").split()} <= listed


def test_a_legend_names_every_mark_the_text_uses(cable) -> None:  # type: ignore[no-untyped-def]
    """Every category of mark in the text has a sample in the legend, styled by the same classes."""
    used = {c for el in cable.xpath("//div[@id='annotated-text']//*[@class]")
            for c in el.get("class").split() if c.startswith("cat-")}
    legend = cable.get_element_by_id("legend")
    explained = {c for el in legend.xpath(".//*[contains(@class, 'sample')]")
                 for c in el.get("class").split() if c.startswith("cat-")}
    assert used and used <= explained, used - explained
    assert cable.get_element_by_id("highlight-toggle").get("aria-pressed") == "false"
    assert "calm" in cable.get_element_by_id("annotated-text").get("class").split()


def test_statements_are_grouped_by_kind_folded_and_cited_by_paragraph(cable) -> None:  # type: ignore[no-untyped-def]
    """The statement list is folded <details>, one per kind; each item cites ¶ and sentence and keeps offsets."""
    outer = cable.get_element_by_id("statements")
    assert outer.tag == "details" and outer.get("open") is None
    groups = outer.xpath("./details[contains(@class, 'fact-group')]")
    headings = [_words(g.find("summary")) for g in groups]
    assert len(groups) >= 4 and all(g.get("open") is None for g in groups)
    assert any(h.startswith("Events") for h in headings) and any(h.startswith("Plans") for h in headings)
    items = outer.xpath(".//li[contains(@class, 'fact-item')]")
    assert sum(int(re.search(r"\((\d+)\)$", h).group(1)) for h in headings) == len(items)
    for li in items:
        link = li.xpath("./a[@class='to-text']")[0]
        start, end = int(li.get("data-start")), int(li.get("data-end"))
        assert link.get("href") == f"?hl={start}-{end}#t{start}"
        assert PLACE.match(_words(link.xpath("./span[@class='place']")[0])), _words(link)
    molotov = [li for li in items if "said promptly that option (a) was good" in _words(li)]
    assert molotov and "¶ 1 (c), sentence 3" in [_words(s) for s in molotov[0].xpath(".//span[@class='place']")]


def test_the_fact_panel_is_a_labelled_dialog(cable) -> None:  # type: ignore[no-untyped-def]
    """The panel is a dialog named by its heading, which can take focus when it opens."""
    panel = cable.get_element_by_id("fact-panel")
    assert panel.get("role") == "dialog" and panel.get("hidden") is not None
    heading = cable.get_element_by_id(panel.get("aria-labelledby"))
    assert heading.get("tabindex") == "-1"


def test_passages_on_entity_pages_are_cited_by_paragraph_and_keep_offsets(client) -> None:  # type: ignore[no-untyped-def]
    """'read it in …, ¶ 1, sentence 4': words for the reader, data-start/data-end and ?hl= for programs."""
    page = _page(client, "/id/person/molotov")
    links = page.xpath("//section[@id='passages']//a[@class='to-text']")
    assert links
    for link in links:
        start, end = link.get("data-start"), link.get("data-end")
        assert f"?hl={start}-{end}" in link.get("href")
        assert PLACE.match(_words(link).rsplit(", ", 2)[-2] + ", " + _words(link).rsplit(", ", 2)[-1]) \
            or PLACE.match(_words(link).rsplit(", ", 1)[-1]), _words(link)
        assert "characters" not in _words(link)


def test_a_sub_events_first_passage_is_its_own(client) -> None:  # type: ignore[no-untyped-def]
    """Molotov's endorsement is stated in ¶ 1 (c); the meeting it is part of comes after, not first."""
    page = _page(client, "/id/event/molotov-endorses-option-a")
    first = page.xpath("//section[@id='passages']//li[contains(@class, 'passage')]")[0]
    assert "said promptly that option (a) was good" in _words(first.find("blockquote"))
    assert "¶ 1 (c), sentence 3" in _words(first.xpath(".//a[@class='to-text']")[0])


def test_event_dates_are_words_with_the_sources_words_beside(client) -> None:  # type: ignore[no-untyped-def]
    """Dates read '2 January 1950, between 8 and 11 p.m.' beside “At 8:00 p.m. today”; no raw ISO, no midnight."""
    page = _page(client, "/id/person/molotov")
    times = page.xpath("//section[@id='events']//time")
    assert times
    words = [_words(t) for t in times]
    assert all(not re.search(r"\d{4}-\d{2}|00:00", w) for w in words), words
    assert all(re.match(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2})?)?)?$", t.get("datetime")) for t in times)
    meeting = [li for li in page.xpath("//section[@id='events']//li") if "meet Mao" in _words(li)]
    assert meeting
    assert _words(meeting[0].xpath(".//time")[0]) == "2 January 1950, between 8 and 11 p.m."
    assert _words(meeting[0].xpath(".//q[@class='as-written']")[0]) == "At 8:00 p.m. today"


def test_other_sources_claims_wear_their_own_badge_with_their_sources(client) -> None:  # type: ignore[no-untyped-def]
    """Zhou's departure on 10 January is recorded elsewhere: no REPORTED badge, its sources listed."""
    page = _page(client, "/id/event/zhou-departs-beijing-1950-01-10")
    badges = page.xpath("//header[@class='entity-head']//span[contains(@class, 'modality')]")
    assert [b.get("class").split()[-1] for b in badges] == ["modality-elsewhere"]
    assert _words(badges[0]).startswith("recorded elsewhere: ")
    sources = page.xpath("//div[@class='elsewhere-note']//span[@class='source']")
    assert sources and all(_words(s) for s in sources)
    # On Zhou's page the same event carries the same badge, not the cable's "reported".
    zhou = _page(client, "/id/person/zhou-enlai")
    row = [li for li in zhou.xpath("//section[@id='events']//li") if "/id/event/zhou-departs-beijing" in
           " ".join(li.xpath(".//a/@href"))]
    assert row and row[0].xpath(".//span[contains(@class, 'modality-elsewhere')]")
    assert not row[0].xpath(".//span[contains(@class, 'modality-reported')]")


def test_plan_pages_set_planned_against_recorded(client) -> None:  # type: ignore[no-untyped-def]
    """The journey's steps in order, each planned date beside what other sources record."""
    page = _page(client, "/id/plan/zhou-journey")
    rows = page.xpath("//section[@id='plan-record']//tbody/tr")
    assert len(rows) >= 5
    by_step = {r.xpath("./th//a/@href")[0]: r for r in rows}
    depart = by_step["/id/step/zhou-journey-depart-beijing"]
    assert _words(depart.xpath("./td[@class='planned']//time")[0]) == "9 January 1950"
    recorded = depart.xpath("./td[@class='recorded']")[0]
    assert _words(recorded.xpath(".//time")[0]) == "10 January 1950"
    assert recorded.xpath(".//span[contains(@class, 'modality-elsewhere')]")
    step = _page(client, "/id/step/zhou-journey-arrive-moscow")
    cells = step.xpath("//section[@id='plan-record']//tbody/tr/td")
    assert [_words(c.xpath(".//time")[0]) for c in cells] == ["19 January 1950", "20 January 1950"]


def test_who_was_this_lines_are_shown_with_their_source(client) -> None:  # type: ignore[no-untyped-def]
    """Zhou Enlai's line says who he was and names the source it comes from."""
    page = _page(client, "/id/person/zhou-enlai")
    lines = page.xpath("//p[@class='who-was-this']")
    assert lines
    assert lines[0].xpath(".//span[@class='according-to']//span[@class='source']")


def test_names_in_other_languages_carry_lang(client) -> None:  # type: ignore[no-untyped-def]
    """Stalin's Russian and Mao's Chinese names are marked lang="ru" and lang="zh…"."""
    stalin = _page(client, "/id/person/stalin")
    assert "Иосиф Сталин" in [_words(e) for e in stalin.xpath("//section[@class='identifiers']//*[@lang='ru']")]
    mao = _page(client, "/id/person/mao-zedong")
    assert [e for e in mao.xpath("//section[@class='identifiers']//*[@lang]") if e.get("lang").startswith("zh")]


def test_no_internal_vocabulary_in_the_prose_of_pages(client) -> None:  # type: ignore[no-untyped-def]
    """Descriptions, notes, headings and badges never show CURIEs, CIDOC codes or "slug" (URIs in <code> may)."""
    for path in (f"/id/document/{CABLE}", "/id/person/molotov", "/id/plan/zhou-journey",
                 "/id/event/meeting-1950-01-02", "/id/proposal/treaty-option-a", "/id/note/we-ambiguous",
                 "/id/event/stalin-agrees-to-invite-zhou-and-sign"):
        page = _page(client, path)
        prose = " ".join(page.xpath("//main//text()[not(ancestor::code)][not(ancestor::script)]"))
        found = re.findall(r"\b(?:hg|crm|rico|prov|pplan|skos):[A-Za-z]\w*|\(P\d+[^)]*\)|\bslug\b", prose)
        assert not found, (path, found)
