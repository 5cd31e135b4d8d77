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

Forms derived from those names are looked for too, each only where no entity
has the same words as one of its own names, so a derived form never hides a
stated one: a person's family name alone ("Molotov" from "Vyacheslav
Molotov"; the first word when the person also has a Chinese label, as Chinese
names put the family name first: "Zhou" from "Zhou Enlai"), a label without
its parenthetical qualifier even in lower case ("workers" from "workers (in
China)"), and the head of a group's or work's label before "of" when it is
itself capitalised ("Central Committee" from "Central Committee of the Chinese
Communist Party"); family names and heads only where the text capitalises
them ("Ye" is a name, "ye" is not). Each entity found says how its name was matched
(``matched_by``), so the reviewer knows a surname from a full label.

A text is read as words (runs of letters and digits); at each word the longest
known name starting there wins, and the scan goes on after it. A name does not
run into or out of an editor's bracket ("Central Committee [of the Chinese
Communist Party]" is two names, "[Zhou] Enlai" one). Names of a different kind
inside a longer name are reported too ("the imperialist countries" in a
treaty's description). Names are at most :data:`MAX_WORDS` words, so the scan
is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from histgraph.vocab import PREFIXES
from histgraph.wikidata.local import KIND_OF_CLASS
from histgraph.wikidata.names import clean, normalise, search_forms

#: The longest name, in words, that is looked for.
MAX_WORDS = 16
_WORD = re.compile(r"\w+", re.UNICODE)
_KIND_ORDER = ("person", "place", "group", "work")
SOURCES = PREFIXES["source"]
#: How a derived form was made, as the review file says it (``matched_by``).
FAMILY_NAME = "family name"
WITHOUT_QUALIFIER = "label without its qualifier"
HEAD_OF_LABEL = "head of the label"
#: Derived forms that are names only when the text capitalises them.
_CAPITALISED_FORMS = frozenset({FAMILY_NAME, HEAD_OF_LABEL})
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class KnownEntity:
    iri: str
    kind: str
    label: str


@dataclass(frozen=True)
class Found:
    """A known name found in the text: where, its words, the entities it names and how each was matched."""

    start: int
    end: int
    entities: tuple[KnownEntity, ...]
    matched_by: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass
class NameIndex:
    """Names (as tuples of normalised words) to the entities they name, each with how it is named."""

    names: dict[tuple[str, ...], dict[str, str]]
    entities: dict[str, KnownEntity]
    derived: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)

    def add(self, name: str, iri: str, source: str = "name") -> None:
        # The name as written, and cleaned only when the cleaned form is still a name
        # ("Comrade Molotov" → "Molotov"; "a new one" does not become "one").
        for form in {name, *search_forms(name)}:
            key = tuple(normalise(form).split())
            if key and len(key) <= MAX_WORDS:
                self.names.setdefault(key, {}).setdefault(iri, source)

    def add_derived(self, form: str, iri: str, how: str) -> None:
        """A form derived from a name (see the module docstring); used where no entity states those words."""
        key = tuple(normalise(form).split())
        if key and len(key) <= MAX_WORDS:
            self.derived.setdefault(key, {}).setdefault(iri, how)

    def lookup(self, key: tuple[str, ...]) -> dict[str, str] | None:
        """The entities ``key`` names: by a stated name if any entity has one, else by a derived form."""
        return self.names.get(key) or self.derived.get(key)


def words(text: str) -> list[tuple[int, int, str]]:
    """Each word of ``text`` with its start and end, normalised for comparing."""
    return [(m.start(), m.end(), normalise(m.group())) for m in _WORD.finditer(text)]


def _crosses_a_bracket(text: str, start: int, first_end: int, end: int) -> bool:
    # The translators' insertions are their words, not the source's: a name may open with
    # one ("[Zhou] Enlai") or lie inside one, but not run into one or out of one.
    opens_with_one = start > 0 and text[start - 1] == "["
    return "[" in text[first_end:end] or (not opens_with_one and "]" in text[start:end])


def _match_at(text: str, tokens: list[tuple[int, int, str]], i: int, stop: int,
              index: NameIndex) -> tuple[int, dict[str, str]] | None:
    """The longest known name starting at token ``i`` and ending before token ``stop``: its length and entities."""
    for length in range(min(MAX_WORDS, stop - i), 0, -1):
        iris = index.lookup(tuple(t[2] for t in tokens[i : i + length]))
        if not iris or _crosses_a_bracket(text, tokens[i][0], tokens[i][1], tokens[i + length - 1][1]):
            continue
        if set(iris.values()) <= _CAPITALISED_FORMS and not text[tokens[i][0]].isupper():
            continue  # "Li" or "Ye" alone is a name only when written as one, not "li" or "ye"
        return length, iris
    return None


def _found(text: str, tokens: list[tuple[int, int, str]], i: int, length: int, iris: dict[str, str],
           index: NameIndex) -> Found:
    start, end = tokens[i][0], tokens[i + length - 1][1]
    if start > 0 and text[start - 1] == "[" and "]" in text[start:end]:
        start -= 1  # "[Zhou] Enlai": the editor's bracket belongs to the words
    entities = tuple(sorted((index.entities[iri] for iri in iris), key=lambda e: e.iri))
    return Found(start, end, entities, dict(iris))


def find_names(text: str, index: NameIndex) -> Iterator[Found]:
    """Known names in ``text``, leftmost and longest first, and names of other kinds inside them (module docstring)."""
    tokens = words(text)
    i = 0
    while i < len(tokens):
        match = _match_at(text, tokens, i, len(tokens), index)
        if match is None:
            i += 1
            continue
        length, iris = match
        outer = _found(text, tokens, i, length, iris, index)
        yield outer
        kinds = {e.kind for e in outer.entities}
        j = i + 1
        while j < i + length:
            inner = _match_at(text, tokens, j, i + length, index)
            if inner is None:
                j += 1
                continue
            found = _found(text, tokens, j, inner[0], inner[1], index)
            if not kinds & {e.kind for e in found.entities}:
                yield found
            j += inner[0]
        i += length


def _derived_forms(kind: str, label: str, has_han_label: bool) -> list[tuple[str, str]]:
    """Forms of an English ``label`` worth finding alone (see the module docstring), with how each is made."""
    forms: list[tuple[str, str]] = []
    unqualified = clean(label)
    if "(" in label and unqualified and unqualified != label:
        forms.append((unqualified, WITHOUT_QUALIFIER))
    parts = unqualified.split()
    if kind == "person" and len(parts) >= 2 and "(" not in unqualified:
        family = parts[0] if has_han_label else parts[-1]
        if family[:1].isupper() and len(family) > 1:
            forms.append((family, FAMILY_NAME))
    if kind in ("group", "work") and " of " in unqualified:
        head = unqualified.partition(" of ")[0]
        if len(head.split()) >= 2 and all(w[:1].isupper() for w in head.split()):
            forms.append((head, HEAD_OF_LABEL))
    return forms


def name_index(data_dir: Path, *, leave_out: frozenset[str] = frozenset(),
               documents: Iterable[str] = ()) -> NameIndex:
    """The names of the project's people, groups, places and works, and the snapshot's for reviewed matches.

    Read from the shared files (``authorities/``, ``links/``, ``enrichment/``,
    ``record/``), where those entities are declared, and the folders of
    ``documents`` only: reading every document's facts to find a few hundred
    records took 73 s and 1.5 GB at 10,000 documents. ``leave_out`` names
    sources of names not to use (``asWritten``: the forms the archive's
    documents were found to write, to measure on a document as if it were new).
    """
    from histgraph.build.load import read_project
    from histgraph.store import EmbeddedStore
    from histgraph.wikidata.client import load_query

    store = EmbeddedStore.from_quads(read_project(data_dir, only_documents=documents).quads, version="project")
    kinds: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    english: dict[str, set[str]] = {}
    han: set[str] = set()
    named: list[tuple[str, str, str]] = []
    for query, package in (("local-names", "histgraph.wikidata"), ("snapshot-names", "histgraph.ingest")):
        for row in store.select(load_query(query, package)):
            iri, name = str(row["entity"]), str(row["name"])
            source = str(row["source"])
            if source in leave_out or iri.startswith(SOURCES):
                continue  # cited sources (data/record/) are not what documents mention
            kinds.setdefault(iri, set()).add(KIND_OF_CLASS[str(row["class"])])
            named.append((name, iri, source))
            lang = getattr(row["name"], "language", None)
            if source == "label" and (lang in (None, "en") or iri not in labels):
                labels[iri] = name
            if source in ("label", "snapshot") and lang in (None, "en"):
                english.setdefault(iri, set()).add(name)
            if source in ("label", "snapshot") and _HAN.search(name):
                han.add(iri)
    index = NameIndex({}, {})
    for iri, found in kinds.items():
        kind = next(k for k in _KIND_ORDER if k in found)
        index.entities[iri] = KnownEntity(iri, kind, labels.get(iri, iri.rpartition("/")[2]))
    for name, iri, source in named:
        index.add(name, iri, source)
    for iri, names in english.items():
        for name in sorted(names):
            for form, how in _derived_forms(index.entities[iri].kind, name, iri in han):
                index.add_derived(form, iri, how)
    return index
