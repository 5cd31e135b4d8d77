"""Relations in words: the one table the entity pages and the network both read.

Each property has at most one phrase per direction: ``outgoing`` reads from the
subject ("the meeting took place at Moscow"), ``incoming`` from the object
("Mao took part in the meeting"). The network draws an edge in the direction
that reads as a sentence: ``drawn_incoming`` edges run from object to subject
and carry the incoming phrase. Where a phrase is None the caller falls back to
the property's ``rdfs:label`` (the ontology labels the project's own
properties) or its local name.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from histgraph.vocab import (
    CRM,
    DCTERMS,
    HG,
    OA,
    ORG,
    PPLAN,
    PROV,
    RDF,
    RDFS,
    RICO,
    SCHEMA,
    SKOS,
    TIME,
)


@dataclass(frozen=True)
class Phrase:
    """A property in words, both ways, and the way the network draws it."""

    outgoing: str | None
    incoming: str | None = None
    #: The network draws the edge from object to subject, worded ``incoming``.
    drawn_incoming: bool = False


_TABLE: dict[URIRef, Phrase] = {
    RDF.type: Phrase("is a", "instances"),
    RDF.value: Phrase("in the source's words", "words of"),
    RDFS.label: Phrase("label", "label of"),
    RDFS.comment: Phrase("note", "note on"),
    RDFS.seeAlso: Phrase("see also", "see also from"),
    SKOS.altLabel: Phrase("also called", "other name of"),
    SKOS.prefLabel: Phrase("preferred label", "preferred label of"),
    SKOS.exactMatch: Phrase("same as (reviewed match)", "same as"),
    SKOS.closeMatch: Phrase("possibly the same as (candidate)", "possibly the same as"),
    SKOS.definition: Phrase("definition", "definition of"),
    SKOS.inScheme: Phrase("in scheme", "concepts"),
    CRM.P2_has_type: Phrase("type", "things of this type"),
    CRM["P4_has_time-span"]: Phrase("took place during", "time-span of"),
    CRM.P7_took_place_at: Phrase("took place at", "place of"),
    CRM.P9_consists_of: Phrase("consists of", "part of", drawn_incoming=True),
    CRM.P11_had_participant: Phrase("participants", "took part in", drawn_incoming=True),
    CRM.P14_carried_out_by: Phrase("carried out by", "carried out"),
    CRM.P16_used_specific_object: Phrase("used", "used in"),
    CRM.P67_refers_to: Phrase("refers to", "referred to by"),
    CRM.P70_documents: Phrase("documents", "documented in"),
    CRM.P73i_is_translation_of: Phrase("translation of", "translations"),
    CRM.P82a_begin_of_the_begin: Phrase("begins no earlier than", "begin of"),
    CRM.P82b_end_of_the_end: Phrase("ends no later than", "end of"),
    CRM.P94_has_created: Phrase("created"),
    CRM.P107_has_current_or_former_member: Phrase("has member"),
    CRM.P107i_is_current_or_former_member_of: Phrase("member of", "members"),
    ORG.hasSubOrganization: Phrase("has as an organ"),
    ORG.subOrganizationOf: Phrase("an organ of", "organs"),
    CRM.P165_incorporates: Phrase("incorporates", "incorporated in"),
    CRM.P165i_is_incorporated_in: Phrase("incorporated in", "incorporates"),
    CRM.P190_has_symbolic_content: Phrase("content", "content of"),
    RICO.hasCreator: Phrase("written by", "created"),
    RICO.hasAddressee: Phrase("addressed to", "addressed by"),
    RICO.hasCreationDate: Phrase("date", "date of"),
    RICO.title: Phrase("title", "title of"),
    RICO.scopeAndContent: Phrase("summary (archive's words)", "summary of"),
    RICO.expressedDate: Phrase("date as written", "date as written of"),
    RICO.normalizedDateValue: Phrase("date", "date of"),
    RICO.isOrWasDigitalInstantiationOf: Phrase("digital copy of", "digital copies"),
    RICO.hasDocumentaryFormType: Phrase("form", "form of"),
    PROV.wasDerivedFrom: Phrase("derived from", "sources of"),
    PROV.wasGeneratedBy: Phrase("resulted from", "resulted in"),
    PROV.wasAttributedTo: Phrase("attributed to", "responsible for"),
    PROV.hadPrimarySource: Phrase("primary source", "primary source of"),
    PROV.wasQuotedFrom: Phrase("quoted from", "quoted in"),
    PROV.actedOnBehalfOf: Phrase("acted on behalf of", "represented by"),
    PROV.generatedAtTime: Phrase("made on", "made on"),
    PPLAN.isStepOfPlan: Phrase("step of", "steps"),
    PPLAN.isPrecededBy: Phrase("after", "comes before"),
    PPLAN.correspondsToStep: Phrase("realised planned step", "realised by"),
    PPLAN.correspondsToVariable: Phrase("realised planned work", "corresponds to"),
    PPLAN.isOutputVarOf: Phrase("intended output of"),
    TIME.hasDuration: Phrase("duration", "duration of"),
    TIME.numericDuration: Phrase("length", "length of"),
    TIME.unitType: Phrase("unit", "unit of"),
    DCTERMS.created: Phrase("created", "created"),
    DCTERMS.language: Phrase("language", "language of"),
    DCTERMS.bibliographicCitation: Phrase("archive citation", "citation of"),
    SCHEMA.name: Phrase("name", "name of"),
    SCHEMA.alternateName: Phrase("also called", "other name of"),
    SCHEMA.author: Phrase("author", "author of"),
    SCHEMA.editor: Phrase("editor", "edited"),
    SCHEMA.contributor: Phrase("contributor", "contributed to"),
    SCHEMA.publisher: Phrase("publisher", "published"),
    SCHEMA.isPartOf: Phrase("part of", "contains"),
    SCHEMA.url: Phrase("web address", "web address of"),
    SCHEMA.inLanguage: Phrase("language", "language of"),
    SCHEMA.datePublished: Phrase("published", "published"),
    SCHEMA.locationCreated: Phrase("place of publication", "place of publication of"),
    SCHEMA.pagination: Phrase("pages", "pages of"),
    SCHEMA.pageStart: Phrase("first page", "first page of"),
    SCHEMA.pageEnd: Phrase("last page", "last page of"),
    SCHEMA.volumeNumber: Phrase("volume", "volume of"),
    SCHEMA.translationOfWork: Phrase("translation of", "translations"),
    OA.hasBody: Phrase("about", "annotations"),
    # The project's own properties read outgoing by their ontology labels unless worded here.
    HG.accordingTo: Phrase(None, "source of the statements"),
    HG.plannedAgent: Phrase(None, "is to carry out", drawn_incoming=True),
    HG.plannedPlace: Phrase("planned at", "planned to take place here"),
    HG.plannedFrom: Phrase("is to leave from", "planned journeys from here"),
    HG.plannedTo: Phrase("is to travel to", "planned journeys to here"),
    HG.plannedTimeSpan: Phrase(None, "planned time of"),
    HG.requestedBy: Phrase(None, "requested", drawn_incoming=True),
    HG.requestedOf: Phrase(None, "asked to do", drawn_incoming=True),
    HG.askedBy: Phrase(None, "asked", drawn_incoming=True),
    HG.askedOf: Phrase(None, "is asked", drawn_incoming=True),
    HG.claimedBy: Phrase(None, "claimed"),
    HG.concerns: Phrase(None, "concerned by"),
    HG.consistencyNote: Phrase(None, "note on"),
    HG.heldBy: Phrase(None, "held the role"),
    HG.recommendedBy: Phrase(None, "recommended", drawn_incoming=True),
    HG.requiresTravelOf: Phrase(None, "would have to travel under"),
    HG.travelNotRequiredOf: Phrase(None, "would not need to travel under"),
    HG.endorsed: Phrase("endorsed", "endorsed in"),
    HG.proposed: Phrase("proposed", "proposed in"),
    HG.agreedTo: Phrase("agreed to", "agreed to in"),
    HG.inOptionSet: Phrase(None, "options"),
    HG.claimedAdvantage: Phrase("advantage claimed", "advantage of"),
    HG.consequence: Phrase("would lead to", "consequence of"),
    HG.purpose: Phrase(None, "purpose of"),
    HG.asked: Phrase(None, "asked in"),
    HG.answers: Phrase(None, "answered in"),
}

#: Property IRI (as a string: callers hold plain strings) -> its phrases.
RELATION_PHRASES: dict[str, Phrase] = {str(iri): phrase for iri, phrase in _TABLE.items()}


def worded(predicate: str, incoming: bool) -> str | None:
    """The table's phrase for ``predicate`` in one direction, or None when it has none."""
    phrase = RELATION_PHRASES.get(predicate)
    if phrase is None:
        return None
    return phrase.incoming if incoming else phrase.outgoing


def drawn_phrase(predicate: str) -> tuple[str, bool] | None:
    """The network's edge for ``predicate``: its phrase, and True when drawn from object to subject."""
    phrase = RELATION_PHRASES.get(predicate)
    if phrase is None:
        return None
    words = phrase.incoming if phrase.drawn_incoming else phrase.outgoing
    return (words, phrase.drawn_incoming) if words else None
