"""Documents: the list of documents and their citations as files.

A document's reading view is its entity page (``/id/document/<slug>``,
template ``entity-document.html``): the full text with every mention linked and
every fact's words selectable.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, render_template

from histgraph.errors import quoted
from histgraph.present.cite import FORMATS, citation
from histgraph.web.client_input import minted_iri
from histgraph.web.context import get_context
from histgraph.web.home import DOCUMENTS
from histgraph.web.page_data import labels

blueprint = Blueprint("document", __name__)

EXTENSIONS = {ext: name for name, (ext, _, _) in FORMATS.items()}


@blueprint.route("/documents/")
def index() -> str:
    """Every document of the dataset, with its citation."""
    context = get_context()
    rows = context.cached("documents", lambda: [
        (str(r["doc"]), str(r["label"])) for r in context.store.select(DOCUMENTS)])
    citations = [c for c in (citation(context.store, iri, labels()) for iri, _ in rows) if c]
    return render_template("document-index.html", citations=citations)


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
