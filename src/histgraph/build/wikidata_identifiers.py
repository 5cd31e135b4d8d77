"""Wikidata identifiers in input files are checked by shape.

A link batch once published ``wd:X5816``, ``wd:Q5816abc``, a wiki page address
and the property ``wd:P31`` as if they were items (issue #12). Every file the
build parses goes through :func:`check_wikidata_terms`:

* the object of a matching property (``skos:exactMatch``, ``skos:closeMatch``,
  the other SKOS mapping properties, ``owl:sameAs``, ``schema:sameAs``) that
  points at Wikidata must be an item's entity IRI,
  ``http://www.wikidata.org/entity/Q`` and a number; in the ontology, where a
  property of ours may match one of Wikidata's, a property IRI (``…/entity/P…``)
  too;
* any other IRI in the entity namespace (the enrichment snapshot's subjects,
  say) must be an item or a property.

``shapes/links.ttl`` states the first rule as a SHACL pattern too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from histgraph.errors import InputError
from histgraph.vocab import OWL, SCHEMA, SKOS

ENTITY = "http://www.wikidata.org/entity/"
ITEM = re.compile(r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*")
PROPERTY = re.compile(r"http://www\.wikidata\.org/entity/P[1-9][0-9]*")
_STATEMENT = ENTITY + "statement/"  # wds: statement nodes of the enrichment snapshot
_ON_WIKIDATA = re.compile(r"^[a-z][a-z0-9+.-]*://([^/?#]*\.)?wikidata\.org(?:[:/?#]|$)", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![A-Za-z0-9])([QP])0*([1-9][0-9]*)\b")

MATCH_PROPERTIES = frozenset(
    str(p) for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.relatedMatch, SKOS.broadMatch, SKOS.narrowMatch,
                     OWL.sameAs, SCHEMA.sameAs)
) | {"http://schema.org/sameAs"}  # schema.org's older http namespace, still common in the wild


def is_item(iri: str) -> bool:
    """Whether ``iri`` is a Wikidata item's entity IRI (``http://www.wikidata.org/entity/Q42``).

    >>> is_item("http://www.wikidata.org/entity/Q5816"), is_item("http://www.wikidata.org/entity/Q5816abc")
    (True, False)
    """
    return ITEM.fullmatch(iri) is not None


def problem(iri: str, *, property_allowed: bool = False) -> str | None:
    """What is wrong with ``iri`` as a Wikidata identifier in a matching statement, or None.

    >>> problem("http://www.wikidata.org/entity/Q5816") is None
    True
    >>> print(problem("https://www.wikidata.org/wiki/Q5816"))
    <https://www.wikidata.org/wiki/Q5816> is a Wikidata page address, not an identifier; use the entity IRI <http://www.wikidata.org/entity/Q5816> (wd:Q5816)
    """
    if is_item(iri) or (property_allowed and PROPERTY.fullmatch(iri)):
        return None
    if PROPERTY.fullmatch(iri):
        return (f"<{iri}> is a Wikidata property, not an item; a record matches an item "
                f"({ENTITY}Q followed by its number, wd:Q…)")
    number = _NUMBER.search(iri[iri.find("wikidata.org"):]) if "wikidata.org" in iri else None
    hint = f"; use the entity IRI <{ENTITY}{number[1]}{number[2]}> (wd:{number[1]}{number[2]})" if number else ""
    if not iri.startswith(ENTITY) and number and "/wiki/" in iri:
        return f"<{iri}> is a Wikidata page address, not an identifier{hint}"
    return (f"<{iri}> is not a Wikidata item identifier: an item is {ENTITY}Q followed by its number "
            f"without leading zeros (wd:Q5816){hint}")


def _on_wikidata(iri: str) -> bool:
    return "wikidata.org" in iri and _ON_WIKIDATA.match(iri) is not None


def check_wikidata_terms(quads: Iterable[ox.Quad], where: str, *, property_allowed: bool = False) -> None:
    """Raise :class:`InputError` naming ``where`` at the first malformed Wikidata identifier in ``quads``.

    ``property_allowed``: the file is the ontology, where a property may match a Wikidata property.
    """
    for quad in quads:
        obj = quad.object
        if quad.predicate.value in MATCH_PROPERTIES and isinstance(obj, ox.NamedNode) and _on_wikidata(obj.value):
            message = problem(obj.value, property_allowed=property_allowed)
            if message is not None:
                # pyoxigraph 0.5's stub still allows a Triple subject; RDF 1.2 and its parser do not.
                raise InputError(where, f"<{quad.subject.value}> <{quad.predicate.value}>: {message}")  # type: ignore[union-attr]
        for term in (quad.subject, obj):
            if (isinstance(term, ox.NamedNode) and term.value.startswith(ENTITY)
                    and not term.value.startswith(_STATEMENT)
                    and not (ITEM.fullmatch(term.value) or PROPERTY.fullmatch(term.value))):
                raise InputError(where, problem(term.value) or f"<{term.value}> is not a Wikidata identifier")
