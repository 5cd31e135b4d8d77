"""Browsing: an index per kind of thing (people, groups, places, events, plans…).

:func:`kind_counts` is the one count of things per kind: the browse index and
the home page both show it, so they cannot disagree (they did: the home page
counted by RDF class, 21 groups, where the list of groups had 16).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from histgraph.errors import quoted
from histgraph.present.kinds import BROWSE_HEADINGS
from histgraph.present.page_summaries import browse_file, browse_members
from histgraph.present.page_summaries import kind_counts as counts_of
from histgraph.present.site_paths import local_href
from histgraph.web.client_input import whole_number
from histgraph.web.context import get_context
from histgraph.web.page_data import base_iri, labels, page_file, page_summary

blueprint = Blueprint("browse", __name__)

PAGE_SIZE = 100


def members() -> dict[str, list[tuple[str, str]]]:
    """``kind -> [(label, IRI)]`` sorted by label, for every typed minted node, read from the store (once per build).

    Only for a server whose build wrote no browse lists (see :func:`kind_members`).
    """
    context = get_context()
    return context.cached("browse-members", lambda: browse_members(context.store, labels(), base_iri()))


def kind_members(kind: str) -> list[tuple[str, str]] | None:
    """Every member of ``kind`` as ``(label, IRI)``, sorted by label: the build's list, else the store's; None for none."""
    if page_summary() is None:
        return members().get(kind)
    rows = page_file(browse_file(kind))
    return rows if isinstance(rows, list) else None


def kind_counts() -> list[tuple[str, str, int]]:
    """``(kind, heading, how many)`` for every kind that has members, in the browse order."""
    summary = page_summary()
    counted = summary["kinds"] if summary is not None else counts_of(members())
    return [(k, BROWSE_HEADINGS[k], n) for k, n in counted if k in BROWSE_HEADINGS]


@blueprint.route("/browse/")
def index() -> str:
    """How many things of each kind, with a link to each list."""
    return render_template("browse-index.html", kinds=kind_counts())


@blueprint.route("/browse/<kind>")
def kind(kind: str) -> str:
    """Every thing of one kind, by label, paged."""
    items = kind_members(kind) if kind in BROWSE_HEADINGS else None
    if not items:
        abort(404, description=f"There is no list of {quoted(kind)}; the browse page lists the kinds.")
    # Past the last page shows the last, as entity pages do.
    page = min(whole_number("page", 1), max(1, -(-len(items) // PAGE_SIZE)))
    start = (page - 1) * PAGE_SIZE
    rows = [(label, local_href(iri, base_iri())) for label, iri in items[start:start + PAGE_SIZE]]
    return render_template(
        "browse-kind.html", kind=kind, heading=BROWSE_HEADINGS[kind], rows=rows, page=page,
        total=len(items), start=start, page_size=PAGE_SIZE,
    )
