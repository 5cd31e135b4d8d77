"""Documents: the list of documents and their citations as files.

A document's reading view is its entity page (``/id/document/<slug>``,
template ``entity-document.html``): the full text with every mention linked and
every fact's words selectable.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, render_template

from histgraph.errors import quoted
from histgraph.present.cite import FORMATS, citation
from histgraph.web.browse import PAGE_SIZE, kind_members
from histgraph.web.client_input import minted_iri, whole_number
from histgraph.web.context import get_context
from histgraph.web.page_data import labels

blueprint = Blueprint("document", __name__)

EXTENSIONS = {ext: name for name, (ext, _, _) in FORMATS.items()}


@blueprint.route("/documents/")
def index() -> str:
    """Every document of the dataset, with its citation, by title, a page at a time."""
    context = get_context()
    rows = kind_members("document") or []
    # Past the last page shows the last, as the browse lists do.
    page = min(whole_number("page", 1), max(1, -(-len(rows) // PAGE_SIZE)))
    start = (page - 1) * PAGE_SIZE
    citations = context.cached(f"documents-page:{page}", lambda: [
        c for c in (citation(context.store, iri, labels()) for _, iri in rows[start:start + PAGE_SIZE]) if c])
    return render_template("document-index.html", citations=citations, page=page, total=len(rows), start=start,
                           page_size=PAGE_SIZE)


@blueprint.route("/cite/<slug>.<fmt>")
def cite(slug: str, fmt: str) -> Response:
    """The citation of ``<base>id/document/<slug>`` as BibTeX (.bib), RIS (.ris) or CSL-JSON (.json)."""
    if fmt not in EXTENSIONS:
        abort(404, description="Citations are offered as .bib (BibTeX), .ris (RIS) and .json (CSL-JSON).")
    found = citation(get_context().store, minted_iri(f"id/document/{slug}"), labels())
    if found is None:
        abort(404, description=f"There is no document {quoted(slug)} to cite.")
    _, media_type, write = FORMATS[EXTENSIONS[fmt]]
    response = make_response(write(found))
    response.headers["Content-Type"] = media_type
    response.headers["Content-Disposition"] = f'attachment; filename="{found.key}.{fmt}"'
    return response
