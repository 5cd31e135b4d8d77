"""Deciding on ``histgraph suggest``'s suggestions: the review file, its checks, and ``--accept``/``--reject``.

A decision is ``{"status": "accepted" | "rejected", "reviewer": ..., "at": ...}``
as in ``histgraph link``; the last one on an entry counts, earlier ones stay
as the record. Some acceptances need the reviewer's choice, given on the
command line as ``--accept ID=CHOICE`` and kept in the decision:

* a new entity: its kind (``=person``, ``=group``, ``=place``, ``=work``), kept as ``kind``;
* words that name several known entities: which one(s) (``=work:treaty-1945``,
  comma-separated when the words name more than one, as "the two countries"
  may), each one of the entry's ``alternatives``, kept as ``entities``;
* a date: optionally the fact it dates (``=step:zhou-journey-depart-beijing``),
  kept as ``fact``; without one it stays a free time-span anchored to its words;
* a duration: the fact whose length it is, kept as ``fact`` (required).

Facts are given as a CURIE (``step:…``, ``event:…``) or a full IRI, and must be
declared in the document's own ``facts.ttl`` (checked when the decisions are
written, :mod:`histgraph.ingest.fact_attachments`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from histgraph.atomic_files import write_atomically
from histgraph.ingest.readers import ImportFailed
from histgraph.timestamps import utc_timestamp
from histgraph.vocab import PREFIXES
from histgraph.wikidata.review import ReviewError, check_decided, read_review_file, save_review

FORMAT = "histgraph-suggest-review"
VERSION = 1
NEW_ENTITY_KINDS = ("person", "group", "place", "work")
_ID_BASE = PREFIXES["person"].rpartition("person/")[0]


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


def instructions(document_id: str) -> str:
    """What the review file tells its reader to do."""
    return (
        "For each entry, add a decision to 'decisions': {\"status\": \"accepted\" or \"rejected\", "
        "\"reviewer\": \"your name\"}. A new entity also needs \"kind\" (person, group, place or work); "
        "words naming several entities (\"alternatives\") need \"entities\": [the IRIs you choose]; a duration "
        "needs \"fact\": the IRI of the fact it is the length of; a date may have one (else it stays a free "
        f"time-span). Then run `histgraph suggest {document_id} --apply`. Or use `histgraph suggest "
        f"{document_id} --accept ID[=CHOICE] --reject ID` (see `histgraph suggest --help`)."
    )


def expand(ref: str) -> str:
    """A CURIE of a project prefix (``step:x``), ``kind/slug`` or a full IRI, as a full IRI."""
    ref = ref.strip()
    prefix, sep, local = ref.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    if "/" in ref and ":" not in ref:
        return _ID_BASE + ref
    return ref


def _check_entry(path: Path, entry: dict[str, Any]) -> None:
    for decision in entry.get("decisions", []):
        where = f"{path}: decision for {entry.get('id')}"
        check_decided(where, decision)
        if decision["status"] != "accepted":
            continue
        kind = entry.get("kind")
        if kind == "new-entity" and decision.get("kind") not in NEW_ENTITY_KINDS:
            raise ReviewError(f'{where}: say what it is: "kind": one of {", ".join(NEW_ENTITY_KINDS)}')
        if kind == "mention" and entry.get("alternatives"):
            offered = {a["entity"] for a in entry["alternatives"]}
            chosen = decision.get("entities") or []
            if not chosen or not set(chosen) <= offered:
                raise ReviewError(f'{where}: the words name several entities; say which: "entities": '
                                  f"a list of some of {', '.join(sorted(offered))}")
        if kind == "date" and entry.get("unresolved"):
            raise ReviewError(f"{where}: it has no resolved date ({entry['unresolved']}); it cannot be "
                              "accepted, write its time-span by hand")
        if kind == "duration" and not decision.get("fact"):
            raise ReviewError(f'{where}: a duration is the length of a fact; say which: "fact": its IRI '
                              f"(or --accept {entry.get('id')}=step:…)")


def load_suggestions(path: Path) -> dict[str, Any]:
    """Read and check a suggestions review file; errors name the file and the entry."""
    review = read_review_file(path, FORMAT, "histgraph suggest DOCUMENT")
    for entry in review.get("entries", []):
        _check_entry(path, entry)
    return review


def _choice(entry: dict[str, Any], entry_id: str, choice: str) -> dict[str, Any]:
    """What ``--accept ID=CHOICE`` adds to the decision on ``entry``, or an error saying what to give."""
    kind = entry["kind"]
    if kind == "new-entity":
        if choice not in NEW_ENTITY_KINDS:
            raise ReviewError(f"say what {entry_id} is: --accept {entry_id}=KIND, KIND one of {', '.join(NEW_ENTITY_KINDS)}")
        return {"kind": choice}
    if kind == "mention" and entry.get("alternatives"):
        offered = [a["entity"] for a in entry["alternatives"]]
        chosen = [expand(c) for c in choice.split(",") if c.strip()]
        if not chosen or not set(chosen) <= set(offered):
            raise ReviewError(f"{entry_id!r} ({entry['words']!r}) names several entities; choose: --accept "
                              f"{entry_id}=ENTITY[,ENTITY], ENTITY one of {', '.join(offered)}")
        return {"entities": chosen}
    if kind == "date" and entry.get("unresolved"):
        raise ReviewError(f"{entry_id} has no resolved date ({entry['unresolved']}); write its time-span by hand")
    if kind in ("date", "duration"):
        if choice:
            return {"fact": expand(choice)}
        if kind == "duration":
            raise ReviewError(f"{entry_id} is a duration: say whose length it is: --accept {entry_id}=FACT "
                              "(a step, event, plan or request of this document, e.g. step:…)")
        return {}
    if choice:
        raise ReviewError(f"{entry_id} names one entity, {entry.get('entity')}: accept it without =…, "
                          "or reject it and annotate the words by hand")
    return {}


def decide(review: dict[str, Any], ref: str, *, accept: bool, reviewer: str, at: str, note: str = "") -> None:
    """Record a decision on the entry ``ref`` (``ID`` or ``ID=CHOICE``: see the module docstring)."""
    if not reviewer.strip():
        raise ReviewError("say who is deciding: --reviewer NAME (or set HISTGRAPH_REVIEWER)")
    entry_id, _, choice = ref.partition("=")
    entry_id, choice = entry_id.strip(), choice.strip()
    entry = next((e for e in review["entries"] if e["id"] == entry_id), None)
    if entry is None:
        raise ReviewError(f"{entry_id} is not in the review file; use an id listed there")
    decision: dict[str, Any] = {"status": "accepted" if accept else "rejected", "reviewer": reviewer, "at": at}
    if accept:
        decision |= _choice(entry, entry_id, choice)
    if note:
        decision["note"] = note
    entry["decisions"].append(decision)  # the last decision counts; earlier ones stay as the record


def apply_decisions(data_dir: Path, document: str, *, accept: tuple[str, ...] = (), reject: tuple[str, ...] = (),
                    reviewer: str = "", note: str = "") -> tuple[Path, dict[str, Any]]:
    """Record ``--accept``/``--reject`` decisions, then rewrite what the accepted ones write.

    That is the accepted block of the document's ``facts.ttl`` (mentions,
    time-spans, durations, and their links to facts) and the accepted new
    entities' records in ``data/authorities/``. Every decision, fact and new
    IRI is checked before anything is written.
    """
    from histgraph.ingest.accept import write_accepted
    from histgraph.ingest.fact_attachments import attachments
    from histgraph.ingest.new_entities import authority_records

    folder = document_folder(data_dir, document)
    path = review_path(data_dir, folder.name)
    review = load_suggestions(path)
    at = utc_timestamp()
    for refs, is_accept in ((accept, True), (reject, False)):
        for ref in refs:
            decide(review, ref, accept=is_accept, reviewer=reviewer, at=at, note=note)
    attached = attachments(folder, review)
    records = authority_records(data_dir, {folder.name: review})
    if accept or reject:
        save_review(path, review)
    for authority_file, content in records.items():
        write_atomically(authority_file, content)
    return write_accepted(folder, review, attached), review
