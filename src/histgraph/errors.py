"""Errors histgraph raises for problems a user can fix.

Each carries a message that says what is wrong and what to do; the CLI prints it
and exits with the error's ``exit_code``.
"""

from __future__ import annotations


class HistgraphError(Exception):
    """A problem the user can fix; ``str(error)`` says what to do."""

    exit_code = 1


class InputError(HistgraphError):
    """An input file could not be read or parsed (exit code 2)."""

    exit_code = 2

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.detail = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, int | None]]:
        # Raised in build worker processes and pickled back: rebuild from the parts.
        return (type(self), (self.path, self.detail, self.line))


class AnchorError(HistgraphError):
    """A quote or mention does not occur in its document's text as written."""


class ValidationFailed(HistgraphError):
    """The data does not conform to the shapes; the build keeps the last good one."""

    def __init__(self, message: str, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report


class QueryError(HistgraphError):
    """A named query is unknown, malformed, or was given a bad parameter."""


def quoted(value: str, limit: int = 80) -> str:
    """``value`` quoted for an error message, control characters visible, cut at ``limit`` characters.

    A message quotes what it refuses so the user sees their mistake, but a
    5,000-character value is not worth sending back whole.

    >>> quoted("a b")
    "'a b'"
    >>> quoted("x" * 100, limit=10)
    "'xxxxxxxx…"
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
