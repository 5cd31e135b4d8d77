"""Each entity is declared in one authoring file.

An entity is *declared* where it is given a type (``rdf:type``): its record,
in ``data/authorities/`` for shared entities, in a document's own files for
what the document states. Two files giving the same IRI a type used to be
merged silently into one record (issue #12); now the build refuses, naming both
files. Other files may still *refer* to the entity: ``facts.ttl`` adds
``hg:mention`` to an authority's IRI, a link batch matches it to Wikidata.

Within one part (the shared files, or one document folder) the files are
compared as they are read (:class:`Declarations`); across parts, the build
compares the parts' typed subjects and finds the files with :func:`declaring_file`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from histgraph.errors import InputError
from histgraph.vocab import RDF

RDF_TYPE = str(RDF.type)


def duplicate(iri: str, first: str, second: str) -> InputError:
    """The error for ``iri`` declared in both ``first`` and ``second``."""
    return InputError(
        second,
        f"<{iri}> is declared (given a type) here and also in {first}; an entity is declared in one "
        "file: keep one record, and only refer to the IRI from the other file",
    )


class Declarations:
    """The file that declared each subject so far; a second file raises :class:`InputError`."""

    def __init__(self) -> None:
        self.first: dict[str, str] = {}

    def add(self, quads: Iterable[ox.Quad], where: str) -> None:
        """Record the subjects ``quads`` (read from the file ``where``) give a type."""
        for quad in quads:
            if quad.predicate.value == RDF_TYPE:
                # pyoxigraph 0.5's stub still allows a Triple subject; RDF 1.2 and its parser do not.
                subject = quad.subject.value  # type: ignore[union-attr]
                first = self.first.setdefault(subject, where)
                if first != where:
                    raise duplicate(subject, first, where)


def declaring_file(files: Iterable[str], iri: str, read: Callable[[Path], Iterable[ox.Quad]]) -> str | None:
    """The first of ``files`` whose quads (``read(path)``) give ``iri`` a type."""
    for name in files:
        path = Path(name)
        for quad in read(path):
            # pyoxigraph 0.5's stub still allows a Triple subject; RDF 1.2 and its parser do not.
            if quad.predicate.value == RDF_TYPE and quad.subject.value == iri:  # type: ignore[union-attr]
                return name
    return None


def first_shared_subject(typed: Iterable[tuple[int, Iterable[str]]]) -> tuple[str, int, int] | None:
    """The first subject two parts both give a type: (subject, first part, second part), or None.

    >>> first_shared_subject([(0, ["<a>", "<b>"]), (1, ["<c>"]), (2, ["<b>"])])
    ('<b>', 0, 2)
    """
    owner: dict[str, int] = {}
    for index, subjects in typed:
        for subject in subjects:
            first = owner.setdefault(subject, index)
            if first != index:
                return subject, first, index
    return None
