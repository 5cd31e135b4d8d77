"""Read a project's authoring files into quads, each in its named graph.

The authoring format is described in ``docs/adding-a-document.md``: shared
authority files, one folder per document (text plus Turtle), link files in TriG,
and attributed claims from other sources. Parsing uses pyoxigraph, which is fast
and reports syntax errors with file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from histgraph.build import input_files
from histgraph.build.declarations import Declarations
from histgraph.build.input_files import (
    DOCUMENT_RDF_FILES,
    RDF_FORMATS,
    TEXT_FILE,
    open_input,
    read_text_bytes,
)
from histgraph.build.wikidata_identifiers import check_wikidata_terms
from histgraph.config import DEFAULT_BASE_IRI
from histgraph.errors import InputError
from histgraph.store.layout import AUTHORITIES_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH
from histgraph.store.rdf_guard import PROLOG_BYTES, TOO_LONG, check_literal, check_rdf_xml_prolog
from histgraph.vocab import RDF

#: A term of a quad: a renaming gives back the same kind of term, or an IRI.
Term = TypeVar("Term")

_FORMATS = RDF_FORMATS
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def graph_iri(name: str, base_iri: str = DEFAULT_BASE_IRI) -> ox.NamedNode:
    """The IRI of the named graph ``name`` (``authorities``, a document id, …)."""
    return ox.NamedNode(f"{base_iri}graph/{name}")



#: The shared folders of ``data/``, in the order a build reads them (after the ontology).
SHARED_FOLDERS = ("authorities", "links", "enrichment", "record")


def shared_graph(path: Path, ontology_dir: Path | None) -> ox.NamedNode:
    """The named graph the shared file ``path`` goes into: the one rule every reader of shared files uses.

    The file's folder decides: the ontology's files go into ``graph/ontology``,
    ``data/authorities/`` into ``graph/authorities``, ``data/links/`` and
    ``data/enrichment/`` into ``graph/provenance`` (their TriG batches keep their
    own graphs; only triples outside one go there), and each file of
    ``data/record/`` into a graph of its own, ``graph/record-<name without extension>``.
    The IRIs use the default base; the build rebases them.
    """
    folder = path.parent
    if ontology_dir is not None and folder.resolve() == ontology_dir.resolve():
        return graph_iri(ONTOLOGY_GRAPH)
    if folder.name == "authorities":
        return graph_iri(AUTHORITIES_GRAPH)
    if folder.name in ("links", "enrichment"):
        return graph_iri(PROVENANCE_GRAPH)
    return graph_iri(f"record-{path.stem}")


def text_iri(document_id: str, language: str, base_iri: str = DEFAULT_BASE_IRI) -> ox.NamedNode:
    """The IRI of a document's text in ``language``."""
    return ox.NamedNode(f"{base_iri}id/text/{document_id}-{language}")


def document_iri(document_id: str, base_iri: str = DEFAULT_BASE_IRI) -> ox.NamedNode:
    """The IRI of the archival document ``document_id``."""
    return ox.NamedNode(f"{base_iri}id/document/{document_id}")


@dataclass(frozen=True)
class DocumentText:
    """One language version of a document's text, as read from ``text[.LANG].txt``."""

    document_id: str
    language: str
    path: Path
    content: str

    @property
    def iri(self) -> ox.NamedNode:
        return text_iri(self.document_id, self.language)


@dataclass
class SourceData:
    """Everything read from a project's ``data/`` and ``ontology/`` folders."""

    quads: list[ox.Quad] = field(default_factory=list)
    texts: dict[str, list[DocumentText]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def document_ids(self) -> list[str]:
        return sorted(self.texts)


def parse_file(path: Path, graph: ox.NamedNode | None, root: Path | None = None) -> list[ox.Quad]:
    """Parse one RDF file; triples go to ``graph``, TriG keeps its own graphs.

    Blank nodes are renamed to stable skolem IRIs (file name plus order of
    appearance) so the same input always builds the same output. The file is
    opened without following links (from ``root``, the project folder, when
    given; :func:`histgraph.build.input_files.open_input`), and its Wikidata
    identifiers are checked. Raises :class:`InputError` with file and line on a
    syntax error.
    """
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(str(path), f"unknown RDF file extension; use one of {sorted(_FORMATS)}")
    skolem: dict[str, ox.NamedNode] = {}
    stem = re.sub(r"[^a-z0-9-]+", "-", str(path.with_suffix("")).lower()).strip("-")[-60:]

    def fix(term: Term) -> Term | ox.NamedNode:
        if isinstance(term, ox.BlankNode):
            if term.value not in skolem:
                skolem[term.value] = ox.NamedNode(
                    f"{DEFAULT_BASE_IRI}.well-known/genid/{stem}-{len(skolem) + 1}"
                )
            return skolem[term.value]
        return term

    quads: list[ox.Quad] = []
    with open_input(path, root) as handle:
        if fmt == ox.RdfFormat.RDF_XML:
            check_rdf_xml_prolog(handle.read(PROLOG_BYTES), str(path))  # entity bombs abort pyoxigraph
            handle.seek(0)
        try:
            for item in ox.parse(handle, format=fmt, base_iri=path.resolve().as_uri()):
                if isinstance(item.object, ox.Literal):
                    check_literal(item.object.value, str(path))
                target = item.graph_name if isinstance(item, ox.Quad) else ox.DefaultGraph()
                if isinstance(target, ox.DefaultGraph) and graph is not None:
                    target = graph
                quads.append(ox.Quad(fix(item.subject), item.predicate, fix(item.object), target))
        except SyntaxError as exc:
            raise InputError(str(path), exc.msg, exc.lineno) from None
        except OSError as exc:
            raise InputError(str(path), f"cannot read the file: {exc.strerror}") from None
        except MemoryError:
            # pyoxigraph refuses a token (a literal, an IRI) over its 16 MiB buffer this way.
            raise InputError(str(path), TOO_LONG) from None
    check_wikidata_terms(quads, str(path), property_allowed=graph == graph_iri(ONTOLOGY_GRAPH))
    return quads




def read_text(path: Path, document_id: str, root: Path | None = None) -> DocumentText:
    """Read a document's text file (UTF-8, newlines normalised to ``\\n``), refusing one over its size limit."""
    match = TEXT_FILE.match(path.name)
    language = (match.group(1) if match else None) or "en"
    try:
        content = read_text_bytes(path, root).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 at byte {exc.start}; save the file as UTF-8") from None
    return DocumentText(document_id, language, path, content.replace("\r\n", "\n"))


def project_root(data_dir: Path) -> Path:
    """The project folder of a ``data/`` folder: inputs are read only inside it."""
    return data_dir.absolute().parent


def document_folders(data_dir: Path) -> list[Path]:
    """The document folders under ``data/documents``, sorted by id (see :mod:`histgraph.build.input_files`)."""
    return input_files.document_folders(data_dir.absolute(), project_root(data_dir))


def read_document(
    folder: Path, root: Path | None = None, declared: Declarations | None = None
) -> tuple[list[ox.Quad], list[DocumentText], list[Path]]:
    """Read one document folder: its texts and its Turtle files, in its own graph.

    ``root`` is the project folder (by default the one holding ``data/documents/<id>``);
    only the files the authoring format declares are read, and only if they are regular files.
    ``declared`` holds the entities other files declared (a subject typed in two files is refused).
    """
    folder = folder.absolute()
    root = root if root is not None else folder.parents[2]
    document_id = folder.name
    if not _SLUG.match(document_id):
        raise InputError(
            str(folder), "a document folder's name must be lower-case letters, digits and hyphens"
        )
    input_files.real_folder(folder, root)
    names = [Path(name) for name in input_files.document_files(folder)]
    texts = [read_text(p, document_id, root) for p in names if TEXT_FILE.match(p.name)]
    if not any(t.language == "en" and t.path.name == "text.txt" for t in texts):
        raise InputError(str(folder), "a document folder needs its text in text.txt (UTF-8)")
    graph = graph_iri(document_id)
    quads: list[ox.Quad] = []
    files = [p for p in names if p.name in DOCUMENT_RDF_FILES]
    if not files:
        raise InputError(str(folder), "a document folder needs document.ttl and facts.ttl")
    declared = declared if declared is not None else Declarations()
    for path in files:
        parsed = parse_file(path, graph, root)
        declared.add(parsed, str(path))
        quads.extend(parsed)
    for text in texts:
        quads.append(ox.Quad(text.iri, ox.NamedNode(_RDF_VALUE), ox.Literal(text.content), graph))
    return quads, texts, files + [t.path for t in texts]


_RDF_VALUE = str(RDF.value)


def read_project(
    data_dir: Path,
    ontology_dir: Path | None = None,
    *,
    only_documents: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> SourceData:
    """Read every authoring file of a project into :class:`SourceData`.

    ``only_documents`` limits the documents read (all shared files are always
    read); ``progress`` is called once per file or document, for progress bars.
    """
    if not data_dir.is_dir():
        raise InputError(str(data_dir), "no data folder here; run histgraph in a project folder")
    source = SourceData()
    tick = progress or (lambda _name: None)
    wanted = set(only_documents) if only_documents is not None else None
    root = project_root(data_dir)
    data_dir = data_dir.absolute()
    declared = Declarations()

    def add(folder: Path | None) -> None:
        if folder is None:
            return
        for path in input_files.shared_files(folder.absolute(), root):
            graph = shared_graph(path, ontology_dir)
            quads = parse_file(path, graph, root)
            if graph != graph_iri(ONTOLOGY_GRAPH):  # the ontology declares classes, not records
                declared.add(quads, str(path))
            source.quads.extend(quads)
            source.files.append(path)
            tick(path.name)

    add(ontology_dir)
    for shared_folder in SHARED_FOLDERS:
        add(data_dir / shared_folder)
    for folder in document_folders(data_dir):
        if wanted is not None and folder.name not in wanted:
            continue
        quads, texts, files = read_document(folder, root, declared)
        source.quads.extend(quads)
        source.texts[folder.name] = texts
        source.files.extend(files)
        tick(folder.name)
    return source


def rebase(quads: Iterable[ox.Quad], base_iri: str) -> Iterator[ox.Quad]:
    """Rewrite the project's default base IRI to a deployment's ``base_iri``.

    Only minted IRIs (``id/``, ``graph/``, skolem IRIs) move; the ontology's
    namespace stays, so the vocabulary is the same for every deployment.
    """
    if base_iri == DEFAULT_BASE_IRI:
        yield from quads
        return
    prefixes = tuple(DEFAULT_BASE_IRI + p for p in ("id/", "graph/", ".well-known/"))

    def move(term: Term) -> Term | ox.NamedNode:
        if isinstance(term, ox.NamedNode) and term.value.startswith(prefixes):
            return ox.NamedNode(base_iri + term.value[len(DEFAULT_BASE_IRI) :])
        return term

    for quad in quads:
        yield ox.Quad(move(quad.subject), quad.predicate, move(quad.object), move(quad.graph_name))
