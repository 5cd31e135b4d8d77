"""Anchoring: quotes and mentions become Web Annotations whose offsets round-trip."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from histgraph.build.anchors import find_anchors, resolve_anchors
from histgraph.build.load import read_project
from histgraph.errors import AnchorError

PREFIXES = """@prefix hg: <https://histgraph.example.org/ontology#> .
@prefix event: <https://histgraph.example.org/id/event/> .
@prefix person: <https://histgraph.example.org/id/person/> .
"""


def make_project(root: Path, facts: str, text: str = "Alpha met Beta. Alpha left.\n") -> Path:
    folder = root / "data" / "documents" / "doc-1"
    folder.mkdir(parents=True)
    (folder / "text.txt").write_text(text, encoding="utf-8")
    (folder / "facts.ttl").write_text(PREFIXES + facts, encoding="utf-8")
    return root / "data"


def test_quote_becomes_annotation_with_round_tripping_offsets(tmp_path: Path) -> None:
    """Protects fidelity: the text sliced at the offsets equals the quote."""
    data = make_project(tmp_path, 'event:m hg:quote "Alpha met Beta." .\n')
    source = read_project(data)
    quads, anchors = resolve_anchors(source.quads, source.texts)
    (anchor,) = anchors
    assert anchor.text.content[anchor.start : anchor.end] == "Alpha met Beta."
    assert (anchor.start, anchor.end) == (0, 15)
    exact = [q.object.value for q in quads if q.predicate.value.endswith("#exact")]
    assert exact == ["Alpha met Beta."]
    assert not [q for q in quads if q.predicate.value.endswith("#quote")]


def test_non_ascii_offsets_count_characters(tmp_path: Path) -> None:
    """Protects offsets for Chinese and curly quotes: counted in characters, not bytes."""
    data = make_project(tmp_path, 'event:m hg:quote "毛泽东 met Beta" .\n', text="“Yes.” 毛泽东 met Beta.\n")
    source = read_project(data)
    (anchor,) = find_anchors(source.quads, source.texts)
    assert anchor.start == 7 and anchor.exact == "毛泽东 met Beta"


def test_missing_quote_is_refused_with_the_words(tmp_path: Path) -> None:
    """Protects against silently unanchored facts: a misspelt quote stops the build."""
    data = make_project(tmp_path, 'event:m hg:quote "Alpha meets Beta." .\n')
    source = read_project(data)
    with pytest.raises(AnchorError, match="Alpha meets Beta"):
        find_anchors(source.quads, source.texts)


def test_ambiguous_quote_needs_occurrence(tmp_path: Path) -> None:
    """Protects against anchoring to the wrong place when words repeat."""
    data = make_project(tmp_path, 'event:m hg:quote "Alpha" .\n')
    source = read_project(data)
    with pytest.raises(AnchorError, match="occurs 2 times"):
        find_anchors(source.quads, source.texts)


def test_quote_occurrence_picks_the_nth(tmp_path: Path) -> None:
    data = make_project(tmp_path, 'event:m hg:quote "Alpha" ; hg:quoteOccurrence 2 .\n')
    source = read_project(data)
    (anchor,) = find_anchors(source.quads, source.texts)
    assert anchor.start == 16


def test_mentions_cover_every_occurrence_but_not_nested_ones(tmp_path: Path) -> None:
    """Protects the document view: every mention linked once, "Al" inside "Alpha" not twice."""
    data = make_project(tmp_path, 'person:a hg:mention "Alpha", "Alph" .\n')
    source = read_project(data)
    anchors = find_anchors(source.quads, source.texts)
    assert [(a.start, a.end) for a in anchors] == [(0, 5), (16, 21)]
    assert {a.motivation for a in anchors} == {"identifying"}


def test_annotation_iris_are_stable(tmp_path: Path) -> None:
    """Protects deterministic builds: the same input mints the same annotation IRIs."""
    data = make_project(tmp_path, 'event:m hg:quote "Alpha met Beta." .\n')
    first = resolve_anchors(read_project(data).quads, read_project(data).texts)[0]
    second = resolve_anchors(read_project(data).quads, read_project(data).texts)[0]
    assert sorted(map(str, first)) == sorted(map(str, second))
    assert all(not isinstance(t, ox.BlankNode) for q in first for t in (q.subject, q.object))
