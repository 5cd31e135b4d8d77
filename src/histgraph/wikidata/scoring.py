"""Score a Wikidata candidate against one of our entities, with a reason for every point.

A score is out of 100 and has three parts, each with its reasons:

* **names** (up to 60): one of our names equals a label of the item (60) or an
  alias (50: Wikidata keeps former names such as "Leningrad" as aliases), or
  shares most of its words with one (up to 40);
* **type** (+20 or −30): the item's ``P31`` types, judged by their English
  labels, fit the kind of entity (a person is a "human"; a place a city, town,
  building…) or clearly do not (a ship is not a place);
* **dates** (+20/+10 or −40): the item's dates fit what our data says — a
  person alive at the time of the documents, a place or group that existed
  then, a treaty dated as our data dates it, made before the documents that
  refer to it, or after the documents that speak of it as still to be made.

Titles alone mislead: the cable's "new Treaty of Friendship and Alliance" has
the very title of the 1945 treaty. Types and dates are what tell them apart,
so :func:`score` takes ``use_context=False`` only to show what title-only
matching would do.

Type labels rather than type QIDs are used on purpose: the project writes no
identifier it has not verified, and a label is what a reviewer reads anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from histgraph.wikidata.candidates import Candidate
from histgraph.wikidata.local import LocalEntity, NameForm, Period
from histgraph.wikidata.names import clean, normalise, similarity

LABEL_POINTS, ALIAS_POINTS, PARTIAL_POINTS = 60, 50, 40
TYPE_FIT, TYPE_CLASH = 20, -30
DATE_FIT, DATE_ROUGH_FIT, DATE_CLASH = 20, 10, -40
#: A suggestion needs this score, and this lead over the runner-up.
SUGGEST_SCORE, SUGGEST_MARGIN = 70, 15

#: Type-label phrases that fit each kind, and phrases that clearly do not.
TYPE_FITS = {
    "person": ("human",),
    "place": (
        "city",
        "town",
        "village",
        "settlement",
        "capital",
        "municipality",
        "mausoleum",
        "building",
        "metro",
        "rapid transit",
        "station",
        "factory",
        "farm",
        "locality",
    ),
    "group": (
        "political party",
        "organization",
        "organisation",
        "state",
        "country",
        "agency",
        "committee",
        "council",
        "government",
        "union",
        "publisher",
        "company",
        "institution",
    ),
    "treaty": ("treaty", "agreement", "convention", "pact"),
}
TYPE_CLASHES = {
    "person": (
        "family name",
        "given name",
        "ship",
        "city",
        "town",
        "village",
        "treaty",
        "political party",
        "film",
        "literary work",
        "organization",
    ),
    "place": (
        "human",
        "ship",
        "treaty",
        "political party",
        "family name",
        "given name",
        "film",
        "literary work",
    ),
    "group": (
        "human",
        "ship",
        "treaty",
        "city",
        "town",
        "village",
        "family name",
        "given name",
        "film",
    ),
    "treaty": (
        "human",
        "ship",
        "city",
        "town",
        "village",
        "family name",
        "given name",
        "political party",
        "film",
    ),
}
_SOURCE_WORDS = {
    "label": "label",
    "altLabel": "alternative name",
    "name": "name",
    "asWritten": "name as written in the source",
    "historicalName": "historical name",
    "appellation": "name",
}


@dataclass(frozen=True)
class Scored:
    """A candidate with its score out of 100 and the reasons for it."""

    qid: str
    label: str
    description: str
    score: int
    reasons: tuple[str, ...]


def _has_phrase(label: str, phrases: tuple[str, ...]) -> str | None:
    words = f" {normalise(label)} "
    return next((p for p in phrases if f" {p} " in words), None)


def name_points(entity: LocalEntity, candidate: Candidate) -> tuple[int, list[str]]:
    """Points for the best name match, and a reason for each exact match (at most three)."""
    theirs = [(t, lang, "label", LABEL_POINTS) for t, lang in candidate.labels]
    theirs += [(t, lang, "alias", ALIAS_POINTS) for t, lang in candidate.aliases]
    best, best_reason, exact = 0, "", []
    ours: list[NameForm] = [f for f in entity.names if clean(f.text)]
    for form in ours:
        for text, language, what, points in theirs:
            alike = similarity(clean(form.text), text)
            if alike == 1.0:
                got = points
                reason = (
                    f'{_SOURCE_WORDS.get(form.source, "name")} "{clean(form.text)}" is its {what} '
                    f'"{text}"@{language}'
                )
                if reason not in exact:
                    exact.append(reason)
            elif alike >= 0.5:
                got = round(PARTIAL_POINTS * alike)
                reason = (
                    f'{_SOURCE_WORDS.get(form.source, "name")} "{clean(form.text)}" shares '
                    f'{alike:.0%} of its words with its {what} "{text}"@{language}'
                )
            else:
                continue
            if got > best:
                best, best_reason = got, reason
    if not best:
        return 0, ["no name of ours is like its labels or aliases"]
    reasons = [best_reason] + [r for r in exact if r != best_reason][:2]
    return best, reasons


def type_points(entity: LocalEntity, candidate: Candidate) -> tuple[int, str]:
    """Points for how the item's types (P31) fit the kind of our entity."""
    labels = [label or qid for qid, label in candidate.types]
    if not labels:
        return 0, "no type (P31) given"
    for label in labels:
        if _has_phrase(label, TYPE_FITS[entity.kind]):
            return TYPE_FIT, f'instance of "{label}", which fits a {entity.kind}'
    for label in labels:
        if _has_phrase(label, TYPE_CLASHES[entity.kind]):
            return TYPE_CLASH, f'instance of "{label}", not a {entity.kind}'
    return 0, f"instance of {', '.join(repr(x) for x in labels)}: not judged"


def _first(candidate: Candidate, *fields: str) -> date | None:
    for name in fields:
        values = candidate.dates.get(name)
        if values:
            return min(values)
    return None


def date_points(
    entity: LocalEntity, candidate: Candidate, period: Period | None
) -> tuple[int, str]:
    """Points for how the item's dates fit what our data says about the time."""
    if entity.kind == "treaty":
        return _treaty_date_points(entity, candidate, period)
    if period is None:
        return 0, "the project's documents have no date to compare with"
    if entity.kind == "person":
        born, died = _first(candidate, "born"), _first(candidate, "died")
        if born and born > period.end:
            return DATE_CLASH, f"born {born}, after the documents ({period})"
        if died and died < period.start:
            return DATE_CLASH, f"died {died}, before the documents ({period})"
        if born:
            span = f"{born.year}–{died.year}" if died else f"born {born.year}"
            return DATE_FIT, f"alive at the time of the documents ({span})"
        if died:
            return DATE_ROUGH_FIT, f"died {died}, after the documents; no birth date"
        return 0, "no birth or death date"
    began = _first(candidate, "inception", "start")
    if began is None:
        return 0, "no inception date"
    if began > period.end:
        return DATE_CLASH, f"came into being {began}, after the documents ({period})"
    return DATE_ROUGH_FIT, f"existed at the time of the documents (inception {began})"


def _treaty_date_points(
    entity: LocalEntity, candidate: Candidate, period: Period | None
) -> tuple[int, str]:
    when = _first(candidate, "pointInTime", "published", "start", "inception")
    if when is None:
        return 0, "no date (P585, P577, P580, P571)"
    if entity.created is not None:
        if when == entity.created:
            return DATE_FIT, f"dated {when}, the date our data gives"
        if when.year == entity.created.year:
            return DATE_ROUGH_FIT, f"dated {when}, in the year our data gives ({entity.created})"
        return DATE_CLASH, f"dated {when}, but our data dates it {entity.created}"
    if period is None:
        return 0, "the project's documents have no date to compare with"
    if entity.planned:
        if when > period.start:
            return (
                DATE_FIT,
                f"dated {when}, after the document ({period.start}) that speaks of it as still to be made",
            )
        return (
            DATE_CLASH,
            f"dated {when}, before the document ({period.start}) that speaks of it as still to be made",
        )
    if when <= period.end:
        return DATE_FIT, f"dated {when}, before the documents ({period}) that refer to it"
    return (
        DATE_CLASH,
        f"dated {when}, after the documents ({period}) that refer to it as already made",
    )


def score(
    entity: LocalEntity, candidate: Candidate, period: Period | None, *, use_context: bool = True
) -> Scored:
    """Score ``candidate`` for ``entity``; ``use_context=False`` scores names only."""
    points, reasons = name_points(entity, candidate)
    if use_context:
        for part in (type_points(entity, candidate), date_points(entity, candidate, period)):
            points += part[0]
            reasons.append(part[1])
    return Scored(
        candidate.qid,
        candidate.label,
        candidate.description,
        max(0, min(100, points)),
        tuple(reasons),
    )


def rank(
    entity: LocalEntity,
    candidates: list[Candidate],
    period: Period | None,
    *,
    use_context: bool = True,
) -> list[Scored]:
    """Candidates scored and sorted, best first (ties by QID, for stable output)."""
    scored = [score(entity, c, period, use_context=use_context) for c in candidates]
    return sorted(scored, key=lambda s: (-s.score, s.qid))


def suggestion(ranked: list[Scored]) -> tuple[str | None, str]:
    """The QID to suggest to the reviewer (or None) and why; never a decision."""
    if not ranked:
        return None, "no candidates found"
    top = ranked[0]
    if top.score < SUGGEST_SCORE:
        return None, f"no candidate scores {SUGGEST_SCORE} or more (best {top.qid}: {top.score})"
    if len(ranked) > 1 and top.score - ranked[1].score < SUGGEST_MARGIN:
        return None, (
            f"ambiguous: {top.qid} ({top.score}) and {ranked[1].qid} ({ranked[1].score}) "
            f"are less than {SUGGEST_MARGIN} points apart"
        )
    return top.qid, f"{top.qid} scores {top.score}, clearly ahead"
