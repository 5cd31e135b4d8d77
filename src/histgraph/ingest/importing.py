"""``histgraph import``: read a source (a file or a URL) and create its document folder.

The folder ``data/documents/<id>/`` gets ``text.txt`` (the body exactly as the
source gives it) and ``document.ttl`` (:mod:`histgraph.ingest.document_record`).
An existing folder is never overwritten. Both files are written to a temporary
folder first and the folder is renamed into place, so a failure leaves nothing
half-made.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from histgraph.ingest.document_record import KnownWorks, document_turtle
from histgraph.ingest.fetch import fetch_page, is_url
from histgraph.ingest.readers import ImportFailed, SourceDocument, reader_for, with_absent
from histgraph.ingest.sidecar_text import sidecar_path
from histgraph.ingest.turtle_writer import slugify

_SLUG_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
#: Sources larger than this are refused before reading: a text may be at most 8 MiB.
MAX_SOURCE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    """What an import created and what the source did not give."""

    folder: Path
    document_id: str
    source: SourceDocument

    @property
    def absent(self) -> tuple[str, ...]:
        return self.source.absent


def known_works(data_dir: Path) -> KnownWorks:
    """The project's named works, read from its authoring files (no build needed).

    Works are declared in the shared files, and editions no other document
    cited yet in the ``document.ttl`` of the document that cites them; only
    those files are read (not every document's facts and texts, which took
    73 s at 10,000 documents).
    """
    from histgraph.build import input_files
    from histgraph.build.load import SHARED_FOLDERS, document_folders, parse_file, project_root
    from histgraph.store import EmbeddedStore
    from histgraph.wikidata.client import load_query

    if not (data_dir / "authorities").is_dir():
        return KnownWorks({})
    root = project_root(data_dir)
    paths = [path for folder in SHARED_FOLDERS for path in input_files.shared_files(data_dir.absolute() / folder, root)]
    paths += [folder / "document.ttl" for folder in document_folders(data_dir) if (folder / "document.ttl").is_file()]
    quads = [quad for path in paths for quad in parse_file(path, None, root)]
    rows = EmbeddedStore.from_quads(quads, version="project").select(load_query("known-works", "histgraph.ingest"))
    return KnownWorks({" ".join(str(r["name"]).split()).casefold(): str(r["work"]) for r in rows})


def read_source(source: str, *, sidecar: Path | None = None, reader: str | None = None,
                timeout: float = 30.0) -> tuple[str, SourceDocument]:
    """The source's name and what its reader found in it (a URL is fetched, bounded)."""
    if is_url(source):
        data, name = fetch_page(source, timeout=timeout), source
    else:
        path = Path(source)
        if not path.is_file():
            raise ImportFailed(f"{source} is not a file; give the path of a saved page or an http(s) URL")
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise ImportFailed(f"{source} is larger than 16 MiB; split the document first")
        data, name = path.read_bytes(), path.name
        if sidecar is None and reader in (None, "text+sidecar") and sidecar_path(path).is_file():
            sidecar = sidecar_path(path)
    chosen = reader_for(name, data, sidecar=sidecar is not None, wanted=reader)
    side = sidecar.read_bytes() if sidecar is not None else None
    document = chosen.read(name, data, sidecar=side)
    if is_url(source) and document.page_url is None:
        document = with_absent(replace(document, page_url=source))
    return name, document


def default_id(document: SourceDocument) -> str:
    """An id from the date and title ("1951-03-03-letter-a-to-b"), or an error asking for --id."""
    words = " ".join(x for x in ((document.date.iso if document.date else None), document.title) if x)
    slug = slugify(words)
    if not slug or document.title is None:
        raise ImportFailed("the source gives no title to name the document by; choose one with --id SLUG")
    return slug


def import_document(data_dir: Path, source: str, *, document_id: str | None = None,
                    sidecar: Path | None = None, reader: str | None = None, page_url: str | None = None,
                    timeout: float = 30.0) -> ImportResult:
    """Read ``source`` and create ``data_dir/documents/<id>/`` (see the module docstring)."""
    name, document = read_source(source, sidecar=sidecar, reader=reader, timeout=timeout)
    if page_url:
        if not is_url(page_url) or not page_url.startswith(("http://", "https://")):
            raise ImportFailed(f"--page-url {page_url!r} is not an http(s) address")
        document = with_absent(replace(document, page_url=page_url))
    slug = document_id or default_id(document)
    if not slug or set(slug) - _SLUG_CHARS or slug.startswith("-"):
        raise ImportFailed(f"{slug!r} is not a document id: use lower case letters, digits and hyphens")
    documents = data_dir / "documents"
    folder = documents / slug
    if folder.exists():
        raise ImportFailed(f"{folder} already exists; choose another --id or remove that folder first")
    turtle = document_turtle(document, slug, known_works(data_dir), name)
    documents.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".import-{slug}-", dir=documents))
    try:
        (staging / "text.txt").write_bytes(document.body.encode("utf-8"))
        (staging / "document.ttl").write_text(turtle, encoding="utf-8")
        os.chmod(staging, 0o755)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ImportResult(folder, slug, document)
