"""The home page: what the dataset is, with counts, and where to go next.

It also installs the template helpers every page uses (navigation, links that
are only made for http(s) IRIs, local paths for minted IRIs).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, current_app, render_template

from histgraph.present.labels import is_web_link
from histgraph.present.page_summaries import HOME_DOCUMENTS, documents
from histgraph.present.site_paths import local_href
from histgraph.web.context import get_context
from histgraph.web.page_data import page_summary

blueprint = Blueprint("home", __name__)

@blueprint.app_context_processor
def layout_helpers() -> dict[str, Callable[..., object]]:
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

    def has_static(name: str) -> bool:
        """True when a script another feature ships is there (so no page asks for a missing file)."""
        return (Path(current_app.root_path) / "static" / name).is_file()

    def has_vendor(name: str) -> bool:
        from histgraph.web.assets import VENDOR_FILES

        root = get_context().settings.project_dir / "node_modules"
        return name in VENDOR_FILES and (root / VENDOR_FILES[name]).is_file()

    return {
        "has_static": has_static,
        "has_vendor": has_vendor,
        "nav_links": nav_links,
        "nav_endpoints": nav_endpoints,
        "dataset_title": lambda: "histgraph: Mao Zedong's cable of 2 January 1950",
    }


@blueprint.app_template_filter("local_path")
def local_path(iri: str) -> str | None:
    """Where a page links for ``iri`` (a local path for minted IRIs; None for non-web IRIs)."""
    return local_href(str(iri), get_context().settings.base_iri)


@blueprint.app_template_filter("is_web_link")
def web_link(iri: str) -> bool:
    """True only for http(s) IRIs, the only ones that become links."""
    return is_web_link(str(iri))


@blueprint.route("/")
def index() -> str:
    """The dataset described for a person, with counts per kind."""
    context = get_context()
    from histgraph.web.browse import kind_counts
    from histgraph.web.dataset import dataset_summary

    counts = kind_counts()  # the browse index's counts: one count per kind, shown in both places
    built = page_summary()
    if built is not None:
        first, total = built["documents"]["first"], built["documents"]["total"]
    else:
        every = context.cached("home-documents", lambda: documents(context.store))
        first, total = every[:HOME_DOCUMENTS], len(every)
    # A few documents by name: the rest are one link away, on the list of documents.
    return render_template("home.html", counts=counts, documents=first, documents_total=total,
                           summary=dataset_summary())
