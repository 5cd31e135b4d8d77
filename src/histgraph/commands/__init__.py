"""CLI commands that live in their own modules; each module defines ``command``.

:func:`histgraph.cli.main` adds every module named in ``COMMAND_MODULES``.
"""

#: Modules under histgraph.commands, each exposing a click command as ``command``.
COMMAND_MODULES: tuple[str, ...] = ("export", "link", "enrich", "validate")
