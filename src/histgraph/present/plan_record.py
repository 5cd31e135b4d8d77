"""Planned against recorded: a plan's steps beside what other sources say happened.

The documents plan (Zhou is to leave Beijing on 9 January); other sources
record (he left on 10 January) and point to the step they realise with
``pplan:correspondsToStep``. :func:`plan_against_record` gives one row per step
— the plan's own date and words on one side, the records with their dates and
sources on the other — for a plan's page (every step, in order) or a step's
page (that step). Nothing is reconciled: the two sides are shown as stated.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from histgraph.present.date_words import DateWords, date_words
from histgraph.present.entity import Value, to_value
from histgraph.present.labels import LabelIndex
from histgraph.present.other_sources import SourceRef, describe_source
from histgraph.store import Store

PLAN_STEPS = """
PREFIX pplan: <http://purl.org/net/p-plan#>
PREFIX hg: <https://histgraph.example.org/ontology#>
SELECT ?step ?order WHERE { ?step pplan:isStepOfPlan ?iri . OPTIONAL { ?step hg:stepOrder ?order } }
"""

IS_STEP = "PREFIX pplan: <http://purl.org/net/p-plan#> ASK WHERE { ?iri a pplan:Step }"

#: The step's planned time-span, and every record that realises it with its time-span and sources.
STEP_AND_RECORDS = """
PREFIX pplan: <http://purl.org/net/p-plan#>
PREFIX hg: <https://histgraph.example.org/ontology#>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
SELECT ?begin ?end ?vague ?written ?record ?rbegin ?rend ?rvague ?source WHERE {
  { ?step hg:plannedTimeSpan ?ts .
    OPTIONAL { ?ts crm:P82a_begin_of_the_begin ?begin }
    OPTIONAL { ?ts crm:P82b_end_of_the_end ?end }
    OPTIONAL { ?ts hg:vague ?vague }
    OPTIONAL { ?ts hg:asWritten ?written } }
  UNION
  { ?record pplan:correspondsToStep ?step .
    OPTIONAL { ?record crm:P4_has_time-span ?rts .
               OPTIONAL { ?rts crm:P82a_begin_of_the_begin ?rbegin }
               OPTIONAL { ?rts crm:P82b_end_of_the_end ?rend }
               OPTIONAL { ?rts hg:vague ?rvague } }
    OPTIONAL { ?record hg:accordingTo ?source } }
}
"""


@dataclass(frozen=True)
class Recorded:
    """What another source says happened for a step, with its date and sources."""

    value: Value
    date: DateWords
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class PlanRow:
    """One step: as planned, and as recorded (possibly nothing)."""

    step: Value
    order: int | None
    planned: DateWords
    recorded: tuple[Recorded, ...]


def _true(value: object) -> bool:
    return str(value).lower() == "true"


def _row(store: Store, step: str, order: int | None, labels: LabelIndex, base_iri: str) -> PlanRow:
    planned = date_words(None, None)
    dates: dict[str, DateWords] = {}
    sources: dict[str, set[str]] = {}
    for row in store.select(STEP_AND_RECORDS, {"step": URIRef(step)}):
        if "record" not in row:
            planned = date_words(_text(row.get("begin")), _text(row.get("end")), vague=_true(row.get("vague")),
                                 as_written=_text(row.get("written")))
            continue
        record = str(row["record"])
        dates[record] = date_words(_text(row.get("rbegin")), _text(row.get("rend")), vague=_true(row.get("rvague")))
        sources.setdefault(record, set()).update([str(row["source"])] if "source" in row else [])
    recorded = tuple(
        Recorded(to_value(URIRef(record), labels, base_iri), dates[record],
                 tuple(describe_source(store, s, labels, base_iri) for s in sorted(sources[record])))
        for record in sorted(dates)
    )
    return PlanRow(to_value(URIRef(step), labels, base_iri), order, planned, recorded)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def plan_against_record(store: Store, iri: str, labels: LabelIndex, base_iri: str) -> list[PlanRow]:
    """Rows for a plan (each step in order) or a step (itself); [] for anything else."""
    steps = [(str(r["step"]), int(r["order"]) if "order" in r else None)
             for r in store.select(PLAN_STEPS, {"iri": URIRef(iri)})]
    if not steps and store.ask(IS_STEP, {"iri": URIRef(iri)}):
        steps = [(iri, None)]
    steps.sort(key=lambda s: (s[1] is None, s[1] or 0, labels.label(s[0]).lower()))
    return [_row(store, step, order, labels, base_iri) for step, order in steps]
