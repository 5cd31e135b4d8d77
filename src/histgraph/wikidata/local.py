"""The project's side of a match: entities to link, their names, and the dates our data gives.

Entities are the project's people (``crm:E21_Person``), groups
(``crm:E74_Group``, not roles as written), places (``crm:E53_Place``) and
treaties (works whose names say "treaty"). Their names are every form the
data holds: labels in each language, alternative labels, names as written in
the source, and appellations (historical and current names).

Dates come from the data, never from Wikidata: the period the documents were
written in (a person should be alive then, a place should exist), the creation
date of a work when an event in the data made it, and whether a work is a
planned output (``pplan:Variable``) — a thing the source speaks of as still to
be made, so it cannot be something that already existed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import Literal
from rdflib.term import Node

from histgraph.store import EmbeddedStore, Store
from histgraph.vocab import CRM as CRM_NS
from histgraph.wikidata.client import load_query

CRM = str(CRM_NS)
WD = "http://www.wikidata.org/entity/"

#: Our classes, most specific kind first.
KIND_OF_CLASS = {
    f"{CRM}E21_Person": "person",
    f"{CRM}E53_Place": "place",
    f"{CRM}E74_Group": "group",
    f"{CRM}E73_Information_Object": "work",
    f"{CRM}E89_Propositional_Object": "work",
}
_KIND_ORDER = ("person", "place", "group", "work")
#: A work is reconciled as a treaty when one of its names has one of these words:
#: "Treaty" capitalised, as in a title ("a statement, not a treaty" names no treaty).
TREATY_WORDS = re.compile(r"\bTreaty\b|[Дд]оговор|条约")


@dataclass(frozen=True)
class NameForm:
    """One name of an entity: its text, language tag (or None), and where it comes from."""

    text: str
    language: str | None
    source: str  # label, altLabel, name, asWritten, historicalName, appellation


@dataclass(frozen=True)
class Period:
    """The span of the project's documents' dates: what "at the time" means."""

    start: date
    end: date

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start} to {self.end}"


@dataclass(frozen=True)
class LocalEntity:
    """One of the project's entities, as the linker sees it."""

    iri: str
    kind: str  # person, group, place or treaty
    label: str
    names: tuple[NameForm, ...]
    created: date | None = None
    planned: bool = False
    links: tuple[tuple[str, str, str], ...] = field(default=())  # (QID, relation, status)

    @property
    def reviewed_qids(self) -> list[str]:
        """QIDs this entity already has a reviewed exact match to."""
        return [q for q, rel, status in self.links if rel == "exactMatch" and status == "Reviewed"]


def parse_date(value: str) -> date | None:
    """The calendar date at the start of an ISO date or dateTime literal ("-0500-…" → None)."""
    text = value.strip()
    if text.startswith("-") or len(text) < 4:
        return None
    try:
        year = int(text[0:4])
        month = int(text[5:7]) if len(text) >= 7 and text[5:7].isdigit() else 1
        day = int(text[8:10]) if len(text) >= 10 and text[8:10].isdigit() else 1
        return date(year, max(month, 1), max(day, 1))
    except ValueError:
        return None


def project_store(data_dir: Path) -> EmbeddedStore:
    """The project's authoring data read into an in-memory store (no build needed)."""
    from histgraph.build.load import read_project

    return EmbeddedStore.from_quads(read_project(data_dir).quads, version="project")


def _local_name(node: Node) -> NameForm | None:
    if not isinstance(node, Literal):
        return None
    return NameForm(str(node), node.language, "")


def read_entities(store: Store) -> tuple[list[LocalEntity], Period | None]:
    """The project's linkable entities (sorted by IRI) and the period of its documents."""
    classes: dict[str, set[str]] = {}
    names: dict[str, list[NameForm]] = {}
    labels: dict[str, str] = {}
    for row in store.select(load_query("local-names")):
        iri = str(row["entity"])
        classes.setdefault(iri, set()).add(KIND_OF_CLASS[str(row["class"])])
        form = _local_name(row["name"])
        if form is None:
            continue
        source = str(row["source"])
        form = NameForm(form.text, form.language, source)
        if form not in names.setdefault(iri, []):
            names[iri].append(form)
        if source == "label" and (form.language in (None, "en") or iri not in labels):
            labels[iri] = form.text
    document_dates: list[date] = []
    created: dict[str, date] = {}
    planned: set[str] = set()
    for row in store.select(load_query("local-dates")):
        what, iri = str(row["what"]), str(row["entity"])
        when = parse_date(str(row["date"])) if "date" in row else None
        if what == "document" and when:
            document_dates.append(when)
        elif what == "created" and when:
            created[iri] = min(when, created.get(iri, when))
        elif what == "planned":
            planned.add(iri)
    links: dict[str, list[tuple[str, str, str]]] = {}
    for row in store.select(load_query("local-links")):
        status = str(row.get("status", "")).rpartition("#")[2]
        relation = str(row["relation"]).rpartition("#")[2]
        qid = str(row["item"])[len(WD) :]
        links.setdefault(str(row["entity"]), []).append((qid, relation, status))
    entities = []
    for iri in sorted(classes):
        kind = next(k for k in _KIND_ORDER if k in classes[iri])
        forms = tuple(names.get(iri, ()))
        if kind == "work":
            if not any(TREATY_WORDS.search(f.text) for f in forms):
                continue
            kind = "treaty"
        entities.append(
            LocalEntity(
                iri=iri,
                kind=kind,
                label=labels.get(iri, iri.rpartition("/")[2]),
                names=forms,
                created=created.get(iri),
                planned=iri in planned,
                links=tuple(sorted(links.get(iri, ()))),
            )
        )
    period = Period(min(document_dates), max(document_dates)) if document_dates else None
    return entities, period


def select_entities(
    entities: list[LocalEntity],
    *,
    wanted: Callable[[LocalEntity], bool] | None = None,
    include_linked: bool = False,
) -> list[LocalEntity]:
    """The entities to reconcile: by default those without a reviewed match yet."""
    chosen = [e for e in entities if include_linked or not e.reviewed_qids]
    return [e for e in chosen if wanted is None or wanted(e)]
