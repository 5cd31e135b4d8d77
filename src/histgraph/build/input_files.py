"""Which files a build reads: regular files inside the project, named as the authoring format says.

A symbolic link ``text.fr.txt -> /etc/passwd`` in a document folder once built
and was published in the dumps (issue #12). Every reader of ``data/`` and
``ontology/`` lists its files here and opens them with :func:`open_input`, so:

* a symbolic link (to a file or to a folder), a FIFO, a device or a socket in a
  folder the build reads stops the build with a message naming it;
* a document folder holds only ``text.txt``, ``text.<lang>.txt``,
  ``document.ttl`` and ``facts.ttl`` (``docs/adding-a-document.md``); any other
  name stops the build, so nothing lands in a folder unseen;
* a shared folder (``authorities/``, ``links/``, ``enrichment/``, ``record/``,
  ``ontology/``) is read for its RDF files; other regular files and sub-folders
  there are never read;
* names starting with ``.`` (editors' swap and lock files) are never read;
* a file is opened one folder at a time from the project folder, each step
  with ``O_NOFOLLOW``, so a file or folder swapped for a link between the
  listing and the reading is refused too.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from histgraph.errors import InputError

#: The RDF files the build parses, by extension.
RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
#: The RDF files of a document folder; its texts are ``text.txt`` and ``text.<lang>.txt``.
DOCUMENT_RDF_FILES = ("document.ttl", "facts.ttl")
TEXT_FILE = re.compile(r"^text(?:\.([a-z]{2,3}))?\.txt$")
#: A text's bytes, checked before reading. Its rdf:value literal is written as
#: N-Quads, where escaping can double it, and pyoxigraph parses a line of at most
#: 16 MiB: half of that keeps every text readable again.
MAX_TEXT_BYTES = 8 << 20

_FIX_LINK = ("the build reads only regular files and folders inside the project: copy what the link points to "
             "here (cp -rL), or remove the link")


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _refuse(path: str | Path, mode: int) -> InputError:
    if stat.S_ISLNK(mode):
        return InputError(str(path), f"is a symbolic link; {_FIX_LINK}")
    return InputError(str(path), f"is {_kind(mode)}, not a regular file; the build reads only regular files: remove it")


def real_folder(folder: Path, root: Path) -> bool:
    """Whether ``folder`` exists; raises :class:`InputError` if it or a folder between it and ``root`` is a link.

    ``root`` (the project folder) itself may be reached through links; below it,
    only real folders are followed.
    """
    try:
        relative = folder.relative_to(root)
    except ValueError:
        raise InputError(str(folder), f"is outside the project folder {root}; the build reads only the project") from None
    here = root
    for name in relative.parts:
        here = here / name
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise InputError(str(here), f"cannot read the folder: {exc.strerror}") from None
        if not stat.S_ISDIR(mode):
            raise _refuse(here, mode)
    return True


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as found:  # scandir: each entry's type without a stat per file
            return sorted((e for e in found if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        raise InputError(str(folder), f"cannot read the folder: {exc.strerror}") from None


def _mode(entry: os.DirEntry[str]) -> int:
    return entry.stat(follow_symlinks=False).st_mode


def shared_files(folder: Path, root: Path) -> list[Path]:
    """The RDF files of a shared folder (``data/authorities``, ``ontology``, …), sorted.

    An RDF-named entry that is not a regular file, and any link, stop the build.
    """
    if not real_folder(folder, root):
        return []
    files = []
    for entry in _entries(folder):
        if entry.is_symlink():
            raise _refuse(entry.path, _mode(entry))
        if os.path.splitext(entry.name)[1].lower() not in RDF_FORMATS:
            continue  # a README, a sub-folder: never read
        if not entry.is_file(follow_symlinks=False):
            raise _refuse(entry.path, _mode(entry))
        files.append(Path(entry.path))
    return files


def document_folders(data_dir: Path, root: Path) -> list[Path]:
    """The document folders under ``data/documents``, sorted by id; a linked folder stops the build."""
    documents = data_dir / "documents"
    if not real_folder(documents, root):
        return []
    folders = []
    for entry in _entries(documents):
        if entry.is_dir(follow_symlinks=False):
            folders.append(Path(entry.path))
        elif not entry.is_file(follow_symlinks=False):
            raise _refuse(entry.path, _mode(entry))
    return folders


def is_declared_document_file(name: str) -> bool:
    """Whether the authoring format lets a document folder hold a file called ``name``."""
    return name in DOCUMENT_RDF_FILES or TEXT_FILE.match(name) is not None


def document_files(folder: Path) -> list[str]:
    """The files of a document folder as path strings, sorted; anything undeclared stops the build.

    The folder itself is checked by :func:`document_folders`.
    """
    files = []
    for entry in _entries(folder):
        if not is_declared_document_file(entry.name):
            raise InputError(
                entry.path,
                "is not a file the authoring format declares for a document folder; a document folder "
                f"holds only text.txt, text.<language>.txt, {' and '.join(DOCUMENT_RDF_FILES)} "
                "(see docs/adding-a-document.md): move it out of the folder",
            )
        if not entry.is_file(follow_symlinks=False):
            raise _refuse(entry.path, _mode(entry))
        files.append(entry.path)
    return files


def open_input(path: Path | str, root: Path | str | None = None) -> BinaryIO:
    """Open an input file for reading, refusing links, folders, FIFOs and devices.

    With ``root`` (the project folder), every folder from ``root`` down is opened
    with ``O_NOFOLLOW`` and the file relative to it, so no link on the way is
    followed even if it appeared after the file was listed. ``O_NONBLOCK``: a
    FIFO is refused instead of waiting for a writer.
    """
    path = Path(path)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    folder_flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)
    parent: int | None = None
    try:
        if root is None:
            fd = os.open(path, flags)
        else:
            try:
                steps = path.relative_to(root).parts
            except ValueError:
                raise InputError(str(path), f"is outside the project folder {root}; the build reads only the project") from None
            parent = os.open(root, folder_flags)
            for name in steps[:-1]:
                step = os.open(name, folder_flags, dir_fd=parent)
                os.close(parent)
                parent = step
            fd = os.open(steps[-1], flags, dir_fd=parent)
    except OSError as exc:
        raise _open_error(path, exc) from None
    finally:
        if parent is not None:
            os.close(parent)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _refuse(path, mode)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _open_error(path: Path, exc: OSError) -> InputError:
    import errno

    if exc.errno in (errno.ELOOP, errno.ENOTDIR):  # O_NOFOLLOW met a link, on the file or a folder
        return InputError(str(path), f"is a symbolic link or lies behind one; {_FIX_LINK}")
    return InputError(str(path), f"cannot read the file: {exc.strerror}")


def read_text_bytes(path: Path | str, root: Path | str | None = None, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a document's text file, refused (size checked before reading) above ``limit``."""
    with open_input(path, root) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise InputError(
                str(path),
                f"the text is {size:,} bytes, more than the limit of {limit:,} bytes ({limit >> 20} MiB) "
                "for one document's text; split the document into several documents",
            )
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew while being read
        raise InputError(str(path), f"the text grew beyond the limit of {limit:,} bytes while it was read")
    return data
