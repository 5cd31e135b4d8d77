"""The home page: what the dataset is, with counts, and where to go next."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from .context import get_context

blueprint = Blueprint("home", __name__)

COUNT_CLASSES = """
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX hg: <https://histgraph.example.org/ontology#>
PREFIX pplan: <http://purl.org/net/p-plan#>
PREFIX rico: <https://www.ica.org/standards/RiC/ontology#>
SELECT ?kind (COUNT(DISTINCT ?thing) AS ?n) WHERE {
  VALUES (?kind ?class) {
    ("documents" rico:Record) ("people" crm:E21_Person) ("groups" crm:E74_Group)
    ("places" crm:E53_Place) ("reported events" crm:E7_Activity) ("plan steps" pplan:Step)
    ("options" hg:Proposal) ("consistency flags" hg:ConsistencyNote)
  }
  ?thing a ?class .
} GROUP BY ?kind
"""


@blueprint.app_context_processor
def layout_helpers():  # type: ignore[no-untyped-def]
    """Helpers every template may use: the navigation and the dataset's title."""

    def nav_endpoints() -> set[str]:
        return set(current_app.view_functions)

    def nav_links() -> list[tuple[str, str]]:
        wanted = [
            ("home.index", "Home"),
            ("document.index", "The cable"),
            ("browse.index", "Browse"),
            ("search.index", "Search"),
            ("views.network", "Network"),
            ("views.timeline", "Timeline"),
            ("editor.index", "SPARQL"),
            ("queries_api.index", "Queries"),
        ]
        return [(e, label) for e, label in wanted if e in current_app.view_functions]

    return {
        "nav_links": nav_links,
        "nav_endpoints": nav_endpoints,
        "dataset_title": lambda: "histgraph: Mao Zedong's cable of 2 January 1950",
    }


@blueprint.route("/")
def index():  # type: ignore[no-untyped-def]
    """The dataset described for a person, with counts per kind."""
    context = get_context()
    counts = context.cached(
        "home-counts",
        lambda: {str(r["kind"]): int(r["n"]) for r in context.store.select(COUNT_CLASSES)},
    )
    return render_template("home.html", counts=counts)
