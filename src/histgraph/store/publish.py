"""``histgraph publish --to URL``: copy the current build into a remote store.

Each named graph of the build is PUT to the store's SPARQL 1.1 Graph Store
Protocol endpoint (``URL?graph=<IRI>``), as N-Triples, replacing that graph
there. Graphs the remote store has and the build does not are left alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from histgraph.errors import HistgraphError
from histgraph.store import sparql_http
from histgraph.timestamps import utc_timestamp


@dataclass(frozen=True)
class Published:
    """What was sent: the number of graphs and triples, and where."""

    url: str
    graphs: int
    triples: int


def graphs_of(build_path: Path) -> dict[str, list[ox.Triple]]:
    """The build's triples grouped by named graph IRI ("" for the default graph)."""
    from histgraph.store.layout import STATE, open_dump

    if not (build_path / STATE).is_file():
        raise HistgraphError(f"{build_path} is not a complete build; run `histgraph build` first")
    groups: dict[str, list[ox.Triple]] = defaultdict(list)
    with open_dump(build_path) as stream:
        for quad in ox.parse(stream, format=ox.RdfFormat.N_QUADS):
            name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            groups[name].append(quad.triple)
    return dict(sorted(groups.items()))


def put_graph(url: str, graph: str, triples: list[ox.Triple], timeout: float = 60.0,
              credentials: sparql_http.Credentials | None = None) -> None:
    """Replace ``graph`` in the Graph Store at ``url`` with ``triples``."""
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""  # None only when given an output
    try:
        sparql_http.put_graph(url, graph, body, content_type="application/n-triples", timeout=timeout,
                              user_agent="histgraph publish", credentials=credentials)
    except sparql_http.Refused as exc:
        if exc.status in {401, 403}:
            raise HistgraphError(
                f"{url} refused graph <{graph or 'default'}> with {exc.status} {exc.reason}: it needs a user "
                "allowed to write (--user NAME, with the password in HISTGRAPH_PUBLISH_PASSWORD)"
            ) from None
        raise HistgraphError(
            f"{url} refused graph <{graph or 'default'}> with {exc.status} {exc.reason} (its answer is in "
            "the log); is this the store's Graph Store Protocol endpoint (e.g. http://host:7878/store, "
            "or Virtuoso's http://host:8890/sparql-graph-crud-auth)?"
        ) from None
    except sparql_http.RemoteFailed as exc:
        raise HistgraphError(f"{exc}; is the store running?") from None


def publish(build_path: Path, url: str, progress: Callable[[str], None] = lambda _g: None,
            credentials: sparql_http.Credentials | None = None) -> Published:
    """PUT every graph of the build at ``build_path`` to the Graph Store at ``url``.

    ``credentials`` (user, password) answer the store's HTTP authentication, as
    Virtuoso's ``/sparql-graph-crud-auth`` asks.
    """
    if not url.startswith(("http://", "https://")):
        raise HistgraphError(f"--to needs an http(s) URL of a Graph Store endpoint, got {url!r}")
    from histgraph.store import PUBLICATION_GRAPH, publication_marker

    groups = graphs_of(build_path)
    for graph, triples in groups.items():
        put_graph(url, graph, triples, credentials=credentials)
        progress(graph)
    # Last, once every graph is in: app instances on the remote backend see the
    # marker change and drop their cached pages (see RemoteStore.version).
    published_at = utc_timestamp(timespec="microseconds")
    put_graph(url, PUBLICATION_GRAPH, publication_marker(build_path.resolve().name, published_at),
              credentials=credentials)
    return Published(url, len(groups), sum(len(t) for t in groups.values()))
