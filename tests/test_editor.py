"""The query editor: YASGUI served locally, pointed at /sparql, with prefixes and examples."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from histgraph.vocab import PREFIXES

from .servers import FIXTURE_DATA, histgraph_server, make_client, web_project


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    folder = tmp_path_factory.mktemp("editor")
    with make_client("embedded", folder, project_dir=web_project(folder)) as test_client:
        yield test_client


def test_page_loads_local_assets_only(client: FlaskClient) -> None:
    """Protects offline use and the CSP: YASGUI and our script come from this site, nothing inline."""
    page = client.get("/editor").get_data(as_text=True)
    # YASGUI is named for lazy-libraries.js to load once the editor is in view, not loaded up front.
    assert 'data-libraries="/assets/vendor/yasgui.min.css /assets/vendor/yasgui.min.js"' in page
    assert '<script src="/assets/vendor/yasgui.min.js">' not in page
    assert '<script src="/static/editor.js" defer>' in page
    assert "<script>" not in page and "https://" not in page.split("<main", 1)[1].split("</main>")[0]
    for asset in ("/assets/vendor/yasgui.min.js", "/assets/vendor/yasgui.min.css", "/static/editor.js",
                  "/static/lazy-libraries.js"):
        with client.get(asset) as response:  # a file response must be closed
            assert response.status_code == 200


def test_config_has_endpoint_prefixes_and_examples(client: FlaskClient) -> None:
    """Protects what the page is given: our endpoint, the project prefixes, every named query."""
    config = client.get("/editor/config.json").json
    assert config["endpoint"] == "http://localhost/sparql"
    assert config["prefixes"] == PREFIXES
    assert f"PREFIX hg: <{PREFIXES['hg']}>" in config["starter"]
    assert {q["name"] for q in config["queries"]} == {"about", "label-search", "people"}
    assert all(q["text"].lstrip().startswith("#+ summary:") for q in config["queries"])
    people = next(q for q in config["queries"] if q["name"] == "people")
    assert 'VALUES (?lang) { ("en") }' in people["text"]  # defaults bound, so the example runs


def test_labels_name_result_iris_and_say_where_they_link(client: FlaskClient) -> None:
    """Protects the result display's source: each IRI's label from the data (or None) and its link (or None)."""
    iris = ["http://example.org/mao", "javascript:alert(1)", "http://example.org/nothing-labels-this"]
    answer = client.post("/editor/labels", json={"iris": iris}).json["labels"]
    assert set(answer) == set(iris)
    assert answer["javascript:alert(1)"] == {"label": None, "href": None}
    assert answer["http://example.org/nothing-labels-this"]["label"] is None
    labelled = [iri for iri in iris if answer[iri]["label"]]
    assert labelled and all(answer[i]["href"] == i for i in labelled)  # web IRIs of another site link out
    assert client.get("/editor/labels", query_string={"iri": iris}).json["labels"] == answer  # GET for a few


@pytest.mark.parametrize("body", [None, {"iris": "x"}, {"iris": [1, 2]}, {"iris": ["x"] * 5001}, ["x"]])
def test_labels_refuse_what_is_not_a_list_of_iris(client: FlaskClient, body: object) -> None:
    """Protects bad client input: a 400 with a sentence saying what to send, never a 5xx."""
    response = client.post("/editor/labels", json=body) if body is not None else client.post("/editor/labels")
    assert response.status_code == 400
    assert "iris" in response.json["message"].lower() or "IRIs" in response.json["message"]


def test_starter_query_runs(client: FlaskClient) -> None:
    """Protects the first impression: the query a new tab opens with is valid and answers."""
    starter = client.get("/editor/config.json").json["starter"]
    response = client.post("/sparql", data={"query": starter}, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json["head"]["vars"] == ["class", "things"]


@pytest.mark.browser
@pytest.mark.server
def test_editor_runs_a_query_in_chromium(tmp_path: Path) -> None:
    """Protects the editor end to end: headless Chromium loads it offline, runs an example, shows rows."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    problems: list[str] = []
    with histgraph_server(tmp_path, [str(FIXTURE_DATA)], project=web_project(tmp_path)) as url:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync"],
            )
            try:
                page = browser.new_page()
                page.route(
                    "**/*",
                    lambda route: route.continue_()
                    if route.request.url.startswith(url)
                    else (outside.append(route.request.url), route.abort()),
                )
                page.on(
                    "response",
                    lambda r: problems.append(f"{r.status} {r.url}")
                    if r.status >= 400 and not r.url.endswith("/favicon.ico")
                    else None,
                )
                page.on("pageerror", lambda e: problems.append(str(e)))
                # CSP violations and script errors; failed loads are judged by the listener above.
                page.on(
                    "console",
                    lambda m: problems.append(m.text)
                    if m.type == "error" and not m.text.startswith("Failed to load resource")
                    else None,
                )
                page.goto(f"{url}/editor")
                page.wait_for_selector("#yasgui[data-ready=true]", timeout=15000)
                page.click("button.editor-example[data-query-name=people]")
                page.click(".yasqe_queryButton")
                page.wait_for_selector(".yasr >> text=Mao Zedong", timeout=15000)
                assert "Zhou Enlai" in page.inner_text(".yasr")
            finally:
                browser.close()
    assert outside == []
    assert problems == []
