"""Reading a build's parts: each from the cache, or read now (in processes when there are many)."""

from __future__ import annotations

from pathlib import Path

from histgraph.build.parts import Cache, PartMeta, PartSpec, read_part
from histgraph.build.plan import Plan
from histgraph.validation.processes import run_jobs

#: What every part is read with: the base IRI, the ontology's folder and the cache's root.
_Context = tuple[str, Path | None, Path]


def _read_part_job(context: _Context, job: tuple[PartSpec, str]) -> dict[str, object]:
    base_iri, ontology_dir, cache_root = context
    spec, digest = job
    meta, nq, trig = read_part(spec, digest, base_iri, ontology_dir)
    Cache(cache_root).store_outputs(meta, nq, trig)  # the caller writes the meta (Cache.store_metas)
    return meta.to_json()


#: Parts whose metas are written together, after one flush of their outputs to disk.
_META_BATCH = 1000


def read_one_part(plan: Plan, index: int) -> PartMeta:
    """Part ``index``'s meta, from the cache or read now (and cached)."""
    meta = plan.cache.load_meta(plan.digests[index])
    if meta is None:
        meta = PartMeta.from_json(_read_part_job(_context(plan), (plan.specs[index], plan.digests[index])))
        plan.cache.store_metas([meta])
    return meta


def _context(plan: Plan) -> _Context:
    return plan.settings.base_iri, plan.settings.ontology_dir, plan.cache.root


def read_parts(plan: Plan) -> list[PartMeta]:
    """Every part's meta, from the cache or read now (in parallel when there are many)."""
    metas: list[PartMeta | None] = [plan.cache.load_meta(d) for d in plan.digests]
    todo = [i for i, meta in enumerate(metas) if meta is None]
    plan.tick.stage("reading", len(todo))
    jobs = [(plan.specs[i], plan.digests[i]) for i in todo]
    unsaved: list[PartMeta] = []
    try:
        for i, data in zip(todo, run_jobs(_read_part_job, _context(plan), jobs), strict=True):
            metas[i] = meta = PartMeta.from_json(data)
            unsaved.append(meta)
            if len(unsaved) >= _META_BATCH:  # while the workers read on
                plan.cache.store_metas(unsaved)
                unsaved = []
            plan.tick.advance()
    finally:  # parts read before a failure stay cached
        plan.cache.store_metas(unsaved)
    return [m for m in metas if m is not None]


def part_path(cache: Cache, meta: PartMeta) -> Path:
    """The cached N-Quads file of a part."""
    return cache.object_path(meta.nq_sha, "nq")

