"""The record of measured queries stays bounded without counting its folder on every request.

Distinct point queries (benchmarks/sparql_endpoint.py) are each recorded as
fast; the record counted its whole folder (up to 10,000 files) on every new
query, which cost milliseconds per request once it filled. It now counts
again only after a tenth of the room left is used, or after many refusals
once full; the bound must still hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from histgraph.endpoint import admission
from histgraph.endpoint.admission import QueryRecord


def _query(n: int) -> str:
    return f"SELECT ?label WHERE {{ <https://histgraph.example.org/id/person/p{n}> rdfs:label ?label }}"


def test_the_record_holds_no_more_than_its_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Protects the bound on recorded queries: 500 distinct queries into a record of 50 leave 50 files."""
    monkeypatch.setattr(admission, "MAX_RECORDS", 50)
    record = QueryRecord(tmp_path / "fast")
    for n in range(500):
        record.record(_query(n))
    assert len(list((tmp_path / "fast").iterdir())) == 50
    assert record.known(_query(0)) and record.known(_query(49)) and not record.known(_query(50))


def test_two_workers_sharing_a_record_stay_near_the_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Protects the bound with several workers: each counts again often enough that the folder stays within 10%."""
    monkeypatch.setattr(admission, "MAX_RECORDS", 100)
    workers = [QueryRecord(tmp_path / "fast"), QueryRecord(tmp_path / "fast")]
    for n in range(1000):
        workers[n % 2].record(_query(n))
    assert 100 <= len(list((tmp_path / "fast").iterdir())) <= 110
