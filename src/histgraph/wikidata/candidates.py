"""Find Wikidata candidates for the project's entities and fetch what scoring needs.

Search is by exact label or alias, in English, Chinese and Russian, for every
name form of an entity worth searching (see :func:`.names.search_forms`). That
is what the Wikidata Query Service answers fast and what any SPARQL endpoint
supports; fuzzier matching happens afterwards, in :mod:`.scoring`, over the
labels and aliases of the items found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from rdflib import Literal, URIRef

from histgraph.wikidata.client import WikidataClient, chunks, load_query
from histgraph.wikidata.local import WD, LocalEntity, parse_date
from histgraph.wikidata.names import search_forms

#: Languages searched for a name without a language tag (the project's texts are English).
UNTAGGED_LANGUAGES = ("en",)
#: Languages searched for a tagged name: Wikidata keeps Chinese under several tags.
LANGUAGE_VARIANTS = {"zh": ("zh", "zh-hans", "zh-cn"), "en": ("en",), "ru": ("ru",)}
DETAILS_BATCH = 50


@dataclass
class Candidate:
    """A Wikidata item that might be the same as one of our entities."""

    qid: str
    labels: list[tuple[str, str]] = field(default_factory=list)  # (text, language)
    aliases: list[tuple[str, str]] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)
    types: list[tuple[str, str]] = field(default_factory=list)  # (QID, English label or "")
    dates: dict[str, list[date]] = field(default_factory=dict)  # born, died, inception, …

    @property
    def label(self) -> str:
        """The English label, else any label, else the QID."""
        for text, language in self.labels:
            if language == "en":
                return text
        return self.labels[0][0] if self.labels else self.qid

    @property
    def description(self) -> str:
        return self.descriptions.get("en") or next(iter(self.descriptions.values()), "")


def search_terms(entity: LocalEntity) -> list[Literal]:
    """The language-tagged literals to look up for ``entity``, without repeats."""
    terms: list[Literal] = []
    for form in entity.names:
        languages = (
            LANGUAGE_VARIANTS.get(form.language.split("-")[0].lower(), (form.language,))
            if form.language
            else UNTAGGED_LANGUAGES
        )
        for text in search_forms(form.text):
            for language in languages:
                term = Literal(text, lang=language)
                if term not in terms:
                    terms.append(term)
    return terms


def search(client: WikidataClient, entity: LocalEntity) -> list[str]:
    """QIDs whose label or alias is exactly one of ``entity``'s searchable names."""
    terms = search_terms(entity)
    if not terms:
        return []
    found: list[str] = []
    for row in client.select(load_query("search"), {"name": terms}):
        qid = str(row["item"])[len(WD) :]
        if qid not in found:
            found.append(qid)
    return found


def details(
    client: WikidataClient, qids: list[str], progress: Callable[[int], None] | None = None
) -> dict[str, Candidate]:
    """Labels, aliases, descriptions, types and dates of ``qids``, a batch per request."""
    candidates = {qid: Candidate(qid) for qid in qids}
    for batch in chunks((URIRef(WD + q) for q in qids), DETAILS_BATCH):
        for row in client.select(load_query("details"), {"item": batch}):
            candidate = candidates[str(row["item"])[len(WD) :]]
            _add(candidate, str(row["field"]), row["value"], row.get("valueLabel"))
        if progress:
            progress(1)
    return candidates


def _add(candidate: Candidate, name: str, value: object, value_label: object) -> None:
    if name in ("label", "alias") and isinstance(value, Literal):
        target = candidate.labels if name == "label" else candidate.aliases
        entry = (str(value), (value.language or "").lower())
        if entry not in target:
            target.append(entry)
    elif name == "description" and isinstance(value, Literal):
        candidate.descriptions.setdefault((value.language or "").lower(), str(value))
    elif name == "type":
        qid = str(value).removeprefix(WD)
        entry = (qid, str(value_label) if value_label is not None else "")
        if entry not in candidate.types:
            candidate.types.append(entry)
    else:
        when = parse_date(str(value))
        if when is not None and when not in candidate.dates.setdefault(name, []):
            candidate.dates[name].append(when)


def detail_batches(count: int) -> int:
    """How many requests :func:`details` makes for ``count`` items (for a progress bar)."""
    return (count + DETAILS_BATCH - 1) // DETAILS_BATCH
