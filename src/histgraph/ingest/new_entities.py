"""Accepted new entities as records in ``data/authorities/``, where every shared entity is declared.

A person, group, place or work is shared by every document that mentions it,
so its record goes to the authority file of its kind (``people.ttl``,
``groups.ttl``, ``places.ttl``, ``works.ttl``), not to one document's
``facts.ttl``, which only mentions it. The records sit in one block between
two marker comments at the end of the file, rewritten whole from the accepted
``new-entity`` suggestions of every review file in ``data/review/``, so the
same decisions give the same bytes, a rejection removes the record, and an
entity accepted from two documents is one record naming both. Everything
outside the block stays byte for byte as it was.

An entity is declared in one file (the build refuses a second declaration,
:mod:`histgraph.build.declarations`), so an IRI that the project already
declares elsewhere is refused before anything is written, with what to do
instead: accept the known entity's mention, or reject the suggestion.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from histgraph.ingest.accept import accepted_decision, new_entity_iri
from histgraph.ingest.turtle_writer import block, header, term, text
from histgraph.vocab import PREFIXES
from histgraph.wikidata.review import ReviewError

AUTHORITY_FILE = {"person": "people.ttl", "group": "groups.ttl", "place": "places.ttl", "work": "works.ttl"}
CLASS_OF_KIND = {
    "person": "crm:E21_Person", "group": "crm:E74_Group", "place": "crm:E53_Place",
    "work": "crm:E73_Information_Object",
}
BEGIN = "# --- New entities accepted with histgraph suggest: decide in data/review/suggest-*.json, not here ---"
END = "# --- end of new entities accepted with histgraph suggest ---"
_RDF_TYPE = URIRef(PREFIXES["rdf"] + "type")


def _accepted_records(reviews: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each accepted new entity's IRI to its kind, label, the documents naming it and who accepted it."""
    records: dict[str, dict[str, Any]] = {}
    for document_id, review in sorted(reviews.items()):
        for entry in review["entries"]:
            decision = accepted_decision(entry)
            if entry["kind"] != "new-entity" or decision is None:
                continue
            record = records.setdefault(new_entity_iri(entry, decision), {
                "kind": decision["kind"], "label": entry["words"], "documents": set(), "reviewers": set()})
            record["documents"].add(document_id)
            record["reviewers"].add(decision["reviewer"])
    return records


def _all_reviews(data_dir: Path, current: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    from histgraph.ingest.suggestion_review import load_suggestions

    reviews = {}
    for path in sorted((data_dir / "review").glob("suggest-*.json")):
        review = load_suggestions(path)
        reviews[str(review.get("document") or path.stem.removeprefix("suggest-"))] = review
    return reviews | current


def _split(content: str) -> tuple[str, str, str]:
    """``content`` as (before the block, the block's statements, after it)."""
    before, found, rest = content.partition(BEGIN)
    if not found:
        return content, "", ""
    inside, _, after = rest.partition(END)
    return before, inside, after


def _declared_in_block(content: str, inside: str) -> set[str]:
    if not inside.strip():
        return set()
    prefixes = "".join(line + "\n" for line in content.splitlines() if line.startswith("@prefix"))
    graph = Graph().parse(data=prefixes + inside, format="turtle")
    return {str(s) for s in graph.subjects(_RDF_TYPE, None)}


def _declared_elsewhere(data_dir: Path, iris: set[str]) -> set[str]:
    """Which of ``iris`` a project file gives a type.

    Only the files whose text holds an IRI's last segment are parsed, so the
    check reads 10,000 documents' files as bytes and parses a handful.
    """
    from histgraph.build import input_files
    from histgraph.build.load import SHARED_FOLDERS, document_folders, parse_file, project_root

    root = project_root(data_dir)
    paths = [path for folder in SHARED_FOLDERS for path in input_files.shared_files(data_dir.absolute() / folder, root)]
    for folder in document_folders(data_dir):
        paths += [Path(name) for name in input_files.document_files(folder) if name.endswith(".ttl")]
    needles = {iri.rpartition("/")[2].encode() for iri in iris}
    found: set[str] = set()
    for path in paths:
        if not any(needle in path.read_bytes() for needle in needles):
            continue
        for quad in parse_file(path, None, root):
            # pyoxigraph 0.5's stub still allows a Triple subject; RDF 1.2 and its parser do not.
            subject = quad.subject.value  # type: ignore[union-attr]
            if quad.predicate.value == str(_RDF_TYPE) and subject in iris:
                found.add(subject)
    return found


def _record(iri: str, record: dict[str, Any]) -> str:
    documents = ", ".join(sorted(record["documents"]))
    return block(iri, [
        ("a", [CLASS_OF_KIND[record["kind"]]]),
        ("rdfs:label", [text(record["label"], "en")]),
        ("rdfs:comment", [text(f"Named in {documents}; accepted from histgraph suggest by "
                               f"{', '.join(sorted(record['reviewers']))}.", "en")]),
    ])


def authority_records(data_dir: Path, current: dict[str, dict[str, Any]]) -> dict[Path, str]:
    """The authority files whose block of new entities changes, with their new content; nothing is written.

    ``current`` holds review files decided but not saved yet (by document id);
    the others are read from ``data/review/``. Raises :class:`ReviewError`
    when an accepted IRI is declared elsewhere in the project.
    """
    records = _accepted_records(_all_reviews(data_dir, current))
    authorities = data_dir / "authorities"
    changed: dict[Path, str] = {}
    ours: set[str] = set()
    contents: dict[str, tuple[Path, str, tuple[str, str, str]]] = {}
    for kind, name in AUTHORITY_FILE.items():
        path = authorities / name
        content = path.read_text(encoding="utf-8") if path.is_file() else ""
        parts = _split(content)
        ours |= _declared_in_block(content, parts[1])
        contents[kind] = (path, content, parts)
    if set(records) - ours:
        for iri in sorted(_declared_elsewhere(data_dir, set(records) - ours)):
            raise ReviewError(
                f"{term(iri)} ({records[iri]['label']!r}, accepted as a new {records[iri]['kind']} from "
                f"{', '.join(sorted(records[iri]['documents']))}) is already declared in the project: reject the "
                "new-entity suggestion, and annotate the words as a mention of the entity that exists"
            )
    for kind, (path, content, (before, inside, after)) in contents.items():
        body = "\n".join(_record(iri, r) for iri, r in sorted(records.items()) if r["kind"] == kind)
        if not body and not inside:
            continue
        if not content:
            before = header(f"{kind.capitalize()} records accepted with histgraph suggest.")
        new = before.rstrip("\n") + "\n\n" + BEGIN + "\n" + body + END + "\n" + after.lstrip("\n")
        if new != content:
            changed[path] = new
    return changed
