"""Places with coordinates, for the map.

Coordinates are not the project's own data: they come from the Wikidata
enrichment snapshot (the named graph ``<base>graph/wikidata-snapshot``), where a
Wikidata item carries ``wdt:P625`` as a ``geo:wktLiteral`` ``"Point(lon lat)"``.
A place is drawn only through a reviewed link (``skos:exactMatch``), never a
candidate (``skos:closeMatch``): an unconfirmed match must not put a point on the map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rdflib import URIRef

from histgraph.present.site_paths import site_path
from histgraph.store import Store

SNAPSHOT_GRAPH = "graph/wikidata-snapshot"
"""The enrichment snapshot's graph, relative to the base IRI."""

PLACES_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?place ?label ?item ?wkt WHERE {
  ?place a crm:E53_Place ; skos:exactMatch ?item .
  GRAPH ?snapshot { ?item wdt:P625 ?wkt }
  OPTIONAL { ?place rdfs:label ?label FILTER(langMatches(lang(?label), "en") || lang(?label) = "") }
}
ORDER BY ?place ?item
"""
"""Places with a reviewed Wikidata match that has coordinates in the snapshot (``?snapshot`` is bound)."""

# An optional CRS IRI, then POINT(x y); GeoSPARQL's default CRS (CRS84) is longitude first.
_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class PlacePoint:
    """A place of the graph at the coordinates of its Wikidata match."""

    iri: str
    label: str
    wikidata: str
    lon: float
    lat: float


def parse_point(wkt: str) -> tuple[float, float] | None:
    """``(lon, lat)`` from a WKT point, or None if it is not a point on the globe.

    >>> parse_point("Point(37.617 55.756)")
    (37.617, 55.756)
    >>> parse_point("Polygon((0 0, 1 1, 1 0, 0 0))") is None
    True
    """
    match = _POINT.match(wkt)
    if not match:
        return None
    lon, lat = float(match.group(1)), float(match.group(2))
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return lon, lat


def place_points(store: Store, base_iri: str) -> list[PlacePoint]:
    """Every place that can be drawn, one point per (place, Wikidata item) with coordinates."""
    rows = store.select(PLACES_QUERY, {"snapshot": URIRef(base_iri + SNAPSHOT_GRAPH)})
    points: dict[tuple[str, str], PlacePoint] = {}
    for row in rows:
        point = parse_point(str(row["wkt"]))
        key = (str(row["place"]), str(row["item"]))
        if point is None or key in points:
            continue
        label = str(row.get("label", key[0].rsplit("/", 1)[-1]))
        points[key] = PlacePoint(key[0], label, key[1], *point)
    return list(points.values())


def map_json(points: list[PlacePoint], base_iri: str) -> dict[str, Any]:
    """The map's data: points with page links, and where they come from."""
    return {
        "snapshot": base_iri + SNAPSHOT_GRAPH,
        "points": [
            {
                "id": p.iri,
                "label": p.label,
                "href": site_path(p.iri, base_iri),
                "wikidata": p.wikidata,
                "lon": p.lon,
                "lat": p.lat,
            }
            for p in points
        ],
    }
