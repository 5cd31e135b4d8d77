"""The timeline: what the documents report, what they plan, and what other sources record.

:func:`extract_timeline` reads the store with three queries and returns a
:class:`Timeline` of items in three rows: events the documents report
(``crm:P4_has_time-span``), plan steps (``hg:plannedTimeSpan``), and events
recorded by other sources that realised a planned step
(``pplan:correspondsToStep``), so plan and record sit side by side. Every item
keeps its time-span's outer bounds and the words the source used; vague spans
stay ranges. Steps that the plan orders but does not date (the five days of
preparation) are returned as undated notes with their stated duration, never
given invented dates. Consistency notes are attached to the items they concern.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from histgraph.present.date_words import date_words
from histgraph.present.network import MODALITIES
from histgraph.present.site_paths import site_path
from histgraph.store import Store

ITEMS_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX hg: <https://histgraph.example.org/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX pplan: <http://purl.org/net/p-plan#>
PREFIX rico: <https://www.ica.org/standards/RiC/ontology#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT DISTINCT ?item ?type ?label ?modality ?span ?begin ?end ?vague ?asWritten ?when
       ?plan ?order ?previous ?step ?source ?sourceLabel ?document ?duration ?approximate WHERE {
  {
    ?item a crm:E7_Activity ; crm:P4_has_time-span [] .
    BIND("event" AS ?type)
    OPTIONAL { ?item pplan:correspondsToStep ?step }
    OPTIONAL { ?annotation oa:hasBody ?item ; oa:hasTarget/oa:hasSource ?text .
               ?document crm:P165_incorporates ?text ; a rico:Record . }
  } UNION {
    ?item a pplan:Step ; pplan:isStepOfPlan ?plan .
    BIND("step" AS ?type)
    OPTIONAL { ?item hg:stepOrder ?order }
    OPTIONAL { ?item pplan:isPrecededBy ?previous }
    OPTIONAL { ?item time:hasDuration ?d .
               OPTIONAL { ?d hg:asWritten ?duration }
               OPTIONAL { ?d hg:approximate ?approximate } }
  }
  OPTIONAL { ?item rdfs:label ?label FILTER(langMatches(lang(?label), "en") || lang(?label) = "") }
  OPTIONAL { ?item hg:modality ?modality }
  OPTIONAL { ?item hg:accordingTo ?source .
             OPTIONAL { ?source rdfs:label ?sourceLabel
                        FILTER(langMatches(lang(?sourceLabel), "en") || lang(?sourceLabel) = "") } }
  # Planned steps use hg:plannedTimeSpan, events crm:P4_has_time-span; the model never mixes them.
  OPTIONAL {
    ?item crm:P4_has_time-span|hg:plannedTimeSpan ?span .
    OPTIONAL { ?span crm:P82a_begin_of_the_begin ?begin }
    OPTIONAL { ?span crm:P82b_end_of_the_end ?end }
    OPTIONAL { ?span hg:vague ?vague }
    OPTIONAL { ?span hg:asWritten ?asWritten }
    OPTIONAL { ?span rdfs:label ?when FILTER(langMatches(lang(?when), "en") || lang(?when) = "") }
  }
}
"""
"""Dated events, and every step of every plan, with their spans, sources and order."""

NOTES_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX hg: <https://histgraph.example.org/ontology#>
SELECT ?note ?label ?kind ?stated ?computed ?concerns WHERE {
  ?note a hg:ConsistencyNote ; hg:concerns ?concerns .
  OPTIONAL { ?note rdfs:label ?label FILTER(langMatches(lang(?label), "en") || lang(?label) = "") }
  OPTIONAL { ?note hg:noteKind/rdfs:label ?kind FILTER(langMatches(lang(?kind), "en")) }
  OPTIONAL { ?note hg:statedValue ?stated }
  OPTIONAL { ?note hg:computedValue ?computed }
}
"""
"""Consistency notes (the source's own figures that do not add up) and what they concern."""

DOCUMENTS_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rico: <https://www.ica.org/standards/RiC/ontology#>
PREFIX hg: <https://histgraph.example.org/ontology#>
SELECT ?document ?cable WHERE {
  ?document a rico:Record .
  BIND(EXISTS { ?document rico:hasDocumentaryFormType hg:Cable } AS ?cable)
}
"""
"""The archive's documents, to name the rows ("the cable" when there is just one cable)."""

#: Rows of the timeline, top to bottom: plan and record next to each other.
GROUPS = ("reported", "plan", "record")


@dataclass
class TimelineItem:
    """An event or step: dated (``start`` and ``end`` both known) or listed as undated."""

    iri: str
    kind: str  # "event" or "step"
    group: str  # one of GROUPS
    label: str
    modality: str | None
    start: str | None = None
    end: str | None = None
    vague: bool = False
    as_written: str | None = None
    when: str | None = None
    plan: str | None = None
    order: int | None = None
    duration: str | None = None
    approximate: bool = False
    according_to: dict[str, str] = field(default_factory=dict)
    documents: set[str] = field(default_factory=set)
    previous: set[str] = field(default_factory=set)
    corresponds_to: set[str] = field(default_factory=set)
    flags: list[str] = field(default_factory=list)

    @property
    def dated(self) -> bool:
        return self.start is not None and self.end is not None


@dataclass(frozen=True)
class Flag:
    """A consistency note: the source's stated value against what its figures give."""

    iri: str
    label: str
    kind: str | None
    stated: str | None
    computed: str | None
    concerns: tuple[str, ...]


@dataclass
class Timeline:
    """Items by IRI, flags by IRI, and the row names."""

    items: dict[str, TimelineItem]
    flags: dict[str, Flag]
    group_names: dict[str, str]
    #: Labels of every event and step read, including steps of undated plans that records name.
    labels: dict[str, str] = field(default_factory=dict)

    def to_json(self, base_iri: str) -> dict[str, Any]:
        """The timeline for the viewer: rows, dated items, undated notes, and flags."""
        labels = {**self.labels, **{iri: item.label for iri, item in self.items.items()}}
        following: dict[str, list[str]] = defaultdict(list)
        # Records (other sources) by the step they say happened instead or as planned,
        # gathered once: looking them up per item read every item for each (220 s at
        # 10,000 documents).
        realised: dict[str, list[str]] = defaultdict(list)
        for item in self.items.values():
            for prev in item.previous:
                following[prev].append(item.iri)
            for step in item.corresponds_to:
                realised[step].append(item.iri)

        def describe(item: TimelineItem) -> dict[str, Any]:
            return {
                "id": item.iri,
                "href": site_path(item.iri, base_iri),
                "kind": item.kind,
                "group": item.group,
                "label": item.label,
                "modality": item.modality,
                "start": item.start,
                "end": item.end,
                "vague": item.vague,
                "as_written": item.as_written,
                # The date in words at its precision (the same words as on the entity pages),
                # else the span's own label.
                "when": date_words(item.start, item.end, vague=item.vague).text or item.when,
                "duration": item.duration,
                "approximate": item.approximate,
                "plan": item.plan,
                "order": item.order,
                "according_to": [{"id": k, "label": v} for k, v in sorted(item.according_to.items())],
                "corresponds_to": [{"id": s, "label": labels.get(s, s)} for s in sorted(item.corresponds_to)],
                "realised_by": [{"id": r, "label": labels[r]} for r in sorted(realised[item.iri])],
                "after": [{"id": p, "label": labels.get(p, p)} for p in sorted(item.previous)],
                "before": [{"id": n, "label": labels[n]} for n in sorted(following[item.iri])],
                "flags": sorted(item.flags),
            }

        # The IRI last: ties would otherwise follow the store's order of rows, which differs between stores.
        ordered = sorted(self.items.values(), key=lambda i: (GROUPS.index(i.group), i.start or "", i.order or 0, i.iri))
        return {
            "groups": [{"id": g, "label": self.group_names[g]} for g in GROUPS],
            "items": [describe(i) for i in ordered if i.dated],
            "undated": [describe(i) for i in ordered if not i.dated],
            "flags": [
                {
                    "id": f.iri,
                    "href": site_path(f.iri, base_iri),
                    "label": f.label,
                    "kind": f.kind,
                    "stated": f.stated,
                    "computed": f.computed,
                    "concerns": list(f.concerns),
                }
                for f in sorted(self.flags.values(), key=lambda f: f.iri)
            ],
        }


def _group_names(store: Store) -> dict[str, str]:
    rows = store.select(DOCUMENTS_QUERY).rows
    if len(rows) == 1:
        name = "the cable" if str(rows[0].get("cable")).lower() == "true" else "the document"
    else:
        name = "the documents"
    return {"reported": f"reported ({name})", "plan": f"plan ({name})", "record": "record (other sources)"}


def extract_timeline(store: Store) -> Timeline:
    """Events and plan steps on a time axis, with records of other sources and flags.

    Only plans with at least one dated step are drawn; their undated steps come
    back as undated notes (with duration and neighbours), in plan order. An
    event is "reported" when a document's text states it, and a "record" when it
    is a claim of another source with no anchor in the archive's documents.
    """
    items: dict[str, TimelineItem] = {}
    for row in store.select(ITEMS_QUERY):
        iri, kind = str(row["item"]), str(row["type"])
        item = items.get(iri)
        if item is None:
            item = items[iri] = TimelineItem(
                iri=iri,
                kind=kind,
                group="plan" if kind == "step" else "reported",
                label=str(row.get("label", iri.rsplit("/", 1)[-1])),
                modality=MODALITIES.get(str(row.get("modality"))),
            )
        _merge_row(item, row)
    for item in items.values():
        if item.kind == "event" and not item.documents:
            item.group = "record"
    labels = {iri: i.label for iri, i in items.items()}
    dated_plans = {i.plan for i in items.values() if i.kind == "step" and i.dated}
    items = {iri: i for iri, i in items.items() if i.kind == "event" or i.plan in dated_plans}

    flags: dict[str, Flag] = {}
    concerns: dict[str, set[str]] = defaultdict(set)
    rows_by_note: dict[str, dict[str, Any]] = {}
    for row in store.select(NOTES_QUERY):
        note = str(row["note"])
        concerns[note].add(str(row["concerns"]))
        rows_by_note.setdefault(note, row)
    for note, row in rows_by_note.items():
        touched = tuple(sorted(c for c in concerns[note] if c in items))
        if not touched:
            continue
        flags[note] = Flag(
            note,
            str(row.get("label", note)),
            str(row["kind"]) if "kind" in row else None,
            str(row["stated"]) if "stated" in row else None,
            str(row["computed"]) if "computed" in row else None,
            touched,
        )
        for iri in touched:
            items[iri].flags.append(note)
    return Timeline(items, flags, _group_names(store), labels)


def _merge_row(item: TimelineItem, row: dict[str, Any]) -> None:
    if "begin" in row:
        item.start = str(row["begin"])
    if "end" in row:
        item.end = str(row["end"])
    if "vague" in row:
        item.vague = str(row["vague"]).lower() == "true"
    for attr, var in (("as_written", "asWritten"), ("when", "when"), ("plan", "plan"), ("duration", "duration")):
        if var in row:
            setattr(item, attr, str(row[var]))
    if "order" in row:
        item.order = int(row["order"])
    if "approximate" in row:
        item.approximate = str(row["approximate"]).lower() == "true"
    if "source" in row:
        item.according_to[str(row["source"])] = str(row.get("sourceLabel", row["source"]))
    if "document" in row:
        item.documents.add(str(row["document"]))
    if "previous" in row:
        item.previous.add(str(row["previous"]))
    if "step" in row:
        item.corresponds_to.add(str(row["step"]))


#: Dated items per page of the timeline (and undated steps: the two lists are paged together).
PAGE_SIZE = 200


def timeline_pages(data: dict[str, Any], size: int = PAGE_SIZE) -> int:
    """How many pages the timeline JSON ``data`` (:meth:`Timeline.to_json`) takes; at least one."""
    return max(1, -(-max(len(data["items"]), len(data["undated"])) // size))


def by_date(data: dict[str, Any]) -> dict[str, Any]:
    """The timeline JSON ``data`` with its dated items in date order (the rows' order within a date)."""
    return {**data, "items": sorted(data["items"], key=lambda i: i["start"])}


def timeline_page(data: dict[str, Any], page: int, size: int = PAGE_SIZE) -> dict[str, Any]:
    """Page ``page`` (from 1) of the timeline JSON ``data`` (:func:`by_date`): the dated items of that page,
    the undated steps of that page, and the flags concerning either; with ``page``, ``pages`` and ``total``.

    An archive of thousands of documents would otherwise draw and list every item at once.
    """
    start = (page - 1) * size
    items, undated = data["items"][start:start + size], data["undated"][start:start + size]
    shown = {i["id"] for i in items} | {i["id"] for i in undated}
    return {
        **data,
        "items": items,
        "undated": undated,
        "flags": [f for f in data["flags"] if shown.intersection(f["concerns"])],
        "page": page,
        "pages": timeline_pages(data, size),
        "total": {"items": len(data["items"]), "undated": len(data["undated"]), "flags": len(data["flags"])},
    }
