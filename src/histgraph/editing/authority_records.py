"""A new entity's record, appended to its kind's file in ``data/authorities/``.

The record is what a person would write there: the class of its kind, the
label and a comment saying where it was named and who created it (the words
the document uses become its mention in the document's ``facts.ttl``). It is appended as one block at the end of the
file, so the rest of the file is untouched and the diff is the new block.
"""

from __future__ import annotations

import re
from pathlib import Path

from histgraph.atomic_files import write_atomically
from histgraph.errors import HistgraphError
from histgraph.ingest.new_entities import AUTHORITY_FILE, CLASS_OF_KIND
from histgraph.ingest.turtle_writer import block, header, slugify, term, text
from histgraph.vocab import PREFIXES

#: The authorities file of each kind an editor may create (the same files accepted suggestions write to).
FILE_OF_KIND = AUTHORITY_FILE


class EntityExists(HistgraphError):
    """The IRI a new entity would get is already declared."""


def new_entity_iri(kind: str, label: str) -> str:
    """The IRI minted for a new entity of ``kind`` named ``label``."""
    if kind not in FILE_OF_KIND:
        raise HistgraphError(f"cannot create a {kind!r}: choose one of {', '.join(FILE_OF_KIND)}")
    slug = slugify(label)
    if not slug:
        raise HistgraphError(f"{label!r} gives no name for an IRI: give the entity a name with letters or digits")
    return PREFIXES[kind] + slug


def declared(data_dir: Path, iri: str) -> bool:
    """Whether any authorities file already writes ``iri`` as a subject (its CURIE or the whole IRI)."""
    pattern = re.compile(rf"^(?:{re.escape(term(iri))}|<{re.escape(iri)}>)\s", re.MULTILINE)
    folder = data_dir / "authorities"
    return any(pattern.search(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.ttl")))


def append_entity(data_dir: Path, kind: str, label: str, document_id: str, reviewer: str) -> tuple[str, Path]:
    """Append the record of a new entity; returns its IRI and the file written.

    Raises :class:`EntityExists` when the IRI is taken: the words should then be
    linked to the existing entity.
    """
    iri = new_entity_iri(kind, label)
    if declared(data_dir, iri):
        raise EntityExists(f"{term(iri)} exists already in data/authorities/: link the words to it instead "
                           "(search for it), or give the new entity another name")
    path = data_dir / "authorities" / FILE_OF_KIND[kind]
    current = path.read_text(encoding="utf-8") if path.is_file() else header(f"{kind.capitalize()} records.")
    record = block(iri, [
        ("a", [CLASS_OF_KIND[kind]]),
        ("rdfs:label", [text(label, "en")]),
        ("rdfs:comment", [text(f"Named in {document_id}; created in the editor (histgraph edit) by {reviewer}.", "en")]),
    ])
    write_atomically(path, current.rstrip("\n") + "\n\n" + record)
    return iri, path
