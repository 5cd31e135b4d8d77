"""``histgraph suggest``: reviewable suggestions for a document, written to a review file.

The review file ``data/review/suggest-<document-id>.json`` has the shape of
``histgraph link``'s (format, version, created, instructions, and entries with
a list of ``decisions``, empty until a person decides), and is read, checked
and saved by the same functions (:mod:`histgraph.wikidata.review`). Each entry
has an ``id`` and a ``kind``:

* ``mention``: a known entity (``entity``, ``entity_kind``, ``label``) named by
  ``words``, with every occurrence (``start``, ``end``, character offsets) and
  the other entities the same words name (``also``);
* ``date``: a date expression (``words``, ``start``, ``end``) and the span it
  means (``begin``, ``end_of_span``, local time as written, ``precision``,
  ``vague``), or why it has none (``unresolved``);
* ``new-entity``: capitalised words that match no known entity, with every
  occurrence; accepting one needs its kind (person, group, place, work).

Nothing is written into ``data/documents/``: accepting is a separate step
(:mod:`histgraph.ingest.accept`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from histgraph.ingest.date_expressions import DateFound, find_dates
from histgraph.ingest.known_names import NameIndex, find_names, name_index
from histgraph.ingest.readers import ImportFailed
from histgraph.ingest.turtle_writer import slugify
from histgraph.timestamps import utc_timestamp
from histgraph.wikidata.review import ReviewError, check_decided, read_review_file, save_review

FORMAT = "histgraph-suggest-review"
VERSION = 1
NEW_ENTITY_KINDS = ("person", "group", "place", "work")
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
    new_entities: int


def review_path(data_dir: Path, document_id: str) -> Path:
    """Where the suggestions for ``document_id`` are written."""
    return data_dir / "review" / f"suggest-{document_id}.json"


def document_folder(data_dir: Path, document: str) -> Path:
    """The folder of ``document`` (an id or a folder path), or an error naming what exists."""
    candidate = Path(document)
    folder = candidate if candidate.is_dir() and (candidate / "text.txt").is_file() else data_dir / "documents" / document
    if not (folder / "text.txt").is_file():
        raise ImportFailed(
            f"no document {document!r}: expected {folder}/text.txt; run `histgraph import` first, "
            "or give a document id from data/documents/"
        )
    return folder


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


def mention_entries(text: str, index: NameIndex) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """One entry per (entity, words), every occurrence listed; and the spans they cover."""
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    spans: list[tuple[int, int]] = []
    for found in find_names(text, index):
        words = text[found.start : found.end]
        spans.append((found.start, found.end))
        for entity in found.entities:
            key = (entity.iri, words)
            entry = grouped.get(key)
            if entry is None:
                entry = grouped[key] = {
                    "id": f"mention:{entity.iri.rpartition('/id/')[2]}:{slugify(words)}",
                    "kind": "mention",
                    "entity": entity.iri,
                    "entity_kind": entity.kind,
                    "label": entity.label,
                    "words": words,
                    "also": sorted(e.iri for e in found.entities if e.iri != entity.iri),
                    "occurrences": [],
                    "decisions": [],
                }
            entry["occurrences"].append({"start": found.start, "end": found.end, "context": _context(text, found.start, found.end)})
    return sorted(grouped.values(), key=lambda e: (e["occurrences"][0]["start"], e["entity"])), spans


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


def build_suggestions(text: str, index: NameIndex, date: datetime | None) -> list[dict[str, Any]]:
    """Every suggestion for ``text``: known mentions, dates, then candidate new entities."""
    mentions, spans = mention_entries(text, index)
    dates = find_dates(text, date)
    taken = spans + [(d.start, d.end) for d in dates]
    return mentions + date_entries(text, dates) + new_entity_entries(text, taken)


def suggest(data_dir: Path, document: str) -> SuggestResult:
    """Write the review file of suggestions for ``document``, keeping decisions already made on the same entries."""
    folder = document_folder(data_dir, document)
    document_id = folder.name
    text = (folder / "text.txt").read_text(encoding="utf-8")
    entries = build_suggestions(text, name_index(data_dir), document_date(folder))
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
        "instructions": (
            "For each entry, add a decision to 'decisions': {\"status\": \"accepted\" or \"rejected\", "
            "\"reviewer\": \"your name\"} (a new entity also needs \"kind\": person, group, place or work); "
            f"then run `histgraph suggest {document_id} --apply`. Or use `histgraph suggest {document_id} "
            "--accept ID --reject ID`."
        ),
        "entries": entries,
    }
    save_review(path, review)
    count = {k: sum(1 for e in entries if e["kind"] == k) for k in ("mention", "date", "new-entity")}
    return SuggestResult(path, count["mention"], count["date"], count["new-entity"])


def load_suggestions(path: Path) -> dict[str, Any]:
    """Read and check a suggestions review file; errors name the file and the entry."""
    review = read_review_file(path, FORMAT, "histgraph suggest DOCUMENT")
    for entry in review.get("entries", []):
        for decision in entry.get("decisions", []):
            where = f"{path}: decision for {entry.get('id')}"
            check_decided(where, decision)
            if (entry.get("kind") == "new-entity" and decision["status"] == "accepted"
                    and decision.get("kind") not in NEW_ENTITY_KINDS):
                raise ReviewError(f'{where}: say what it is: "kind": one of {", ".join(NEW_ENTITY_KINDS)}')
        if entry.get("kind") == "date" and entry.get("unresolved") and any(
            d["status"] == "accepted" for d in entry.get("decisions", [])
        ):
            raise ReviewError(f"{path}: {entry.get('id')} has no resolved date ({entry['unresolved']}); "
                              "it cannot be accepted, write its time-span by hand")
    return review


def decide(review: dict[str, Any], ref: str, *, accept: bool, reviewer: str, at: str, note: str = "") -> None:
    """Record a decision on the entry ``ref`` (``ID`` or, for a new entity, ``ID=KIND``)."""
    if not reviewer.strip():
        raise ReviewError("say who is deciding: --reviewer NAME (or set HISTGRAPH_REVIEWER)")
    entry_id, _, kind = ref.partition("=")
    entry = next((e for e in review["entries"] if e["id"] == entry_id.strip()), None)
    if entry is None:
        raise ReviewError(f"{entry_id} is not in the review file; use an id listed there")
    decision: dict[str, Any] = {"status": "accepted" if accept else "rejected", "reviewer": reviewer, "at": at}
    if entry["kind"] == "new-entity" and accept:
        if kind.strip() not in NEW_ENTITY_KINDS:
            raise ReviewError(f"say what {entry_id} is: --accept {entry_id}=KIND, KIND one of {', '.join(NEW_ENTITY_KINDS)}")
        decision["kind"] = kind.strip()
    if entry["kind"] == "date" and accept and entry.get("unresolved"):
        raise ReviewError(f"{entry_id} has no resolved date ({entry['unresolved']}); write its time-span by hand")
    if note:
        decision["note"] = note
    entry["decisions"].append(decision)  # the last decision counts; earlier ones stay as the record


def apply_decisions(data_dir: Path, document: str, *, accept: tuple[str, ...] = (), reject: tuple[str, ...] = (),
                    reviewer: str = "", note: str = "") -> tuple[Path, dict[str, Any]]:
    """Record ``--accept``/``--reject`` decisions, then rewrite the accepted block of ``facts.ttl``.

    Every decision is checked before anything is written.
    """
    from histgraph.ingest.accept import write_accepted

    folder = document_folder(data_dir, document)
    path = review_path(data_dir, folder.name)
    review = load_suggestions(path)
    at = utc_timestamp()
    for refs, is_accept in ((accept, True), (reject, False)):
        for ref in refs:
            decide(review, ref, accept=is_accept, reviewer=reviewer, at=at, note=note)
    if accept or reject:
        save_review(path, review)
    return write_accepted(folder, review), review
