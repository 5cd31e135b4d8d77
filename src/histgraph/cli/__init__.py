"""The ``histgraph`` command: a thin click layer over the library, one module per command.

Each command parses its options, calls one library function, and prints. Errors
the user can fix are printed as one clear message with what to do, and the
command exits non-zero (2 for unreadable input, 1 otherwise).
"""

from __future__ import annotations

from histgraph.cli import (
    build,
    edit,
    enrich,
    export,
    import_,
    link,
    publish,
    query,
    serve,
    suggest,
    validate,
)
from histgraph.cli.app import main

for _module in (build, query, serve, publish, export, link, enrich, validate, import_, suggest, edit):
    main.add_command(_module.command)

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
