"""Refuse parser bombs before an RDF parser sees them.

pyoxigraph's RDF/XML parser expands the entities a DOCTYPE declares, nested
ones included: ten levels of ten references (the "billion laughs") make it ask
for gigabytes and abort the whole process. It refuses external entities
(``SYSTEM``/``PUBLIC``) and its JSON-LD parser loads no remote ``@context``,
which the security tests verify; the expansion is what needs a guard. So an
RDF/XML file's DOCTYPE may only declare a few short, flat entities, the usual
namespace abbreviations of ontology editors::

    <!DOCTYPE rdf:RDF [ <!ENTITY owl "http://www.w3.org/2002/07/owl#"> ]>

and a parsed literal may not be longer than :data:`MAX_LITERAL_CHARS`.
"""

from __future__ import annotations

import re
from pathlib import Path

from histgraph.errors import InputError

#: The prolog (XML declaration, comments, DOCTYPE) must end within this many bytes.
PROLOG_BYTES = 64 * 1024
MAX_ENTITIES = 100
MAX_ENTITY_VALUE = 512
#: Longer literals are refused: a document's text is read from text.txt, not from RDF.
MAX_LITERAL_CHARS = 1_000_000
#: What pyoxigraph's MemoryError on a token over its 16 MiB buffer means, for the reader.
TOO_LONG = (
    "a literal or IRI is longer than the parser reads at once (16 MiB); literals may have at most "
    f"{MAX_LITERAL_CHARS:,} characters: put long texts in the document's text.txt"
)

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ELEMENT = re.compile(rb"<[A-Za-z_]")
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s\"']+)\s+(?:\"([^\"]*)\"|'([^']*)'|(\S+))", re.DOTALL)


def check_rdf_xml_prolog(head: bytes, where: str) -> None:
    """Raise :class:`InputError` unless ``head`` (the start of an RDF/XML file) declares only flat entities."""
    doctype = _DOCTYPE.search(head)
    root = _ELEMENT.search(head)
    if doctype is None or (root is not None and root.start() < doctype.start()):
        if root is None and len(head) >= PROLOG_BYTES:
            raise InputError(where, f"no root element within the first {PROLOG_BYTES} bytes")
        return
    end = head.find(b"]>", doctype.end())
    if end == -1:
        end = head.find(b">", doctype.end())
    if end == -1:
        raise InputError(where, f"the DOCTYPE does not end within the first {PROLOG_BYTES} bytes")
    subset = head[doctype.end() : end]
    entities = _ENTITY.findall(subset)
    if len(entities) > MAX_ENTITIES:
        raise InputError(where, f"the DOCTYPE declares more than {MAX_ENTITIES} entities")
    for parameter, name, double, single, other in entities:
        label = name.decode("utf-8", "replace")
        value = double or single
        if parameter or other:
            raise InputError(
                where,
                f"the DOCTYPE declares the external or parameter entity {label!r}; "
                "only short internal entities (namespace abbreviations) are allowed",
            )
        if b"&" in value or b"%" in value:
            raise InputError(
                where, f"the entity {label!r} refers to other entities (an entity-expansion bomb?)"
            )
        if len(value) > MAX_ENTITY_VALUE:
            raise InputError(where, f"the entity {label!r} is longer than {MAX_ENTITY_VALUE} bytes")
    if subset.count(b"<!ENTITY") != len(entities):
        raise InputError(where, "the DOCTYPE has an entity declaration this reader cannot check")


def check_rdf_xml_file(path: Path) -> None:
    """:func:`check_rdf_xml_prolog` on the first bytes of the file at ``path``."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(PROLOG_BYTES)
    except OSError as exc:
        raise InputError(str(path), f"cannot read the file: {exc.strerror}") from None
    check_rdf_xml_prolog(head, str(path))


def check_literal(value: str, where: str) -> None:
    """Raise :class:`InputError` when a literal is longer than :data:`MAX_LITERAL_CHARS`."""
    if len(value) > MAX_LITERAL_CHARS:
        raise InputError(
            where,
            f"a literal of {len(value):,} characters is longer than the limit of "
            f"{MAX_LITERAL_CHARS:,}; put long texts in the document's text.txt",
        )


__all__ = ["MAX_LITERAL_CHARS", "check_literal", "check_rdf_xml_file", "check_rdf_xml_prolog"]
