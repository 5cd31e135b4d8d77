"""``histgraph build`` and ``histgraph validate`` run as a user runs them, their errors parsed.

The CLI prints a problem the user can fix as one line, ``error: PATH[:LINE]:
MESSAGE``, and exits non-zero; anything else on stderr (a traceback) is a bug.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..servers import BIN

_ERROR = re.compile(r"^error: (?P<path>[^:]+)(?::(?P<line>\d+))?: (?P<message>.*)$")


@dataclass
class CliError:
    """The one error a histgraph command printed: the file it names and what it says."""

    path: str
    message: str


@dataclass
class CliRun:
    """A finished histgraph command: its exit status, the errors it printed, every stderr line."""

    returncode: int
    errors: list[CliError]
    lines: list[str]

    @property
    def traceback(self) -> bool:
        return any(line.startswith("Traceback") for line in self.lines)


def histgraph(project: Path, *args: str, memory_bytes: int | None = None, timeout: float = 120.0) -> CliRun:
    """Run ``histgraph --project PROJECT ARGS``, optionally in ``memory_bytes`` of address space."""

    def limit() -> None:
        if memory_bytes is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    done = subprocess.run(
        [str(BIN / "histgraph"), "--project", str(project), *args], capture_output=True, text=True,
        timeout=timeout, stdin=subprocess.DEVNULL, preexec_fn=limit, env={**os.environ, "NO_COLOR": "1"},
    )
    # Progress lines end in carriage returns when redrawn: every piece is a line.
    lines = [line.strip() for line in re.split(r"[\r\n]+", done.stderr) if line.strip()]
    errors = [CliError(m["path"], m["message"]) for m in map(_ERROR.match, lines) if m]
    return CliRun(done.returncode, errors, lines)
