"""The actor–event network: who dealt with whom, about what, drawn faithfully to the model.

:func:`extract_network` reads the store with two queries (one for nodes, one for
edges, however large the archive) and returns a :class:`Network`: actors,
groups, roles, events, plans, steps, options, requests, questions, claims,
places, documents and works, each with its IRI, label, kind and modality, and
the relations between them labelled in words ("took part in", "is to travel
to"). An edge's modality is that of the fact it belongs to, so the edges of a
plan are planned, never reported. The web views, the exports and the entity
pages all draw from this one function.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from histgraph.present.kinds import DRAWINGS
from histgraph.present.relation_phrases import drawn_phrase
from histgraph.present.site_paths import site_path
from histgraph.store import Store, each_row
from histgraph.vocab import HG, PROV, SCHEMA

#: hg: modality concepts -> the word shown and exported.
MODALITIES = {
    str(HG.Reported): "reported",
    str(HG.Planned): "planned",
    str(HG.Proposed): "proposed",
    str(HG.Requested): "requested",
    str(HG.Asked): "asked",
    str(HG.Conditional): "conditional",
}
#: What exports write for nodes and edges the model gives no modality (people, places…).
NO_MODALITY = "n/a"

#: Node kinds in order of precedence (the legend's order), and how each is drawn.
KINDS: tuple[str, ...] = tuple(d.name for d in DRAWINGS)
KIND_STYLES: dict[str, dict[str, str]] = {d.name: d.style() for d in DRAWINGS}
_KIND_OF_CLASS = {str(cls): d.name for d in DRAWINGS for cls in d.classes}
_KIND_RANK = {str(cls): d.precedence for d in DRAWINGS for cls in d.classes}
_CLASSES = sorted(_KIND_OF_CLASS)

#: Links that are provenance of a fact, not relations in the story: shown as node
#: details (``according_to``) rather than as edges that would tie every fact to its author.
NOT_EDGES = (
    str(HG.accordingTo),
    str(PROV.wasDerivedFrom),
    str(HG.consistencyNote),
)
#: The bibliographic layer (editors, publishers of the editions) is citation, not story.
NOT_EDGE_NAMESPACES = (str(SCHEMA),)


def _values(variable: str, iris: Iterable[str]) -> str:
    # Constant class and property IRIs from this module's tables, never request values.
    return "VALUES ?" + variable + " { " + " ".join(f"<{iri}>" for iri in iris) + " }"


NODES_QUERY = (
    """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX hg: <https://histgraph.example.org/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX rico: <https://www.ica.org/standards/RiC/ontology#>
SELECT DISTINCT ?node ?class ?label ?modality ?document ?accordingTo ?accordingToLabel WHERE {
  """
    + _values("class", _CLASSES)
    + """
  GRAPH ?typeGraph { ?node a ?class }
  # The types the sources give: the closure in graph:derived would make every statement a "work".
  FILTER(isIRI(?node) && !STRENDS(STR(?typeGraph), "/graph/derived"))
  OPTIONAL { ?node rdfs:label ?label }
  OPTIONAL { ?node hg:modality ?modality }
  OPTIONAL { ?node hg:accordingTo ?accordingTo .
             OPTIONAL { ?accordingTo rdfs:label ?accordingToLabel
                        FILTER(langMatches(lang(?accordingToLabel), "en") || lang(?accordingToLabel) = "") } }
  OPTIONAL { ?annotation oa:hasBody ?node ; oa:hasTarget/oa:hasSource ?text .
             ?document crm:P165_incorporates ?text ; a rico:Record . }
}
"""
)
"""Every node with its classes, labels, modality, documents that state it, and sources."""

EDGES_QUERY = (
    """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX hg: <https://histgraph.example.org/ontology#>
SELECT DISTINCT ?s ?p ?o ?relationLabel ?statementModality WHERE {
  """
    + _values("sc", _CLASSES)
    + """
  """
    + _values("oc", _CLASSES)
    + """
  ?s a ?sc .
  GRAPH ?g { ?s ?p ?o }
  # What the sources say, not the shortcuts and closure the build derives (graph:derived, build/derived.py).
  FILTER(!STRENDS(STR(?g), "/graph/derived"))
  ?o a ?oc .
  FILTER(isIRI(?s) && isIRI(?o) && ?p != rdf:type && ?s != ?o)
  OPTIONAL { ?p rdfs:label ?relationLabel FILTER(langMatches(lang(?relationLabel), "en")) }
  OPTIONAL { ?statement rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                        hg:modality ?statementModality . }
}
"""
)
"""Every IRI-to-IRI triple between two nodes, with the property's label and, for a
reified claim (``rdf:Statement``, as in ``data/record/``), the claim's modality."""


@dataclass(frozen=True)
class NetworkNode:
    """One node: an entity of the graph, with what a viewer needs to draw and link it."""

    iri: str
    label: str
    kind: str
    modality: str | None
    documents: tuple[str, ...] = ()
    according_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class NetworkEdge:
    """One relation, in reading direction, with the modality of the fact it belongs to."""

    source: str
    target: str
    relation: str
    label: str
    modality: str | None

    @property
    def key(self) -> str:
        """A stable identifier (edges have no IRI of their own)."""
        return f"{self.source} {self.relation} {self.target}"


@dataclass(frozen=True)
class Network:
    """Nodes by IRI and edges, in a stable order."""

    nodes: dict[str, NetworkNode] = field(default_factory=dict)
    edges: tuple[NetworkEdge, ...] = ()
    #: Labels of the sources named in ``according_to`` (they are not nodes themselves).
    source_labels: dict[str, str] = field(default_factory=dict)

    def neighbourhood(self, focus: str, depth: int = 1) -> Network:
        """The part of the network within ``depth`` relations of ``focus`` (either direction)."""
        adjacent: dict[str, set[str]] = defaultdict(set)
        for edge in self.edges:
            adjacent[edge.source].add(edge.target)
            adjacent[edge.target].add(edge.source)
        seen = {focus}
        frontier = deque([(focus, 0)])
        while frontier:
            iri, distance = frontier.popleft()
            if distance == depth:
                continue
            for other in sorted(adjacent[iri] - seen):
                seen.add(other)
                frontier.append((other, distance + 1))
        nodes = {iri: node for iri, node in self.nodes.items() if iri in seen}
        edges = tuple(e for e in self.edges if e.source in seen and e.target in seen)
        return Network(nodes, edges, self.source_labels)

    def to_json(self, base_iri: str, focus: str | None = None) -> dict[str, Any]:
        """The network as JSON for the viewers: nodes and edges with page links."""
        return {
            "focus": focus,
            "kinds": list(KINDS),
            "styles": KIND_STYLES,
            "modalities": list(MODALITIES.values()),
            "nodes": [
                {
                    "id": n.iri,
                    "label": n.label,
                    "kind": n.kind,
                    "modality": n.modality,
                    "href": site_path(n.iri, base_iri),
                    "documents": list(n.documents),
                    "according_to": [
                        {"id": iri, "label": self.source_labels.get(iri, iri)} for iri in n.according_to
                    ],
                    "origin": origin(n),
                }
                for n in self.nodes.values()
            ],
            "edges": [
                {
                    "id": e.key,
                    "source": e.source,
                    "target": e.target,
                    "relation": e.relation,
                    "label": e.label,
                    "modality": e.modality,
                }
                for e in self.edges
            ],
        }


def origin(node: NetworkNode) -> str | None:
    """Where a fact comes from: "document" (anchored in a document's text), "other sources"
    (a claim attributed to a source outside the archive, as in ``data/record/``), or None."""
    if node.documents:
        return "document"
    if node.according_to:
        return "other sources"
    return None


def _pick_label(labels: list[tuple[str, str | None]], iri: str) -> str:
    for wanted in ("en", None):
        for text, lang in labels:
            if lang == wanted:
                return text
    if labels:
        return sorted(labels)[0][0]
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _local_name(iri: str) -> str:
    name = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return name.split("_", 1)[1].replace("_", " ") if name[:1] == "P" and "_" in name else name


def extract_network(store: Store) -> Network:
    """The whole network of the store: two queries, assembled in Python.

    Things that nothing relates to and that no document mentions (editions,
    their editors and publishers, the sources of other claims) are left out:
    they are citations, not part of the story. Everything else of a listed kind
    is a node, even without relations.
    """
    found = _node_rows(store)
    edges = _edges(store, found)
    related = {e.source for e in edges.values()} | {e.target for e in edges.values()}
    nodes: dict[str, NetworkNode] = {}
    for iri in sorted(found.classes):
        best = min(found.classes[iri], key=lambda c: _KIND_RANK[c])
        kind = _KIND_OF_CLASS[best]
        if iri not in related and not found.documents[iri]:
            continue
        nodes[iri] = NetworkNode(
            iri,
            _pick_label(sorted(found.labels[iri], key=lambda t: (t[0], t[1] or "")), iri),
            kind,
            found.modality.get(iri),
            tuple(sorted(found.documents[iri])),
            tuple(sorted(found.according[iri])),
        )
    kept = tuple(
        sorted(
            (e for e in edges.values() if e.source in nodes and e.target in nodes),
            key=lambda e: (e.source, e.relation, e.target),
        )
    )
    return Network(nodes, kept, found.source_labels)


@dataclass
class _NodeRows:
    """What the nodes query says of each node, gathered by IRI."""

    classes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, set[tuple[str, str | None]]] = field(default_factory=lambda: defaultdict(set))
    modality: dict[str, str] = field(default_factory=dict)
    documents: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    according: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    source_labels: dict[str, str] = field(default_factory=dict)


def _node_rows(store: Store) -> _NodeRows:
    """Every node of a listed kind with its classes, labels, modality, documents and sources."""
    found = _NodeRows()
    for row in each_row(store, NODES_QUERY):
        iri = str(row["node"])
        found.classes[iri].add(str(row["class"]))
        if "label" in row:
            found.labels[iri].add((str(row["label"]), getattr(row["label"], "language", None)))
        if "modality" in row and str(row["modality"]) in MODALITIES:
            found.modality[iri] = MODALITIES[str(row["modality"])]
        if "document" in row:
            found.documents[iri].add(str(row["document"]))
        if isinstance(row.get("accordingTo"), URIRef):
            found.according[iri].add(str(row["accordingTo"]))
            if "accordingToLabel" in row:
                found.source_labels[str(row["accordingTo"])] = str(row["accordingToLabel"])
    return found


def _edges(store: Store, found: _NodeRows) -> dict[str, NetworkEdge]:
    """The relations between nodes, by key, worded and pointed the way a reader says them."""
    edges: dict[str, NetworkEdge] = {}
    for row in each_row(store, EDGES_QUERY):
        s, p, o = str(row["s"]), str(row["p"]), str(row["o"])
        if p in NOT_EDGES or p.startswith(NOT_EDGE_NAMESPACES) or s not in found.classes or o not in found.classes:
            continue
        # Worded as the pages word it, read the way that makes a sentence ("Mao took part
        # in the meeting" for meeting crm:P11_had_participant Mao); else the ontology's label.
        label, reverse = drawn_phrase(p) or (str(row.get("relationLabel") or _local_name(p)), False)
        fact_modality = found.modality.get(s) or found.modality.get(o)
        if fact_modality is None and "statementModality" in row:
            fact_modality = MODALITIES.get(str(row["statementModality"]))
        source, target = (o, s) if reverse else (s, o)
        edge = NetworkEdge(source, target, p, label, fact_modality)
        edges[edge.key] = edge
    return edges


# --- Who dealt with whom, about what ------------------------------------------------

#: Kinds that act: the nodes of the actors' view.
ACTOR_KINDS = frozenset({"person", "group", "role", "actor"})
#: Kinds that tie actors together in the actors' view ("about what"): what happened,
#: and what was planned, proposed, requested, asked or claimed.
FACT_KINDS = frozenset({"event", "plan", "step", "option", "request", "question", "claim"})
#: The most nodes a picture draws at once: beyond it the best-connected are kept and
#: the page says how many were left out (a picture of thousands is unreadable).
MAX_DRAWN = 400
#: The most actors the actors' view draws.
MAX_ACTORS = 150
#: The most ties (pairs of actors) the actors' view draws, the strongest first: in a large archive
#: nearly every pair of the drawn actors shares some fact, and 11,000 lines draw nothing legible.
MAX_TIES = 600
#: The facts an actors' tie names; ``fact_count`` says how many there are in all.
MAX_FACTS_LISTED = 10


@dataclass(frozen=True)
class Dealing:
    """Two actors, and what ties them: the facts both take part in, and relations between them."""

    first: str
    second: str
    facts: tuple[str, ...]
    relations: tuple[str, ...]

    @property
    def key(self) -> str:
        """A stable identifier for the pair."""
        return f"{self.first} {self.second}"


def dealings(network: Network) -> list[Dealing]:
    """Every pair of actors tied by a fact both are related to, or by a relation of their own (member of…).

    Work grows with the facts and the actors each involves (a fact with k actors
    gives k·(k-1)/2 pairs), not with the square of the archive.
    """
    adjacent: dict[str, set[str]] = defaultdict(set)
    direct: dict[tuple[str, str], set[str]] = defaultdict(set)
    nodes = network.nodes
    for edge in network.edges:
        adjacent[edge.source].add(edge.target)
        adjacent[edge.target].add(edge.source)
        if nodes[edge.source].kind in ACTOR_KINDS and nodes[edge.target].kind in ACTOR_KINDS:
            first, second = sorted((edge.source, edge.target))
            direct[(first, second)].add(edge.label)
    facts: dict[tuple[str, str], set[str]] = defaultdict(set)
    for iri, node in nodes.items():
        if node.kind not in FACT_KINDS:
            continue
        actors = sorted(a for a in adjacent[iri] if nodes[a].kind in ACTOR_KINDS)
        for i, first in enumerate(actors):
            for second in actors[i + 1 :]:
                facts[(first, second)].add(iri)
    pairs = sorted(set(facts) | set(direct))
    return [Dealing(a, b, tuple(sorted(facts.get((a, b), ()))), tuple(sorted(direct.get((a, b), ())))) for a, b in pairs]


def _pair_modality(network: Network, facts: Iterable[str]) -> str | None:
    """"reported" when any tying fact was reported as done, else the first stated modality (a pale line)."""
    modalities = [network.nodes[f].modality for f in facts]
    if "reported" in modalities:
        return "reported"
    return next((m for m in modalities if m), None)


def actors_json(network: Network, base_iri: str, limit: int = MAX_ACTORS) -> dict[str, Any]:
    """The actors' view as JSON for the viewer: actors as nodes, one edge per pair labelled by what ties them.

    At most ``limit`` actors, those of the strongest ties first, and at most
    :data:`MAX_TIES` ties between them, each naming at most :data:`MAX_FACTS_LISTED`
    facts (``fact_count`` says how many); ``total_nodes``, ``total_edges`` and
    ``note`` say what was left out.
    """
    pairs = dealings(network)
    actors = {d.first for d in pairs} | {d.second for d in pairs}
    # The strongest ties first: both actors of the pair with the most in common, then the next
    # pair, until ``limit`` actors (keeping actors by their own weight would keep hubs whose
    # partners were left out, and draw them without lines).
    kept: set[str] = set()
    for d in sorted(pairs, key=lambda d: (-(len(d.facts) + len(d.relations)), d.first, d.second)):
        new = {d.first, d.second} - kept
        if len(kept) + len(new) > limit:
            continue
        kept |= new
        if len(kept) == limit:
            break
    shown = Network({iri: network.nodes[iri] for iri in sorted(kept)}, (), network.source_labels)
    data = shown.to_json(base_iri)
    data["view"] = "actors"
    data["edges"] = []
    ties = [d for d in pairs if d.first in kept and d.second in kept]
    strongest = sorted(ties, key=lambda d: (-(len(d.facts) + len(d.relations)), d.first, d.second))[:MAX_TIES]
    for d in sorted(strongest, key=lambda d: (d.first, d.second)):
        about = [network.nodes[f].label for f in d.facts]
        words = "; ".join(about[:2]) + (f"; and {len(about) - 2} more" if len(about) > 2 else "")
        data["edges"].append({
            "id": d.key, "source": d.first, "target": d.second,
            "relation": "dealt with", "label": words or "; ".join(d.relations),
            "modality": _pair_modality(network, d.facts),
            "facts": [{"id": f, "label": network.nodes[f].label, "kind": network.nodes[f].kind,
                       "modality": network.nodes[f].modality, "href": site_path(f, base_iri)}
                      for f in d.facts[:MAX_FACTS_LISTED]],
            "fact_count": len(d.facts),
            "relations": list(d.relations),
        })
    data["total_nodes"] = len(actors)
    data["total_edges"] = len(ties)
    notes = []
    if len(actors) > len(kept):
        notes.append(f"showing the {len(kept)} actors with the strongest ties, of {len(actors)}")
    if len(ties) > len(strongest):
        notes.append(f"the {len(strongest)} strongest of their {len(ties)} ties")
    if notes:
        data["note"] = ", ".join(notes)
    return data


def drawn_json(network: Network, base_iri: str, focus: str | None = None, depth: int = 1) -> dict[str, Any]:
    """What the picture of every kind draws: ``focus``'s neighbourhood to ``depth``, or (no focus) the whole
    network, bounded to :data:`MAX_DRAWN` nodes grown from the best-connected, with a note of what was left out."""
    if focus:
        part, total = bounded(network.neighbourhood(focus, depth), MAX_DRAWN, keep=focus)
        data = part.to_json(base_iri, focus=focus)
    else:
        part, total = bounded(network, MAX_DRAWN)
        data = part.to_json(base_iri)
    data["view"] = "all"
    data["total_nodes"] = total
    if total > len(part.nodes):
        data["note"] = f"showing {len(part.nodes)} of {total} things, grown from the best-connected"
    return data


def bounded(network: Network, limit: int = MAX_DRAWN, keep: str | None = None) -> tuple[Network, int]:
    """``network`` cut to at most ``limit`` nodes that hang together, grown from ``keep`` (a focus) or the
    best-connected node, with the number of nodes it had."""
    total = len(network.nodes)
    if total <= limit:
        return network, total
    degree: dict[str, int] = defaultdict(int)
    adjacent: dict[str, set[str]] = defaultdict(set)
    for edge in network.edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
        adjacent[edge.source].add(edge.target)
        adjacent[edge.target].add(edge.source)
    # Grow from the focus (or the best-connected node) outwards, best-connected neighbours first,
    # so that what is drawn hangs together; then from the next best-connected node left.
    chosen: set[str] = set()
    seeds = sorted(network.nodes, key=lambda iri: (iri != keep, -degree[iri], iri))
    for seed in seeds:
        if len(chosen) == limit:
            break
        if seed in chosen:
            continue
        chosen.add(seed)
        frontier = deque([seed])
        while frontier and len(chosen) < limit:
            for other in sorted(adjacent[frontier.popleft()] - chosen, key=lambda iri: (-degree[iri], iri)):
                if len(chosen) == limit:
                    break
                chosen.add(other)
                frontier.append(other)
    nodes = {iri: n for iri, n in network.nodes.items() if iri in chosen}
    edges = tuple(e for e in network.edges if e.source in chosen and e.target in chosen)
    return Network(nodes, edges, network.source_labels), total
