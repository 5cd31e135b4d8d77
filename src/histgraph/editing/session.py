"""One curator's editing of the project: what a document shows, and each save, build and undo.

A save is one request with everything decided since the last one: decisions
on suggestions, words linked to entities, new entities and new facts. It

1. refuses when the document changed since the curator loaded it (the
   *version* sent back is the digest of its ``facts.ttl`` and review file): two
   people editing one document never overwrite each other;
2. writes the authoring files a person would write, each atomically: the
   review file and the accepted block through :mod:`histgraph.ingest` (the
   one accept path), the editor's block (:mod:`~histgraph.editing.editor_block`),
   new entities in ``data/authorities/``;
3. runs the incremental build and validation (:func:`histgraph.build.pipeline.build`).

An invalid state is never published: the build refuses data that violates the
shapes and ``build/current`` keeps serving the last good build. The files stay
written in the working copy, as a person's editor would leave them, and the
editor shows each SHACL message next to the passage it concerns; the curator
fixes it, or undoes the save (the files are put back as they were and the
build runs again).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from histgraph.atomic_files import write_atomically
from histgraph.build.pipeline import build as run_build
from histgraph.config import Settings
from histgraph.editing import editor_block, fact_kinds
from histgraph.editing.authority_records import FILE_OF_KIND, append_entity
from histgraph.editing.fact_records import MENTION, MINTED, FactRejected, add_fact, passages
from histgraph.errors import AnchorError, HistgraphError, InputError, ValidationFailed
from histgraph.ingest.suggestion_review import (
    NEW_ENTITY_KINDS,
    apply_decisions,
    document_folder,
    load_suggestions,
    review_path,
)
from histgraph.present.label_search import NameIndex
from histgraph.present.labels import LabelIndex
from histgraph.store import EmbeddedStore
from histgraph.store.layout import current_build

HG_MODALITY = "https://histgraph.example.org/ontology#modality"
#: How many saves can be undone, newest first.
UNDO_DEPTH = 20


class EditConflict(HistgraphError):
    """Someone else saved the document since it was loaded."""

    http_status = 409


class EditRejected(HistgraphError):
    """A change cannot be made as sent; the message says what to fix."""

    http_status = 400


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


@dataclass
class EditSession:
    """The editor's state for one project: its settings, the undo history and the lock saves take in turn."""

    settings: Settings
    build: Callable[[Settings], Any] = run_build
    _undo: dict[str, list[dict[Path, bytes | None]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _findings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _names: tuple[Path, NameIndex] | None = None

    # --- reading ---------------------------------------------------------------------

    def documents(self) -> list[str]:
        """The document ids of the project, in order."""
        folder = self.settings.data_dir / "documents"
        return sorted(p.name for p in folder.iterdir() if (p / "text.txt").is_file()) if folder.is_dir() else []

    def _folder(self, document: str) -> Path:
        if document not in self.documents():
            raise EditRejected(f"no document {document!r} in {self.settings.data_dir / 'documents'}; "
                               "open one listed on the editor's first page")
        return document_folder(self.settings.data_dir, document)

    def version(self, document: str) -> str:
        """The digest of what a save of ``document`` rewrites: its ``facts.ttl`` and its review file."""
        folder = self._folder(document)
        digest = hashlib.sha256()
        for path in (folder / "facts.ttl", review_path(self.settings.data_dir, document)):
            digest.update(_read(path) or b"\0absent")
        return digest.hexdigest()[:32]

    def view(self, document: str) -> dict[str, Any]:
        """What the editor shows: the text, its marked passages, the suggestions and the form's choices."""
        folder = self._folder(document)
        whole = (folder / "text.txt").read_text(encoding="utf-8")
        facts = _facts_graph(folder)
        labels = {str(s): str(o) for s, o in facts.subject_objects(URIRef("http://www.w3.org/2000/01/rdf-schema#label"))}
        marked = passages(facts, whole)
        for row in marked:
            row["label"] = labels.get(row["iri"], row["iri"].rpartition("/")[2])
        stated = sorted({str(s) for s in facts.subjects(URIRef(HG_MODALITY))})
        plans = sorted({str(s) for s in facts.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                                        URIRef("http://purl.org/net/p-plan#Plan"))})
        return {
            "document": document,
            "version": self.version(document),
            "text": whole,
            "passages": marked,
            "suggestions": _suggestions(self.settings.data_dir, document, [(f, labels.get(f, f)) for f in stated]),
            "plans": [{"iri": p, "label": labels.get(p, p)} for p in plans],
            "fact_kinds": fact_kinds.as_json(),
            "entity_kinds": list(FILE_OF_KIND),
            "findings": self._findings.get(document, []),
            "can_undo": bool(self._undo.get(document)),
        }

    def search(self, query: str, kinds: set[str] | None = None, limit: int = 12) -> list[dict[str, Any]]:
        """Entities of the current build whose names match ``query`` (the label index of the public search)."""
        path = current_build(self.settings)
        if path is None or not query.strip():
            return []
        if self._names is None or self._names[0] != path:
            store = EmbeddedStore.open(path)
            self._names = (path, NameIndex.load(store, LabelIndex.load(store), self.settings.base_iri))
        return [{"iri": m.iri, "label": m.label, "kind": m.kind, "matched": m.matched}
                for m in self._names[1].search(query, limit, kinds)]

    # --- saving ------------------------------------------------------------------------

    def save(self, document: str, version: str, changes: dict[str, Any], reviewer: str = "") -> dict[str, Any]:
        """Apply ``changes`` to ``document`` if it is still at ``version``, then build; see the module docstring."""
        who = (reviewer or self.settings.reviewer).strip()
        if not who:
            raise EditRejected("say who you are: fill in 'Reviewer' (or start with HISTGRAPH_REVIEWER=NAME)")
        with self._lock:
            self._check_version(document, version)
            folder = self._folder(document)
            snapshot = self._apply(folder, document, changes, who)
            self._undo.setdefault(document, []).insert(0, snapshot)
            del self._undo[document][UNDO_DEPTH:]
            return self._publish(document, "saved")

    def undo(self, document: str, version: str) -> dict[str, Any]:
        """Put back the files as they were before the last save of ``document``, then build."""
        with self._lock:
            self._check_version(document, version)
            history = self._undo.get(document)
            if not history:
                raise EditRejected("nothing to undo: no save of this document in this editor session")
            for path, content in history.pop(0).items():
                if content is None:
                    path.unlink(missing_ok=True)
                else:
                    write_atomically(path, content)
            return self._publish(document, "undone")

    def _check_version(self, document: str, version: str) -> None:
        if version != self.version(document):
            raise EditConflict(f"{document} was saved by someone else (or in another window) since you loaded it: "
                               "reload the page to see their changes, then make yours again")

    def _apply(self, folder: Path, document: str, changes: dict[str, Any], who: str) -> dict[Path, bytes | None]:
        data_dir = self.settings.data_dir
        facts_path, review_file = folder / "facts.ttl", review_path(data_dir, document)
        authorities = {data_dir / "authorities" / f for f in FILE_OF_KIND.values()}
        authorities |= set((data_dir / "authorities").glob("*.ttl"))
        touched = [facts_path, review_file, *sorted(authorities)]
        snapshot = {path: _read(path) for path in touched}
        whole = (folder / "text.txt").read_text(encoding="utf-8")
        current = facts_path.read_text(encoding="utf-8") if facts_path.is_file() else ""
        block = editor_block.read_block(current, str(facts_path))
        everything = _facts_graph(folder)
        try:
            new_iris = self._add_entities(document, changes.get("entities") or [], who)
            for mention in changes.get("mentions") or []:
                entity = new_iris.get(str(mention.get("entity")), _authoring_iri(str(mention.get("entity")), self.settings))
                words = str(mention.get("words") or "")
                if not entity.startswith(MINTED) or not words.strip() or words not in whole:
                    raise EditRejected(f"cannot link {words!r}: choose an entity from the search and words of the text")
                block.add((URIRef(entity), MENTION, _literal(words)))
            for fact in changes.get("facts") or []:
                add_fact(block, everything, whole, _authoring_fact(fact, self.settings, new_iris))
            if set(block) != set(editor_block.read_block(current)) or not facts_path.is_file():
                write_atomically(facts_path, editor_block.write_block(current, block, document))
            decisions = [d for d in changes.get("decisions") or [] if isinstance(d, dict)]
            if decisions:  # the one accept path: histgraph suggest --accept/--reject does the same
                accept = tuple(str(d.get("id")) + (f"={d['choice']}" if d.get("choice") else "")
                               for d in decisions if d.get("status") == "accepted")
                reject = tuple(str(d.get("id")) for d in decisions if d.get("status") == "rejected")
                apply_decisions(data_dir, document, accept=accept, reject=reject, reviewer=who)
        except (FactRejected, HistgraphError) as error:
            _restore(snapshot)  # a change refused half-way leaves nothing behind
            if isinstance(error, (EditRejected, FactRejected)):
                raise
            raise EditRejected(str(error)) from error
        return {path: content for path, content in snapshot.items() if _read(path) != content}

    def _add_entities(self, document: str, entities: list[dict[str, Any]], who: str) -> dict[str, str]:
        made = {}
        for entity in entities:
            iri, _ = append_entity(self.settings.data_dir, str(entity.get("kind")), str(entity.get("label") or ""),
                                   document, who)
            made[f"new:{entity.get('ref', entity.get('label'))}"] = iri
        return made

    def _publish(self, document: str, done: str) -> dict[str, Any]:
        """Run the build; what it published, or the problems next to their passages."""
        outcome: dict[str, Any] = {"done": done, "published": False, "problems": []}
        try:
            result = self.build(self.settings)
            outcome |= {"published": True, "build": result.build_id}
            report = result.report
        except ValidationFailed as failed:
            outcome["problems"].append(str(failed).splitlines()[0])
            report = failed.report
        except (AnchorError, InputError) as error:
            outcome["problems"].append(str(error))
            report = None
        folder = self._folder(document)
        whole = (folder / "text.txt").read_text(encoding="utf-8")
        ours = [f for f in getattr(report, "findings", []) if (f.graph or "").endswith(f"/graph/{document}")]
        self._findings[document] = _placed(ours, _facts_graph(folder), whole, self.settings)
        return outcome | {"view": self.view(document)}


def _restore(snapshot: dict[Path, bytes | None]) -> None:
    for path, content in snapshot.items():
        if _read(path) != content:
            if content is None:
                path.unlink(missing_ok=True)
            else:
                write_atomically(path, content)


def _literal(words: str) -> Any:
    from rdflib import Literal

    return Literal(words)


def _facts_graph(folder: Path) -> Graph:
    graph = Graph()
    path = folder / "facts.ttl"
    if path.is_file():
        try:
            graph.parse(path, format="turtle")
        except Exception as error:  # rdflib raises several kinds for bad Turtle
            raise InputError(str(path), f"not valid Turtle ({error}); fix it by hand, or undo the last save") from error
    return graph


def _authoring_iri(iri: str, settings: Settings) -> str:
    """An IRI of the served build written with the authoring files' base (the build rewrites it back)."""
    return MINTED + iri[len(settings.base_iri) + 3:] if iri.startswith(settings.base_iri + "id/") else iri


def _authoring_fact(fact: Any, settings: Settings, new_iris: dict[str, str]) -> dict[str, Any]:
    if not isinstance(fact, dict):
        raise EditRejected("a fact must be the editor's form as a JSON object")

    def one(value: Any) -> Any:
        return new_iris.get(value, _authoring_iri(value, settings)) if isinstance(value, str) else value

    roles = fact.get("roles") or {}
    fixed_roles = {k: [one(v) for v in (vs if isinstance(vs, list) else [vs])] for k, vs in roles.items()} \
        if isinstance(roles, dict) else roles
    return fact | {"according_to": one(fact.get("according_to")), "plan": one(fact.get("plan") or ""),
                   "roles": fixed_roles}


def _choices(entry: dict[str, Any], facts: list[tuple[str, str]]) -> list[dict[str, str]]:
    """What the reviewer picks when accepting ``entry`` (see :mod:`histgraph.ingest.suggestion_review`)."""
    if entry["kind"] == "new-entity":
        return [{"value": k, "label": k} for k in NEW_ENTITY_KINDS]
    if entry["kind"] == "mention" and entry.get("alternatives"):
        return [{"value": a["entity"], "label": a.get("label") or a["entity"]} for a in entry["alternatives"]]
    if entry["kind"] == "date":
        return [{"value": "", "label": "(no fact: a free time-span)"}] + [{"value": f, "label": label} for f, label in facts]
    if entry["kind"] == "duration":
        return [{"value": f, "label": label} for f, label in facts]
    return []


def _suggestions(data_dir: Path, document: str, facts: list[tuple[str, str]]) -> list[dict[str, Any]]:
    path = review_path(data_dir, document)
    if not path.is_file():
        return []
    rows = []
    for entry in load_suggestions(path)["entries"]:
        spans = entry.get("occurrences") or ([{"start": entry["start"], "end": entry["end"]}] if "start" in entry else [])
        last = entry["decisions"][-1] if entry.get("decisions") else None
        rows.append({
            "id": entry["id"], "kind": entry["kind"], "words": entry["words"],
            "entity": entry.get("entity"), "label": entry.get("label") or " or ".join(a.get("label", "") for a in entry.get("alternatives") or [])
            or (entry.get("begin") or "")[:10] or entry["words"],
            "begin": entry.get("begin"), "end": entry.get("end_of_span"), "unresolved": entry.get("unresolved"),
            "spans": [{"start": s["start"], "end": s["end"]} for s in spans],
            "status": last["status"] if last else "pending", "choices": _choices(entry, facts),
        })
    return rows


def _placed(findings: list[Any], facts: Graph, whole: str, settings: Settings) -> list[dict[str, Any]]:
    """Each finding with the passage of its focus node (or of the fact that points at it), when it has one."""
    marked = passages(facts, whole)
    rows = []
    for finding in findings:
        focus = _authoring_iri(finding.focus, settings)
        at = next((r for r in marked if r["iri"] == focus), None)
        if at is None:
            owners = {str(s) for s in facts.subjects(None, URIRef(focus))}
            at = next((r for r in marked if r["iri"] in owners), None)
        rows.append({"severity": finding.severity, "message": finding.message, "focus": focus,
                     "path": finding.path, "start": at["start"] if at else None, "end": at["end"] if at else None})
    return rows
