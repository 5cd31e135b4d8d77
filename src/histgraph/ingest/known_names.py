"""The names of known entities, and finding them in a text in linear time.

Names are every form the project's data holds for its people, groups, places
and works (labels in each language, alternative labels, ``schema:name``, the
forms the archive writes, historical names and other appellations: the
``local-names`` query ``histgraph link`` uses), each also without editorial
brackets, articles or "Comrade" when that is still a name
(:func:`histgraph.wikidata.names.search_forms`), and
the labels the Wikidata snapshot gives the items of reviewed matches, when
there is a snapshot. A document's own ``hg:mention`` annotations are not names:
suggestions are made from what the archive knows, not from earlier answers.

A text is read as words (runs of letters and digits); at each word the longest
known name starting there wins, and the scan goes on after it. Names are at
most :data:`MAX_WORDS` words, so the scan is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from histgraph.vocab import PREFIXES
from histgraph.wikidata.local import KIND_OF_CLASS
from histgraph.wikidata.names import normalise, search_forms

#: The longest name, in words, that is looked for.
MAX_WORDS = 16
_WORD = re.compile(r"\w+", re.UNICODE)
_KIND_ORDER = ("person", "place", "group", "work")
SOURCES = PREFIXES["source"]


@dataclass(frozen=True)
class KnownEntity:
    iri: str
    kind: str
    label: str


@dataclass(frozen=True)
class Found:
    """A known name found in the text: where, its words, and the entities it names."""

    start: int
    end: int
    entities: tuple[KnownEntity, ...]


@dataclass
class NameIndex:
    """Names (as tuples of normalised words) to the entities they name."""

    names: dict[tuple[str, ...], set[str]]
    entities: dict[str, KnownEntity]

    def add(self, name: str, iri: str) -> None:
        # The name as written, and cleaned only when the cleaned form is still a name
        # ("Comrade Molotov" → "Molotov"; "a new one" does not become "one").
        for form in {name, *search_forms(name)}:
            key = tuple(normalise(form).split())
            if key and len(key) <= MAX_WORDS:
                self.names.setdefault(key, set()).add(iri)


def words(text: str) -> list[tuple[int, int, str]]:
    """Each word of ``text`` with its start and end, normalised for comparing."""
    return [(m.start(), m.end(), normalise(m.group())) for m in _WORD.finditer(text)]


def find_names(text: str, index: NameIndex) -> Iterator[Found]:
    """Known names in ``text``, leftmost and longest first, not overlapping (see the module docstring)."""
    tokens = words(text)
    i = 0
    while i < len(tokens):
        for length in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
            key = tuple(t[2] for t in tokens[i : i + length])
            iris = index.names.get(key)
            if iris:
                start, end = tokens[i][0], tokens[i + length - 1][1]
                if start > 0 and text[start - 1] == "[" and "]" in text[start:end]:
                    start -= 1  # "[Zhou] Enlai": the editor's bracket belongs to the words
                entities = tuple(sorted((index.entities[iri] for iri in iris), key=lambda e: e.iri))
                yield Found(start, end, entities)
                i += length
                break
        else:
            i += 1


def name_index(data_dir: Path, *, leave_out: frozenset[str] = frozenset()) -> NameIndex:
    """The names of the project's people, groups, places and works, and the snapshot's for reviewed matches.

    ``leave_out`` names sources of names not to use (``asWritten``: the forms
    the archive's documents were found to write, to measure on a document as
    if it were new).
    """
    from histgraph.wikidata.client import load_query
    from histgraph.wikidata.local import project_store

    store = project_store(data_dir)
    kinds: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    named: list[tuple[str, str]] = []
    for query, package in (("local-names", "histgraph.wikidata"), ("snapshot-names", "histgraph.ingest")):
        for row in store.select(load_query(query, package)):
            iri, name = str(row["entity"]), str(row["name"])
            if row.get("source") is not None and str(row["source"]) in leave_out:
                continue
            if iri.startswith(SOURCES):
                continue  # cited sources (data/record/) are not what documents mention
            kinds.setdefault(iri, set()).add(KIND_OF_CLASS[str(row["class"])])
            named.append((name, iri))
            if row.get("source") is not None and str(row["source"]) == "label":
                lang = getattr(row["name"], "language", None)
                if lang in (None, "en") or iri not in labels:
                    labels[iri] = name
    index = NameIndex({}, {})
    for iri, found in kinds.items():
        kind = next(k for k in _KIND_ORDER if k in found)
        index.entities[iri] = KnownEntity(iri, kind, labels.get(iri, iri.rpartition("/")[2]))
    for name, iri in named:
        index.add(name, iri)
    return index
