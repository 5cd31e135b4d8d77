"""Browsing: an index per kind of thing (people, groups, places, events, plans…).

:func:`kind_counts` is the one count of things per kind: the browse index and
the home page both show it, so they cannot disagree (they did: the home page
counted by RDF class, 21 groups, where the list of groups had 16).
"""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, render_template

from histgraph.errors import quoted
from histgraph.present.kinds import BROWSE_HEADINGS, kind_of
from histgraph.present.site_paths import local_href
from histgraph.web.client_input import whole_number
from histgraph.web.context import get_context
from histgraph.web.page_data import base_iri, labels

blueprint = Blueprint("browse", __name__)

PAGE_SIZE = 100

SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s a ?type . FILTER(STRSTARTS(STR(?s), ?prefix)) }"


def members() -> dict[str, list[tuple[str, str]]]:
    """``kind -> [(label, IRI)]`` sorted by label, for every typed minted node (once per build)."""
    context = get_context()

    def make() -> dict[str, list[tuple[str, str]]]:
        from rdflib import Literal

        index, base = labels(), base_iri()
        found: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for row in context.store.select(SUBJECTS, {"prefix": Literal(base + "id/")}):
            iri = str(row["s"])
            kind = kind_of(iri, base)
            if kind and "#" not in iri and kind != "annotation":
                found[kind].append((index.label(iri), iri))
        return {k: sorted(v, key=lambda x: x[0].lower()) for k, v in found.items()}

    return context.cached("browse-members", make)


def kind_counts() -> list[tuple[str, str, int]]:
    """``(kind, heading, how many)`` for every kind that has members, in the browse order."""
    found = members()
    return [(k, heading, len(found[k])) for k, heading in BROWSE_HEADINGS.items() if k in found]


@blueprint.route("/browse/")
def index() -> str:
    """How many things of each kind, with a link to each list."""
    return render_template("browse-index.html", kinds=kind_counts())


@blueprint.route("/browse/<kind>")
def kind(kind: str) -> str:
    """Every thing of one kind, by label, paged."""
    found = members()
    if kind not in BROWSE_HEADINGS or kind not in found:
        abort(404, description=f"There is no list of {quoted(kind)}; the browse page lists the kinds.")
    items = found[kind]
    # Past the last page shows the last, as entity pages do.
    page = min(whole_number("page", 1), max(1, -(-len(items) // PAGE_SIZE)))
    start = (page - 1) * PAGE_SIZE
    rows = [(label, local_href(iri, base_iri())) for label, iri in items[start:start + PAGE_SIZE]]
    return render_template(
        "browse-kind.html", kind=kind, heading=BROWSE_HEADINGS[kind], rows=rows, page=page,
        total=len(items), start=start, page_size=PAGE_SIZE,
    )
