"""Named SELECT queries are read a page at a time, with a total and links to the next page.

Through the API (both backends: the count runs on the store pages read through,
the page through the endpoint's lanes), through the CLI (a subprocess, as a user
runs it) and through the library, following "next" must reach the last row and
give exactly the rows of the whole answer, in its order.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from histgraph.endpoint.named_queries import (
    DEFAULT_PAGE_SIZE,
    Page,
    get_query,
    load_queries,
    parse_query_file,
    run_page,
    run_query,
)
from histgraph.errors import QueryError
from histgraph.store import EmbeddedStore, SelectResult

from .servers import EX, make_client

JSON = {"Accept": "application/json"}
HISTGRAPH = Path(sys.executable).with_name("histgraph")
ROOT = Path(__file__).resolve().parents[1]
BASE = "https://histgraph.example.org/"
LINK = re.compile(r'<([^>]*)>; rel="([a-z]+)"')


def _links(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {rel: url for header in response.headers.getlist("Link") for url, rel in LINK.findall(header)}


# The embedded store and a real oxigraph server: the count query must run on both.
@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    with make_client(request.param, tmp_path_factory.mktemp(f"paging-{request.param}")) as test_client:
        yield test_client


def test_following_next_reaches_the_last_row(client: FlaskClient) -> None:
    """Protects paging: limit=1 pages, followed by their next links, give every row once, in order."""
    whole = client.get("/queries/people", headers=JSON)
    everyone = [r["person"]["value"] for r in whole.json["results"]["bindings"]]
    assert everyone == [EX + "stalin", EX + "mao", EX + "liu", EX + "zhou"]
    assert whole.headers["X-Total-Count"] == "4" and "next" not in _links(whole)
    seen: list[str] = []
    url: str | None = "/queries/people?limit=1"
    while url is not None:
        page = client.get(url, headers=JSON)
        assert page.status_code == 200 and page.headers["X-Total-Count"] == "4"
        seen += [r["person"]["value"] for r in page.json["results"]["bindings"]]
        url = _links(page).get("next")
    assert seen == everyone


def test_links_name_first_previous_and_last_pages(client: FlaskClient) -> None:
    """Protects the Link header: first, prev and last keep the other parameters and the page size."""
    page = client.get("/queries/people?lang=en&limit=3&offset=2&format=json")
    links = _links(page)
    assert set(links) == {"first", "prev", "last"}  # rows 3-4 of 4: this is the last page
    assert "offset=0" in links["first"] and "offset=0" in links["prev"] and "offset=3" in links["last"]
    assert all("lang=en" in url and "limit=3" in url and "format=json" in url for url in links.values())
    assert [r["person"]["value"] for r in page.json["results"]["bindings"]] == [EX + "liu", EX + "zhou"]


def test_total_counts_the_bound_query(client: FlaskClient) -> None:
    """Protects the total: it counts the rows with the parameters bound, not the unfiltered query."""
    page = client.get("/queries/people?age=56", headers=JSON)
    assert page.headers["X-Total-Count"] == "1"
    assert [r["person"]["value"] for r in page.json["results"]["bindings"]] == [EX + "mao"]
    empty = client.get("/queries/people?age=1&offset=5", headers=JSON)
    assert empty.status_code == 200 and empty.headers["X-Total-Count"] == "0"
    assert empty.json["results"]["bindings"] == []


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/queries/people?limit=0", "limit must be at least 1"),
        ("/queries/people?limit=ten", "limit must be a whole number"),
        ("/queries/people?offset=-1", "offset must be a whole number"),
        ("/queries/people?limit=10001", "at most 10000"),
        ("/queries/people?limit=1&limit=2", "more than once"),
        (f"/queries/about?thing={EX}mao&limit=5", "SELECT queries only"),
    ],
)
def test_bad_paging_is_a_400_that_says_why(client: FlaskClient, path: str, message: str) -> None:
    """Protects client errors: a bad limit or offset answers 400 with a readable reason, never a 5xx."""
    response = client.get(path, headers=JSON)
    assert response.status_code == 400
    assert message in response.json["message"]


def test_openapi_documents_paging(client: FlaskClient) -> None:
    """Protects the OpenAPI document: SELECT operations take limit and offset and return the paging headers."""
    paths = client.get("/queries/openapi.json").json["paths"]
    people = paths["/queries/people"]["get"]
    by_name = {p["name"]: p for p in people["parameters"]}
    assert by_name["limit"]["schema"]["default"] == DEFAULT_PAGE_SIZE == 100
    assert by_name["offset"]["schema"]["minimum"] == 0
    assert set(people["responses"]["200"]["headers"]) == {"X-Total-Count", "Link"}
    about = {p["name"] for p in paths["/queries/about"]["get"]["parameters"]}
    assert "limit" not in about and "offset" not in about


def test_every_project_query_pages_to_its_last_row(store: EmbeddedStore) -> None:
    """Protects the library: for each parameterless SELECT of queries/, pages of 3 add up to the whole answer."""
    queries = load_queries(ROOT / "queries")
    checked = 0
    for query in queries.values():
        if query.kind != "SELECT" or any(p.required for p in query.params):
            continue
        whole = run_query(store, query)
        assert isinstance(whole, SelectResult)
        rows, page = [], Page(3, 0)
        while True:
            paged = run_page(store, query, page=page)
            assert paged.total == len(whole), query.name
            rows += paged.result.rows
            following = page.next(paged.total)
            if following is None:
                break
            page = following
        assert rows == list(whole.rows), query.name
        checked += 1
    assert checked >= 10


def _cli(settings, *args: str) -> subprocess.CompletedProcess[bytes]:  # type: ignore[no-untyped-def]
    return subprocess.run(
        [str(HISTGRAPH), "--project", str(settings.project_dir), "--build-dir", str(settings.builds_root), *args],
        capture_output=True, check=False, timeout=300,
    )


def test_cli_prints_the_total_and_the_next_page(settings, store: EmbeddedStore) -> None:  # type: ignore[no-untyped-def]
    """Protects `histgraph query`: stderr gives rows x-y of N and a next-page command that reaches the last row."""
    query = get_query(load_queries(ROOT / "queries"), "plan-steps")
    expected = run_query(store, query)
    assert isinstance(expected, SelectResult) and len(expected) > 10
    args = ["query", "plan-steps", "--format", "json", "--limit", "5"]
    steps: list[str] = []
    lines = []
    while True:
        done = _cli(settings, *args)
        assert done.returncode == 0, done.stderr.decode()
        steps += [row["step"]["value"] for row in json.loads(done.stdout)["results"]["bindings"]]
        line = done.stderr.decode().strip()
        lines.append(line)
        if "next page: " not in line:
            break
        words = shlex.split(line.split("next page: ", 1)[1])
        assert words[0] == "histgraph"
        args = words[words.index("query"):]
    assert lines[0] == f"rows 1-5 of {len(expected)}; next page: " + shlex.join(
        ["histgraph", "--project", str(settings.project_dir), "--build-dir", str(settings.builds_root),
         "query", "plan-steps", "--format", "json", "--limit", "5", "--offset", "5"]
    )
    assert lines[-1].endswith(f"of {len(expected)} (the last page)")
    assert steps == [str(row["step"]) for row in expected.rows]


def test_cli_refuses_a_bad_limit(settings) -> None:  # type: ignore[no-untyped-def]
    """Protects the CLI's errors: a bad --limit exits non-zero with what a valid one looks like."""
    done = _cli(settings, "query", "plan-steps", "--limit", "many")
    assert done.returncode != 0
    assert "limit must be a whole number, such as 100" in done.stderr.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("#+ summary: s\n#+ param: limit integer optional -- n\nSELECT ?limit WHERE { ?s ?p ?limit }\n", "reserved"),
        ("#+ summary: s\nSELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 10\n", "without LIMIT or OFFSET"),
    ],
)
def test_query_files_leave_paging_to_the_client(tmp_path: Path, text: str, message: str) -> None:
    """Protects the front matter rules: no parameter named like a paging one, no LIMIT of the file's own."""
    path = tmp_path / "bad.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QueryError, match=message):
        parse_query_file(path)
