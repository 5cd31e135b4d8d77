"""Kinds of thing: the one table of what the site calls, lists, files and draws each kind.

A kind is known two ways. A minted IRI carries it as a path segment
(``<base>id/person/molotov``): the browse index, the text's filters and a page's
schema.org type go by that segment (:func:`kind_of`). The network goes by RDF
classes instead, since it draws what it finds typed, minted or not, and names
some kinds in its own words: a ``proposal`` is drawn as an ``option``, and
``actor`` has no IRIs of its own. Both are columns of the same row here.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from histgraph.vocab import CRM, HG, PPLAN, RICO


@dataclass(frozen=True)
class Drawing:
    """How the network and its exports draw a kind."""

    #: The network's word for the kind (node ``kind`` in the JSON and the exports).
    name: str
    #: RDF classes whose instances are nodes of this kind.
    classes: tuple[URIRef, ...]
    #: A node of classes of several kinds takes the kind of lowest precedence
    #: (a role-as-written is also typed as a group or actor); also the legend's order.
    precedence: int
    color: str
    #: The Cytoscape.js shape (web viewer) and the Graphviz shape (exports).
    shape: str
    dot: str
    legend: str

    def style(self) -> dict[str, str]:
        """The style as the viewer's JSON and the exports read it."""
        return {"color": self.color, "shape": self.shape, "dot": self.dot, "legend": self.legend}


@dataclass(frozen=True)
class Kind:
    """One kind of thing: one row of :data:`KINDS`."""

    #: The segment of minted IRIs (``id/<segment>/…``), or None for a kind only the network draws.
    segment: str | None
    #: The heading of its list on the browse index, or None when it is not browsed.
    heading: str | None
    #: The filter of the annotated text it falls under (one of ``annotated_text.FILTERS``).
    category: str = "other"
    #: Its schema.org type on its pages (see :func:`schema_type` for events).
    schema_type: str = "Thing"
    drawing: Drawing | None = None


#: Every kind, in the order the browse index lists them.
KINDS: tuple[Kind, ...] = (
    Kind("person", "People", "people", "Person",
         Drawing("person", (CRM.E21_Person,), 2, "#1f5fa8", "ellipse", "ellipse", "person")),
    Kind("group", "Groups", "groups", "Organization",
         Drawing("group", (CRM.E74_Group,), 3, "#1b8a9a", "round-rectangle", "box", "group")),
    Kind("role", "Roles as written", "people",
         drawing=Drawing("role", (HG.RoleAsWritten,), 1, "#5d9bd5", "ellipse", "ellipse", "role as written")),
    Kind("place", "Places", "places", "Place",
         Drawing("place", (CRM.E53_Place,), 12, "#7a5230", "triangle", "house", "place")),
    Kind("event", "Events (reported)", "events",
         drawing=Drawing("event", (CRM.E7_Activity,), 5, "#b8322a", "rectangle", "box", "event")),
    Kind("plan", "Plans", "plans",
         drawing=Drawing("plan", (PPLAN.Plan,), 6, "#2e7d32", "hexagon", "hexagon", "plan")),
    Kind("step", "Planned steps", "plans",
         drawing=Drawing("step", (PPLAN.Step,), 7, "#5aa454", "round-tag", "cds", "plan step")),
    Kind("proposal", "Options", "plans",
         drawing=Drawing("option", (HG.Proposal,), 8, "#e07b00", "diamond", "diamond", "option")),
    Kind("request", "Requests", "plans",
         drawing=Drawing("request", (HG.Request,), 9, "#7b4fa8", "vee", "invhouse", "request")),
    Kind("question", "Questions", "plans",
         drawing=Drawing("question", (HG.Question,), 10, "#a07cc5", "octagon", "octagon", "question")),
    Kind("claim", "Claims and consequences", "plans",
         drawing=Drawing("claim", (HG.ClaimedAdvantage, HG.ConditionalStatement), 11, "#9a8f1e",
                         "round-diamond", "parallelogram", "claimed consequence")),
    # schema.org's ArchiveComponent is still a pending term, which validators do not accept.
    Kind("document", "Documents", schema_type="CreativeWork",
         drawing=Drawing("document", (RICO.Record,), 0, "#6b4f3a", "rectangle", "note", "document")),
    Kind("text", "Texts"),
    Kind("work", "Works and editions", schema_type="CreativeWork",
         drawing=Drawing("work", (CRM.E89_Propositional_Object, CRM.E73_Information_Object,
                                  CRM.E33_Linguistic_Object), 13, "#6f6f6f", "barrel", "folder", "work")),
    Kind("note", "Consistency notes", "notes"),
    Kind("timespan", "Time-spans"),
    Kind("source", "Other sources"),
    Kind("agent", "Agents"),
    # Actors the data types only as crm:E39_Actor (no segment: minted as persons, groups or roles).
    Kind(None, None, drawing=Drawing("actor", (CRM.E39_Actor,), 4, "#8fb4dc", "ellipse", "ellipse", "actor")),
)

#: Browsed segment -> heading, in the index's order.
BROWSE_HEADINGS: dict[str, str] = {k.segment: k.heading for k in KINDS if k.segment and k.heading}
#: What the network draws, in order of precedence.
DRAWINGS: tuple[Drawing, ...] = tuple(
    sorted((k.drawing for k in KINDS if k.drawing), key=lambda d: d.precedence)
)
_BY_SEGMENT = {k.segment: k for k in KINDS if k.segment}


def kind_of(iri: str, base_iri: str) -> str | None:
    """The kind segment of a minted IRI (``person`` for ``<base>id/person/x``), else None."""
    prefix = base_iri + "id/"
    if not iri.startswith(prefix):
        return None
    kind, _, rest = iri[len(prefix) :].partition("/")
    return kind if rest else None


def category(segment: str | None) -> str:
    """The filter (people, places, events, plans…) a kind of IRI belongs to."""
    kind = _BY_SEGMENT.get(segment or "")
    return kind.category if kind else "other"


def schema_type(segment: str | None, modality: str | None) -> str:
    """The schema.org type of a page: an event only when reported (plans and options are never events)."""
    if segment == "event" and modality == "reported":
        return "Event"
    kind = _BY_SEGMENT.get(segment or "")
    return kind.schema_type if kind else "Thing"
