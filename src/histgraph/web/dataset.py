"""The dataset described: VoID, dumps, the ontology, the SHACL report, sitemap, licence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from rdflib import Graph
from werkzeug.wrappers.response import Response as WerkzeugResponse

from histgraph.atomic_files import replacing, write_atomically
from histgraph.present import ontology_docs
from histgraph.present.page_summaries import counts_from_json
from histgraph.present.report_pages import PagedReport, paged_report
from histgraph.present.site_paths import site_path
from histgraph.present.void import DUMPS, DatasetCounts, dataset_counts, void_graph
from histgraph.store.layout import REPORT_JSON, STATE, read_quads, write_dump
from histgraph.timestamps import utc_timestamp
from histgraph.validation.report import read_described
from histgraph.vocab import PREFIXES
from histgraph.web import representations as rep
from histgraph.web.browse import PAGE_SIZE, kind_counts, kind_members
from histgraph.web.client_input import whole_number
from histgraph.web.context import get_context
from histgraph.web.page_data import base_iri, build_folder, cache_folder, labels, page_summary

blueprint = Blueprint("dataset", __name__)

TITLE = "histgraph: Mao Zedong's cable of 2 January 1950"


def dataset_summary() -> DatasetCounts:
    """Triples, subjects, graphs and classes of the build being served (once per build: the build's count, else the store's)."""
    context = get_context()
    built = page_summary()
    if built is not None:
        return context.cached("dataset-counts", lambda: counts_from_json(built["dataset"]))
    return context.cached("dataset-counts", lambda: dataset_counts(context.store, base_iri()))


def _void() -> Graph:
    folder = build_folder()
    modified = None
    if folder is not None and (folder / STATE).is_file():
        modified = utc_timestamp((folder / STATE).stat().st_mtime)
    return void_graph(dataset_summary(), base_iri(), TITLE, modified)


@blueprint.route("/.well-known/void")
def void() -> Response:
    """The VoID and DCAT description, in the RDF format the client asks for (Turtle by default)."""
    chosen = rep.choose(request.accept_mimetypes)
    # A browser (HTML preferred) gets Turtle too: the description is data, not a page.
    fmt = rep.rdf_format("turtle" if chosen in (None, rep.HTML) else chosen)
    # Written once per build and format: at 10,000 documents the description has a subset per named graph.
    response = make_response(get_context().cached(f"void:{fmt.name}", lambda: rep.serialize(_void(), fmt)))
    response.headers["Content-Type"] = fmt.content_type
    response.vary.add("Accept")
    return response


def _write_once(path: Path, make: Callable[[], bytes]) -> Path:
    """Write ``make()`` to ``path`` unless it is there; renamed into place, never half-written."""
    if not path.is_file():
        write_atomically(path, make())
    return path


def _quads(folder: Path) -> list[ox.Quad]:
    """Every quad served: the build's dump, or the store itself when it is not a build (served files)."""
    if (folder / STATE).is_file():
        return read_quads(folder)
    return list(ox.Store.read_only(str(folder / "store")))


def _served_dump(folder: Path, name: str, target: Path) -> None:
    """``dataset.trig``/``dataset.nq`` of what is served, as one file at ``target``."""
    fmt = ox.RdfFormat.TRIG if name.endswith(".trig") else ox.RdfFormat.N_QUADS
    if (folder / STATE).is_file():
        write_dump(folder, name.rsplit(".", 1)[1], target)
    else:  # `histgraph serve FILE`: no build, the store made from FILE is the dataset
        with replacing(target) as handle:
            ox.Store.read_only(str(folder / "store")).dump(handle, format=fmt)


def _merged(folder: Path, fmt: ox.RdfFormat) -> bytes:
    """All graphs served merged into one graph, plus the VoID description."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in _quads(folder)}
    described = _void().serialize(format="nt", encoding="utf-8")
    triples.update(ox.parse(described, format=ox.RdfFormat.N_TRIPLES))
    ordered = sorted(triples, key=str)
    if fmt == ox.RdfFormat.JSON_LD:
        return ox.serialize(ordered, format=fmt) or b"[]"
    return ox.serialize(ordered, format=fmt, prefixes=dict(PREFIXES)) or b""


@blueprint.route("/dumps/<name>")
def dump(name: str) -> Response:
    """A download of the whole dataset (see :data:`histgraph.present.void.DUMPS`)."""
    folder = build_folder()
    if name not in DUMPS:
        abort(404, description="The downloads are: " + ", ".join(DUMPS) + ".")
    media = DUMPS[name][0]
    if name == "void.ttl":
        turtle = rep.rdf_format("turtle")
        response = make_response(get_context().cached(f"void:{turtle.name}", lambda: rep.serialize(_void(), turtle)))
        response.headers["Content-Type"] = "text/turtle; charset=utf-8"
        return response
    if folder is None:
        abort(404, description="This server reads a remote store; it has no dumps to offer.")
    if name in ("dataset.trig", "dataset.nq"):
        # The build keeps one file per part; the first download joins them, once per build.
        path = cache_folder() / name
        if not path.is_file():
            _served_dump(folder, name, path)
    else:
        fmt = ox.RdfFormat.TURTLE if name.endswith(".ttl") else ox.RdfFormat.JSON_LD
        path = _write_once(cache_folder() / name, lambda: _merged(folder, fmt))
    response = send_file(path, mimetype=media, as_attachment=False, download_name=name, max_age=3600)
    return response


@blueprint.route("/ontology")
def ontology() -> ResponseReturnValue:
    """The ontology as documentation (pyLODE) for browsers, as Turtle for programs."""
    if rep.choose(request.accept_mimetypes) not in (None, rep.HTML):
        return redirect(url_for("dataset.ontology_turtle"), 303)
    settings = get_context().settings
    page = ontology_docs.ontology_page(settings.ontology_dir, settings.builds_root / "cache")
    response = make_response(render_template("ontology.html", page=page))
    response.headers["Link"] = '</ontology.ttl>; rel="alternate"; type="text/turtle"'
    response.vary.add("Accept")
    return response


@blueprint.route("/ontology.ttl")
def ontology_turtle() -> Response:
    """The ontology file itself."""
    path = ontology_docs.ontology_file(get_context().settings.ontology_dir)
    return send_file(path, mimetype="text/turtle", max_age=3600)


def _paged_report(folder: Path) -> PagedReport | None:
    """The build's report.json ready to page, read once per build (at 10,000 documents it is megabytes of JSON)."""
    def make() -> PagedReport | None:
        described = read_described(folder / REPORT_JSON)
        return paged_report(described) if described is not None else None

    return get_context().cached("report-pages", make)


@blueprint.route("/report")
def report() -> str:
    """The SHACL validation report of the build being served: its counts, and one page of its findings, grouped."""
    folder = build_folder()
    paged = _paged_report(folder) if folder is not None else None
    # As /documents/: a page number that is not one is a 400, past the last page shows the last.
    page = min(whole_number("page", 1), paged.pages(PAGE_SIZE) if paged is not None else 1)
    documents = paged.page(page, PAGE_SIZE) if paged is not None else []
    return render_template("dataset-report.html", remote=folder is None, report=paged, documents=documents,
                           page=page, page_size=PAGE_SIZE, labels=labels())


@blueprint.route("/report.ttl")
def report_turtle() -> Response:
    """The SHACL report as the build wrote it."""
    folder = build_folder()
    if folder is None or not (folder / "report.ttl").is_file():
        abort(404, description="This build has no validation report.")
    return send_file(folder / "report.ttl", mimetype="text/turtle", max_age=60)


@blueprint.route("/licence")
def licence() -> WerkzeugResponse:
    """The licence statement (a section of the home page)."""
    return redirect(url_for("home.index") + "#licence", 302)


#: URLs per part of the sitemap: the protocol allows 50,000 (and 50 MB); fewer keep a part quick to write.
SITEMAP_PART = 5_000
_SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: Stands for the site's root in a cached sitemap (``.invalid`` is reserved: no real URL has it).
_ROOT = "https://sitemap-root.invalid"


def _sitemap_paths() -> list[str]:
    """Every page worth indexing, in order: home, the lists, each list's pages, each entity's page (once per build)."""

    def make() -> list[str]:
        base = base_iri()
        paths = ["/", url_for("document.index"), url_for("browse.index")]
        for kind, _heading, _count in sorted(kind_counts()):
            paths.append(url_for("browse.kind", kind=kind))
            paths += [path for _, iri in kind_members(kind) or () if (path := site_path(iri, base))]
        return paths

    return get_context().cached("sitemap-paths", make)


def _xml(root: ET.Element) -> Response:
    response = make_response(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    response.headers["Content-Type"] = "application/xml; charset=utf-8"
    return response


@blueprint.route("/sitemap.xml")
def sitemap() -> Response:
    """Every page worth indexing: one list, or an index of parts of at most :data:`SITEMAP_PART` URLs.

    The sitemaps.org protocol: a sitemap holds at most 50,000 URLs, and a
    sitemap index names the sitemaps of a larger site.
    """
    paths = _sitemap_paths()
    root = request.url_root.rstrip("/")
    if len(paths) <= SITEMAP_PART:
        return _part(paths, root, "whole")
    index = ET.Element("sitemapindex", xmlns=_SITEMAPS)
    for part in range(1, -(-len(paths) // SITEMAP_PART) + 1):
        ET.SubElement(ET.SubElement(index, "sitemap"), "loc").text = root + url_for("dataset.sitemap_part", part=part)
    return _xml(index)


@blueprint.route("/sitemap-<part>.xml")
def sitemap_part(part: str) -> Response:
    """One part of the sitemap index (the first is ``sitemap-1.xml``)."""
    paths = _sitemap_paths()
    count = -(-len(paths) // SITEMAP_PART)
    number = int(part) if part.isascii() and part.isdigit() and len(part) < 10 else 0
    if not 1 <= number <= count:
        abort(404, description=f"The sitemap has parts 1 to {count}; /sitemap.xml lists them.")
    start = (number - 1) * SITEMAP_PART
    return _part(paths[start:start + SITEMAP_PART], request.url_root.rstrip("/"), str(number))


def _part(paths: list[str], root: str, name: str) -> Response:
    def make() -> bytes:
        urlset = ET.Element("urlset", xmlns=_SITEMAPS)
        for path in paths:
            ET.SubElement(ET.SubElement(urlset, "url"), "loc").text = _ROOT + path
        return ET.tostring(urlset, encoding="utf-8", xml_declaration=True)

    # Written once per build and part; the host the client asked for goes in as it is sent, so that
    # a client naming other hosts cannot fill the per-build cache.
    body = get_context().cached(f"sitemap:{name}", make).replace(_ROOT.encode(), escape(root).encode("utf-8"))
    response = make_response(body)
    response.headers["Content-Type"] = "application/xml; charset=utf-8"
    return response
