"""Durations in a text ("eleven days", "about ten days", "3 weeks"): a number and a unit, as the words state them.

A duration is a length of time, not a date: it is suggested as a
``time:Duration`` with the number and unit the words give and the words as
written, and "about", "around", "some", "nearly", "roughly" or "approximately"
before it marks it approximate (``hg:approximate``), as the cable's "about ten
days" is recorded by hand. Nothing is computed from it: where the duration
falls is a fact's time-span, which the reviewer attaches separately.

Words without a stated number ("a few days", "several weeks") are not
durations the source states, so they are not suggested. Neither are "the past
two days" and the like, which are dates (:mod:`histgraph.ingest.date_expressions`
finds them first). The scan is one pass over the words.

>>> [(d.words, d.value, d.unit, d.approximate) for d in find_durations("It would take him about ten days, not 2 weeks.")]
[('about ten days', 10, 'unitDay', True), ('2 weeks', 2, 'unitWeek', False)]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_WORD = re.compile(r"\w+", re.UNICODE)
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}
#: The OWL-Time unit of each word, singular and plural (the units the duration shape allows).
UNITS = {
    "hour": "unitHour", "hours": "unitHour", "day": "unitDay", "days": "unitDay", "week": "unitWeek",
    "weeks": "unitWeek", "month": "unitMonth", "months": "unitMonth", "year": "unitYear", "years": "unitYear",
}
APPROXIMATE = frozenset({"about", "around", "some", "nearly", "roughly", "approximately", "almost"})
#: Words before a number that make it a date ("the past two days") or not a stated length ("one or two more days").
_NOT_A_LENGTH_BEFORE = frozenset({"past", "last", "next", "first", "or"})


@dataclass(frozen=True)
class DurationFound:
    """A duration the words state: where, the words, the number, the OWL-Time unit, and whether approximate."""

    start: int
    end: int
    words: str
    value: int
    unit: str
    approximate: bool


def _number(word: str) -> int | None:
    if word.isdigit() and len(word) <= 4:
        return int(word) or None
    return NUMBER_WORDS.get(word)


def find_durations(text: str, taken: Sequence[tuple[int, int]] = ()) -> list[DurationFound]:
    """Every stated duration in ``text`` outside the ``taken`` spans (dates already found), in text order."""
    tokens = [(m.start(), m.end(), m.group().casefold()) for m in _WORD.finditer(text)]
    found: list[DurationFound] = []
    for i, (start, _end, word) in enumerate(tokens):
        value = _number(word)
        if value is None or i + 1 >= len(tokens) or tokens[i + 1][2] not in UNITS:
            continue
        if text[tokens[i][1] : tokens[i + 1][0]].strip():
            continue  # "10, days" or "5-day": not a number of units as written
        before = tokens[i - 1][2] if i else ""
        if before in _NOT_A_LENGTH_BEFORE:
            continue
        approximate = before in APPROXIMATE and not text[tokens[i - 1][1] : start].strip()
        first = tokens[i - 1][0] if approximate else start
        last = tokens[i + 1][1]
        if any(s < last and first < e for s, e in taken):
            continue
        found.append(DurationFound(first, last, text[first:last], value, UNITS[tokens[i + 1][2]], approximate))
    return found
