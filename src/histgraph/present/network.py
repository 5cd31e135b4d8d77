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

from histgraph.present.site_paths import site_path
from histgraph.store import Store

MODALITY_NS = "https://histgraph.example.org/ontology#"
#: hg: modality concepts -> the word shown and exported.
MODALITIES = {
    MODALITY_NS + "Reported": "reported",
    MODALITY_NS + "Planned": "planned",
    MODALITY_NS + "Proposed": "proposed",
    MODALITY_NS + "Requested": "requested",
    MODALITY_NS + "Asked": "asked",
    MODALITY_NS + "Conditional": "conditional",
}
#: What exports write for nodes and edges the model gives no modality (people, places…).
NO_MODALITY = "n/a"

_CRM = "http://www.cidoc-crm.org/cidoc-crm/"
_HG = MODALITY_NS
_PPLAN = "http://purl.org/net/p-plan#"
_PROV = "http://www.w3.org/ns/prov#"
_RICO = "https://www.ica.org/standards/RiC/ontology#"

#: Node kinds, most specific class first: a role-as-written is also typed as a
#: group or actor, a record of other sources is also a prov:Activity.
KIND_CLASSES: tuple[tuple[str, str], ...] = (
    ("document", _RICO + "Record"),
    ("role", _HG + "RoleAsWritten"),
    ("person", _CRM + "E21_Person"),
    ("group", _CRM + "E74_Group"),
    ("actor", _CRM + "E39_Actor"),
    ("event", _CRM + "E7_Activity"),
    ("plan", _PPLAN + "Plan"),
    ("step", _PPLAN + "Step"),
    ("option", _HG + "Proposal"),
    ("request", _HG + "Request"),
    ("question", _HG + "Question"),
    ("claim", _HG + "ClaimedAdvantage"),
    ("claim", _HG + "ConditionalStatement"),
    ("place", _CRM + "E53_Place"),
    ("work", _CRM + "E89_Propositional_Object"),
    ("work", _CRM + "E73_Information_Object"),
    ("work", _CRM + "E33_Linguistic_Object"),
)
KINDS: tuple[str, ...] = tuple(dict.fromkeys(kind for kind, _ in KIND_CLASSES))

#: How each kind is drawn, shared by the web viewer and the Graphviz export:
#: a colour, a Cytoscape.js shape and a Graphviz shape, and a word for the legend.
KIND_STYLES: dict[str, dict[str, str]] = {
    "document": {"color": "#6b4f3a", "shape": "rectangle", "dot": "note", "legend": "document"},
    "person": {"color": "#1f5fa8", "shape": "ellipse", "dot": "ellipse", "legend": "person"},
    "group": {"color": "#1b8a9a", "shape": "round-rectangle", "dot": "box", "legend": "group"},
    "role": {"color": "#5d9bd5", "shape": "ellipse", "dot": "ellipse", "legend": "role as written"},
    "actor": {"color": "#8fb4dc", "shape": "ellipse", "dot": "ellipse", "legend": "actor"},
    "event": {"color": "#b8322a", "shape": "rectangle", "dot": "box", "legend": "event"},
    "plan": {"color": "#2e7d32", "shape": "hexagon", "dot": "hexagon", "legend": "plan"},
    "step": {"color": "#5aa454", "shape": "round-tag", "dot": "cds", "legend": "plan step"},
    "option": {"color": "#e07b00", "shape": "diamond", "dot": "diamond", "legend": "option"},
    "request": {"color": "#7b4fa8", "shape": "vee", "dot": "invhouse", "legend": "request"},
    "question": {"color": "#a07cc5", "shape": "octagon", "dot": "octagon", "legend": "question"},
    "claim": {"color": "#9a8f1e", "shape": "round-diamond", "dot": "parallelogram", "legend": "claimed consequence"},
    "place": {"color": "#7a5230", "shape": "triangle", "dot": "house", "legend": "place"},
    "work": {"color": "#6f6f6f", "shape": "barrel", "dot": "folder", "legend": "work"},
}
_KIND_OF_CLASS = {cls: kind for kind, cls in reversed(KIND_CLASSES)}
_KIND_RANK = {cls: rank for rank, (_, cls) in enumerate(KIND_CLASSES)}

#: Relations in words, and whether the edge reads the other way round
#: ("Mao took part in the meeting" for ``meeting crm:P11_had_participant Mao``).
#: Other properties take their rdfs:label from the ontology, or their local name.
RELATIONS: dict[str, tuple[str, bool]] = {
    _CRM + "P14_carried_out_by": ("carried out by", False),
    _CRM + "P11_had_participant": ("took part in", True),
    _CRM + "P7_took_place_at": ("took place at", False),
    _CRM + "P9_consists_of": ("part of", True),
    _CRM + "P67_refers_to": ("refers to", False),
    _CRM + "P16_used_specific_object": ("used", False),
    _CRM + "P70_documents": ("documents", False),
    _CRM + "P94_has_created": ("created", False),
    _CRM + "P107_has_current_or_former_member": ("has member", False),
    _CRM + "P165_incorporates": ("incorporates", False),
    _CRM + "P73i_is_translation_of": ("translation of", False),
    _HG + "proposed": ("proposed", False),
    _HG + "endorsed": ("endorsed", False),
    _HG + "recommendedBy": ("recommended", True),
    _HG + "plannedTo": ("is to travel to", False),
    _HG + "plannedFrom": ("is to leave from", False),
    _HG + "plannedPlace": ("planned at", False),
    _HG + "plannedAgent": ("is to carry out", True),
    _HG + "agreedTo": ("agreed to", False),
    _HG + "requestedBy": ("requested", True),
    _HG + "requestedOf": ("asked to do", True),
    _HG + "askedBy": ("asked", True),
    _HG + "askedOf": ("is asked", True),
    _HG + "claimedAdvantage": ("advantage claimed", False),
    _HG + "consequence": ("would lead to", False),
    _PPLAN + "isStepOfPlan": ("step of", False),
    _PPLAN + "isPrecededBy": ("after", False),
    _PPLAN + "correspondsToStep": ("realised planned step", False),
    _PPLAN + "correspondsToVariable": ("realised planned work", False),
    _PPLAN + "isOutputVarOf": ("intended output of", False),
    _PROV + "wasGeneratedBy": ("resulted from", False),
    _PROV + "wasAttributedTo": ("attributed to", False),
    _RICO + "hasCreator": ("written by", False),
    _RICO + "hasAddressee": ("addressed to", False),
}

#: Links that are provenance of a fact, not relations in the story: shown as node
#: details (``according_to``) rather than as edges that would tie every fact to its author.
NOT_EDGES = (
    _HG + "accordingTo",
    _PROV + "wasDerivedFrom",
    _HG + "consistencyNote",
)
#: The bibliographic layer (editors, publishers of the editions) is citation, not story.
NOT_EDGE_NAMESPACES = ("https://schema.org/",)


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
    + _values("class", sorted({cls for _, cls in KIND_CLASSES}))
    + """
  ?node a ?class .
  FILTER(isIRI(?node))
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
    + _values("sc", sorted({cls for _, cls in KIND_CLASSES}))
    + """
  """
    + _values("oc", sorted({cls for _, cls in KIND_CLASSES}))
    + """
  ?s a ?sc .
  ?s ?p ?o .
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
    for row in store.select(NODES_QUERY):
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
    for row in store.select(EDGES_QUERY):
        s, p, o = str(row["s"]), str(row["p"]), str(row["o"])
        if p in NOT_EDGES or p.startswith(NOT_EDGE_NAMESPACES) or s not in found.classes or o not in found.classes:
            continue
        label, reverse = RELATIONS.get(p, (str(row.get("relationLabel") or _local_name(p)), False))
        fact_modality = found.modality.get(s) or found.modality.get(o)
        if fact_modality is None and "statementModality" in row:
            fact_modality = MODALITIES.get(str(row["statementModality"]))
        source, target = (o, s) if reverse else (s, o)
        edge = NetworkEdge(source, target, p, label, fact_modality)
        edges[edge.key] = edge
    return edges
