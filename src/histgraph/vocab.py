"""The histgraph vocabulary as code.

``HG`` mirrors every term of ``ontology/hg.ttl`` and nothing else. ``CRM``,
``RICO``, ``PPLAN`` and ``OA`` list only the external terms histgraph uses: those
in ``data/`` and ``ontology/``, and for ``OA`` the Web Annotation terms the build
writes when it turns ``hg:quote`` and ``hg:mention`` into annotations. All are
``DefinedNamespace`` classes with ``_fail = True``, so a misspelled term raises
an error instead of silently minting a new IRI.

``SCHEMA`` (schema.org), ``SD`` (SPARQL service descriptions) and ``FORMATS``
(W3C format IRIs) list the terms the code names; the W3C vocabularies rdflib
already defines (``RDF``, ``RDFS``, ``XSD``, ``OWL``, ``SKOS``, ``PROV``,
``DCTERMS``, ``TIME``, ``VOID``) are re-exported from here, so code takes every
namespace from this one module and never spells a namespace IRI itself.

``PREFIXES`` is the one place where prefix bindings are defined; every Turtle
file under ``data/`` and ``ontology/`` declares exactly these. ``BASE_IRI`` is the
default base of the IRIs the project mints (``<BASE>id/<kind>/<slug>`` and
``<BASE>graph/<name>``); a deployment may configure another.

Importing this module has no side effects.

>>> str(HG.modality)
'https://histgraph.example.org/ontology#modality'
>>> str(CRM["P4_has_time-span"])
'http://www.cidoc-crm.org/cidoc-crm/P4_has_time-span'
>>> PREFIXES["hg"] == str(HG)
True
"""

from __future__ import annotations

from rdflib.namespace import (
    DCTERMS,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    TIME,
    VOID,
    XSD,
    DefinedNamespace,
    Namespace,
)
from rdflib.term import URIRef

__all__ = [
    "BASE_IRI", "CRM", "DCTERMS", "FORMATS", "HG", "OA", "OWL", "PPLAN", "PREFIXES", "PROV", "RDF", "RDFS",
    "RICO", "SCHEMA", "SD", "SKOS", "TIME", "VOID", "XSD",
]

BASE_IRI = "https://histgraph.example.org/"
"""Default base of minted IRIs."""

PREFIXES: dict[str, str] = {
    "hg": "https://histgraph.example.org/ontology#",
    "person": "https://histgraph.example.org/id/person/",
    "group": "https://histgraph.example.org/id/group/",
    "role": "https://histgraph.example.org/id/role/",
    "place": "https://histgraph.example.org/id/place/",
    "work": "https://histgraph.example.org/id/work/",
    "doc": "https://histgraph.example.org/id/document/",
    "text": "https://histgraph.example.org/id/text/",
    "event": "https://histgraph.example.org/id/event/",
    "plan": "https://histgraph.example.org/id/plan/",
    "step": "https://histgraph.example.org/id/step/",
    "proposal": "https://histgraph.example.org/id/proposal/",
    "claim": "https://histgraph.example.org/id/claim/",
    "request": "https://histgraph.example.org/id/request/",
    "question": "https://histgraph.example.org/id/question/",
    "note": "https://histgraph.example.org/id/note/",
    "timespan": "https://histgraph.example.org/id/timespan/",
    "source": "https://histgraph.example.org/id/source/",
    "agent": "https://histgraph.example.org/id/agent/",
    "graph": "https://histgraph.example.org/graph/",
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "rico": "https://www.ica.org/standards/RiC/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "pplan": "http://purl.org/net/p-plan#",
    "oa": "http://www.w3.org/ns/oa#",
    "time": "http://www.w3.org/2006/time#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": "http://www.wikidata.org/entity/",
}
"""Prefix bindings: prefix -> namespace IRI, identical in every file."""


class HG(DefinedNamespace):
    """histgraph's own terms, mirroring ``ontology/hg.ttl``."""

    _fail = True
    _NS = Namespace("https://histgraph.example.org/ontology#")

    # Classes
    ClaimedAdvantage: URIRef  # claimed advantage
    ConditionalStatement: URIRef  # conditional statement
    ConsistencyNote: URIRef  # consistency note
    EditorialInference: URIRef  # editorial inference
    OptionSet: URIRef  # option set
    Proposal: URIRef  # proposal
    Question: URIRef  # question
    Request: URIRef  # request
    RoleAsWritten: URIRef  # role as written
    Statement: URIRef  # statement
    WhoWasThisLine: URIRef  # who was this line

    # Properties
    accordingTo: URIRef  # according to
    agentAsWritten: URIRef  # agent as written
    agreedTo: URIRef  # agreed to
    answers: URIRef  # answers
    approximate: URIRef  # approximate
    asWritten: URIRef  # as written
    asked: URIRef  # asked
    askedBy: URIRef  # asked by
    askedOf: URIRef  # asked of
    claimedAdvantage: URIRef  # claimed advantage
    claimedBy: URIRef  # claimed by
    claimedSignatory: URIRef  # claimed signatory
    competesWith: URIRef  # competes with
    computedValue: URIRef  # computed value
    concerns: URIRef  # concerns
    consequence: URIRef  # consequence
    consistencyNote: URIRef  # consistency note
    decided: URIRef  # decided
    decidedOn: URIRef  # decided on
    endorsed: URIRef  # endorsed
    excludedMeans: URIRef  # excluded means
    explainedBy: URIRef  # explained by
    heldBy: URIRef  # held by
    holdsUntil: URIRef  # holds until
    inOptionSet: URIRef  # in option set
    inferredFrom: URIRef  # inferred from
    matchMethod: URIRef  # match method
    matchStatus: URIRef  # match status
    modality: URIRef  # modality
    noteKind: URIRef  # note kind
    optionLabel: URIRef  # option label
    partlyCorrespondsToStep: URIRef  # partly corresponds to step
    party: URIRef  # party
    plannedAgent: URIRef  # planned agent
    plannedFrom: URIRef  # planned from
    plannedMeans: URIRef  # planned means
    plannedObject: URIRef  # planned object
    plannedPlace: URIRef  # planned place
    plannedTimeSpan: URIRef  # planned time-span
    plannedTo: URIRef  # planned to
    proposed: URIRef  # proposed
    purpose: URIRef  # purpose
    realisedPlan: URIRef  # realised plan
    recommendedBy: URIRef  # recommended by
    reliability: URIRef  # reliability
    requestedBy: URIRef  # requested by
    requestedOf: URIRef  # requested of
    requiresTravelOf: URIRef  # requires travel of
    sourceCheck: URIRef  # source check
    specifiesStep: URIRef  # specifies step
    statedValue: URIRef  # stated value
    statedIntention: URIRef  # stated intention
    stepOrder: URIRef  # step order
    travelNotRequiredOf: URIRef  # travel not required of
    vague: URIRef  # vague

    # Shortcuts the build writes into graph:derived (build/derived.py)
    about: URIRef  # about
    datePrecision: URIRef  # date precision
    earliest: URIRef  # earliest
    latest: URIRef  # latest
    participant: URIRef  # participant
    place: URIRef  # place
    when: URIRef  # when
    whoWasThis: URIRef  # who was this

    # Authoring-only properties (replaced by the build, never published)
    mention: URIRef  # mention
    quote: URIRef  # quote
    quoteOccurrence: URIRef  # quote occurrence

    # SKOS: activity types
    ActivityTypeScheme: URIRef
    Achieving: URIRef  # achieving
    Agreeing: URIRef  # agreeing
    Arriving: URIRef  # arriving
    Asking: URIRef  # asking
    Calculating: URIRef  # calculating
    Deciding: URIRef  # deciding
    Departing: URIRef  # departing
    Discussing: URIRef  # discussing
    Endorsing: URIRef  # endorsing
    Inviting: URIRef  # inviting
    Meeting: URIRef  # meeting
    Negotiating: URIRef  # negotiating
    Preparing: URIRef  # preparing
    Proposing: URIRef  # proposing
    Publishing: URIRef  # publishing
    Replying: URIRef  # replying
    Signing: URIRef  # signing
    Travelling: URIRef  # travelling
    Visiting: URIRef  # visiting

    # SKOS: documentary form types
    DocumentaryFormScheme: URIRef
    Cable: URIRef  # cable

    # SKOS: link match methods
    MatchMethodScheme: URIRef
    AutomatedReconciliation: URIRef  # automated reconciliation (scored candidates)
    ManualReview: URIRef  # manual review
    ObservedUsage: URIRef  # observed usage

    # SKOS: link match status
    MatchStatusScheme: URIRef
    Candidate: URIRef  # candidate
    Reviewed: URIRef  # reviewed

    # SKOS: means of travel
    MeansOfTravelScheme: URIRef
    ByAir: URIRef  # by air
    ByTrain: URIRef  # by train

    # SKOS: date precisions (of hg:when)
    DatePrecisionScheme: URIRef
    SecondPrecision: URIRef  # to the second
    DayPrecision: URIRef  # to the day
    MonthPrecision: URIRef  # to the month
    YearPrecision: URIRef  # to the year

    # SKOS: modality
    ModalityScheme: URIRef
    Asked: URIRef  # asked
    Conditional: URIRef  # conditional
    Inferred: URIRef  # inferred
    Planned: URIRef  # planned
    Proposed: URIRef  # proposed
    Reported: URIRef  # reported
    Requested: URIRef  # requested

    # SKOS: name types
    NameTypeScheme: URIRef
    CurrentName: URIRef  # current name
    HistoricalName: URIRef  # historical name
    WadeGilesName: URIRef  # Wade–Giles spelling

    # SKOS: consistency note kinds
    NoteKindScheme: URIRef
    ArithmeticAssumption: URIRef  # arithmetic assumption
    ArithmeticMismatch: URIRef  # arithmetic mismatch
    EditorialMark: URIRef  # editorial mark
    AmbiguousReference: URIRef  # ambiguous reference
    NamingMismatch: URIRef  # naming mismatch

    # SKOS: source checks
    SourceCheckScheme: URIRef
    SourceChecked: URIRef  # checked
    SourceUnchecked: URIRef  # unchecked


class CRM(DefinedNamespace):
    """CIDOC-CRM terms histgraph uses (terms with a hyphen are in ``_extras``)."""

    _fail = True
    _NS = Namespace("http://www.cidoc-crm.org/cidoc-crm/")

    # Classes
    E7_Activity: URIRef
    E21_Person: URIRef
    E29_Design_or_Procedure: URIRef
    E31_Document: URIRef
    E33_Linguistic_Object: URIRef
    E39_Actor: URIRef
    E41_Appellation: URIRef
    E53_Place: URIRef
    E55_Type: URIRef
    E65_Creation: URIRef
    E73_Information_Object: URIRef
    E74_Group: URIRef
    E89_Propositional_Object: URIRef

    # Properties
    P1_is_identified_by: URIRef
    P2_has_type: URIRef
    P7_took_place_at: URIRef
    P9_consists_of: URIRef
    P11_had_participant: URIRef
    P14_carried_out_by: URIRef
    P16_used_specific_object: URIRef
    P21_had_general_purpose: URIRef
    P67_refers_to: URIRef
    P70_documents: URIRef
    P73i_is_translation_of: URIRef
    P82a_begin_of_the_begin: URIRef
    P82b_end_of_the_end: URIRef
    P94_has_created: URIRef
    P107_has_current_or_former_member: URIRef
    P107i_is_current_or_former_member_of: URIRef
    P165_incorporates: URIRef
    P165i_is_incorporated_in: URIRef
    P190_has_symbolic_content: URIRef

    _extras = ["E52_Time-Span", "P4_has_time-span"]


class RICO(DefinedNamespace):
    """Records in Contexts (RiC-O 1.0) terms histgraph uses."""

    _fail = True
    _NS = Namespace("https://www.ica.org/standards/RiC/ontology#")

    # Classes
    DocumentaryFormType: URIRef
    Instantiation: URIRef
    Record: URIRef
    SingleDate: URIRef

    # Properties
    expressedDate: URIRef
    hasAddressee: URIRef
    hasCreationDate: URIRef
    hasCreator: URIRef
    hasDocumentaryFormType: URIRef
    isOrWasDigitalInstantiationOf: URIRef
    normalizedDateValue: URIRef
    scopeAndContent: URIRef
    title: URIRef


class PPLAN(DefinedNamespace):
    """P-Plan terms histgraph uses."""

    _fail = True
    _NS = Namespace("http://purl.org/net/p-plan#")

    # Classes
    Activity: URIRef
    Plan: URIRef
    Step: URIRef
    Variable: URIRef

    # Properties
    correspondsToStep: URIRef
    correspondsToVariable: URIRef
    isOutputVarOf: URIRef
    isPrecededBy: URIRef
    isStepOfPlan: URIRef


class OA(DefinedNamespace):
    """Web Annotation terms the build writes for hg:quote and hg:mention."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/oa#")

    # Classes
    Annotation: URIRef
    SpecificResource: URIRef
    TextPositionSelector: URIRef
    TextQuoteSelector: URIRef

    # Properties
    end: URIRef
    exact: URIRef
    hasBody: URIRef
    hasSelector: URIRef
    hasSource: URIRef
    hasTarget: URIRef
    motivatedBy: URIRef
    prefix: URIRef
    start: URIRef
    suffix: URIRef

    # Motivations
    describing: URIRef
    identifying: URIRef


class SCHEMA(DefinedNamespace):
    """schema.org terms the code names (rdflib's ``SDO`` does not fail on a misspelling)."""

    _fail = True
    _NS = Namespace("https://schema.org/")

    alternateName: URIRef
    author: URIRef
    contributor: URIRef
    datePublished: URIRef
    description: URIRef
    editor: URIRef
    inLanguage: URIRef
    isPartOf: URIRef
    locationCreated: URIRef
    name: URIRef
    pageEnd: URIRef
    pageStart: URIRef
    pagination: URIRef
    publisher: URIRef
    sameAs: URIRef
    translationOfWork: URIRef
    url: URIRef
    volumeNumber: URIRef


class ORG(DefinedNamespace):
    """W3C Organization Ontology terms: a body that is a unit within another, not a member of it."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/org#")

    hasSubOrganization: URIRef
    subOrganizationOf: URIRef


class SD(DefinedNamespace):
    """SPARQL 1.1 Service Description terms the endpoint's description uses."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/sparql-service-description#")

    BasicFederatedQuery: URIRef
    Dataset: URIRef
    SPARQL11Query: URIRef
    Service: URIRef
    UnionDefaultGraph: URIRef
    defaultDataset: URIRef
    defaultGraph: URIRef
    endpoint: URIRef
    feature: URIRef
    resultFormat: URIRef
    supportedLanguage: URIRef


class FORMATS(DefinedNamespace):
    """W3C format IRIs (https://www.w3.org/ns/formats/) of the formats the endpoint offers."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/formats/")

    RDF_XML: URIRef
    SPARQL_Results_CSV: URIRef
    SPARQL_Results_JSON: URIRef
    SPARQL_Results_TSV: URIRef
    SPARQL_Results_XML: URIRef
    TriG: URIRef
    Turtle: URIRef

    _extras = ["JSON-LD", "N-Quads", "N-Triples"]
