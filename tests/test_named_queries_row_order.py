"""Pages of a whole list read in the order the build wrote (``query-order/``) are the rows of the whole answer.

The row order makes the first and the last page of a large archive cost a few
index lookups (issue #18 goal 1); these tests protect that it never changes an
answer: on the built cable, every keyed query paged through its order gives
exactly the rows, columns and order of the query run whole, and the total; the
API and the CLI read the order; an order that no longer fits the query is not used.
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
from histgraph.endpoint.row_order import ORDER_DIR, keyed_page, write_row_orders
from histgraph.errors import QueryError
from histgraph.store import EmbeddedStore, SelectResult
from histgraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
HISTGRAPH = Path(sys.executable).with_name("histgraph")
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def ordered(built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    """A copy of the cable's build with the row orders written into it; the files written."""
    folder = tmp_path_factory.mktemp("ordered") / "build"
    shutil.copytree(built.path, folder, symlinks=True)
    yield folder, write_row_orders(folder, load_queries(ROOT / "queries"))


@pytest.fixture(scope="module")
def queries() -> dict[str, NamedQuery]:
    return dict(load_queries(ROOT / "queries"))


def test_the_build_writes_an_order_for_every_keyed_list(ordered, queries) -> None:
    """Protects the build's step: each query with a #+ key: and no required parameter gets its order on the cable."""
    _folder, written = ordered
    keyed = {n for n, q in queries.items() if q.key and not any(p.required for p in q.params)}
    assert {Path(name).stem for name in written} == keyed
    assert {"events-reported", "plan-steps", "plan-vs-record", "meeting-visitors", "people"} <= keyed


@pytest.mark.parametrize("size", [1, 3, 100])
def test_keyed_pages_equal_the_whole_answer(ordered, queries, size: int) -> None:
    """Protects fidelity of paging: pages read through the order add up to the unpaged answer, row for row."""
    folder, written = ordered
    store = EmbeddedStore.open(folder)
    for name in sorted(Path(w).stem for w in written):
        query = queries[name]
        whole = run_query(store, query)
        assert isinstance(whole, SelectResult)
        rows: list[dict] = []
        page: Page | None = Page(size, 0)
        while page is not None:
            assert keyed_page(folder, query, page) is not None, name
            paged = run_page(store, query, page=page, folder=folder)
            assert paged.total == len(whole), name
            assert paged.result.variables == whole.variables, name
            assert len(paged.result) == min(size, len(whole) - page.offset), name
            rows += paged.result.rows
            page = page.next(paged.total)
        assert rows == list(whole.rows), name


def test_a_page_past_the_end_is_empty_with_the_total(ordered, queries) -> None:
    """Protects the empty VALUES block: an offset past the last row answers no rows, not every row."""
    folder, _written = ordered
    paged = run_page(EmbeddedStore.open(folder), queries["plan-steps"], page=Page(5, 1000), folder=folder)
    assert len(paged.result) == 0 and paged.total == 14


def test_an_order_for_another_text_is_not_used(ordered, queries, tmp_path: Path) -> None:
    """Protects against stale orders: a query edited after the build is answered by running it, not by the old keys."""
    folder, _written = ordered
    edited = tmp_path / "plan-steps.rq"
    edited.write_text(queries["plan-steps"].text.replace("ORDER BY ?plan ?order", "ORDER BY DESC(?plan) ?order"))
    query = parse_query_file(edited)
    assert keyed_page(folder, query, Page()) is None
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


def test_api_pages_through_the_order_to_the_last_row(client: FlaskClient, ordered, queries) -> None:
    """Protects the API on the keyed path: X-Total-Count and next links reach the last row, in the whole answer's order."""
    folder, _written = ordered
    whole = run_query(EmbeddedStore.open(folder), queries["events-reported"])
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


def test_cli_reads_the_order(settings: Settings, ordered, tmp_path: Path) -> None:
    """Protects `histgraph query` on the keyed path: the build's order gives its total and the page's rows."""
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
    header = json.loads((folder / ORDER_DIR / "plan-steps.jsonl").read_text().splitlines()[0])
    assert header["total"] == 14
    assert len(json.loads(done.stdout)["results"]["bindings"]) == 4
