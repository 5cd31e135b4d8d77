"""Dates and times in a text, resolved against the document's own date with the precision the words give.

Expressions are found by a small recogniser over the text's words (linear in
the text): a day and month with or without a year ("9 January", "January 02,
1950", "2 January [1950]"), a month with a qualifier ("early February", "the
end of the month"), a clock time ("8:00 p.m.", with "today" or a date after
it), "today", "yesterday", "tomorrow", "the past two days", and "from X to Y".
Each core expression is resolved by dateparser, with the document's date as the
base for what the words leave out (the year, "today"); the qualifiers and
ranges then widen it:

* a day is the whole day, 00:00:00 to 23:59:59;
* a month is the whole month; "early", "mid" and "late" are its days 1-10,
  11-20 and 21 to the end, marked vague; "the end of the month" is 21 to the end;
* a time is that minute;
* "the past N days" runs from the start of N-1 days before the document's date
  to the document's date and time, marked vague.

Nothing is computed that the words do not give: without a document date, an
expression without a year is suggested unresolved, with the reason.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from histgraph.ingest.wilson_text import MONTHS

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_MONTHS = {m.casefold(): i + 1 for i, m in enumerate(MONTHS)}
_RELATIVE = frozenset({"today", "yesterday", "tomorrow"})
_QUALIFIERS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


@dataclass(frozen=True)
class DateFound:
    """A date expression: where it is, its words, and the span it means (or why it has none)."""

    start: int
    end: int
    words: str
    begin: str | None  # xsd:dateTime, local time as written
    finish: str | None
    precision: str  # day, month, time, range
    vague: bool = False
    unresolved: str = ""


@lru_cache(maxsize=1)
def _parser_class() -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser


def _parse(words: str, base: datetime) -> tuple[datetime, str] | None:
    """dateparser's reading of ``words`` with ``base`` as the document's date: the date and its period."""
    parser = _parser_class()(
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "current_period", "RETURN_TIME_AS_PERIOD": True},
    )
    data = parser.get_date_data(words)
    if data.date_obj is None:
        return None
    return data.date_obj, str(data.period)


def _day_span(day: date) -> tuple[str, str]:
    return f"{day.isoformat()}T00:00:00", f"{day.isoformat()}T23:59:59"


def _month_span(year: int, month: int, first: int = 1, last: int = 31) -> tuple[str, str]:
    end = min(last, calendar.monthrange(year, month)[1])
    return f"{year:04d}-{month:02d}-{first:02d}T00:00:00", f"{year:04d}-{month:02d}-{end:02d}T23:59:59"


class _Tokens:
    def __init__(self, text: str) -> None:
        self.items = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]

    def word(self, i: int) -> str:
        return self.items[i][2].casefold() if i < len(self.items) else ""

    def raw(self, i: int) -> str:
        return self.items[i][2] if i < len(self.items) else ""


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.isdigit()


def _is_day(word: str) -> bool:
    return word.isdigit() and 1 <= int(word) <= 31 and len(word) <= 2


def _date_at(t: _Tokens, i: int) -> int:
    """The end index of a calendar date starting at token ``i`` ("9 January [1950]", "January 02, 1950"), or ``i``."""
    j = i
    if _is_day(t.word(j)) and t.word(j + 1) in _MONTHS:
        j += 2
    elif t.word(j) in _MONTHS and _is_day(t.word(j + 1)):
        j += 2
        if t.word(j) == "," and _is_year(t.word(j + 1)):
            j += 2
        return j
    elif t.word(j) in _MONTHS and _is_year(t.word(j + 1)):
        return j + 2
    else:
        return i
    if _is_year(t.word(j)):
        j += 1
    elif t.word(j) == "[" and _is_year(t.word(j + 1)) and t.word(j + 2) == "]":
        j += 3
    return j


def _time_at(t: _Tokens, i: int) -> int:
    """The end index of a clock time at ``i`` ("8:00 p.m."), or ``i``."""
    if not (t.word(i).isdigit() and t.word(i + 1) == ":" and t.word(i + 2).isdigit()):
        return i
    j = i + 3
    if t.word(j) in ("a", "p") and t.word(j + 1) == "." and t.word(j + 2) == "m" and t.word(j + 3) == ".":
        j += 4
    elif t.word(j) in ("am", "pm"):
        j += 1
    return j


class _Resolver:
    def __init__(self, document_date: datetime | None) -> None:
        self.base = document_date

    def point(self, words: str) -> tuple[str, str, str] | str:
        """(begin, end, precision) of a single date, time or relative day, or why it cannot be resolved."""
        cleaned = words.replace("[", "").replace("]", "")
        has_year = any(_is_year(w) for w in re.findall(r"\d+", cleaned))
        if self.base is None and not has_year:
            return "the document has no date to resolve it against"
        parsed = _parse(cleaned, self.base or datetime(1900, 1, 1))
        if parsed is None:
            return "dateparser could not read it"
        when, period = parsed
        if period == "time":
            stamp = when.strftime("%Y-%m-%dT%H:%M:%S")
            return stamp, when.strftime("%Y-%m-%dT%H:%M:59"), "time"
        if period == "month":
            begin, end = _month_span(when.year, when.month)
            return begin, end, "month"
        begin, end = _day_span(when.date())
        return begin, end, "day"


def find_dates(text: str, document_date: datetime | None) -> list[DateFound]:
    """Every date expression in ``text`` and what it means (see the module docstring)."""
    t = _Tokens(text)
    resolver = _Resolver(document_date)
    found: list[DateFound] = []
    i = 0
    n = len(t.items)
    while i < n:
        result = _expression_at(t, i, text, resolver)
        if result is None:
            i += 1
            continue
        expression, i = result
        found.append(expression)
    return found


def _make(text: str, t: _Tokens, i: int, j: int, span: tuple[str, str, str] | str, vague: bool = False) -> DateFound:
    start, end = t.items[i][0], t.items[j - 1][1]
    words = text[start:end]
    if isinstance(span, str):
        return DateFound(start, end, words, None, None, "", vague, unresolved=span)
    return DateFound(start, end, words, span[0], span[1], span[2], vague)


def _expression_at(t: _Tokens, i: int, text: str, r: _Resolver) -> tuple[DateFound, int] | None:
    word = t.word(i)
    # "from X to Y" and "from X to the end of the month"
    if word == "from":
        j = _date_at(t, i + 1)
        if j > i + 1 and t.word(j) == "to":
            first = r.point(text[t.items[i + 1][0]:t.items[j - 1][1]])
            k = _date_at(t, j + 1)
            if k > j + 1:
                second = r.point(text[t.items[j + 1][0]:t.items[k - 1][1]])
                if isinstance(first, tuple) and isinstance(second, tuple):
                    return _make(text, t, i, k, (first[0], second[1], "range")), k
            elif [t.word(j + x) for x in range(1, 6)] == ["the", "end", "of", "the", "month"] and isinstance(first, tuple):
                year, month = int(first[0][:4]), int(first[0][5:7])
                return _make(text, t, i, j + 6, (first[0], _month_span(year, month)[1], "range"), True), j + 6
    # "the end of the month", "the end of January"
    if [t.word(i + x) for x in range(4)] == ["the", "end", "of", "the"] and t.word(i + 4) == "month":
        if r.base is None:
            return _make(text, t, i, i + 5, "the document has no date to resolve it against", True), i + 5
        b, e = _month_span(r.base.year, r.base.month, 21)
        return _make(text, t, i, i + 5, (b, e, "range"), True), i + 5
    # "early February", "late March 1951"
    if word in _QUALIFIERS and t.word(i + 1) in _MONTHS:
        j = i + 2 + (1 if _is_year(t.word(i + 2)) else 0)
        named = r.point(text[t.items[i + 1][0]:t.items[j - 1][1]])
        if isinstance(named, str):
            return _make(text, t, i, j, named, True), j
        first_day, last_day = _QUALIFIERS[word]
        b, e = _month_span(int(named[0][:4]), int(named[0][5:7]), first_day, last_day)
        return _make(text, t, i, j, (b, e, "range"), True), j
    # "the past two days"
    if word in ("past", "last") and t.word(i + 2) == "days" and (t.word(i + 1) in _NUMBER_WORDS or t.word(i + 1).isdigit()):
        count = _NUMBER_WORDS.get(t.word(i + 1)) or int(t.word(i + 1))
        if r.base is None:
            return _make(text, t, i, i + 3, "the document has no date to resolve it against", True), i + 3
        earliest = (r.base - timedelta(days=count - 1)).date()
        return _make(text, t, i, i + 3, (f"{earliest}T00:00:00", r.base.strftime("%Y-%m-%dT%H:%M:%S"), "range"), True), i + 3
    # "8:00 p.m. today", "11:00 p.m., 2 January [1950]"
    j = _time_at(t, i)
    if j > i:
        k = j + 1 if t.word(j) == "," else j
        after = _date_at(t, k)
        if after > k:
            j = after
        elif t.word(j) in _RELATIVE:
            j += 1
        return _make(text, t, i, j, r.point(text[t.items[i][0]:t.items[j - 1][1]])), j
    j = _date_at(t, i)
    if j > i:
        return _make(text, t, i, j, r.point(text[t.items[i][0]:t.items[j - 1][1]])), j
    if word in _RELATIVE:
        return _make(text, t, i, i + 1, r.point(word)), i + 1
    if word in _MONTHS and t.raw(i)[:1].isupper() and t.word(i + 1) not in ("'",):
        return _make(text, t, i, i + 1, r.point(t.raw(i))), i + 1
    return None
