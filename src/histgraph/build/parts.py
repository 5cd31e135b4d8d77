"""Parts: the input of a build, cut into pieces that are read once and cached.

A *part* is either the project's shared files (ontology, authority records,
link and enrichment batches, other sources) or one document folder. Reading a
part (parse, anchor, rebase) gives sorted, de-duplicated N-Quads lines, all in
the part's own named graphs: a document writes only into its own graph, so the
parts never overlap and the dataset is their concatenation, in order.

Each part is keyed by an *input digest* (its files' bytes, the base IRI and the
code that reads it). Its output is cached under ``build/.cache/``: the N-Quads
and TriG texts (named by their SHA-256) and a small JSON *meta* with what the
rest of the build needs without reading the output again: counts for the
summary, and the triples other parts' validation units need as context (types,
what it says about named graphs). A build that finds a part's digest in the
cache reuses it; that is what makes adding one document to a large archive
cheap.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from histgraph.atomic_files import write_atomically
from histgraph.build import anchors as anchoring
from histgraph.build.declarations import Declarations, declaring_file
from histgraph.build.input_files import RDF_FORMATS, document_files, open_input, shared_files
from histgraph.build.load import (
    ONTOLOGY_GRAPH,
    SHARED_FOLDERS,
    DocumentText,
    document_folders,
    graph_iri,
    parse_file,
    project_root,
    read_document,
    rebase,
    shared_graph,
)
from histgraph.errors import InputError
from histgraph.validation.units import Triple, split_lines

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SHARED = "shared"
DOCUMENT_PREFIX = "doc-"
CACHE = ".cache"
#: Bump when a part's output or meta changes shape, to void cached parts.
FORMAT = "1"
_CODE_FILES = ("build/parts.py", "build/load.py", "build/anchors.py", "store/rdf_guard.py", "build/input_files.py",
               "build/declarations.py", "build/wikidata_identifiers.py",
               "validation/units.py")  # its split_lines gives a part's meta its types


@dataclass(frozen=True)
class PartSpec:
    """One part to read: its name, its files, and the document id (None for the shared part).

    Files are kept as path strings: an archive has tens of thousands of them, and
    planning a build that changes one document must not spend seconds on Path objects.
    """

    name: str
    files: tuple[str, ...]
    document: str | None = None
    folder: str | None = None
    root: str | None = None  # the project folder: files are read only inside it


@dataclass
class PartMeta:
    """What a built part holds, kept next to its cached output."""

    name: str
    digest: str
    nq_sha: str
    trig_sha: str
    lines: int
    graphs: list[str]
    classes: dict[str, int]
    facts: int
    mentions: int
    types: list[Triple]  # rdf:type triples outside the ontology graph
    about: list[tuple[str, Triple]]  # (graph term, triple) for triples about a named graph
    document: str | None = None
    sizes: tuple[int, int] = (0, 0)  # bytes of the N-Quads and TriG outputs

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PartMeta:
        data = dict(data)
        data["types"] = [tuple(t) for t in data["types"]]
        data["about"] = [(g, tuple(t)) for g, t in data["about"]]
        data["sizes"] = tuple(data.get("sizes", (0, 0)))
        return cls(**data)


def plan_parts(data_dir: Path, ontology_dir: Path | None) -> list[PartSpec]:
    """The parts of a project, shared part first, then documents by id.

    Only the files :mod:`histgraph.build.input_files` allows are listed; a link, a
    FIFO or an undeclared file in a document folder raises :class:`InputError`.
    """
    if not data_dir.is_dir():
        raise InputError(str(data_dir), "no data folder here; run histgraph in a project folder")
    root = project_root(data_dir)
    data_dir = data_dir.absolute()
    shared: list[Path] = shared_files(ontology_dir.absolute(), root) if ontology_dir is not None else []
    for shared_folder in SHARED_FOLDERS:
        shared += shared_files(data_dir / shared_folder, root)
    parts = [PartSpec(SHARED, tuple(str(p) for p in shared), root=str(root))]
    for folder in document_folders(data_dir):
        files = tuple(document_files(folder))
        parts.append(PartSpec(DOCUMENT_PREFIX + folder.name, files, folder.name, str(folder), str(root)))
    return parts


@dataclass
class Cache:
    """The build cache: part metas by input digest, outputs by content hash, file digests by stat."""

    root: Path

    def meta_path(self, digest: str) -> Path:
        return self.root / "parts" / f"{digest}.json"

    def object_path(self, sha: str, suffix: str) -> Path:
        return Path(self.object_name(sha, suffix))

    def object_name(self, sha: str, suffix: str) -> str:
        """:meth:`object_path` as a string (a build links tens of thousands of them)."""
        return os.path.join(self.root, "objects", sha[:2], f"{sha}.{suffix}")

    def load_meta(self, digest: str) -> PartMeta | None:
        """The cached meta of a part, if it and both its outputs are there, whole.

        Builds hard-link these outputs as their dump files: a dump edited in a
        build folder would change them too. A size that differs from the meta's
        voids the entry (the part is read again); builds' manifests catch the rest.
        """
        try:
            meta = PartMeta.from_json(json.loads(self.meta_path(digest).read_text()))
        except (OSError, ValueError, TypeError, KeyError):
            return None
        for sha, suffix, size in ((meta.nq_sha, "nq", meta.sizes[0]), (meta.trig_sha, "trig", meta.sizes[1])):
            try:
                if os.stat(self.object_name(sha, suffix)).st_size != size:
                    self._discard(meta)
                    return None
            except OSError:
                return None
        return meta

    def _discard(self, meta: PartMeta) -> None:
        for path in (self.object_path(meta.nq_sha, "nq"), self.object_path(meta.trig_sha, "trig"),
                     self.meta_path(meta.digest)):
            path.unlink(missing_ok=True)

    def store_outputs(self, meta: PartMeta, nq: bytes, trig: bytes) -> None:
        """Write a part's outputs, not yet flushed to disk: they count once :meth:`store_metas` has run."""
        # Written again even when the name exists: a file written this way may have
        # been cut short by a crash, and only a meta written after a flush vouches for it.
        _write_atomic(self.object_path(meta.nq_sha, "nq"), nq)
        _write_atomic(self.object_path(meta.trig_sha, "trig"), trig)

    def store_metas(self, metas: list[PartMeta]) -> None:
        """Flush every output written so far to disk, then write these parts' metas.

        A meta is what makes a part's outputs count (:meth:`load_meta`), so after a
        power cut no meta names an output that was lost. One ``os.sync()`` for a
        batch of parts: a flush per file (three per document) took longer than
        reading the documents. A meta cut short by a crash is not JSON and is ignored.
        """
        if not metas:
            return
        os.sync()
        for meta in metas:
            _write_atomic(self.meta_path(meta.digest), json.dumps(meta.to_json()).encode("utf-8"))


def _write_atomic(path: Path, payload: bytes) -> None:
    # Readable by a server running as another user; not writable: builds hard-link these files.
    write_atomically(path, payload, mode=0o444, durable=False)


def code_digest() -> str:
    """A digest of the code that reads parts: a change to it voids the cached parts."""
    digest = hashlib.sha256(FORMAT.encode())
    here = Path(__file__).resolve().parents[1]  # the histgraph package
    for name in _CODE_FILES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


class FileDigests:
    """SHA-256 of input files, remembered by (size, mtime, inode) so unchanged files are not read again.

    A tool that rewrites a file and puts back its size and time (``rsync -t``
    can) hides the change from that memory; ``trust=False`` reads every file.
    """

    def __init__(self, path: Path, *, trust: bool = True) -> None:
        self.path = path
        try:
            self.known: dict[str, list] = json.loads(path.read_text()) if trust else {}
        except (OSError, ValueError):
            self.known = {}
        self.changed = not trust

    def of(self, file: str) -> str:
        try:
            stat = os.lstat(file)
        except OSError as exc:
            raise InputError(str(file), f"cannot read the file: {exc.strerror}") from None
        signature = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
        key = str(file)
        entry = self.known.get(key)
        if entry is not None and entry[:3] == signature:
            return entry[3]
        digest = hashlib.sha256()
        with open_input(file) as handle:  # a link put here since the listing is refused, not hashed
            for chunk in iter(lambda: handle.read(1 << 20), b""):  # in chunks: an input may be huge
                digest.update(chunk)
        sha = digest.hexdigest()
        self.known[key] = [*signature, sha]
        self.changed = True
        return sha

    def save(self) -> None:
        if self.changed:
            write_atomically(self.path, json.dumps(self.known, separators=(",", ":")).encode("utf-8"))


def input_digest(spec: PartSpec, files: FileDigests, base_iri: str, code: str) -> str:
    """The key of a part: its files (names relative to their folder, and bytes), base IRI, code."""
    digest = hashlib.sha256(f"{code}\n{base_iri}\n{spec.name}\n".encode())
    for path in spec.files:
        folder, name = os.path.split(path)
        digest.update(f"{os.path.basename(folder)}/{name} {files.of(path)}\n".encode())
    return digest.hexdigest()


#: Characters of an N-Quads line below which pyoxigraph's 16 MiB parse buffer cannot be reached
#: (a character is at most 4 bytes): only a part with a longer line is parsed back to check it.
_LONG_LINE = 4 << 20


def read_part(spec: PartSpec, digest: str, base_iri: str, ontology_dir: Path | None) -> tuple[PartMeta, bytes, bytes]:
    """Read, anchor and rebase one part; its meta and its N-Quads and TriG outputs.

    Raises :class:`InputError` or :class:`AnchorError` naming the file and the problem.
    """
    texts: dict[str, list[DocumentText]] = {}
    root = Path(spec.root) if spec.root is not None else None
    if spec.document is None:
        quads = _read_shared(spec, ontology_dir, root)
    else:
        quads, texts[spec.document] = _read_document_part(spec, root)
    quads, anchors = anchoring.resolve_anchors(quads, texts)
    by_line = {f"{q} .\n": q for q in rebase(quads, base_iri)}
    lines = sorted(by_line)
    nq = "".join(lines).encode("utf-8")
    if max(map(len, lines), default=0) > _LONG_LINE:
        try:  # the store reads this output; a line over pyoxigraph's 16 MiB buffer it could not load
            list(ox.parse(nq, format=ox.RdfFormat.N_QUADS))
        except MemoryError:
            raise InputError(spec.folder or spec.name, "a text or literal is too long for the store once written "
                             "as N-Quads (pyoxigraph reads at most 16 MiB at once); shorten or split it") from None
    trig = trig_body([by_line[line] for line in lines])
    return _meta(spec, digest, base_iri, lines, (nq, trig), anchors), nq, trig


def _read_shared(spec: PartSpec, ontology_dir: Path | None, root: Path | None) -> list[ox.Quad]:
    """The shared files' quads, each file in its graph; refuses a record declared in two files."""
    quads: list[ox.Quad] = []
    declared = Declarations()
    for name in spec.files:
        path = Path(name)
        graph = shared_graph(path, ontology_dir)
        parsed = parse_file(path, graph, root)
        if graph != graph_iri(ONTOLOGY_GRAPH):  # the ontology declares classes, not records
            declared.add(parsed, name)
        quads.extend(parsed)
    return quads


def _read_document_part(spec: PartSpec, root: Path | None) -> tuple[list[ox.Quad], list[DocumentText]]:
    """A document folder's quads and texts; refuses data outside the document's own graph."""
    folder = Path(spec.folder or spec.name)
    quads, document_texts, _files = read_document(folder, root)
    own = graph_iri(spec.document or "")
    stray = next((q for q in quads if q.graph_name != own), None)
    if stray is not None:
        raise InputError(
            str(folder),
            f"a document folder's data belongs in its own graph <{own.value}>, but a file puts "
            f"{stray.subject} into <{getattr(stray.graph_name, 'value', 'the default graph')}>; "
            "put shared records in data/authorities/ and link batches in data/links/",
        )
    return quads, document_texts


def _meta(spec: PartSpec, digest: str, base_iri: str, lines: list[str], outputs: tuple[bytes, bytes],
          anchors: list[anchoring.Anchor]) -> PartMeta:
    """What the rest of the build needs of a part without reading its output again.

    Its outputs' hashes and sizes, counts for the summary, and the triples other
    parts' units need as context: types, and what it says about named graphs.
    """
    nq, trig = outputs
    ontology = str(graph_iri(ONTOLOGY_GRAPH, base_iri))
    graph_prefix = f"<{base_iri}graph/"
    classes: Counter[str] = Counter()
    types: set[Triple] = set()
    about: set[tuple[str, Triple]] = set()
    graphs: set[str] = set()
    for graph, (subject, predicate, obj) in split_lines(lines):
        graphs.add(graph)
        if predicate == RDF_TYPE:
            classes[obj[1:-1]] += 1
            if graph != ontology:
                types.add((subject, predicate, obj))
        if graph != ontology and subject.startswith(graph_prefix):
            about.add((subject, (subject, predicate, obj)))
    return PartMeta(
        name=spec.name,
        digest=digest,
        nq_sha=hashlib.sha256(nq).hexdigest(),
        trig_sha=hashlib.sha256(trig).hexdigest(),
        lines=len(lines),
        graphs=sorted(graphs),
        classes=dict(sorted(classes.items())),
        facts=sum(1 for a in anchors if a.motivation == "describing"),
        mentions=sum(1 for a in anchors if a.motivation == "identifying"),
        types=sorted(types),
        about=sorted(about),
        document=spec.document,
        sizes=(len(nq), len(trig)),
    )


def declaring_file_of(spec: PartSpec, iri: str, base_iri: str, ontology_dir: Path | None) -> str:
    """The file of a part that declares (gives a type to) ``iri``, for an error message.

    Reads the part's RDF files again: only called when a build refuses a duplicate.
    """
    root = Path(spec.root) if spec.root is not None else None

    def graph_of(path: Path) -> ox.NamedNode:
        return graph_iri(spec.document) if spec.document is not None else shared_graph(path, ontology_dir)

    files = [name for name in spec.files if Path(name).suffix.lower() in RDF_FORMATS
             and graph_of(Path(name)) != graph_iri(ONTOLOGY_GRAPH)]
    found = declaring_file(files, iri, lambda path: rebase(parse_file(path, graph_of(path), root), base_iri))
    return found or spec.folder or spec.name


def _prefixes() -> dict[str, str]:
    from histgraph.vocab import PREFIXES  # the one place prefixes are bound

    return dict(PREFIXES)


def trig_header() -> bytes:
    """The ``@prefix`` lines that open the TriG dump (each part's TriG is written without them)."""
    return ox.serialize([], format=ox.RdfFormat.TRIG, prefixes=_prefixes()) or b""


def trig_body(quads: list[ox.Quad]) -> bytes:
    """The TriG of ``quads`` without the prefix lines, so that parts concatenate into one document."""
    full = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_prefixes()) or b""
    header = trig_header()
    if not full.startswith(header):  # pyoxigraph writes the prefixes first; be sure
        raise RuntimeError("unexpected TriG layout from pyoxigraph: the prefixes do not come first")
    return full[len(header) :]


def read_lines(cache: Cache, meta: PartMeta) -> Iterator[str]:
    """The N-Quads lines of a cached part."""
    with open(cache.object_path(meta.nq_sha, "nq"), encoding="utf-8") as handle:
        yield from handle
