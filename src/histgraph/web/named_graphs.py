"""Named-graph pages: ``/graph/<name>`` answers with HTML to a browser and RDF to a program.

The request path is the graph's IRI modulo the base, as for entities
(:mod:`histgraph.web.entities`): negotiated on the bare URL, or chosen by a
suffix (``/graph/authorities.ttl``). The page says what the graph holds
(counts, kinds, a paged list of its subjects) and where it came from (its
document or project files, and what the dataset says about the graph).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, render_template, request
from rdflib import Literal

from histgraph.present.named_graphs import GraphView, describe_graph, graph_iris, graph_rdf
from histgraph.present.site_paths import local_href
from histgraph.web import representations as rep
from histgraph.web.client_input import minted_iri, whole_number
from histgraph.web.context import get_context
from histgraph.web.page_data import base_iri, labels

blueprint = Blueprint("named_graphs", __name__)


def _split(name: str) -> tuple[str, str | None]:
    """``(name, suffix)``: ``authorities.ttl`` -> ``("authorities", "ttl")``."""
    stem, dot, ext = name.rpartition(".")
    if dot and ext in rep.SUFFIXES and stem:
        return stem, ext
    return name, None


@blueprint.route("/graph/<path:name>")
def named_graph(name: str) -> Response:
    """The page or the RDF description of the named graph ``<base>graph/<name>``."""
    context = get_context()
    stem, suffix = _split(name)
    iri = minted_iri(f"graph/{stem}")
    page = whole_number("page", 1)
    if iri not in context.cached("graph-iris", lambda: graph_iris(context.store)):
        abort(404, description=f"This dataset has no named graph {iri}. The dataset page lists its graphs.")
    path = f"/graph/{stem}"
    if suffix:
        served, negotiated = rep.SUFFIXES[suffix], False
    else:
        chosen = rep.choose(request.accept_mimetypes)
        if chosen is None:
            offered = ", ".join(["text/html"] + [f.media_type for f in rep.rdf_formats()])
            abort(406, description=f"This graph is described as {offered}.")
        served, negotiated = chosen, True
    # The first page of each graph is kept per build; later pages are read when asked for.
    if page == 1:
        view = context.cached(f"graph-view:{iri}", lambda: describe_graph(context.store, iri, labels(), base_iri()))
    else:
        view = describe_graph(context.store, iri, labels(), base_iri(), page)
    if served == rep.HTML:
        response = make_response(render_template("graph.html", view=view, path=path, formats=rep.rdf_formats(),
                                                 **_links(view)))
        response.headers["Content-Type"] = "text/html; charset=utf-8"
    else:
        fmt = rep.rdf_format(served)
        response = make_response(rep.serialize(graph_rdf(view), fmt))
        response.headers["Content-Type"] = fmt.content_type
    return rep.with_headers(response, path, negotiated, served)


def _links(view: GraphView) -> dict[str, object]:
    """Where the page links: subjects and the document by local path, what is said about the graph in words."""
    index, base = labels(), base_iri()
    return {
        "members": [(local_href(iri, base), label, kind) for iri, label, kind in view.members],
        "document_href": local_href(view.origin.document, base) if view.origin.document else None,
        "about": [(index.label(p), index.label(o) if not isinstance(o, Literal) else str(o), local_href(str(o), base)
                   if not isinstance(o, Literal) else None) for p, o, _in in view.about],
    }
