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

from histgraph.normal_forms import without_marks

# Every function here also reads names that users send (the reconciliation
# service), so each runs in time linear in its input: str methods, and regular
# expressions only of single character classes (no nested or overlapping
# repetition to backtrack through). tests/security/test_user_text_linear.py
# checks it.

# Words a source puts before a name that are not part of it: articles, forms of
# address, and "new"/"old", which place a thing in time relative to the source
# ("the old treaty") rather than name it.
_LEADING_WORDS = frozenset({"a", "an", "the", "comrade", "new", "old"})
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


def normalise(name: str) -> str:
    """Case-folded, accents removed, punctuation as spaces, single spaces: for comparing."""
    text = _PUNCTUATION.sub(" ", without_marks(name).casefold())
    return " ".join(text.split())


def tokens(name: str) -> set[str]:
    """The words of a normalised name; CJK names, written without spaces, are one token."""
    return set(normalise(name).split())


def clean(name: str) -> str:
    """A name without editorial brackets, parenthetical qualifiers, articles or "Comrade".

    >>> clean("the [new] Treaty (1950) of  Friendship")
    'Treaty of Friendship'
    >>> clean("Mao (unclosed")
    'Mao (unclosed'
    """
    text = _without_parentheticals(name.replace("[", "").replace("]", ""))
    words = text.split()
    first = 0
    # A leading word goes only when a word follows it: "The" alone stays a name.
    while first < len(words) - 1 and words[first].lower() in _LEADING_WORDS:
        first += 1
    return " ".join(words[first:])


def _without_parentheticals(text: str) -> str:
    """``text`` without each "(" up to the next ")" and the spaces before it; an unclosed "(" stays.

    A regular expression for this (``\\s*\\([^)]*\\)``) retries from every
    "(" and every space, which is quadratic on a run of them; two finds per
    parenthesis are linear.
    """
    kept, start = [], 0
    while True:
        opening = text.find("(", start)
        closing = text.find(")", opening) if opening >= 0 else -1
        if closing < 0:
            kept.append(text[start:])
            return "".join(kept)
        kept.append(text[start:opening].rstrip())
        start = closing + 1


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
