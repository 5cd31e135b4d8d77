"""What one build works from: settings, parts and their digests, the cache, the shapes.

Also what a build gives back (:class:`BuildResult`) and where it reports progress.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from histgraph.build.declarations import duplicate
from histgraph.build.parts import (
    CACHE,
    Cache,
    FileDigests,
    PartSpec,
    code_digest,
    declaring_file_of,
    input_digest,
    plan_parts,
)
from histgraph.config import Settings
from histgraph.errors import HistgraphError
from histgraph.validation.cache import CACHE_DIR
from histgraph.validation.engines import VALIDATORS, load_shapes_text
from histgraph.validation.results import ValidationReport

STATE_FORMAT = 2  # 2: the state keeps what graphs say about graphs


@dataclass
class BuildResult:
    """What a build made, where, and what it found."""

    build_id: str
    path: Path
    summary: dict[str, object]
    report: ValidationReport | None = None
    reused: bool = False
    incremental: bool = False
    warnings: list[str] = field(default_factory=list)


class Progress(Protocol):
    """Where a build reports progress: a stage with its length, then steps."""

    def stage(self, label: str, total: int) -> None: ...

    def advance(self, steps: int = 1) -> None: ...


class Silent:
    """Progress that nobody watches."""

    def stage(self, label: str, total: int) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


#: Writes files into a build's folder from its finished store (the folder, the base IRI); their names.
PageWriter = Callable[[Path, str], list[str]]


@dataclass
class Plan:
    """What one build works from: settings, parts and their digests, the cache, the checks."""

    settings: Settings
    specs: list[PartSpec]
    digests: list[str]
    cache: Cache
    validate: bool
    shapes_text: str
    tick: Progress
    workers: int | None = None  # validation processes; None: one per core when it pays
    use_cache: bool = True  # take unit results from the validation cache
    #: Writes the pages' summaries into the build's folder before its manifest, given by
    #: ``histgraph build`` (:mod:`histgraph.present.page_summaries`: the build may not import it).
    pages: PageWriter | None = None

    @property
    def validation_cache(self) -> Path | None:
        """The validation cache's folder, or None when the build does not use it."""
        return self.settings.builds_root / CACHE_DIR if self.use_cache else None

    def fingerprint(self) -> dict[str, object]:
        """What must be the same for a build to be changed incrementally from another."""
        return {
            "format": STATE_FORMAT,
            "code": code_digest(),
            "base_iri": self.settings.base_iri,
            "validated": self.validate,
            "shapes": hashlib.sha256(self.shapes_text.encode("utf-8")).hexdigest(),
            "validator": self.settings.validator if self.validate else "",
        }

    def raise_duplicate(self, iri: str, first: int, second: int) -> None:
        """Raise :class:`InputError` naming the files of parts ``first`` and ``second`` that both declare ``iri``."""

        def where(index: int) -> str:
            return declaring_file_of(self.specs[index], iri, self.settings.base_iri, self.settings.ontology_dir)

        raise duplicate(iri, where(first), where(second))


def make_plan(settings: Settings, validate: bool, tick: Progress, *, trust_file_times: bool = True) -> Plan:
    """The parts of the project, their input digests, and the shapes (when validating).

    Unless ``trust_file_times``, every input file is read and hashed again.
    """
    cache = Cache(settings.builds_root / CACHE)
    specs = plan_parts(settings.data_dir, settings.ontology_dir)
    files = FileDigests(cache.root / "files.json", trust=trust_file_times)
    code = code_digest()
    tick.stage("checking files", len(specs))
    digests = []
    for spec in specs:
        digests.append(input_digest(spec, files, settings.base_iri, code))
        tick.advance()
    files.save()
    shapes_text = ""
    if validate:
        if settings.validator not in VALIDATORS:
            raise HistgraphError(f"validator must be one of {VALIDATORS}, got {settings.validator!r}")
        shapes_text = load_shapes_text(settings.shapes_dir)
    return Plan(settings, specs, digests, cache, validate, shapes_text, tick)
