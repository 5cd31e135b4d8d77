"""Accepted suggestions as Turtle in the document's ``facts.ttl``, in one block that is rewritten whole.

The block sits between two marker comments at the end of ``facts.ttl`` (the
file is created with the project's prefixes when the document has none yet).
Everything outside the block is left byte for byte as it was, and the block is
sorted, so applying the same decisions twice changes nothing and one more
decision is a one- or few-line diff:

* a mention: ``person:molotov hg:mention "Molotov" .`` (every occurrence is annotated);
* a date: a ``crm:E52_Time-Span`` with its words (``hg:asWritten``, ``hg:quote``,
  ``hg:quoteOccurrence`` when the words occur more than once), its bounds and
  ``hg:vague`` when the words are vague; linking it to a fact is left to the editor;
* a new entity: its record (type by the kind the reviewer chose, label) and its mention.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from histgraph.atomic_files import write_atomically
from histgraph.ingest.turtle_writer import block, header, slugify, term, text, typed
from histgraph.vocab import PREFIXES

BEGIN = "# --- Accepted suggestions (histgraph suggest): edit the review file and run --apply, not this block ---"
END = "# --- end of accepted suggestions ---"
CLASS_OF_KIND = {
    "person": "crm:E21_Person", "group": "crm:E74_Group", "place": "crm:E53_Place",
    "work": "crm:E73_Information_Object",
}


def _accepted(entry: dict[str, Any]) -> dict[str, Any] | None:
    decisions = entry.get("decisions", [])
    return decisions[-1] if decisions and decisions[-1]["status"] == "accepted" else None


def accepted_turtle(review: dict[str, Any], text_of_document: str) -> str:
    """The block's statements for the accepted entries of ``review``."""
    document_id = review["document"]
    mentions: dict[str, set[str]] = {}
    records: list[str] = []
    for entry in review["entries"]:
        decision = _accepted(entry)
        if decision is None:
            continue
        if entry["kind"] == "mention":
            mentions.setdefault(entry["entity"], set()).add(entry["words"])
        elif entry["kind"] == "new-entity":
            iri = PREFIXES[decision["kind"]] + slugify(entry["words"])
            mentions.setdefault(iri, set()).add(entry["words"])
            records.append(block(iri, [
                ("a", [CLASS_OF_KIND[decision["kind"]]]),
                ("rdfs:label", [text(entry["words"], "en")]),
                ("rdfs:comment", [text(f"Named in {document_id}; accepted from histgraph suggest by "
                                       f"{decision['reviewer']}.", "en")]),
            ]))
        elif entry["kind"] == "date":
            records.append(_time_span(entry, document_id, text_of_document))
    lines = [f"{term(iri)} hg:mention {', '.join(text(w) for w in sorted(words))} ." for iri, words in sorted(mentions.items())]
    return "\n".join(lines) + ("\n\n" if lines and records else "\n" if lines else "") + "\n".join(sorted(records))


def _time_span(entry: dict[str, Any], document_id: str, whole: str) -> str:
    words, start = entry["words"], entry["start"]
    occurrence = whole.count(words, 0, start) + 1
    iri = f"{PREFIXES['timespan']}{document_id}-{slugify(words, 40)}" + (f"-{occurrence}" if occurrence > 1 else "")
    return block(iri, [
        ("a", ["crm:E52_Time-Span"]),
        ("rdfs:label", [text(f"{words} ({entry['begin'][:10]} to {entry['end_of_span'][:10]})", "en")]),
        ("hg:asWritten", [text(words)]),
        ("hg:quote", [text(words)]),
        ("hg:quoteOccurrence", [str(occurrence)] if whole.count(words) > 1 else []),
        ("hg:vague", ["true"] if entry.get("vague") else []),
        ("crm:P82a_begin_of_the_begin", [typed(entry["begin"], "dateTime")]),
        ("crm:P82b_end_of_the_end", [typed(entry["end_of_span"], "dateTime")]),
    ])


def write_accepted(folder: Path, review: dict[str, Any]) -> Path:
    """Rewrite the accepted-suggestions block of ``folder/facts.ttl`` (see the module docstring)."""
    facts = folder / "facts.ttl"
    whole = (folder / "text.txt").read_text(encoding="utf-8")
    body = accepted_turtle(review, whole)
    if facts.is_file():
        current = facts.read_text(encoding="utf-8")
    else:
        current = header(f"What {review['document']} states. Written by hand and by histgraph suggest (the block below).")
    before, found, rest = current.partition(BEGIN)
    after = rest.partition(END)[2] if found else ""
    new = before.rstrip("\n") + "\n\n" + BEGIN + "\n" + body + ("\n" if body and not body.endswith("\n") else "") + END + "\n" + after.lstrip("\n")
    if new != current:
        write_atomically(facts, new)
    return facts
