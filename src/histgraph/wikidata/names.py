"""Name forms: how a name is normalised, which forms are worth searching, how alike two are.

Shared by ``histgraph link`` (our names against Wikidata's labels and aliases)
and the reconciliation service (a spreadsheet's names against ours).

>>> normalise("  Saint-Pétersbourg ")
'saint petersbourg'
>>> search_forms("[Zhou] Enlai")
['Zhou Enlai']
>>> search_forms("a new Sino-Soviet Treaty of Friendship and Alliance")
['Sino-Soviet Treaty of Friendship and Alliance']
>>> search_forms("the new treaty")
[]
>>> round(similarity("Treaty of Friendship and Alliance", "Treaty of Friendship, Alliance and Mutual Assistance"), 2)
0.71
"""

from __future__ import annotations

import re
import unicodedata

# Words a source puts before a name that are not part of it: articles, forms of
# address, and "new"/"old", which place a thing in time relative to the source
# ("the old treaty") rather than name it.
_LEADING = re.compile(r"^(?:(?:a|an|the|comrade|new|old)\s+)+", re.IGNORECASE)
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")
_BRACKETS = re.compile(r"[\[\]]")
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalise(name: str) -> str:
    """Case-folded, accents removed, punctuation as spaces, single spaces: for comparing."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _PUNCTUATION.sub(" ", text.casefold())
    return _SPACES.sub(" ", text).strip()


def tokens(name: str) -> set[str]:
    """The words of a normalised name; CJK names, written without spaces, are one token."""
    return set(normalise(name).split())


def clean(name: str) -> str:
    """A name without editorial brackets, parenthetical qualifiers, articles or "Comrade"."""
    text = _BRACKETS.sub("", name)
    text = _PARENTHETICAL.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    return _LEADING.sub("", text).strip()


def search_forms(name: str) -> list[str]:
    """The forms of ``name`` worth looking up as an exact label or alias.

    A form written wholly in lower case ("the new treaty", "a collective farm")
    is a description, not a name, and would only find generic items, so it is
    dropped; scripts without case (Chinese) are always kept.
    """
    form = clean(name)
    if not form or (form == form.lower() and form != form.upper()):
        return []
    return [form]


def similarity(left: str, right: str) -> float:
    """How alike two names are, from 0 to 1: 1 when equal once normalised, else word overlap."""
    a, b = normalise(left), normalise(right)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ta, tb = set(a.split()), set(b.split())
    return len(ta & tb) / len(ta | tb)
