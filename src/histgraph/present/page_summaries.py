"""What the pages show of the whole archive, computed once by the build instead of on a first visit.

The home page's counts, the browse lists, the VoID statistics, the sitemap, the
network's actors and the timeline each read the whole store. At 10,000
documents that took 6 to 50 s on a fresh server (issue #18), so the build
computes them once (:func:`write_page_summaries`, called by ``histgraph build``
before the build's manifest is written) into the build's ``pages/`` folder
(:data:`histgraph.store.layout.PAGES_DIR`), and the pages read the files. A
server without them (a remote store, a build made without the pages) computes
the same values with the same functions here, once per build.

The files, JSON written deterministically by :func:`histgraph.store.layout.write_page_files`:

* ``summary.json``: the count per kind, the dataset's VoID counts, the number of
  documents and the first few by name, the network's and the timeline's sizes and range;
* ``labels.json``: the best label of every labelled IRI (:class:`LabelIndex`);
* ``names.json``: every name of every minted node, with the sources of sourced variants (:class:`NameIndex`);
* ``browse/<kind>.json``: every member of a kind, ``[label, IRI]`` sorted by label;
* ``network-actors.json``: the actors' view of the network (who dealt with whom);
* ``network-all.json``: what the picture of every kind draws (:func:`drawn_json`: bounded, grown
  from the best-connected), so that view does not read the whole network;
* ``network.json``: the whole network, nodes and edges as rows (:func:`network_rows`), read
  instead of the two queries of :func:`extract_network` when a page draws a focus;
* ``timeline.json``: the whole timeline, which the timeline page shows a page at a time;
* ``texts.json``: every document's texts (:func:`histgraph.present.text_search.text_rows`), which the
  text search indexes.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rdflib import Literal

from histgraph.present.kinds import BROWSE_HEADINGS, kind_of
from histgraph.present.label_search import NameIndex
from histgraph.present.labels import LabelIndex
from histgraph.present.network import (
    Network,
    NetworkEdge,
    NetworkNode,
    actors_json,
    drawn_json,
    extract_network,
)
from histgraph.present.text_search import text_rows
from histgraph.present.timeline import extract_timeline
from histgraph.present.void import DatasetCounts, dataset_counts
from histgraph.store import EmbeddedStore, SelectStore, Store
from histgraph.store.layout import write_page_files

SUMMARY = "summary.json"
LABELS = "labels.json"
NAMES = "names.json"
NETWORK_ACTORS = "network-actors.json"
NETWORK = "network.json"
NETWORK_ALL = "network-all.json"
TEXTS = "texts.json"
TIMELINE = "timeline.json"
#: The documents the home page names; the rest are on the list of documents.
HOME_DOCUMENTS = 20

SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s a ?type . FILTER(STRSTARTS(STR(?s), ?prefix)) }"
DOCUMENTS = """
PREFIX rico: <https://www.ica.org/standards/RiC/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?doc (SAMPLE(?l) AS ?label) WHERE { ?doc a rico:Record ; rdfs:label ?l } GROUP BY ?doc ORDER BY ?label ?doc
"""


def browse_file(kind: str) -> str:
    """The page file of one kind's members."""
    return f"browse/{kind}.json"


def browse_members(store: SelectStore, index: LabelIndex, base_iri: str) -> dict[str, list[tuple[str, str]]]:
    """``kind -> [(label, IRI)]`` sorted by label, for every typed minted node but annotations."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in store.select(SUBJECTS, {"prefix": Literal(base_iri + "id/")}):
        iri = str(row["s"])
        kind = kind_of(iri, base_iri)
        if kind and "#" not in iri and kind != "annotation":
            found[kind].append((index.label(iri), iri))
    return {k: sorted(v, key=lambda x: (x[0].lower(), x[1])) for k, v in sorted(found.items())}


def documents(store: SelectStore) -> list[tuple[str, str]]:
    """Every document as ``(IRI, label)``, by label."""
    return [(str(r["doc"]), str(r["label"])) for r in store.select(DOCUMENTS)]


def kind_counts(members: dict[str, list[tuple[str, str]]]) -> list[tuple[str, int]]:
    """``(kind, how many)`` for every browsed kind that has members, in the browse order."""
    return [(k, len(members[k])) for k in BROWSE_HEADINGS if k in members]


def counts_json(counts: DatasetCounts) -> dict[str, Any]:
    """The dataset's counts as JSON (read back by :func:`counts_from_json`)."""
    return dataclasses.asdict(counts)


def counts_from_json(data: dict[str, Any]) -> DatasetCounts:
    """The dataset's counts written by :func:`counts_json`."""
    return DatasetCounts(
        data["triples"], data["subjects"], tuple(tuple(g) for g in data["graphs"]),
        tuple(tuple(c) for c in data["classes"]), data["entities"], tuple(data["vocabularies"]),
    )


def names_json(names: NameIndex) -> dict[str, Any]:
    """The name index as JSON (read back by :func:`names_from_json`): names already folded and grouped,
    so that reading it back neither folds nor sorts, and keeps the lists as read."""
    return {"folded": names.folded, "named": names.named,
            "sources": [[iri, name, list(found)] for (iri, name), found in sorted(names.sources.items())]}


def names_from_json(data: dict[str, Any], labels: LabelIndex, base_iri: str) -> NameIndex:
    """The name index written by :func:`names_json` (or, from an older build, as ``entries`` rows)."""
    sources = {(iri, name): tuple(found) for iri, name, found in data["sources"]}
    if "entries" in data:
        return NameIndex.from_entries((tuple(e) for e in data["entries"]), labels, base_iri, sources)
    return NameIndex(data["folded"], data["named"], labels, base_iri, sources)


def network_rows(network: Network) -> dict[str, Any]:
    """The whole network as rows of JSON (read back by :func:`network_from_rows`)."""
    return {
        "nodes": [[n.iri, n.label, n.kind, n.modality, list(n.documents), list(n.according_to)]
                  for n in network.nodes.values()],
        "edges": [[e.source, e.target, e.relation, e.label, e.modality] for e in network.edges],
        "sources": network.source_labels,
    }


def network_from_rows(data: dict[str, Any]) -> Network:
    """The network written by :func:`network_rows`, in the same order."""
    nodes = {row[0]: NetworkNode(row[0], row[1], row[2], row[3], tuple(row[4]), tuple(row[5]))
             for row in data["nodes"]}
    return Network(nodes, tuple(NetworkEdge(*row) for row in data["edges"]), dict(data["sources"]))


def timeline_range(timeline: dict[str, Any]) -> dict[str, Any]:
    """How many items the timeline has, and the earliest start and latest end of its dated items."""
    dated = timeline["items"]
    return {
        "items": len(dated), "undated": len(timeline["undated"]), "flags": len(timeline["flags"]),
        "first": min((i["start"] for i in dated), default=None),
        "last": max((i["end"] for i in dated), default=None),
    }


def page_summaries(store: Store, base_iri: str) -> Iterator[tuple[str, object]]:
    """Every page file of the store's data, as (file name, JSON value), one at a time (see the module's docstring).

    One at a time so that each is written and let go before the next is computed: at
    10,000 documents the network, the timeline and the name index together held about
    a gigabyte, on top of the build's copy of the data in memory.
    """
    index = LabelIndex.load(store)
    yield LABELS, index.best
    members = browse_members(store, index, base_iri)
    kinds = kind_counts(members)
    for kind, rows in members.items():
        yield browse_file(kind), rows
    del members
    yield NAMES, names_json(NameIndex.load(store, index, base_iri))
    del index
    network = extract_network(store)
    network_size = {"nodes": len(network.nodes), "edges": len(network.edges)}
    yield NETWORK_ACTORS, actors_json(network, base_iri)
    yield NETWORK_ALL, drawn_json(network, base_iri)
    yield NETWORK, network_rows(network)
    del network
    timeline = extract_timeline(store).to_json(base_iri)
    timeline_size = timeline_range(timeline)
    yield TIMELINE, timeline
    del timeline
    yield TEXTS, text_rows(store, base_iri)
    docs = documents(store)
    yield SUMMARY, {
        "kinds": kinds,
        "dataset": counts_json(dataset_counts(store, base_iri)),
        "documents": {"total": len(docs), "first": docs[:HOME_DOCUMENTS]},
        "network": network_size,
        "timeline": timeline_size,
    }


def write_page_summaries(folder: Path, base_iri: str, store: EmbeddedStore | None = None) -> list[str]:
    """Compute the page files of the build at ``folder`` and write them; their names.

    ``store`` is the build's data (by default a copy in memory of its dump,
    :meth:`EmbeddedStore.in_memory`: every summary joins every entity).
    """
    data = store if store is not None else EmbeddedStore.in_memory(folder)
    return write_page_files(folder, page_summaries(data, base_iri))
