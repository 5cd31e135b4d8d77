"""Reconciliation against the project's own entities (W3C Reconciliation Service API 0.2).

An OpenRefine user with a spreadsheet of names from other documents asks "which
of your entities is this?"; :func:`match` answers with scored candidates. Names
compared are every name the project holds for an entity: labels in every
language, alternative labels, schema.org names, the forms written in the sources
(``hg:asWritten``) and appellations, historical and current — so "Leningrad",
"Ленинград" and "Saint Petersburg" all find ``place:leningrad``.

The web layer (:mod:`histgraph.web.reconcile`) only parses requests and
serializes these results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from histgraph.present.reconcile_input import Query
from histgraph.store import SelectStore
from histgraph.vocab import CRM as CRM_NS
from histgraph.wikidata.names import clean, normalise

CRM = str(CRM_NS)

#: The types offered, as ids in the schema space (the CIDOC-CRM namespace).
TYPES: dict[str, str] = {
    "E21_Person": "Person",
    "E74_Group": "Group",
    "E53_Place": "Place",
    "E39_Actor": "Actor (as the source designates it)",
    "E73_Information_Object": "Work",
    "E89_Propositional_Object": "Proposition",
    "E31_Document": "Document",
}
DEFAULT_TYPES = ("E21_Person", "E74_Group", "E53_Place")
#: Properties a query may give (``pid``), as ids in the schema space like the types
#: (API 0.2: ids of types and properties are relative to ``schemaSpace``); their values
#: are compared like names. Every name the index holds is an identification (crm:P1).
PROPERTIES: dict[str, str] = {
    "P1_is_identified_by": "name (a label, other or historical name, or as written in a source)",
}
#: Characters of a suggest prefix that are compared (an autocomplete types a few).
MAX_PREFIX = 200
#: A candidate is a match when it scores this much and leads the next by MATCH_MARGIN.
MATCH_SCORE, MATCH_MARGIN = 95, 10

INDEX_QUERY = """
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX hg: <https://histgraph.example.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?entity ?class ?name ?source WHERE {
  VALUES ?class { crm:E21_Person crm:E74_Group crm:E53_Place crm:E39_Actor
                  crm:E73_Information_Object crm:E89_Propositional_Object crm:E31_Document }
  ?entity a ?class .
  {
    ?entity rdfs:label ?name . BIND("label" AS ?source)
  } UNION {
    ?entity skos:altLabel ?name . BIND("altLabel" AS ?source)
  } UNION {
    ?entity schema:name ?name . BIND("altLabel" AS ?source)
  } UNION {
    ?entity hg:asWritten ?name . BIND("asWritten" AS ?source)
  } UNION {
    ?entity crm:P1_is_identified_by ?appellation .
    ?appellation crm:P190_has_symbolic_content ?name .
    OPTIONAL { ?appellation crm:P2_has_type ?nameType }
    BIND(IF(COALESCE(?nameType = hg:HistoricalName, false), "historicalName", "altLabel") AS ?source)
  } UNION {
    ?entity rdfs:comment ?name . BIND("comment" AS ?source)
    FILTER(LANG(?name) = "en" || LANG(?name) = "")
  }
}
"""

#: How much an exact match on each kind of name is worth.
SOURCE_SCORES = {"label": 100, "altLabel": 95, "historicalName": 95, "asWritten": 95}
SOURCE_WORDS = {
    "label": "label",
    "altLabel": "other name",
    "historicalName": "historical name",
    "asWritten": "as written in a source",
}


@dataclass(frozen=True)
class Forms:
    """A name as the matcher compares it: normalised, without articles or titles, its words."""

    whole: str
    cleaned: str
    words: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Forms:
        cleaned = normalise(clean(text))
        return cls(normalise(text), cleaned, frozenset(cleaned.split()))


@dataclass
class Entry:
    """One of the project's entities as the service sees it."""

    id: str  # the IRI's path after <base>id/, e.g. "place/leningrad"
    iri: str
    types: set[str] = field(default_factory=set)
    names: list[tuple[str, str | None, str]] = field(default_factory=list)  # text, language, source
    comment: str = ""
    #: The compared forms of each of ``names`` (same order), made once per index.
    forms: list[Forms] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The English label (else any label, else any name)."""
        labels = [(t, lang) for t, lang, s in self.names if s == "label"]
        for text, language in labels:
            if language in (None, "en"):
                return text
        if labels:
            return labels[0][0]
        return self.names[0][0] if self.names else self.id

    def type_list(self) -> list[dict[str, str]]:
        return [{"id": t, "name": TYPES[t]} for t in sorted(self.types)]


@dataclass(frozen=True)
class Index:
    """The entities, keyed by id."""

    entries: Mapping[str, Entry]
    base_iri: str


def build_index(store: SelectStore, base_iri: str) -> Index:
    """Every person, group, place, actor, work and document with its names (one query)."""
    prefix = f"{base_iri}id/"
    entries: dict[str, Entry] = {}
    for row in store.select(INDEX_QUERY):
        iri = str(row["entity"])
        if not iri.startswith(prefix) or "#" in iri:
            continue
        entry = entries.setdefault(iri[len(prefix) :], Entry(iri[len(prefix) :], iri))
        entry.types.add(str(row["class"])[len(CRM) :])
        source, name = str(row["source"]), row["name"]
        if source == "comment":
            entry.comment = entry.comment or str(name)
            continue
        form = (str(name), getattr(name, "language", None), source)
        if form not in entry.names:
            entry.names.append(form)
            entry.forms.append(Forms.of(form[0]))
    return Index(entries, base_iri)


def _similarity(left: frozenset[str], right: frozenset[str]) -> float:
    """Word overlap of two names, 0 to 1 (as :func:`histgraph.wikidata.names.similarity`)."""
    return len(left & right) / len(left | right) if left and right else 0.0


def _score(entry: Entry, query: Forms, cleaned: bool, extra: frozenset[str]) -> tuple[int, str]:
    """Best score of the query's forms against ``entry``'s names, and which name gave it.

    ``cleaned`` says the query is more than articles and titles; ``extra`` holds
    the normalised property values.
    """
    best, why = 0, ""
    for (name, language, source), forms in zip(entry.names, entry.forms, strict=False):
        tag = f"@{language}" if language else ""
        if forms.whole == query.whole:
            got, reason = (
                SOURCE_SCORES.get(source, 95),
                f'{SOURCE_WORDS.get(source, "name")} "{name}"{tag}',
            )
        elif cleaned and forms.cleaned == query.cleaned:
            got, reason = (
                90,
                f'{SOURCE_WORDS.get(source, "name")} "{name}"{tag}, without articles or titles',
            )
        else:
            got, reason = (
                round(80 * _similarity(forms.words, query.words)),
                f'{SOURCE_WORDS.get(source, "name")} "{name}"{tag}, in part',
            )
        if got > best:
            best, why = got, reason
    if best and extra and any(forms.whole in extra for forms in entry.forms):
        best, why = min(100, best + 5), why + "; a property value matches too"
    return best, why


def by_identifier(index: Index, text: str) -> Entry | None:
    """The entry ``text`` identifies: its id (``person/zhou-enlai``) or its whole IRI."""
    text = text.strip()
    return index.entries.get(text.removeprefix(f"{index.base_iri}id/"))


def match(index: Index, query: Query) -> list[dict[str, Any]]:
    """Candidates for one checked reconciliation query (see :mod:`histgraph.present.reconcile_input`).

    As API 0.2 recommends, an entity's identifier given as the query scores 100
    and matches, and a query of property values alone (no name) is matched on
    those values. Time is linear in the index and the query: the query's forms
    are made once, the names' forms once per index.
    """
    texts = [query.text] if query.text else list(query.values)
    if not texts:
        return []
    named = by_identifier(index, query.text) if query.text else None
    extra = frozenset(normalise(v) for v in query.values) if query.text else frozenset()
    asked = [(Forms.of(text), bool(clean(text))) for text in texts]
    scored = []
    for entry in index.entries.values():
        if query.types and not query.types & entry.types:
            continue
        if entry is named:
            scored.append((100, entry, "its identifier"))
            continue
        points, why = max((_score(entry, forms, cleaned, extra) for forms, cleaned in asked), key=lambda s: s[0])
        if points >= 40:
            scored.append((points, entry, why))
    scored.sort(key=lambda item: (-item[0], item[1].id))
    runner_up = scored[1][0] if len(scored) > 1 else 0
    results = []
    for rank, (points, entry, why) in enumerate(scored[: query.limit]):
        results.append(
            {
                "id": entry.id,
                "name": entry.name,
                "description": f"matched on {why}",
                "type": entry.type_list(),
                "score": points,
                "match": rank == 0 and points >= MATCH_SCORE and points - runner_up >= MATCH_MARGIN,
            }
        )
    return results


def batch(index: Index, queries: Mapping[str, Query]) -> dict[str, dict[str, Any]]:
    """Answers to a checked batch ``{"q0": Query, …}``, keyed the same way."""
    return {key: {"result": match(index, query)} for key, query in queries.items()}


def suggest_entities(
    index: Index, prefix: str, kind: str | None = None, limit: int = 10, cursor: int = 0
) -> list[dict[str, Any]]:
    """Entities with a name (or a word of a name) starting with ``prefix``, shortest first.

    An entity's id (or IRI) given as the prefix suggests that entity first (API 0.2
    recommends suggest by id). ``cursor`` is the Suggest API's offset: the page
    starting at that many results in, so every match can be reached. Only the
    first :data:`MAX_PREFIX` characters of ``prefix`` count.
    """
    start = normalise(prefix[:MAX_PREFIX])
    if not start:
        return []
    named = by_identifier(index, prefix[:MAX_PREFIX])
    found = []
    for entry in index.entries.values():
        if kind and kind not in entry.types and kind.removeprefix(CRM) not in entry.types:
            continue
        if entry is named:
            found.append((-1, entry))
            continue
        hits = [
            n
            for (n, _l, _s), forms in zip(entry.names, entry.forms, strict=False)
            if forms.whole.startswith(start) or any(w.startswith(start) for w in forms.whole.split())
        ]
        if hits:
            found.append((len(min(hits, key=len)), entry))
    found.sort(key=lambda item: (item[0], item[1].id))
    return [
        {"id": e.id, "name": e.name, "description": e.comment[:200], "notable": e.type_list()}
        for _n, e in found[cursor : cursor + limit]
    ]


def suggest_types(prefix: str) -> list[dict[str, str]]:
    """Types whose name or id starts with ``prefix`` (all of them for an empty prefix)."""
    start = normalise(prefix[:MAX_PREFIX])
    return [
        {"id": t, "name": name}
        for t, name in TYPES.items()
        if not start or normalise(name).startswith(start) or normalise(t).startswith(start)
    ]


def suggest_properties(prefix: str) -> list[dict[str, str]]:
    """Properties a query may use, whose id, name or a word of the name starts with ``prefix``."""
    start = normalise(prefix[:MAX_PREFIX])
    return [
        {"id": p, "name": name}
        for p, name in PROPERTIES.items()
        if not start or normalise(p).startswith(start) or any(w.startswith(start) for w in normalise(name).split())
    ]


def manifest(base_iri: str, site: str) -> dict[str, Any]:
    """The service manifest; ``site`` is this server's root URL (ending in ``/``)."""
    return {
        "versions": ["0.1", "0.2"],
        "name": "histgraph: people, groups, places and works of the project",
        "identifierSpace": f"{base_iri}id/",
        "schemaSpace": CRM,
        "defaultTypes": [{"id": t, "name": TYPES[t]} for t in DEFAULT_TYPES],
        "view": {"url": f"{site}id/{{{{id}}}}"},
        "preview": {"url": f"{site}reconcile/preview?id={{{{id}}}}", "width": 400, "height": 160},
        "suggest": {
            kind: {"service_url": site.rstrip("/"), "service_path": f"/reconcile/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
    }
