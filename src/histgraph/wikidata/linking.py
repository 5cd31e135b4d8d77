"""``histgraph link`` as library functions: reconcile, then record decisions.

:func:`reconcile` asks the endpoint about every entity and writes the review
file only once every answer is in, so a failure part-way leaves no half-written
file behind. :func:`apply_decisions` records decisions and writes the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from histgraph.atomic_files import write_atomically
from histgraph.config import Settings
from histgraph.store import Store
from histgraph.timestamps import utc_timestamp
from histgraph.wikidata.candidates import details, search
from histgraph.wikidata.client import WikidataClient, load_query
from histgraph.wikidata.local import (
    LocalEntity,
    Period,
    project_store,
    read_entities,
    select_entities,
)
from histgraph.wikidata.review import (
    BATCH_COMMENT,
    batch_name,
    batch_path,
    batch_quads,
    build_review,
    carry_over,
    decide,
    load_review,
    review_path,
    save_review,
)
from histgraph.wikidata.scoring import Scored, rank, suggestion
from histgraph.wikidata.trig import trig_text

Tick = Callable[[int], None]


@dataclass(frozen=True)
class LinkResult:
    """What a reconciliation run did."""

    review_file: Path
    entities: int
    suggested: int
    ambiguous_or_weak: int
    without_candidates: int
    requests: int
    cache_hits: int


def rank_all(
    client: WikidataClient,
    entities: list[LocalEntity],
    period: Period | None,
    *,
    progress: Tick | None = None,
    use_context: bool = True,
) -> list[tuple[LocalEntity, list[Scored], str | None, str]]:
    """Search, fetch details, and rank candidates for each entity (one request at a time).

    ``progress`` ticks once per entity searched and once when details are in.
    """
    tick = progress or (lambda _n: None)
    found: dict[str, list[str]] = {}
    for entity in entities:
        found[entity.iri] = search(client, entity)
        tick(1)
    every = sorted({q for qids in found.values() for q in qids}, key=lambda q: int(q[1:]))
    described = details(client, every)
    tick(1)
    results = []
    for entity in entities:
        ranked = rank(
            entity, [described[q] for q in found[entity.iri]], period, use_context=use_context
        )
        suggested, why = suggestion(ranked)
        results.append((entity, ranked, suggested, why))
    return results


def entities_to_link(
    store: Store, *, only: tuple[str, ...] = (), include_linked: bool = False
) -> tuple[list[LocalEntity], Period | None]:
    """The entities ``histgraph link`` reconciles (``only`` limits to kinds or IRIs)."""
    entities, period = read_entities(store)

    def wanted(entity: LocalEntity) -> bool:
        return not only or entity.kind in only or entity.iri in only

    return select_entities(entities, wanted=wanted, include_linked=include_linked), period


def reconcile(
    settings: Settings,
    client: WikidataClient,
    *,
    only: tuple[str, ...] = (),
    include_linked: bool = False,
    on_plan: Callable[[int], None] | None = None,
    progress: Tick | None = None,
    today: date | None = None,
) -> LinkResult:
    """Reconcile the project's entities and write today's review file (atomically)."""
    store = project_store(settings.data_dir)
    entities, period = entities_to_link(store, only=only, include_linked=include_linked)
    if on_plan:
        on_plan(len(entities))
    results = rank_all(client, entities, period, progress=progress)
    path = review_path(settings.data_dir, (today or date.today()).isoformat())
    review = build_review(
        results, period=period, endpoint=client.options.endpoint, created=utc_timestamp()
    )
    if path.is_file():
        review = carry_over(review, load_review(path))
    save_review(path, review)
    suggested = sum(1 for _e, _r, s, _w in results if s)
    empty = sum(1 for _e, r, _s, _w in results if not r)
    return LinkResult(
        path,
        len(results),
        suggested,
        len(results) - suggested - empty,
        empty,
        client.requests,
        client.cache_hits,
    )


def known_agents(data_dir: Path) -> set[str]:
    """IRIs of the agents the project already describes (so a batch does not redefine them)."""
    store = project_store(data_dir)
    rows = store.select(load_query("local-agents"))
    return {str(row["agent"]) for row in rows}


def apply_decisions(
    data_dir: Path,
    review_file: Path,
    *,
    accept: tuple[str, ...] = (),
    reject: tuple[str, ...] = (),
    reviewer: str = "",
    note: str = "",
) -> tuple[Path, dict[str, Any]]:
    """Record ``--accept``/``--reject`` decisions (``ENTITY`` or ``ENTITY=QID``), write the batch.

    Nothing is written unless every decision is valid.
    """
    review = load_review(review_file)
    at = utc_timestamp()
    for refs, is_accept in ((accept, True), (reject, False)):
        for ref in refs:
            entity, _, qid = ref.partition("=")
            decide(
                review,
                entity.strip(),
                qid.strip() or None,
                accept=is_accept,
                reviewer=reviewer,
                at=at,
                note=note,
            )
    # Everything is computed before anything is written; each file is then
    # replaced atomically.
    path = batch_path(data_dir, review_file)
    trig = trig_text(
        batch_quads(review, batch_name(review_file), known_agents(data_dir)), BATCH_COMMENT
    )
    if accept or reject:
        save_review(review_file, review)
    write_atomically(path, trig)
    return path, review
