"""The one process pool: jobs run in spawned processes, each given a shared context once.

The build reads its parts and validates its units through it, and so does
:func:`histgraph.validation.validate.validate_dataset`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, TypeVar

Context = TypeVar("Context")
Job = TypeVar("Job")
Result = TypeVar("Result")

#: Set once in each spawned worker by _start_worker, never in the calling process.
_WORKER: dict[str, Any] = {}


def default_workers(jobs: int) -> int:
    """Processes to use: one per core, at most one per job; 1 for small datasets.

    Starting a worker costs about a second (imports), more than a small unit takes.
    """
    if jobs < 8:
        return 1
    return max(1, min(os.cpu_count() or 1, jobs))


def _start_worker(function: Callable[[Any, Any], Any], context: Any) -> None:
    _WORKER.update(function=function, context=context)


def _run_job(job: Any) -> Any:
    return _WORKER["function"](_WORKER["context"], job)


def run_jobs(
    function: Callable[[Context, Job], Result],
    context: Context,
    jobs: Sequence[Job],
    workers: int | None = None,
) -> Iterator[Result]:
    """``function(context, job)`` for every job, in order.

    With more than one worker (``None``: :func:`default_workers`) the jobs run in
    spawned processes: the context (shapes, an index of the dataset) is sent to
    each process once, not with every job, since it is larger than a job; jobs
    go in chunks, since thousands of small ones otherwise cost more in messages
    than in work. With one, they run here. ``function`` must be a module's
    function, for the processes to find it.
    """
    count = min(default_workers(len(jobs)) if workers is None else workers, len(jobs))
    if count <= 1:
        for job in jobs:
            yield function(context, job)
        return
    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=get_context("spawn"),
        initializer=_start_worker,
        initargs=(function, context),
    ) as pool:
        yield from pool.map(_run_job, jobs, chunksize=max(1, min(32, len(jobs) // (count * 8))))
