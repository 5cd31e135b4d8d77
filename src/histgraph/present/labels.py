"""Labels for IRIs, and properties in words, for pages a person reads.

:class:`LabelIndex` holds the best label of every labelled node in a build,
read with one query and kept per build (a page then looks up its neighbours'
labels without querying again). Property phrases come from the ontology's own
``rdfs:label`` where it has one, and from :data:`PROPERTY_PHRASES` for the
standard vocabularies, each with the phrase for the incoming direction
("carried out by" / "carried out"), so relations read as sentences both ways.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from histgraph.store import SelectStore

#: Label predicates in order of preference.
LABEL_PREDICATES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "https://schema.org/name",
)

ALL_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
SELECT ?s ?p ?label WHERE {
  VALUES ?p { rdfs:label skos:prefLabel schema:name }
  ?s ?p ?label .
  FILTER(isIRI(?s) && isLiteral(?label))
}
"""

#: Standard-vocabulary properties: IRI -> (outgoing phrase, incoming phrase).
PROPERTY_PHRASES: dict[str, tuple[str, str]] = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": ("is a", "instances"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#value": ("in the source's words", "words of"),
    "http://www.w3.org/2000/01/rdf-schema#label": ("label", "label of"),
    "http://www.w3.org/2000/01/rdf-schema#comment": ("note", "note on"),
    "http://www.w3.org/2000/01/rdf-schema#seeAlso": ("see also", "see also from"),
    "http://www.w3.org/2004/02/skos/core#altLabel": ("also called", "other name of"),
    "http://www.w3.org/2004/02/skos/core#prefLabel": ("preferred label", "preferred label of"),
    "http://www.w3.org/2004/02/skos/core#exactMatch": ("same as (reviewed match)", "same as"),
    "http://www.w3.org/2004/02/skos/core#closeMatch": ("possibly the same as (candidate)", "possibly the same as"),
    "http://www.w3.org/2004/02/skos/core#definition": ("definition", "definition of"),
    "http://www.w3.org/2004/02/skos/core#inScheme": ("in scheme", "concepts"),
    "http://www.cidoc-crm.org/cidoc-crm/P2_has_type": ("type", "things of this type"),
    "http://www.cidoc-crm.org/cidoc-crm/P4_has_time-span": ("took place during", "time-span of"),
    "http://www.cidoc-crm.org/cidoc-crm/P7_took_place_at": ("took place at", "place of"),
    "http://www.cidoc-crm.org/cidoc-crm/P9_consists_of": ("consists of", "part of"),
    "http://www.cidoc-crm.org/cidoc-crm/P11_had_participant": ("participants", "took part in"),
    "http://www.cidoc-crm.org/cidoc-crm/P14_carried_out_by": ("carried out by", "carried out"),
    "http://www.cidoc-crm.org/cidoc-crm/P16_used_specific_object": ("used", "used in"),
    "http://www.cidoc-crm.org/cidoc-crm/P67_refers_to": ("refers to", "referred to by"),
    "http://www.cidoc-crm.org/cidoc-crm/P70_documents": ("documents", "documented in"),
    "http://www.cidoc-crm.org/cidoc-crm/P73i_is_translation_of": ("translation of", "translations"),
    "http://www.cidoc-crm.org/cidoc-crm/P82a_begin_of_the_begin": ("begins no earlier than", "begin of"),
    "http://www.cidoc-crm.org/cidoc-crm/P82b_end_of_the_end": ("ends no later than", "end of"),
    "http://www.cidoc-crm.org/cidoc-crm/P107i_is_current_or_former_member_of": ("member of", "members"),
    "http://www.cidoc-crm.org/cidoc-crm/P165_incorporates": ("incorporates", "incorporated in"),
    "http://www.cidoc-crm.org/cidoc-crm/P165i_is_incorporated_in": ("incorporated in", "incorporates"),
    "http://www.cidoc-crm.org/cidoc-crm/P190_has_symbolic_content": ("content", "content of"),
    "https://www.ica.org/standards/RiC/ontology#hasCreator": ("creator", "created"),
    "https://www.ica.org/standards/RiC/ontology#hasAddressee": ("addressee", "addressed by"),
    "https://www.ica.org/standards/RiC/ontology#hasCreationDate": ("date", "date of"),
    "https://www.ica.org/standards/RiC/ontology#title": ("title", "title of"),
    "https://www.ica.org/standards/RiC/ontology#scopeAndContent": ("summary (archive's words)", "summary of"),
    "https://www.ica.org/standards/RiC/ontology#expressedDate": ("date as written", "date as written of"),
    "https://www.ica.org/standards/RiC/ontology#normalizedDateValue": ("date", "date of"),
    "https://www.ica.org/standards/RiC/ontology#isOrWasDigitalInstantiationOf": ("digital copy of", "digital copies"),
    "https://www.ica.org/standards/RiC/ontology#hasDocumentaryFormType": ("form", "form of"),
    "http://www.w3.org/ns/prov#wasDerivedFrom": ("derived from", "sources of"),
    "http://www.w3.org/ns/prov#wasGeneratedBy": ("resulted from", "resulted in"),
    "http://www.w3.org/ns/prov#wasAttributedTo": ("attributed to", "responsible for"),
    "http://www.w3.org/ns/prov#hadPrimarySource": ("primary source", "primary source of"),
    "http://www.w3.org/ns/prov#wasQuotedFrom": ("quoted from", "quoted in"),
    "http://www.w3.org/ns/prov#actedOnBehalfOf": ("acted on behalf of", "represented by"),
    "http://www.w3.org/ns/prov#generatedAtTime": ("made on", "made on"),
    "http://purl.org/net/p-plan#isStepOfPlan": ("step of", "steps"),
    "http://purl.org/net/p-plan#isPrecededBy": ("comes after", "comes before"),
    "http://purl.org/net/p-plan#correspondsToStep": ("realised the planned step", "realised by"),
    "http://purl.org/net/p-plan#correspondsToVariable": ("corresponds to", "corresponds to"),
    "http://www.w3.org/2006/time#hasDuration": ("duration", "duration of"),
    "http://www.w3.org/2006/time#numericDuration": ("length", "length of"),
    "http://www.w3.org/2006/time#unitType": ("unit", "unit of"),
    "http://purl.org/dc/terms/created": ("created", "created"),
    "http://purl.org/dc/terms/language": ("language", "language of"),
    "http://purl.org/dc/terms/bibliographicCitation": ("archive citation", "citation of"),
    "https://schema.org/name": ("name", "name of"),
    "https://schema.org/alternateName": ("also called", "other name of"),
    "https://schema.org/author": ("author", "author of"),
    "https://schema.org/editor": ("editor", "edited"),
    "https://schema.org/contributor": ("contributor", "contributed to"),
    "https://schema.org/publisher": ("publisher", "published"),
    "https://schema.org/isPartOf": ("part of", "contains"),
    "https://schema.org/url": ("web address", "web address of"),
    "https://schema.org/inLanguage": ("language", "language of"),
    "https://schema.org/datePublished": ("published", "published"),
    "https://schema.org/locationCreated": ("place of publication", "place of publication of"),
    "https://schema.org/pagination": ("pages", "pages of"),
    "https://schema.org/pageStart": ("first page", "first page of"),
    "https://schema.org/pageEnd": ("last page", "last page of"),
    "https://schema.org/volumeNumber": ("volume", "volume of"),
    "https://schema.org/translationOfWork": ("translation of", "translations"),
    "http://www.w3.org/ns/oa#hasBody": ("about", "annotations"),
}

_HG = "https://histgraph.example.org/ontology#"
#: Incoming phrases for the project's own properties (outgoing ones are the ontology's labels).
HG_INCOMING: dict[str, str] = {
    _HG + "accordingTo": "source of the statements",
    _HG + "plannedAgent": "is to carry out",
    _HG + "plannedPlace": "planned to take place here",
    _HG + "plannedFrom": "planned journeys from here",
    _HG + "plannedTo": "planned journeys to here",
    _HG + "plannedTimeSpan": "planned time of",
    _HG + "requestedBy": "requested",
    _HG + "requestedOf": "asked to do",
    _HG + "askedBy": "asked",
    _HG + "askedOf": "was asked",
    _HG + "claimedBy": "claimed",
    _HG + "concerns": "concerned by",
    _HG + "consistencyNote": "note on",
    _HG + "heldBy": "held the role",
    _HG + "recommendedBy": "recommended",
    _HG + "requiresTravelOf": "would have to travel under",
    _HG + "travelNotRequiredOf": "would not need to travel under",
    _HG + "endorsed": "endorsed in",
    _HG + "proposed": "proposed in",
    _HG + "agreedTo": "agreed to in",
    _HG + "inOptionSet": "options",
    _HG + "claimedAdvantage": "advantage of",
    _HG + "consequence": "consequence of",
    _HG + "purpose": "purpose of",
    _HG + "asked": "asked in",
    _HG + "answers": "answered in",
}

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def local_name(iri: str) -> str:
    """The last segment of ``iri`` in words (``plannedAgent`` -> ``planned agent``)."""
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    tail = re.sub(r"^P\d+i?_|^E\d+_", "", tail)
    return _CAMEL.sub(" ", tail).replace("_", " ").replace("-", " ").lower()


def _rank(predicate: str, label: Literal, language: str) -> tuple[int, int]:
    lang = label.language or ""
    lang_rank = 0 if lang == language else 1 if lang == "" else 2
    return (lang_rank, LABEL_PREDICATES.index(predicate))


@dataclass
class LabelIndex:
    """The best label of each node, and every label by language (for entity pages)."""

    language: str = "en"
    best: dict[str, str] = field(default_factory=dict)
    _rank: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Node]], language: str = "en") -> LabelIndex:
        """An index of ``(s, p, label)`` rows (the :data:`ALL_LABELS` query)."""
        index = cls(language)
        for row in rows:
            subject, predicate, label = str(row["s"]), str(row["p"]), row["label"]
            if not isinstance(label, Literal):
                continue
            rank = _rank(predicate, label, language)
            if subject not in index._rank or rank < index._rank[subject]:
                index._rank[subject] = rank
                index.best[subject] = str(label)
        return index

    @classmethod
    def load(cls, store: SelectStore, language: str = "en") -> LabelIndex:
        """Read every label of the store (one query)."""
        return cls.from_rows(store.select(ALL_LABELS), language)

    def label(self, iri: Node | str) -> str:
        """The best label of ``iri``, or its last segment in words when it has none."""
        key = str(iri)
        if key in self.best:
            return self.best[key]
        if "#" in key and key.split("#", 1)[0] in self.best:
            return f"{self.best[key.split('#', 1)[0]]} ({local_name(key)})"
        return local_name(key)

    def has_label(self, iri: Node | str) -> bool:
        """True when the data itself labels ``iri``."""
        return str(iri) in self.best

    def phrase(self, predicate: Node | str, incoming: bool = False) -> str:
        """``predicate`` in words, for the outgoing or the incoming direction."""
        key = str(predicate)
        if key in PROPERTY_PHRASES:
            return PROPERTY_PHRASES[key][1 if incoming else 0]
        if incoming and key in HG_INCOMING:
            return HG_INCOMING[key]
        words = self.best.get(key) or local_name(key)
        return f"is {words} of" if incoming else words


def kind_of(iri: str, base_iri: str) -> str | None:
    """The kind segment of a minted IRI (``person`` for ``<base>id/person/x``), else None."""
    prefix = base_iri + "id/"
    if not iri.startswith(prefix):
        return None
    kind, _, rest = iri[len(prefix) :].partition("/")
    return kind if rest else None


def is_web_link(iri: URIRef | str) -> bool:
    """True only for http(s) IRIs: anything else (``javascript:``, ``data:``) never becomes a link."""
    return str(iri).lower().startswith(("http://", "https://"))
