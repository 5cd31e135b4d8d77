"""The kinds of fact the editor creates: the same classes, modalities and properties the shapes know.

Each row follows ``shapes/facts.ttl``: an event is the only kind typed
``crm:E7_Activity`` and is always ``hg:Reported``; a plan, a step, an option,
a request and a question carry the one modality their shape requires; a claim
is a statement, reported or conditional. The roles are the properties that
name agents and places (``kind`` says which entities the form offers), and
``date`` the property a time-span hangs from, when the shape has one.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The activity types of ``hgsh:ActivityTypes`` (an event needs one; a step may have one).
ACTIVITY_TYPES: tuple[str, ...] = (
    "Achieving", "Agreeing", "Arriving", "Asking", "Calculating", "Deciding", "Departing", "Discussing",
    "Endorsing", "Inviting", "Meeting", "Negotiating", "Preparing", "Proposing", "Publishing", "Replying",
    "Signing", "Travelling", "Visiting",
)
ACTOR = ("person", "group", "role")
PLACE = ("place",)


@dataclass(frozen=True)
class Role:
    """A property of a fact that points at an entity, as the form names it."""

    name: str
    property: str
    kinds: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class FactKind:
    """One kind of fact: its IRI segment, classes, allowed modalities (the first is the default) and roles."""

    segment: str
    title: str
    classes: tuple[str, ...]
    modalities: tuple[str, ...]
    roles: tuple[Role, ...]
    date: str | None = None
    needs_type: bool = False

    def classes_for(self, modality: str) -> tuple[str, ...]:
        """The classes of a node of this kind: a conditional claim is also a ``hg:ConditionalStatement``."""
        if self.segment == "claim" and modality == "Conditional":
            return (*self.classes, "hg:ConditionalStatement")
        return self.classes


_ACTIVITY_ROLES = (
    Role("carried out by", "crm:P14_carried_out_by", ACTOR),
    Role("participant", "crm:P11_had_participant", ACTOR),
    Role("took place at", "crm:P7_took_place_at", PLACE),
)
_PLANNED_ROLES = (
    Role("who is to do it", "hg:plannedAgent", ACTOR),
    Role("where", "hg:plannedPlace", PLACE),
    Role("from", "hg:plannedFrom", PLACE),
    Role("to", "hg:plannedTo", PLACE),
)

FACT_KINDS: dict[str, FactKind] = {k.segment: k for k in (
    FactKind("event", "event (reported as done)", ("crm:E7_Activity",), ("Reported",), _ACTIVITY_ROLES,
             date="crm:P4_has_time-span", needs_type=True),
    FactKind("plan", "plan", ("crm:E29_Design_or_Procedure", "prov:Plan", "pplan:Plan"), ("Planned",),
             (Role("whose plan", "prov:wasAttributedTo", ACTOR),)),
    FactKind("step", "planned step (a planned event)", ("pplan:Step",), ("Planned",), _PLANNED_ROLES,
             date="hg:plannedTimeSpan"),
    FactKind("proposal", "proposal (an option)", ("hg:Proposal",), ("Proposed",),
             (Role("put forward by", "prov:wasAttributedTo", ACTOR), Role("who would do it", "hg:plannedAgent", ACTOR))),
    FactKind("claim", "claim", ("hg:Statement",), ("Reported", "Conditional"),
             (Role("claimed by", "hg:claimedBy", ACTOR),)),
    FactKind("request", "request", ("hg:Request",), ("Requested",),
             (Role("requested by", "hg:requestedBy", ACTOR, True), Role("requested of", "hg:requestedOf", ACTOR, True),
              Role("who is to do it", "hg:plannedAgent", ACTOR), Role("from", "hg:plannedFrom", PLACE),
              Role("to", "hg:plannedTo", PLACE)),
             date="hg:plannedTimeSpan"),
    FactKind("question", "question", ("hg:Question",), ("Asked",),
             (Role("asked by", "hg:askedBy", ACTOR, True), Role("asked of", "hg:askedOf", ACTOR, True))),
)}


def as_json() -> list[dict[str, object]]:
    """The table for the editor's form."""
    return [
        {"segment": k.segment, "title": k.title, "modalities": list(k.modalities), "date": k.date is not None,
         "needs_type": k.needs_type, "types": list(ACTIVITY_TYPES) if k.segment in ("event", "step") else [],
         "roles": [{"name": r.name, "property": r.property, "kinds": list(r.kinds), "required": r.required}
                   for r in k.roles]}
        for k in FACT_KINDS.values()
    ]
