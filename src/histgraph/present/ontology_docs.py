"""Human-readable documentation of the ontology, generated with pyLODE.

pyLODE (3.2.x: later releases fail to import from an installed wheel) turns
``ontology/hg.ttl`` into one HTML page, offline, in about half a second. It runs
on the first request for the page, never at import, and the result is kept on
disk next to the builds, keyed by the ontology file's checksum, so every worker
and every restart reuses it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from histgraph.atomic_files import write_atomically
from histgraph.errors import HistgraphError

ONTOLOGY_FILE = "hg.ttl"


def ontology_file(ontology_dir: Path) -> Path:
    """The ontology's Turtle file, or an error saying where it was expected."""
    path = ontology_dir / ONTOLOGY_FILE
    if not path.is_file():
        raise HistgraphError(f"no ontology at {path}")
    return path


def render(path: Path) -> str:
    """The pyLODE HTML page for the ontology at ``path``."""
    import gc
    import warnings

    from pylode import OntPub  # imported here: pyLODE loads its background ontologies on import
    from rdflib import Graph

    graph = Graph().parse(path, format="turtle")  # parsed by us, so no file is left open
    # pyLODE 3.2 reads its stylesheet without closing the file; that is its leak, not an
    # error of ours, so its ResourceWarning is silenced here (and only here).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        html = OntPub(graph).make_html()
        gc.collect()
    return html


def documentation(ontology_dir: Path, cache_dir: Path) -> str:
    """The ontology documentation, from the cache when the ontology has not changed."""
    path = ontology_file(ontology_dir)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    cached = cache_dir / f"ontology-{digest}.html"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    html = render(path)
    write_atomically(cached, html)  # another worker may be reading it
    return html
