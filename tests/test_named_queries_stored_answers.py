"""Pages of a whole list read from the answer the build stored (``query-answers/``) are the rows of the whole answer.

The stored answer makes the first and the last page of a large archive a file
read (issue #18 goal 1); these tests protect that it never changes an answer: on
the built cable, every query without a required parameter, paged through its
stored answer, gives exactly the rows, columns and order of the query run whole,
and the total; `histgraph build` writes them; the API (in every result format,
byte for byte as /sparql writes the same rows) and the CLI read them; an answer
stored for another text of the query is not used.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from histgraph.config import Settings
from histgraph.endpoint.named_queries import (
    NamedQuery,
    Page,
    load_queries,
    parse_query_file,
    run_page,
    run_query,
)
from histgraph.endpoint.stored_answers import (
    ANSWERS_DIR,
    storable,
    stored_page,
    write_stored_answers,
)
from histgraph.errors import QueryError
from histgraph.store import EmbeddedStore, SelectResult
from histgraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
HISTGRAPH = Path(sys.executable).with_name("histgraph")
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def ordered(built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    """A copy of the cable's build with the answers written into it; the files written."""
    folder = tmp_path_factory.mktemp("ordered") / "build"
    shutil.copytree(built.path, folder, symlinks=True)
    # As `histgraph build` writes them: from a copy of the data in memory. Its rows may come in
    # another order than the store's on disk, and so may GROUP_CONCAT's values and SAMPLE's
    # pick (SPARQL leaves both open), so the whole answers compared are that copy's.
    yield folder, write_stored_answers(folder, load_queries(ROOT / "queries"), EmbeddedStore.in_memory(folder))


@pytest.fixture(scope="module")
def in_memory(ordered) -> EmbeddedStore:
    """The data the answers were computed from, as the build reads it."""
    return EmbeddedStore.in_memory(ordered[0])


@pytest.fixture(scope="module")
def queries() -> dict[str, NamedQuery]:
    return dict(load_queries(ROOT / "queries"))


def test_an_answer_is_stored_for_every_whole_list(ordered, queries) -> None:
    """Protects the build's step: each SELECT query with no required parameter gets its answer on the cable."""
    _folder, written = ordered
    whole_lists = {n for n, q in queries.items() if q.kind == "SELECT" and not any(p.required for p in q.params)}
    assert {Path(name).stem for name in written} == whole_lists
    assert {"events-reported", "plan-steps", "plan-vs-record", "meeting-visitors", "treaties", "places"} <= whole_lists
    assert not any(storable(q) for n, q in queries.items() if n not in whole_lists)


@pytest.mark.parametrize("size", [1, 3, 100])
def test_stored_pages_equal_the_whole_answer(ordered, queries, in_memory, size: int) -> None:
    """Protects fidelity of paging: pages read from the stored answer add up to the unpaged answer, row for row."""
    folder, written = ordered
    store = in_memory
    for name in sorted(Path(w).stem for w in written):
        query = queries[name]
        whole = run_query(store, query)
        assert isinstance(whole, SelectResult)
        rows: list[dict] = []
        page: Page | None = Page(size, 0)
        while page is not None:
            assert stored_page(folder, query, page) is not None, name
            paged = run_page(store, query, page=page, folder=folder)
            assert paged.total == len(whole), name
            assert paged.result.variables == whole.variables, name
            assert len(paged.result) == min(size, len(whole) - page.offset), name
            rows += paged.result.rows
            page = page.next(paged.total)
        assert rows == list(whole.rows), name


def test_a_page_past_the_end_is_empty_with_the_total(ordered, queries) -> None:
    """Protects the end of the list: an offset past the last row answers no rows, not every row, with the total."""
    folder, _written = ordered
    paged = run_page(EmbeddedStore.open(folder), queries["plan-steps"], page=Page(5, 1000), folder=folder)
    assert len(paged.result) == 0 and paged.total == 14


def test_an_answer_for_another_text_is_not_used(ordered, queries, tmp_path: Path) -> None:
    """Protects against stale answers: a query edited after the build is answered by running it, not from the old file."""
    folder, _written = ordered
    edited = tmp_path / "plan-steps.rq"
    edited.write_text(queries["plan-steps"].text.replace("ORDER BY ?plan ?order", "ORDER BY DESC(?plan) ?order"))
    query = parse_query_file(edited)
    assert stored_page(folder, query, Page()) is None
    store = EmbeddedStore.open(folder)
    whole = run_query(store, query)
    assert isinstance(whole, SelectResult)
    assert list(run_page(store, query, page=Page(100, 0), folder=folder).result.rows) == list(whole.rows)


def test_a_key_that_is_not_a_variable_is_refused(tmp_path: Path) -> None:
    """Protects the front matter: #+ key: must name a variable of the query, with an example of a good line."""
    path = tmp_path / "bad.rq"
    path.write_text("#+ summary: s\n#+ key: thing\nSELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="#\\+ key: step"):
        parse_query_file(path)


@pytest.fixture(scope="module")
def client(settings: Settings, ordered) -> FlaskClient:
    folder, _written = ordered
    app = create_app({"project_dir": settings.project_dir, "build_dir": settings.builds_root},
                     environ={}, store=EmbeddedStore.open(folder))
    return app.test_client()


def test_api_pages_through_the_stored_answer_to_the_last_row(client: FlaskClient, ordered, queries, in_memory) -> None:
    """Protects the API on the stored path: X-Total-Count and next links reach the last row, in the whole answer's order."""
    folder, _written = ordered
    whole = run_query(in_memory, queries["events-reported"])
    assert isinstance(whole, SelectResult)
    seen: list[str] = []
    url: str | None = "/queries/events-reported?limit=4"
    while url is not None:
        response = client.get(url, headers=JSON)
        assert response.status_code == 200 and response.headers["X-Total-Count"] == str(len(whole))
        answer = response.get_json()
        assert answer is not None
        seen += [row["event"]["value"] for row in answer["results"]["bindings"]]
        links = {link.split('rel="')[1].rstrip('"'): link.split(">")[0].lstrip("<")
                 for link in response.headers.getlist("Link")}
        url = links.get("next")
    assert seen == [str(row["event"]) for row in whole.rows]


def test_cli_reads_the_stored_answer(settings: Settings, ordered, tmp_path: Path) -> None:
    """Protects `histgraph query` on the stored path: the build's answer gives its total and the page's rows."""
    folder, _written = ordered
    root = tmp_path / "builds"
    root.mkdir()
    (root / "current").symlink_to(folder)
    done = subprocess.run(
        [str(HISTGRAPH), "--project", str(settings.project_dir), "--build-dir", str(root),
         "query", "plan-steps", "--format", "json", "--limit", "5", "--offset", "10"],
        capture_output=True, check=False, timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.decode().strip() == "rows 11-14 of 14 (the last page)"
    header = json.loads((folder / ANSWERS_DIR / "plan-steps.jsonl").read_text().splitlines()[0])
    assert header["total"] == 14
    assert len(json.loads(done.stdout)["results"]["bindings"]) == 4


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                                    "text/tab-separated-values"])
def test_a_stored_page_has_the_bytes_sparql_gives(client: FlaskClient, queries, in_memory, accept: str) -> None:
    """Protects the formats: a stored page is written as /sparql writes the same query's page, byte for byte, in each format.

    `questions` has neither GROUP_CONCAT nor SAMPLE and orders its rows fully, so the
    store on disk that /sparql reads gives the very rows the build stored.
    """
    whole = run_query(in_memory, queries["questions"])
    assert isinstance(whole, SelectResult) and len(whole) > 3
    stored = client.get("/queries/questions?limit=2&offset=1", headers={"Accept": accept})
    assert stored.status_code == 200 and stored.headers["X-Total-Count"] == str(len(whole))
    text = queries["questions"].text + "\nLIMIT 2 OFFSET 1"
    live = client.post("/sparql", data={"query": text}, headers={"Accept": accept})
    assert live.status_code == 200
    assert stored.content_type == live.content_type
    assert stored.data == live.data


def test_a_stored_page_is_revalidated_without_work(client: FlaskClient) -> None:
    """Protects caching: a stored page has an ETag, and asking again with it is a 304 with the paging headers."""
    first = client.get("/queries/events-reported?limit=2", headers=JSON)
    assert first.status_code == 200 and first.headers.get("ETag")
    again = client.get("/queries/events-reported?limit=2", headers={**JSON, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["X-Total-Count"] == first.headers["X-Total-Count"]
