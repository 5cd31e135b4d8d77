"""What a build folder holds, and how to read it: the layout shared by the build, the server and publishing.

A build (``build/<id>/``) holds the pyoxigraph store (``store/``), the dataset
as dump files (``dump/``, one per part, in dataset order), the build's state
(``state.json``), its summary, its SHACL report, and a manifest of the SHA-256
of every file (``manifest.json``), checked before the build is served.
``build/current`` links to the build being served.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from histgraph.atomic_files import replacing, write_atomically
from histgraph.config import Settings

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

#: The named graphs shared files go into, by name (``<base>graph/<name>``): the build
#: fills them (the rule is :func:`histgraph.build.load.shared_graph`), and validation
#: and the pages read them; named here, below all three, so each uses the same names.
ONTOLOGY_GRAPH = "ontology"
AUTHORITIES_GRAPH = "authorities"
PROVENANCE_GRAPH = "provenance"

DUMP_DIR = "dump"
TRIG_HEADER = "_prefixes.trig"
#: The dump files of the derived graph (``_derived.nq``, ``_derived.trig``), after the parts'.
#: The underscore keeps the name apart from a document's.
DERIVED_DUMP = "_derived"
STORE_DIR = "store"
MANIFEST = "manifest.json"
SUMMARY = "summary.json"
STATE = "state.json"
REPORT = "report.ttl"
REPORT_JSON = "report.json"  # the latest report, grouped and labelled, for the site
#: What the pages show of the whole archive, computed once by the build (``histgraph.present.page_summaries``):
#: counts, the VoID statistics, labels, the browse lists, the network's and the timeline's aggregates.
PAGES_DIR = "pages"


# -- manifest -----------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(folder: Path, known: dict[str, str] | None = None, previous: Path | None = None) -> dict[str, str]:
    """Record the SHA-256 of every file of a build, so a corrupt store is refused.

    ``known`` gives sums the build already has (its dump files are named by the
    cache after their content); a file hard-linked from the ``previous`` build
    (the store's immutable tables) keeps that build's recorded sum.
    """
    known = dict(known or {})
    before: dict[str, str] = {}
    if previous is not None:
        try:
            before = json.loads((previous / MANIFEST).read_text())
        except (OSError, ValueError):
            before = {}
    sums = {}
    for top, _dirs, names in os.walk(folder):  # os.walk: a large build has tens of thousands of files
        relative = os.path.relpath(top, folder)
        for file in names:
            if file in (MANIFEST, "LOCK"):
                continue
            name = file if relative == "." else f"{relative}/{file}"
            if name in known:
                sums[name] = known[name]
                continue
            path = os.path.join(top, file)
            if name in before and previous is not None:
                old = os.path.join(previous, name)
                if os.path.exists(old) and os.path.samefile(old, path):
                    sums[name] = before[name]
                    continue
            sums[name] = _sha256(Path(path))
    (folder / MANIFEST).write_text(json.dumps(sums, indent=1, sort_keys=True) + "\n")
    return sums


def verify_manifest(folder: Path) -> list[str]:
    """The files of a build whose content no longer matches its manifest."""
    try:
        sums = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return [MANIFEST]
    bad = []
    for name, expected in sums.items():
        path = folder / name
        if not path.is_file() or _sha256(path) != expected:
            bad.append(name)
    return bad


def add_to_manifest(folder: Path, names: list[str]) -> None:
    """Record the SHA-256 of files added to a finished build (replacing the manifest atomically)."""
    sums = json.loads((folder / MANIFEST).read_text())
    for name in names:
        sums[name] = _sha256(folder / name)
    write_atomically(folder / MANIFEST, json.dumps(sums, indent=1, sort_keys=True) + "\n")


# -- the pages' summaries -------------------------------------------------------------


def write_page_files(folder: Path, files: Iterable[tuple[str, object]]) -> list[str]:
    """Write ``files`` (name, JSON value) under the build's :data:`PAGES_DIR`, each as it comes; their names, sorted.

    Deterministic: keys sorted, no spaces, so the same build writes the same bytes.
    A value is let go once written (a generator may compute the next in its place).
    """
    written = []
    for name, value in files:
        path = folder / PAGES_DIR / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        del value
        write_atomically(path, text + "\n")
        del text
        written.append(f"{PAGES_DIR}/{name}")
    return sorted(written)


def read_page_file(folder: Path | None, name: str) -> Any:
    """One of the build's page files (see :func:`write_page_files`), or None when the build has none."""
    if folder is None:
        return None
    try:
        with open(folder / PAGES_DIR / name, "rb") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


# -- reading a build's dumps --------------------------------------------------------


def read_state(folder: Path) -> dict[str, Any]:
    """The state a build recorded: its parts in order, its validation units."""
    return json.loads((folder / STATE).read_text())


def dump_files(folder: Path, suffix: str) -> list[Path]:
    """The dump files of a build, in dataset order (``suffix`` is ``nq`` or ``trig``)."""
    names = [part["name"] for part in read_state(folder)["parts"]]
    files = [folder / DUMP_DIR / f"{name}.{suffix}" for name in names]
    derived = folder / DUMP_DIR / f"{DERIVED_DUMP}.{suffix}"
    if derived.exists():  # the derived graph (build.derived); builds before it had none
        files.append(derived)
    return ([folder / DUMP_DIR / TRIG_HEADER] if suffix == "trig" else []) + files


class Concatenated(io.RawIOBase):
    """Several files read as one stream, in order (no copy is made)."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = list(paths)
        self.current: io.BufferedReader | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        while True:
            if self.current is None:
                if not self.paths:
                    return 0
                self.current = open(self.paths.pop(0), "rb")  # noqa: SIM115 - closed below
            count = self.current.readinto(buffer)
            if count:
                return count
            self.current.close()
            self.current = None

    def close(self) -> None:
        if self.current is not None:
            self.current.close()
        super().close()


def open_dump(folder: Path, suffix: str = "nq") -> io.BufferedReader:
    """The build's whole dataset as one binary stream, N-Quads (``nq``) or TriG (``trig``)."""
    return io.BufferedReader(Concatenated(dump_files(folder, suffix)), buffer_size=1 << 20)


def read_quads(folder: Path) -> list[ox.Quad]:
    """Every quad of a build, in dump order."""
    with open_dump(folder) as stream:
        return list(ox.parse(stream, format=ox.RdfFormat.N_QUADS))


def write_dump(folder: Path, suffix: str, target: Path) -> Path:
    """Write the build's dataset as one file at ``target`` (renamed into place when complete)."""
    with replacing(target) as handle, open_dump(folder, suffix) as stream:
        shutil.copyfileobj(stream, handle, 1 << 20)
    return target


def current_build(settings: Settings) -> Path | None:
    """The build being served, or None when there is none yet."""
    link = settings.builds_root / "current"
    return link.resolve() if link.exists() else None
