"""``histgraph suggest``: reviewable suggestions for a document, written to a review file.

The review file ``data/review/suggest-<document-id>.json`` has the shape of
``histgraph link``'s (format, version, created, instructions, and entries with
a list of ``decisions``, empty until a person decides), and is read, checked
and saved by the same functions (:mod:`histgraph.wikidata.review`). Each entry
has an ``id`` and a ``kind``:

* ``mention``: a known entity (``entity``, ``entity_kind``, ``label``, and
  ``matched_by``: the kind of name that matched) named by ``words``, with every
  occurrence (``start``, ``end``, character offsets). When the same words name
  several known entities ("Sino-Soviet treaty": the old one and the new one),
  the entry is ONE suggestion: ``entity`` is null and ``alternatives`` lists
  the entities; accepting it needs the reviewer's choice (``ID=ENTITY``, one
  or more, comma-separated);
* ``date``: a date expression (``words``, ``start``, ``end``) and the span it
  means (``begin``, ``end_of_span``, local time as written, ``precision``,
  ``vague``), or why it has none (``unresolved``);
* ``duration``: a stated length of time (``words``, ``value``, ``unit``, an
  OWL-Time unit, ``approximate``);
* ``new-entity``: capitalised words that match no known entity, with every
  occurrence; accepting one needs its kind (person, group, place, work).

A date may be accepted alone (a free time-span, anchored to its words) or
attached to a fact of the document (``ID=FACT``: the time-span of an event, or
the planned time-span of a step, plan, request or proposal); a duration only
attached to a fact (``time:hasDuration``), as a length of nothing says nothing.

Nothing is written into ``data/`` by suggesting: accepting is a separate step
(:mod:`histgraph.ingest.accept`, :mod:`histgraph.ingest.new_entities`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from histgraph.ingest.date_expressions import DateFound, find_dates
from histgraph.ingest.durations import DurationFound, find_durations
from histgraph.ingest.known_names import KnownEntity, NameIndex, find_names, name_index
from histgraph.ingest.suggestion_review import (
    FORMAT,
    VERSION,
    document_folder,
    instructions,
    load_suggestions,
    review_path,
)
from histgraph.ingest.turtle_writer import slugify
from histgraph.timestamps import utc_timestamp
from histgraph.wikidata.review import save_review

_CAPITALISED = re.compile(r"[A-Z][\w'’-]*", re.UNICODE)
#: Words that join the parts of a name ("Treaty of Friendship and Alliance").
_JOINERS = frozenset({"of", "and", "the", "de", "von", "van", "du", "la"})
#: Capitalised words that open sentences or address people rather than name anything.
_NOT_NAMES = frozenset({
    "a", "an", "the", "in", "on", "at", "by", "to", "for", "from", "of", "and", "but", "or", "if", "as",
    "after", "before", "meanwhile", "accordingly", "please", "is", "are", "was", "will", "does", "do",
    "did", "it", "this", "that", "these", "those", "there", "our", "we", "i", "you", "he", "she", "they",
    "my", "your", "his", "her", "their", "yes", "no", "comrade", "comrades", "mr", "mrs", "dear",
    "yesterday", "today", "tomorrow", "with", "so", "then", "also", "however", "not",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
})


@dataclass(frozen=True)
class SuggestResult:
    review_file: Path
    mentions: int
    dates: int
    durations: int
    new_entities: int


def document_date(folder: Path) -> datetime | None:
    """The document's own date from its ``document.ttl`` (``dcterms:created``, else the normalised creation date)."""
    from rdflib import Graph

    from histgraph.vocab import DCTERMS, RICO

    path = folder / "document.ttl"
    if not path.is_file():
        return None
    graph = Graph().parse(path, format="turtle")
    values = [str(o) for o in graph.objects(None, DCTERMS.created)]
    values += [str(o) for o in graph.objects(None, RICO.normalizedDateValue)]
    for value in sorted(values, key=len, reverse=True):
        for pattern in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
            try:
                return datetime.strptime(value[:19], pattern)
            except ValueError:
                continue
    return None


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 40) : min(len(text), end + 40)].split())


def _entity_record(entity: KnownEntity, matched_by: str) -> dict[str, Any]:
    return {"entity": entity.iri, "entity_kind": entity.kind, "label": entity.label, "matched_by": matched_by}


def mention_entries(text: str, index: NameIndex) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """One entry per (words, entities named), every occurrence listed; and the spans they cover.

    Words that name several entities are one entry with ``alternatives``, so the
    reviewer chooses, rather than several confident suggestions of which all
    but one are wrong.
    """
    grouped: dict[tuple[tuple[str, ...], str], dict[str, Any]] = {}
    spans: list[tuple[int, int]] = []
    for found in find_names(text, index):
        words = text[found.start : found.end]
        spans.append((found.start, found.end))
        iris = tuple(e.iri for e in found.entities)
        entry = grouped.get((iris, words))
        if entry is None:
            if len(found.entities) == 1:
                only = found.entities[0]
                entry = {"id": f"mention:{only.iri.rpartition('/id/')[2]}:{slugify(words)}", "kind": "mention",
                         **_entity_record(only, found.matched_by.get(only.iri, ""))}
            else:
                entry = {"id": f"mention:one-of:{slugify(words)}", "kind": "mention", "entity": None,
                         "alternatives": [_entity_record(e, found.matched_by.get(e.iri, "")) for e in found.entities]}
                if any(e["id"] == entry["id"] for e in grouped.values()):
                    entry["id"] += "-" + "-".join(slugify(i.rpartition("/")[2], 20) for i in iris)
            entry |= {"words": words, "occurrences": [], "decisions": []}
            grouped[(iris, words)] = entry
        entry["occurrences"].append({"start": found.start, "end": found.end, "context": _context(text, found.start, found.end)})
    return sorted(grouped.values(), key=lambda e: (e["occurrences"][0]["start"], e["id"])), spans


def date_entries(text: str, dates: list[DateFound]) -> list[dict[str, Any]]:
    """One entry per date expression, in text order."""
    entries = []
    for found in dates:
        entry: dict[str, Any] = {
            "id": f"date:{found.start}-{slugify(found.words)}",
            "kind": "date",
            "words": found.words,
            "start": found.start,
            "end": found.end,
            "context": _context(text, found.start, found.end),
        }
        if found.unresolved:
            entry["unresolved"] = found.unresolved
        else:
            entry |= {"begin": found.begin, "end_of_span": found.finish, "precision": found.precision,
                      "vague": found.vague}
        entry["decisions"] = []
        entries.append(entry)
    return entries


def new_entity_entries(text: str, taken: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Capitalised name sequences outside known names and dates, grouped by their words."""
    covered = bytearray(len(text) + 1)
    for start, end in taken:
        covered[start:end] = b"\x01" * (end - start)
    grouped: dict[str, dict[str, Any]] = {}
    words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[\w'’-]+", text)]
    i = 0
    while i < len(words):
        start, end, word = words[i]
        if not _CAPITALISED.fullmatch(word) or covered[start] or word.casefold() in _NOT_NAMES:
            i += 1
            continue
        j = i + 1
        last = i
        while j < len(words):
            s, e, w = words[j]
            if covered[s] or text[words[j - 1][1] : s].strip():
                break
            if _CAPITALISED.fullmatch(w) and w.casefold() not in _NOT_NAMES:
                last = j
            elif w not in _JOINERS:
                break
            j += 1
        span_start, span_end = start, words[last][1]
        name = text[span_start:span_end]
        single = last == i
        i = last + 1
        before = text[max(0, span_start - 3) : span_start].rstrip(" \"“([")
        sentence_start = not before or before[-1] in ".:;!?\n"
        if len(name) < 2 or (single and sentence_start):
            continue
        entry = grouped.setdefault(name, {
            "id": f"new:{slugify(name)}", "kind": "new-entity", "words": name, "occurrences": [], "decisions": [],
        })
        entry["occurrences"].append({"start": span_start, "end": span_end, "context": _context(text, span_start, span_end)})
    return sorted(grouped.values(), key=lambda e: e["occurrences"][0]["start"])


def duration_entries(text: str, durations: list[DurationFound]) -> list[dict[str, Any]]:
    """One entry per stated duration, in text order."""
    return [{
        "id": f"duration:{found.start}-{slugify(found.words)}", "kind": "duration", "words": found.words,
        "start": found.start, "end": found.end, "context": _context(text, found.start, found.end),
        "value": found.value, "unit": found.unit, "approximate": found.approximate, "decisions": [],
    } for found in durations]


def build_suggestions(text: str, index: NameIndex, date: datetime | None) -> list[dict[str, Any]]:
    """Every suggestion for ``text``: known mentions, dates, durations, then candidate new entities."""
    mentions, spans = mention_entries(text, index)
    dates = find_dates(text, date)
    durations = find_durations(text, [(d.start, d.end) for d in dates])
    taken = spans + [(d.start, d.end) for d in dates] + [(d.start, d.end) for d in durations]
    return mentions + date_entries(text, dates) + duration_entries(text, durations) + new_entity_entries(text, taken)


def suggest(data_dir: Path, document: str) -> SuggestResult:
    """Write the review file of suggestions for ``document``, keeping decisions already made on the same entries."""
    folder = document_folder(data_dir, document)
    document_id = folder.name
    text = (folder / "text.txt").read_text(encoding="utf-8")
    entries = build_suggestions(text, name_index(data_dir, documents=[document_id]), document_date(folder))
    path = review_path(data_dir, document_id)
    if path.is_file():
        decided = {e["id"]: e.get("decisions", []) for e in load_suggestions(path)["entries"]}
        for entry in entries:
            entry["decisions"] = decided.get(entry["id"], [])
    review = {
        "format": FORMAT,
        "version": VERSION,
        "created": utc_timestamp(),
        "document": document_id,
        "instructions": instructions(document_id),
        "entries": entries,
    }
    save_review(path, review)
    count = {k: sum(1 for e in entries if e["kind"] == k) for k in ("mention", "date", "duration", "new-entity")}
    return SuggestResult(path, count["mention"], count["date"], count["duration"], count["new-entity"])
