"""Accepted suggestions as Turtle in the document's ``facts.ttl``, in one block that is rewritten whole.

The block sits between two marker comments at the end of ``facts.ttl`` (the
file is created with the project's prefixes when the document has none yet).
Everything outside the block is left byte for byte as it was, and the block is
sorted, so applying the same decisions twice changes nothing and one more
decision is a one- or few-line diff:

* a mention: ``person:molotov hg:mention "Molotov" .`` (every occurrence is
  annotated); for words that name several entities, the ones the reviewer chose;
* a date: a ``crm:E52_Time-Span`` with its words (``hg:asWritten``, ``hg:quote``,
  ``hg:quoteOccurrence`` when the words occur more than once), its bounds and
  ``hg:vague`` when the words are vague; and, when the reviewer attached it to
  a fact, the fact's ``hg:plannedTimeSpan`` or ``crm:P4_has_time-span``
  (:mod:`histgraph.ingest.fact_attachments`);
* a duration: the fact's ``time:hasDuration``, a ``time:Duration`` named
  ``<fact>#duration`` as the hand-written cable names them, with the number
  and unit stated, the words as written and ``hg:approximate`` when the words
  say "about";
* a new entity: its mention only. Its record is shared by every document, so
  it goes to ``data/authorities/`` (:mod:`histgraph.ingest.new_entities`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from histgraph.atomic_files import write_atomically
from histgraph.ingest.turtle_writer import block, header, slugify, term, text, typed
from histgraph.vocab import PREFIXES

BEGIN = "# --- Accepted suggestions (histgraph suggest): edit the review file and run --apply, not this block ---"
END = "# --- end of accepted suggestions ---"


def accepted_decision(entry: dict[str, Any]) -> dict[str, Any] | None:
    """The entry's last decision when it accepts, else ``None`` (the last decision counts)."""
    decisions = entry.get("decisions", [])
    return decisions[-1] if decisions and decisions[-1]["status"] == "accepted" else None


def new_entity_iri(entry: dict[str, Any], decision: dict[str, Any]) -> str:
    """The IRI an accepted new entity gets: its kind's namespace and its words as a slug."""
    return PREFIXES[decision["kind"]] + slugify(entry["words"])


def accepted_turtle(review: dict[str, Any], text_of_document: str,
                    attached: dict[str, tuple[str, str]] | None = None) -> str:
    """The block's statements for the accepted entries of ``review``.

    ``attached`` gives, for dates and durations the reviewer attached to a fact,
    the fact and the property (:func:`histgraph.ingest.fact_attachments.attachments`).
    """
    attached = attached or {}
    document_id = review["document"]
    mentions: dict[str, set[str]] = {}
    records: list[str] = []
    for entry in review["entries"]:
        decision = accepted_decision(entry)
        if decision is None:
            continue
        if entry["kind"] == "mention":
            for iri in decision.get("entities") or [entry["entity"]]:
                mentions.setdefault(iri, set()).add(entry["words"])
        elif entry["kind"] == "new-entity":
            mentions.setdefault(new_entity_iri(entry, decision), set()).add(entry["words"])
        elif entry["kind"] == "date":
            records.append(_time_span(entry, document_id, text_of_document, attached.get(entry["id"])))
        elif entry["kind"] == "duration" and entry["id"] in attached:
            records.append(_duration(entry, *attached[entry["id"]]))
    lines = [f"{term(iri)} hg:mention {', '.join(text(w) for w in sorted(words))} ." for iri, words in sorted(mentions.items())]
    return "\n".join(lines) + ("\n\n" if lines and records else "\n" if lines else "") + "\n".join(sorted(records))


def _time_span(entry: dict[str, Any], document_id: str, whole: str, attached: tuple[str, str] | None) -> str:
    words, start = entry["words"], entry["start"]
    occurrence = whole.count(words, 0, start) + 1
    iri = f"{PREFIXES['timespan']}{document_id}-{slugify(words, 40)}" + (f"-{occurrence}" if occurrence > 1 else "")
    span = block(iri, [
        ("a", ["crm:E52_Time-Span"]),
        ("rdfs:label", [text(f"{words} ({entry['begin'][:10]} to {entry['end_of_span'][:10]})", "en")]),
        ("hg:asWritten", [text(words)]),
        ("hg:quote", [text(words)]),
        ("hg:quoteOccurrence", [str(occurrence)] if whole.count(words) > 1 else []),
        ("hg:vague", ["true"] if entry.get("vague") else []),
        ("crm:P82a_begin_of_the_begin", [typed(entry["begin"], "dateTime")]),
        ("crm:P82b_end_of_the_end", [typed(entry["end_of_span"], "dateTime")]),
    ])
    if attached is None:
        return span
    fact, prop = attached
    return f"{term(fact)} {prop} {term(iri)} .\n" + span


def _duration(entry: dict[str, Any], fact: str, prop: str) -> str:
    iri = fact + "#duration"
    return f"{term(fact)} {prop} {term(iri)} .\n" + block(iri, [
        ("a", ["time:Duration"]),
        ("rdfs:label", [text(entry["words"], "en")]),
        ("hg:asWritten", [text(entry["words"])]),
        ("hg:approximate", ["true"] if entry.get("approximate") else []),
        ("time:numericDuration", [typed(str(entry["value"]), "decimal")]),
        ("time:unitType", [f"time:{entry['unit']}"]),
    ])


def write_accepted(folder: Path, review: dict[str, Any], attached: dict[str, tuple[str, str]] | None = None) -> Path:
    """Rewrite the accepted-suggestions block of ``folder/facts.ttl`` (see the module docstring)."""
    facts = folder / "facts.ttl"
    whole = (folder / "text.txt").read_text(encoding="utf-8")
    body = accepted_turtle(review, whole, attached)
    if facts.is_file():
        current = facts.read_text(encoding="utf-8")
    else:
        current = header(f"What {review['document']} states. Written by hand and by histgraph suggest (the block below).")
    before, found, rest = current.partition(BEGIN)
    after = rest.partition(END)[2] if found else ""
    if body:
        # The block writes CURIEs; a hand-written file may not declare every project prefix.
        declared = set(re.findall(r"^@prefix\s+([\w-]*):", before + after, re.MULTILINE))
        body = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items() if p not in declared) + body
    new = before.rstrip("\n") + "\n\n" + BEGIN + "\n" + body + ("\n" if body and not body.endswith("\n") else "") + END + "\n" + after.lstrip("\n")
    if new != current:
        write_atomically(facts, new)
    return facts
