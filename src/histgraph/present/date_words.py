"""Dates in words, at the precision the data holds them, for every page.

A time-span is stored as outer bounds (``crm:P82a_begin_of_the_begin``,
``crm:P82b_end_of_the_end``), an ``hg:vague`` flag and the source's own words
(``hg:asWritten``). :func:`date_words` reads each bound at its own precision and
never prints a time the data does not hold: a begin at 00:00:00 or an end at
23:59:59 is a whole day, not "midnight". Some examples:

>>> date_words("1950-01-02T20:00:00", "1950-01-02T20:00:00").text
'2 January 1950, 8 p.m.'
>>> date_words("1950-01-10T00:00:00", "1950-01-10T23:59:59").text
'10 January 1950'
>>> date_words("1950-02-01T00:00:00", "1950-02-10T23:59:59", vague=True).text
'early February 1950'
>>> date_words("1950-01-02T20:00:00", "1950-01-02T23:00:00", as_written="At 8:00 p.m. today").as_written
'At 8:00 p.m. today'

"Early", "mid-" and "late" are the project's reading of vague spans that cover
the first, middle or last ten days of a month (docs/model.md); a span the data
does not call vague is given in numbers.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

_VALUE = re.compile(
    r"^(?P<year>-?\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?)?)?)?"
    r"(?:Z|[+-]\d{2}:\d{2})?$"
)


@dataclass(frozen=True)
class Moment:
    """One bound as the data states it: a year, a month, a day, or a time of day."""

    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None

    @property
    def iso(self) -> str:
        """The bound at its own precision, for ``<time datetime>`` (``1950-01-02T20:00``)."""
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        if self.hour is not None:
            text += f"T{self.hour:02d}:{self.minute or 0:02d}"
        return text

    def day_words(self) -> str:
        """``2 January 1950``, ``January 1950`` or ``1950``."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {MONTHS[self.month - 1]} {self.year}"

    def clock_words(self) -> str:
        """``8 p.m.``, ``8:30 a.m.``, ``noon``; empty when the bound has no time."""
        if self.hour is None:
            return ""
        minute = self.minute or 0
        if self.hour == 12 and minute == 0:
            return "noon"
        hour = self.hour % 12 or 12
        suffix = "a.m." if self.hour < 12 else "p.m."
        return f"{hour}:{minute:02d} {suffix}" if minute else f"{hour} {suffix}"


@dataclass(frozen=True)
class DateWords:
    """A date in words, the source's own words for it, and a machine-readable value."""

    text: str
    as_written: str | None = None
    #: For ``<time datetime="…">``: the begin (else the end) at its own precision.
    iso: str | None = None
    vague: bool = False


def parse_bound(value: str | None, *, end: bool = False) -> Moment | None:
    """A bound at the precision it holds; None when absent or unreadable.

    A begin at the first second of a day, or an end at its last, is the day
    itself (the data's way of saying "that day"), so no time is kept for it.
    """
    if not value:
        return None
    match = _VALUE.match(value.strip())
    if not match:
        return None
    parts = match.groupdict()
    year = int(parts["year"])
    month = int(parts["month"]) if parts["month"] else None
    day = int(parts["day"]) if parts["day"] else None
    if parts["hour"] is None:
        return Moment(year, month, day)
    hour, minute, second = int(parts["hour"]), int(parts["minute"]), int(parts["second"] or 0)
    whole_day = (hour, minute, second) == ((23, 59, 59) if end else (0, 0, 0))
    if whole_day or (hour, minute, second) == (0, 0, 0):
        # An end at 00:00:00 bounds the day before it; read as that day, not as a midnight.
        return Moment(year, month, day)
    return Moment(year, month, day, hour, minute)


def _month_part(begin: Moment, end: Moment) -> str | None:
    """``early February 1950`` when a vague span covers a third of one month."""
    if begin.hour is not None or end.hour is not None or begin.day is None or end.day is None:
        return None
    if (begin.year, begin.month) != (end.year, end.month) or begin.month is None:
        return None
    last = calendar.monthrange(begin.year, begin.month)[1]
    month = f"{MONTHS[begin.month - 1]} {begin.year}"
    part = {(1, 10): "early ", (11, 20): "mid-", (21, last): "late ", (1, last): ""}.get((begin.day, end.day))
    return None if part is None else part + month


def _at(moment: Moment) -> str:
    """A bound with its time first: ``11 p.m. on 2 January 1950``, or just the day."""
    clock = moment.clock_words()
    return f"{clock} on {moment.day_words()}" if clock else moment.day_words()


def _range(begin: Moment, end: Moment, vague: bool) -> str:
    same_day = (begin.year, begin.month, begin.day) == (end.year, end.month, end.day)
    if same_day:
        day = begin.day_words()
        first, last = begin.clock_words(), end.clock_words()
        if not first and not last:
            return day
        if first and first == last:
            return f"{day}, {first}"
        if first and last:
            if first[-4:] == last[-4:] and first[-4:] in ("a.m.", "p.m."):
                first = first[:-5]  # "between 8 and 11 p.m."
            return f"{day}, between {first} and {last}"
        return f"{day}, from {first}" if first else f"{day}, by {last}"
    if begin.hour is not None or end.hour is not None:
        opening = _at(begin) if begin.hour is not None else _without_year(begin, end)
        return f"between {opening} and {_at(end)}"
    if vague:
        part = _month_part(begin, end)
        if part:
            return part
        if end.day and end.month and end.day == calendar.monthrange(end.year, end.month)[1] and begin.day:
            # "to the end of the month": a vague end the data bounds by the month's last day.
            return f"{_without_year(begin, end)} to the end of {MONTHS[end.month - 1]} {end.year}"
    if begin.day and end.day and (begin.year, begin.month) == (end.year, end.month):
        return f"{begin.day}–{end.day_words()}"
    if begin.day is None and end.day is None and begin.year == end.year and begin.month == 1 and end.month == 12:
        return str(begin.year)
    return f"{_without_year(begin, end)} – {end.day_words()}"


def _without_year(begin: Moment, end: Moment) -> str:
    """The begin's day words, without its year when the end gives the same one."""
    words = begin.day_words()
    return words.removesuffix(f" {begin.year}") if begin.year == end.year and begin.month else words


def date_words(begin: str | None, end: str | None, *, vague: bool = False,
               as_written: str | None = None) -> DateWords:
    """The span from ``begin`` to ``end`` (xsd dates or dateTimes) in words at its precision.

    Either bound may be missing: a span known only to end by some time reads
    "by 11 p.m. on 2 January 1950". With neither, the text is empty and only the
    source's words (if any) remain.
    """
    first, last = parse_bound(begin), parse_bound(end, end=True)
    if first and last:
        text = _range(first, last, vague)
    elif first:
        text = f"from {_at(first)}"
    elif last:
        text = f"by {_at(last)}"
    else:
        text = ""
    iso = first.iso if first else last.iso if last else None
    written = as_written.strip() if as_written and as_written.strip() else None
    return DateWords(text, written, iso, vague)
