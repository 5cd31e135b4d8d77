"""Pictures of the graph: the network, the timeline, the map, and downloads of exports.

Thin handlers over :mod:`histgraph.present.network`, :mod:`histgraph.present.timeline`,
:mod:`histgraph.present.geo` and :mod:`histgraph.present.export`. Pages carry no data inline (the
Content-Security-Policy forbids inline scripts): the scripts in ``static/`` read
the JSON endpoints named in ``data-src`` attributes. Everything is computed once
per build and cached.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from histgraph.errors import HistgraphError, quoted
from histgraph.present.export import FORMATS, export
from histgraph.present.geo import SNAPSHOT_GRAPH, map_json, place_points
from histgraph.present.network import (
    ACTOR_KINDS,
    KIND_STYLES,
    KINDS,
    MODALITIES,
    Network,
    actors_json,
    drawn_json,
    extract_network,
)
from histgraph.present.page_summaries import (
    NETWORK,
    NETWORK_ACTORS,
    NETWORK_ALL,
    TIMELINE,
    network_from_rows,
)
from histgraph.present.timeline import by_date, extract_timeline, timeline_page, timeline_pages
from histgraph.store.layout import read_page_file
from histgraph.web.client_input import choices, web_iri, whole_number
from histgraph.web.context import get_context
from histgraph.web.page_data import build_folder, page_file, page_summary
from histgraph.web.search import MAX_QUERY, names

blueprint = Blueprint("views", __name__)

#: Download name -> export format; the names are what a user's browser saves.
DOWNLOADS = {
    "network.gexf": "gexf",
    "network.graphml": "graphml",
    "network-nodes.csv": "nodes-csv",
    "network-edges.csv": "edges-csv",
    "timeline-timelinejs.json": "timelinejs",
    "network.svg": "svg",
    "network.png": "png",
    "network.dot": "dot",
}
MAX_DEPTH = 3
#: The rows of the table beside the picture, the strongest first (the JSON has every drawn edge).
TABLE_ROWS = 100


def _network() -> Network:
    """The whole network: the build's file, else read from the store (two queries over everything)."""
    context = get_context()

    def make() -> Network:
        rows = read_page_file(build_folder(), NETWORK)  # not kept as JSON too: the network is
        return network_from_rows(rows) if isinstance(rows, dict) else extract_network(context.store)

    return context.cached("views-network", make)


#: What the network page can draw without a focus: who dealt with whom (the default), or every kind.
VIEWS = ("actors", "all")


def _view() -> str:
    """``?view=actors`` (the default: people and groups, tied by what they dealt with) or ``?view=all``."""
    chosen = choices("view", VIEWS)
    return chosen[-1] if chosen else "actors"


def _focus_iri() -> str | None:
    """The entity to centre on: ``?focus=IRI``, or the best match for ``?name=`` ("focus on…"); None for none."""
    iri = web_iri("focus")
    if iri is not None:
        return iri
    name = (request.args.get("name") or "").strip()[:MAX_QUERY]
    if not name:
        return None
    graph = _network()
    found = [m.iri for m in names().search(name, limit=20) if m.iri in graph.nodes]
    return found[0] if found else ""


def _depth() -> int:
    """How many relations away from the focus to draw (``?depth=``, 1 by default)."""
    return whole_number("depth", 1, high=MAX_DEPTH)


def _downloads() -> list[tuple[str, str]]:
    return [(name, url_for("views.download", name=name)) for name in DOWNLOADS]


def _actors() -> dict[str, Any]:
    built = page_file(NETWORK_ACTORS)  # the build's: drawing it from the store reads the whole network
    if isinstance(built, dict):
        return built
    context = get_context()
    return context.cached("views-network-actors", lambda: actors_json(_network(), context.settings.base_iri))


def _network_size() -> tuple[int, int]:
    """How many nodes and edges the whole network has: the build's count, else the store's network."""
    built = page_summary()
    if built is not None:
        return built["network"]["nodes"], built["network"]["edges"]
    graph = _network()
    return len(graph.nodes), len(graph.edges)


def _drawn(focus: str | None, depth: int, view: str) -> dict[str, Any]:
    """What the picture draws: one actor's neighbourhood, the actors' view, or every kind (bounded)."""
    if not focus and view == "actors":
        return _actors()  # the build's, without reading the whole network
    context = get_context()
    if not focus:  # every kind: the same picture for everyone, the build's (reading the whole network took seconds)
        built = page_file(NETWORK_ALL)
        if isinstance(built, dict):
            return built
        return context.cached("views-network-all", lambda: drawn_json(_network(), context.settings.base_iri))
    return drawn_json(_network(), context.settings.base_iri, focus, depth)


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The table beside the picture: one row per pair of actors, or per relation, with links."""
    nodes = {n["id"]: n for n in data["nodes"]}
    rows = []
    for e in data["edges"]:
        first, second = nodes[e["source"]], nodes[e["target"]]
        rows.append({"first": first, "second": second, "label": e["label"], "modality": e["modality"],
                     "facts": e.get("facts", []), "count": e.get("fact_count") or len(e.get("facts", [])) or 1})
    return sorted(rows, key=lambda r: (-r["count"], r["first"]["label"], r["second"]["label"]))


@blueprint.route("/network")
def network() -> str:
    """The network page: who dealt with whom (default), every kind (``?view=all``), or one entity's
    neighbourhood (``?focus=IRI`` or ``?name=``, with ``?depth=``); never more than it can draw legibly."""
    focus, depth, view = _focus_iri(), _depth(), _view()
    # The whole network only for a focus: the actors' view and every kind are the build's.
    graph = _network() if focus else Network()
    if focus == "":
        data = Network().to_json(get_context().settings.base_iri)
        src = None
    else:
        data = _drawn(focus, depth, view)
        src = (url_for("views.network_json", focus=focus, depth=depth) if focus
               else url_for("views.network_json", view=view))
    return render_template(
        "network.html",
        src=src,
        focus=focus,
        focus_label=graph.nodes[focus].label if focus in graph.nodes else None,
        name=(request.args.get("name") or "")[:MAX_QUERY],
        depth=depth,
        max_depth=MAX_DEPTH,
        view=view,
        data=data,
        rows=_rows(data)[:TABLE_ROWS],
        rows_total=len(data["edges"]),
        actor_kinds=ACTOR_KINDS,
        kinds=[(k, KIND_STYLES[k]) for k in KINDS],
        modalities=list(MODALITIES.values()),
        downloads=_downloads(),
        node_count=_network_size()[0],
        edge_count=_network_size()[1],
    )


@blueprint.route("/network.json")
def network_json() -> Response:
    """Nodes and edges as JSON: the whole network (no parameters: data for programs, not drawn), the
    actors' view (``?view=actors``), every kind bounded for drawing (``?view=all``), or
    ``?focus=IRI&depth=1`` for one entity's neighbourhood."""
    context = get_context()
    graph = _network()
    focus = _focus_iri()
    depth = _depth()
    if focus is None:
        if not request.args.getlist("view"):
            return jsonify(context.cached("views-network-json", lambda: graph.to_json(context.settings.base_iri)))
        return jsonify(_drawn(None, depth, _view()))
    if focus not in graph.nodes:
        # Entity pages embed this for every entity; time-spans, notes and the like are not
        # drawn, which is an answer ("nothing around it"), not an error.
        empty = graph.neighbourhood(focus, 0).to_json(context.settings.base_iri, focus=focus)
        empty["note"] = ("nothing of that name is drawn" if focus == "" else
                         "not drawn in the network (only people, groups, events, plans, options, places…)")
        return jsonify(empty)
    return jsonify(_drawn(focus, depth, _view()))


def _timeline_json() -> dict[str, Any]:
    built = page_file(TIMELINE)  # the build's: reading it from the store takes seconds at 10,000 documents
    if isinstance(built, dict):
        return built
    context = get_context()
    return context.cached(
        "views-timeline-json", lambda: extract_timeline(context.store).to_json(context.settings.base_iri)
    )


def _timeline_page() -> dict[str, Any]:
    """The page of the timeline asked for (``?page=``, the last when past it)."""
    whole = get_context().cached("views-timeline-by-date", lambda: by_date(_timeline_json()))
    page = min(whole_number("page", 1), timeline_pages(whole))
    return timeline_page(whole, page)  # a slice of the list already in date order: not worth a cache entry per page


@blueprint.route("/timeline")
def timeline() -> str:
    """The timeline page: reported events, the plan, and the record of other sources, a page at a time."""
    data = _timeline_page()
    # One page: the whole timeline's JSON, as before paging; else the page's own.
    src = url_for("views.timeline_json", page=data["page"]) if data["pages"] > 1 else url_for("views.timeline_json")
    return render_template("timeline.html", src=src, data=data, downloads=_downloads())


@blueprint.route("/timeline.json")
def timeline_json() -> Response:
    """The timeline's rows, dated items, undated notes and consistency flags as JSON (``?page=`` for one page)."""
    if request.args.getlist("page"):
        return jsonify(_timeline_page())
    context = get_context()
    # Serialized once per build: at 10,000 documents it is megabytes.
    body = context.cached("views-timeline-body", lambda: json.dumps(_timeline_json(), sort_keys=True, separators=(",", ":")).encode())
    return Response(body, mimetype="application/json")


def _map_json() -> dict[str, Any]:
    context = get_context()
    base = context.settings.base_iri
    return context.cached("views-map-json", lambda: map_json(place_points(context.store, base), base))


@blueprint.route("/map", endpoint="map")
def map_page() -> str:
    """Places whose reviewed Wikidata match has coordinates in the enrichment snapshot."""
    data = _map_json()
    return render_template(
        "map.html",
        src=url_for("views.map_json"),
        points=data["points"],
        snapshot=get_context().settings.base_iri + SNAPSHOT_GRAPH,
    )


@blueprint.route("/map.json", endpoint="map_json")
def map_json_view() -> Response:
    """The map's points as JSON."""
    return jsonify(_map_json())


@blueprint.route("/exports/<name>")
def download(name: str) -> Response:
    """One export as a download (the same bytes as ``histgraph export``)."""
    fmt = DOWNLOADS.get(name)
    if fmt is None:
        abort(404, description=f"no export {quoted(name)}; available: {', '.join(DOWNLOADS)}")
    context = get_context()
    try:
        data = context.cached(f"views-export-{fmt}", lambda: export(context.store, context.settings.base_iri, fmt))
    except HistgraphError as exc:
        abort(503, description=str(exc))
    response = Response(data, mimetype=FORMATS[fmt].media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
