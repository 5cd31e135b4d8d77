"""``histgraph enrich``: a dated snapshot of what Wikidata says about our reviewed matches.

For each item of a reviewed ``skos:exactMatch``, the snapshot keeps labels and
descriptions in English, Chinese and Russian, dates of birth and death
(``wdt:P569``/``P570``), positions held around the time of the documents
(``p:P39`` statements with only their start and end qualifiers), the image
(``wdt:P18``, a Wikimedia Commons file, with the licence, rights holder and file
page that Commons gives for it) and coordinates (``wdt:P625``, a
``geo:wktLiteral`` "Point(lon lat)").

It is written to ``data/enrichment/wikidata-snapshot.trig`` in the named graph
``graph:wikidata-snapshot``, with the graph's provenance (retrieval time,
source, endpoint, licence) in the file's default graph, so the site and the
tests work offline and every value can be attributed to Wikidata. The file is
written only when every answer is in; candidates are never enriched.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef

from histgraph.config import Settings
from histgraph.wikidata.client import WikidataClient, chunks, load_query
from histgraph.wikidata.local import WD, Period, parse_date, project_store, read_entities
from histgraph.wikidata.trig import iri, prefixed, text, typed, write_trig

SNAPSHOT_GRAPH = "graph/wikidata-snapshot"
SNAPSHOT_FILE = Path("enrichment") / "wikidata-snapshot.trig"
BATCH = 50
FILE_PATH = "http://commons.wikimedia.org/wiki/Special:FilePath/"
WIKIDATA_LICENCE = "http://creativecommons.org/publicdomain/zero/1.0/"
#: Positions count as "around the time" if they overlap the documents' period widened by this.
POSITION_SLACK = timedelta(days=366)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class EnrichResult:
    """What an enrichment run wrote."""

    path: Path
    items: int
    triples: int
    images: int
    places: int
    requests: int


def reviewed_qids(data_dir: Path) -> list[str]:
    """QIDs of the project's reviewed matches (``skos:exactMatch`` in a graph marked hg:Reviewed)."""
    store = project_store(data_dir)
    found = set()
    for row in store.select(load_query("local-links")):
        if str(row["relation"]).endswith("exactMatch") and str(row.get("status", "")).endswith(
            "#Reviewed"
        ):
            found.add(str(row["item"])[len(WD) :])
    return sorted(found, key=lambda q: int(q[1:]))


def _in_window(start: date | None, end: date | None, period: Period | None) -> bool:
    if start is None and end is None:
        return False
    if period is None:
        return True
    first, last = period.start - POSITION_SLACK, period.end + POSITION_SLACK
    return (start is None or start <= last) and (end is None or end >= first)


def item_quads(
    rows: list[dict[str, Any]], period: Period | None
) -> tuple[list[ox.Quad], list[str]]:
    """Snapshot quads for the rows of ``enrich.rq``, and the image IRIs found."""
    graph = iri(SNAPSHOT_GRAPH)
    quads: list[ox.Quad] = []
    images: list[str] = []
    simple = {
        "label": prefixed("rdfs:label"),
        "description": prefixed("schema:description"),
        "P569": prefixed("wdt:P569"),
        "P570": prefixed("wdt:P570"),
        "P625": prefixed("wdt:P625"),
    }
    for row in rows:
        item, field, value = ox.NamedNode(str(row["item"])), str(row["field"]), row["value"]
        if field in simple and isinstance(value, Literal):
            quads.append(ox.Quad(item, simple[field], _literal(value), graph))
        elif (
            field == "P18"
            and isinstance(value, URIRef)
            and str(value).startswith(("http://", "https://"))
        ):
            quads.append(ox.Quad(item, prefixed("wdt:P18"), ox.NamedNode(str(value)), graph))
            images.append(str(value))
        elif field == "P39" and isinstance(value, URIRef):
            start = parse_date(str(row["start"])) if "start" in row else None
            end = parse_date(str(row["end"])) if "end" in row else None
            if not _in_window(start, end, period):
                continue
            position, statement = ox.NamedNode(str(value)), ox.NamedNode(str(row["statement"]))
            quads += [
                ox.Quad(item, prefixed("wdt:P39"), position, graph),
                ox.Quad(item, prefixed("p:P39"), statement, graph),
                ox.Quad(statement, prefixed("ps:P39"), position, graph),
            ]
            for key, prop in (("start", "pq:P580"), ("end", "pq:P582")):
                if key in row and isinstance(row[key], Literal):
                    quads.append(ox.Quad(statement, prefixed(prop), _literal(row[key]), graph))
            if "valueLabel" in row:
                quads.append(
                    ox.Quad(position, prefixed("rdfs:label"), _literal(row["valueLabel"]), graph)
                )
    return quads, images


def _literal(value: Literal) -> ox.Literal:
    if value.language:
        return ox.Literal(str(value), language=value.language)
    if value.datatype is not None:
        return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
    return ox.Literal(str(value))


def commons_title(image: str) -> str:
    """``File:Name.jpg`` for a ``Special:FilePath`` IRI (the form Wikidata gives images in)."""
    return "File:" + urllib.parse.unquote(image.rsplit("/", 1)[-1]).replace("_", " ")


def licence_quads(client: WikidataClient, api_url: str, images: list[str]) -> list[ox.Quad]:
    """Licence, rights holder and file page of each image, as Wikimedia Commons states them."""
    graph = iri(SNAPSHOT_GRAPH)
    quads: list[ox.Quad] = []
    by_title = {commons_title(i): i for i in images}
    for batch in chunks((Literal(t) for t in sorted(by_title)), BATCH):
        params = {
            "action": "query",
            "format": "json",
            "prop": "imageinfo",
            "iiprop": "extmetadata",
            "titles": "|".join(str(t) for t in batch),
        }
        answer = client.get_json(api_url, params).get("query", {})
        renamed = {n["to"]: n["from"] for n in answer.get("normalized", [])}
        for page in answer.get("pages", {}).values():
            title = renamed.get(page.get("title", ""), page.get("title", ""))
            if title not in by_title:
                continue
            image = ox.NamedNode(by_title[title])
            page_url = "https://commons.wikimedia.org/wiki/" + urllib.parse.quote(
                page["title"].replace(" ", "_")
            )
            quads.append(ox.Quad(image, prefixed("schema:url"), ox.NamedNode(page_url), graph))
            meta = (page.get("imageinfo") or [{}])[0].get("extmetadata", {})
            licence_url = _plain(meta.get("LicenseUrl"))
            if licence_url.startswith(("http://", "https://")):
                quads.append(
                    ox.Quad(image, prefixed("dcterms:license"), ox.NamedNode(licence_url), graph)
                )
            for key, prop in (
                ("LicenseShortName", "dcterms:rights"),
                ("Artist", "dcterms:creator"),
            ):
                if _plain(meta.get(key)):
                    quads.append(ox.Quad(image, prefixed(prop), text(_plain(meta.get(key))), graph))
    return quads


def _plain(entry: Any) -> str:
    """The text of an extmetadata entry, without its HTML."""
    value = entry.get("value", "") if isinstance(entry, dict) else ""
    return html.unescape(_TAG.sub("", str(value))).strip()


def provenance_quads(
    endpoint: str, retrieved: str, with_images: bool, commons_api: str
) -> list[ox.Quad]:
    """The snapshot graph's provenance: when, from where, under which licence."""
    graph = iri(SNAPSHOT_GRAPH)
    agent = prefixed("agent:histgraph-enrich")
    quads = [
        ox.Quad(graph, prefixed("rdfs:label"), text("Wikidata snapshot", "en")),
        ox.Quad(graph, prefixed("prov:generatedAtTime"), typed(retrieved, "dateTime")),
        ox.Quad(graph, prefixed("dcterms:source"), ox.NamedNode("https://www.wikidata.org/")),
        ox.Quad(graph, prefixed("dcterms:license"), ox.NamedNode(WIKIDATA_LICENCE)),
        ox.Quad(graph, prefixed("prov:wasAttributedTo"), agent),
        ox.Quad(
            graph,
            prefixed("rdfs:comment"),
            text(
                "What Wikidata said about the items of the project's reviewed matches when it was retrieved "
                "(prov:generatedAtTime): labels, descriptions, dates, positions held around the time of the "
                "documents, images and coordinates. Wikidata's data is CC0; each image has its own licence, "
                "as Wikimedia Commons states it.",
                "en",
            ),
        ),
        ox.Quad(agent, prefixed("rdf:type"), prefixed("prov:SoftwareAgent")),
        ox.Quad(agent, prefixed("rdf:type"), prefixed("prov:Agent")),
        ox.Quad(agent, prefixed("rdfs:label"), text("histgraph enrich", "en")),
    ]
    # Sources are records in the data (the shapes want every prov:wasDerivedFrom
    # to be one): the endpoint and the Commons API each get a source record.
    services = [
        (
            "source:wikidata-sparql-endpoint",
            endpoint,
            "SPARQL endpoint queried for the Wikidata snapshot",
        )
    ]
    if with_images:
        quads.append(
            ox.Quad(
                graph, prefixed("dcterms:source"), ox.NamedNode("https://commons.wikimedia.org/")
            )
        )
        services.append(
            (
                "source:wikimedia-commons-api",
                commons_api,
                "Wikimedia Commons API queried for image licences",
            )
        )
    for name, url, label in services:
        source = prefixed(name)
        quads += [
            ox.Quad(graph, prefixed("prov:wasDerivedFrom"), source),
            ox.Quad(source, prefixed("rdf:type"), prefixed("prov:Entity")),
            ox.Quad(source, prefixed("rdfs:label"), text(label, "en")),
        ]
        if url.startswith(("http://", "https://")):
            quads.append(ox.Quad(source, prefixed("schema:url"), ox.NamedNode(url)))
    return quads


def enrich(
    settings: Settings,
    client: WikidataClient,
    *,
    on_plan: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> EnrichResult:
    """Fetch the snapshot for every reviewed match and write it (atomically, all or nothing)."""
    from histgraph.errors import HistgraphError

    qids = reviewed_qids(settings.data_dir)
    if not qids:
        raise HistgraphError(
            "no reviewed Wikidata matches to enrich; run `histgraph link` and review first"
        )
    _, period = read_entities(project_store(settings.data_dir))
    batches = chunks((URIRef(WD + q) for q in qids), BATCH)
    if on_plan:
        on_plan(len(batches) + 1)
    tick = progress or (lambda _n: None)
    rows: list[dict[str, Any]] = []
    for batch in batches:
        rows += client.select(load_query("enrich"), {"item": batch})
        tick(1)
    quads, images = item_quads(rows, period)
    if images:
        quads += licence_quads(client, settings.commons_api_url, images)
    tick(1)
    retrieved = client.oldest_answer or ""
    quads += provenance_quads(
        settings.wikidata_endpoint, retrieved, bool(images), settings.commons_api_url
    )
    path = settings.data_dir / SNAPSHOT_FILE
    comment = (
        "A snapshot of Wikidata for the project's reviewed matches, written by `histgraph enrich`.\n"
        "Retrieved data, not the project's own statements: pages show it attributed to Wikidata.\n"
        "Run `histgraph enrich` again to refresh it; do not edit by hand."
    )
    write_trig(path, quads, comment)
    places = len({q.subject for q in quads if q.predicate == prefixed("wdt:P625")})
    return EnrichResult(
        path,
        len(qids),
        sum(1 for q in quads if q.graph_name == iri(SNAPSHOT_GRAPH)),
        len(set(images)),
        places,
        client.requests,
    )
