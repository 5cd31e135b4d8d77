"""The actor-event network extracted from the store: kinds, modality, relations in words, scale."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from histgraph.present.network import NO_MODALITY, extract_network
from histgraph.store import EmbeddedStore
from histgraph.web import create_app

ROOT = Path(__file__).resolve().parents[1]
ID = "https://histgraph.example.org/id/"
CRM = "http://www.cidoc-crm.org/cidoc-crm/"
HG = "https://histgraph.example.org/ontology#"
PPLAN = "http://purl.org/net/p-plan#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _edges(network, source: str, target: str) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    return {e.label: e.modality for e in network.edges if e.source == ID + source and e.target == ID + target}


def test_nodes_have_kind_and_the_modality_the_model_gives(network):
    """People and places have no modality; events are reported; steps planned; options proposed."""
    nodes = network.nodes
    assert (nodes[ID + "person/zhou-enlai"].kind, nodes[ID + "person/zhou-enlai"].modality) == ("person", None)
    assert (nodes[ID + "place/moscow"].kind, nodes[ID + "place/moscow"].modality) == ("place", None)
    assert nodes[ID + "role/minister-of-trade"].kind == "role"
    assert (nodes[ID + "step/zhou-journey-depart-beijing"].kind, nodes[ID + "step/zhou-journey-depart-beijing"].modality) == ("step", "planned")
    assert (nodes[ID + "proposal/treaty-option-a"].kind, nodes[ID + "proposal/treaty-option-a"].modality) == ("option", "proposed")
    assert (nodes[ID + "request/dong-biwu-acting-premier"].kind, nodes[ID + "request/dong-biwu-acting-premier"].modality) == ("request", "requested")
    assert {n.modality for n in nodes.values() if n.kind == "event"} == {"reported"}
    assert {n.modality for n in nodes.values() if n.kind in ("plan", "step")} == {"planned"}
    # A record of other sources says whom it is according to, and no document states it.
    record = nodes[ID + "event/zhou-arrives-moscow-1950-01-20"]
    assert record.documents == () and record.according_to == (ID + "source/3000qb",)
    assert nodes[ID + "event/meeting-1950-01-02"].documents == (ID + "document/cable-1950-01-02-mao-to-ccp-cc",)


def test_relations_read_in_words_with_the_modality_of_their_fact(network):
    """Edges are labelled in words, read in the natural direction, and planned edges stay planned."""
    assert _edges(network, "step/zhou-journey-depart-beijing", "place/moscow") == {"is to travel to": "planned"}
    assert _edges(network, "person/zhou-enlai", "step/zhou-journey-depart-beijing") == {"is to carry out": "planned"}
    assert _edges(network, "person/mao-zedong", "event/meeting-1950-01-02") == {"took part in": "reported"}
    assert _edges(network, "event/meeting-1950-01-02", "person/molotov") == {"carried out by": "reported"}
    assert _edges(network, "event/molotov-endorses-option-a", "proposal/treaty-option-a") == {"endorsed": "reported"}
    assert _edges(network, "event/mao-presents-three-options", "proposal/treaty-option-b") == {"proposed": "reported"}
    assert _edges(network, "person/molotov", "step/sightseeing-subway") == {"recommended": "planned"}
    assert _edges(network, "event/molotov-endorses-option-a", "event/meeting-1950-01-02") == {"part of": "reported"}
    assert _edges(network, "event/zhou-arrives-moscow-1950-01-20", "step/zhou-journey-arrive-moscow") == {
        "realised planned step": "reported"
    }
    # A reified claim of other sources gives its edge a modality.
    assert _edges(network, "role/minister-of-trade", "person/ye-jizhuang") == {"held by": "reported"}


def test_edges_join_nodes_and_leave_provenance_out(network):
    """Every edge joins two nodes; "according to" (who says it) is a node detail, not an edge."""
    assert all(e.source in network.nodes and e.target in network.nodes for e in network.edges)
    assert not [e for e in network.edges if e.relation == HG + "accordingTo"]
    assert NO_MODALITY == "n/a"


def test_neighbourhood_is_everything_one_relation_away(network):
    """One entity's neighbourhood holds it and its direct neighbours, and only their relations."""
    zhou = ID + "person/zhou-enlai"
    around = network.neighbourhood(zhou, 1)
    expected = {zhou} | {e.target for e in network.edges if e.source == zhou} | {
        e.source for e in network.edges if e.target == zhou
    }
    assert set(around.nodes) == expected
    assert all(e.source in expected and e.target in expected for e in around.edges)


def _synthetic_archive(people: int, events: int, places: int, plans: int, steps_per_plan: int) -> list[ox.Quad]:
    graph = ox.NamedNode("https://histgraph.example.org/graph/synthetic")

    def quad(s: str, p: str, o: str | ox.Literal) -> ox.Quad:
        obj = o if isinstance(o, ox.Literal) else ox.NamedNode(o)
        return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), obj, graph)

    quads = []
    for i in range(people):
        quads += [quad(f"{ID}person/p{i}", RDF_TYPE, CRM + "E21_Person"), quad(f"{ID}person/p{i}", RDFS_LABEL, ox.Literal(f"Person {i}", language="en"))]
    for i in range(places):
        quads += [quad(f"{ID}place/l{i}", RDF_TYPE, CRM + "E53_Place")]
    for i in range(events):
        e = f"{ID}event/e{i}"
        quads += [
            quad(e, RDF_TYPE, CRM + "E7_Activity"),
            quad(e, HG + "modality", HG + "Reported"),
            quad(e, CRM + "P14_carried_out_by", f"{ID}person/p{i % people}"),
            quad(e, CRM + "P11_had_participant", f"{ID}person/p{(i * 7 + 1) % people}"),
            quad(e, CRM + "P7_took_place_at", f"{ID}place/l{i % places}"),
        ]
    for i in range(plans):
        plan = f"{ID}plan/n{i}"
        quads += [quad(plan, RDF_TYPE, PPLAN + "Plan"), quad(plan, HG + "modality", HG + "Planned")]
        for j in range(steps_per_plan):
            step = f"{ID}step/n{i}-{j}"
            quads += [
                quad(step, RDF_TYPE, PPLAN + "Step"),
                quad(step, HG + "modality", HG + "Planned"),
                quad(step, PPLAN + "isStepOfPlan", plan),
                quad(step, HG + "plannedTo", f"{ID}place/l{(i + j) % places}"),
                quad(step, HG + "plannedAgent", f"{ID}person/p{(i * j) % people}"),
            ]
    return quads


class CountingStore:
    """The embedded store, counting the queries it is asked (to show the extraction does not
    query per node)."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store, self.version, self.queries = store, store.version, 0

    def select(self, query, bindings=None):  # type: ignore[no-untyped-def]
        self.queries += 1
        return self.store.select(query, bindings)


def test_extraction_at_a_few_thousand_nodes_uses_two_queries():
    """A synthetic archive of 3,000 nodes comes out whole, with every relation, in two queries."""
    store = CountingStore(EmbeddedStore.from_quads(_synthetic_archive(1000, 1000, 200, 100, 7)))
    network = extract_network(store)  # type: ignore[arg-type]
    assert len(network.nodes) == 1000 + 1000 + 200 + 100 + 700
    assert len(network.edges) == 1000 * 3 + 700 * 3
    assert store.queries == 2
    planned = {e.label for e in network.edges if e.modality == "planned"}
    assert planned == {"step of", "is to travel to", "is to carry out"}


def test_network_json_endpoint(cable, network):
    """/network.json gives the whole network, or one entity's neighbourhood with ?focus=."""
    settings, store = cable
    client = create_app(settings, store=store).test_client()
    whole = client.get("/network.json").get_json()
    assert {n["id"] for n in whole["nodes"]} == set(network.nodes)
    assert len(whole["edges"]) == len(network.edges)
    zhou = next(n for n in whole["nodes"] if n["id"] == ID + "person/zhou-enlai")
    assert zhou["href"] == "/id/person/zhou-enlai" and zhou["modality"] is None

    focus = client.get("/network.json", query_string={"focus": ID + "person/zhou-enlai", "depth": 1}).get_json()
    assert focus["focus"] == ID + "person/zhou-enlai"
    assert {n["id"] for n in focus["nodes"]} == set(network.neighbourhood(ID + "person/zhou-enlai").nodes)

    not_drawn = client.get("/network.json", query_string={"focus": ID + "timespan/meeting-1950-01-02"}).get_json()
    assert not_drawn["nodes"] == [] and "not drawn" in not_drawn["note"]
    assert client.get("/network.json", query_string={"focus": "javascript:alert(1)"}).status_code == 400
    assert client.get("/network.json", query_string={"focus": ID + "person/zhou-enlai", "depth": 9}).status_code == 400
    page = client.get("/network", query_string={"focus": ID + "person/zhou-enlai"})
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers


def test_dealings_tie_actors_by_the_facts_they_share(network):
    """Who dealt with whom: Molotov and Mikoyan are tied to Mao by the meeting in his quarters, and every
    pair is two actors tied by facts of drawn kinds (never by a place or a document)."""
    from histgraph.present.network import ACTOR_KINDS, FACT_KINDS, dealings

    pairs = {(d.first, d.second): d for d in dealings(network)}
    mao_molotov = pairs[(ID + "person/mao-zedong", ID + "person/molotov")]
    assert ID + "event/meeting-1950-01-02" in mao_molotov.facts
    for d in pairs.values():
        assert d.first < d.second
        assert network.nodes[d.first].kind in ACTOR_KINDS and network.nodes[d.second].kind in ACTOR_KINDS
        assert all(network.nodes[f].kind in FACT_KINDS for f in d.facts)
        assert d.facts or d.relations


def test_actors_view_is_bounded_and_says_so():
    """At 1,000 people the actors' view keeps the 150 in the most dealings and says how many there were;
    "everything" keeps 400 of 3,000 things; neither draws everything."""
    from histgraph.present.network import MAX_ACTORS, MAX_DRAWN, actors_json, bounded

    network = extract_network(EmbeddedStore.from_quads(_synthetic_archive(1000, 1000, 200, 100, 7)))
    data = actors_json(network, "https://histgraph.example.org/")
    assert len(data["nodes"]) == MAX_ACTORS and data["total_nodes"] == 1000
    assert "150" in data["note"] and "1000" in data["note"]
    kept = {n["id"] for n in data["nodes"]}
    assert all(e["source"] in kept and e["target"] in kept for e in data["edges"])
    part, total = bounded(network, MAX_DRAWN)
    assert (len(part.nodes), total) == (MAX_DRAWN, 3000)


def test_network_page_focus_by_name_and_views(cable):
    """"Focus on…" takes a name or an older spelling; a name that matches nothing says so (200); an unknown
    view is a 400 that lists the views."""
    settings, store = cable
    client = create_app(settings, store=store).test_client()
    focused = client.get("/network.json", query_string={"name": "Chou En-lai", "depth": 2}).get_json()
    assert focused["focus"] == ID + "person/zhou-enlai"
    page = client.get("/network", query_string={"name": "no such person at all"})
    assert page.status_code == 200 and b"Nothing called" in page.data
    wrong = client.get("/network", query_string={"view": "hairball"})
    assert wrong.status_code == 400 and "actors, all" in wrong.get_json()["message"]
    actors = client.get("/network.json", query_string={"view": "actors"}).get_json()
    assert actors["view"] == "actors" and actors["edges"]


def test_rows_are_read_one_at_a_time_from_an_embedded_store(store) -> None:
    """Protects the build's memory (issue #18 goal 2): the network's rows stream from an embedded store, and
    streaming gives the rows select() gives, in its order."""
    from histgraph.present.network import EDGES_QUERY, NODES_QUERY
    from histgraph.store import each_row

    for query in (NODES_QUERY, EDGES_QUERY):
        rows = each_row(store, query)
        assert not isinstance(rows, (list, tuple))  # an iterator, not the answer held whole
        assert list(rows) == list(store.select(query).rows)
