"""Every kind of page the site has, one example of each, by a short name.

The Chromium suite (tests/browser/) visits each at 1366 and 390 px, and
benchmarks/page_weight.py weighs each; both read :func:`site_pages` so a page
added here is both checked and weighed. Entity pages are picked from the data
(the first of each browsed kind), so renaming an entity does not break the list.
The VoID description is not among them: a browser gets it as Turtle, a data
file rather than a page.
"""

from __future__ import annotations

from rdflib import Literal

from histgraph.present.kinds import BROWSE_HEADINGS
from histgraph.store import SelectStore

CABLE = "cable-1950-01-02-mao-to-ccp-cc"

#: Pages that are not one entity's: short name -> path.
FIXED_PAGES: dict[str, str] = {
    "home": "/",
    "browse-index": "/browse/",
    "browse-kind": "/browse/person",
    "documents": "/documents/",
    "cable": f"/id/document/{CABLE}",
    "search": "/search?q=Zhou",
    "network": "/network",
    "timeline": "/timeline",
    "map": "/map",
    "editor": "/editor",
    "queries": "/queries",
    "report": "/report",
    "ontology": "/ontology",
    "not-found": "/id/person/nobody-of-that-name",
}

FIRST_OF_KIND = """
SELECT (MIN(STR(?thing)) AS ?first) WHERE {
  ?thing a ?class .
  FILTER(STRSTARTS(STR(?thing), ?prefix) && !CONTAINS(STR(?thing), "#"))
}
"""


def site_pages(store: SelectStore, base_iri: str) -> dict[str, str]:
    """Short name -> path: the fixed pages, then the first entity of each browsed kind."""
    pages = dict(FIXED_PAGES)
    for segment in BROWSE_HEADINGS:
        prefix = f"{base_iri}id/{segment}/"
        rows = store.select(FIRST_OF_KIND, {"prefix": Literal(prefix)}).rows
        first = rows[0].get("first") if rows else None
        if first is not None and "/" + str(first)[len(base_iri):] not in pages.values():
            pages[segment] = "/" + str(first)[len(base_iri):]
    return pages
