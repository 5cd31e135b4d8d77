"""Sources other than the archive's documents, described so a reader can check them.

A claim the documents do not make (Zhou's departure on 10 January, the treaty's
signing) names its source with ``hg:accordingTo``. :func:`describe_source` reads
what the data says of that source — its title, authors, date, web address or
archival reference, and how reliable the project judges it — and
:func:`recorded_elsewhere` tells whether a node is such a claim: it has sources
but no words in any document. Pages then badge it "recorded elsewhere: SOURCE"
instead of wearing the badge of what the documents report.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef

from histgraph.present.date_words import date_words
from histgraph.present.labels import LabelIndex, is_web_link
from histgraph.present.site_paths import local_href
from histgraph.store import Store
from histgraph.vocab import DCTERMS, HG, RDFS, SCHEMA

SOURCE_TRIPLES = "SELECT ?p ?o WHERE { ?source ?p ?o }"

#: The sources of a node that are not people or groups (a document's writer is
#: an actor; another source is a work, page or edition), and whether any
#: document's words state the node.
SOURCES_OF = """
PREFIX hg: <https://histgraph.example.org/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?source ?stated WHERE {
  ?iri hg:accordingTo ?source .
  FILTER NOT EXISTS { ?source a ?actor . VALUES ?actor { crm:E39_Actor crm:E21_Person crm:E74_Group prov:Agent } }
  BIND(EXISTS { ?ann oa:hasBody ?iri } AS ?stated)
}
"""

_TITLE = (str(SCHEMA.name), str(DCTERMS.title))
_AUTHOR = (str(SCHEMA.author), str(DCTERMS.creator), str(SCHEMA.editor))
_DATE = (str(SCHEMA.datePublished), str(DCTERMS.issued), str(DCTERMS.date), str(DCTERMS.created))
_URL = (str(SCHEMA.url),)
_REFERENCE = (str(DCTERMS.bibliographicCitation), str(DCTERMS.identifier))


@dataclass(frozen=True)
class SourceRef:
    """A source as a reader checks it: who wrote what, when, and where to find it."""

    iri: str
    href: str | None
    #: The short name a badge shows (the title, else the label).
    name: str
    title: str | None
    authors: tuple[str, ...]
    date: str | None
    url: str | None
    reference: str | None
    reliability: str | None


def describe_source(store: Store, iri: str, labels: LabelIndex, base_iri: str) -> SourceRef:
    """What the data says of the source ``iri`` (fields it lacks are None, never guessed)."""
    values: dict[str, list[object]] = {}
    for row in store.select(SOURCE_TRIPLES, {"source": URIRef(iri)}):
        values.setdefault(str(row["p"]), []).append(row["o"])

    def first(predicates: tuple[str, ...]) -> str | None:
        for predicate in predicates:
            for value in values.get(predicate, []):
                return labels.label(value) if isinstance(value, URIRef) else str(value)
        return None

    authors = tuple(sorted({labels.label(v) if isinstance(v, URIRef) else str(v)
                            for p in _AUTHOR for v in values.get(p, [])}))
    raw_date = first(_DATE)
    date = date_words(raw_date, raw_date).text or raw_date if raw_date else None
    url = next((str(v) for p in _URL for v in values.get(p, []) if is_web_link(str(v))), None)
    title = first(_TITLE)
    label = next((str(v) for v in values.get(str(RDFS.label), []) if isinstance(v, Literal)), None)
    return SourceRef(
        iri, local_href(iri, base_iri), title or label or labels.label(iri), title, authors, date, url,
        first(_REFERENCE), first((str(HG.reliability),)),
    )


def recorded_elsewhere(store: Store, iri: str, labels: LabelIndex, base_iri: str) -> tuple[SourceRef, ...]:
    """The sources of ``iri`` when no document states it (a claim of other sources), else ().

    A node the documents state (its words are annotated) is the documents' own,
    whoever it is according to; only claims with no words in them are "elsewhere".
    """
    rows = store.select(SOURCES_OF, {"iri": URIRef(iri)}).rows
    if not rows or any(str(r.get("stated", "")).lower() == "true" for r in rows):
        return ()
    sources = sorted({str(r["source"]) for r in rows})
    return tuple(describe_source(store, s, labels, base_iri) for s in sources)
