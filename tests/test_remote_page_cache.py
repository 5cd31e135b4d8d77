"""The remote backend caches pages per publication, and a new publish is seen by every instance.

``histgraph publish`` writes, last, a marker naming the build it published; app
instances on the remote backend read it at most every ``remote_version_poll``
seconds and start their caches over when it changes. This runs the real thing on
127.0.0.1: ``oxigraph serve`` and Virtuoso, two publishes of different data, and two
``histgraph serve`` instances whose cached pages must follow the second publish.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from histgraph.build.pipeline import build
from histgraph.config import load_settings
from histgraph.store import UNVERSIONED, RemoteStore

from .servers import ROOT, STORES, histgraph_server, publish_to, sparql_server

pytestmark = pytest.mark.server

ENTITY = "/id/person/dong-biwu"
IRI = URIRef("https://histgraph.example.org" + ENTITY)
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
RENAMED = "Dong Biwu (second publication)"


class _Heading(HTMLParser):
    """The text of the page's first ``h1``."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text, self._in = "", False
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self._in = tag == "h1" and not self.text

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in:
            self.text += data

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self._in = False


def _get(url: str, accept: str) -> str:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode("utf-8")


def _seen(base: str) -> tuple[str, set[str], set[str]]:
    """The page's heading, the English labels in its Turtle, and those /sparql answers."""
    heading = _Heading(_get(base + ENTITY, "text/html")).text.strip()
    graph = Graph().parse(data=_get(base + ENTITY, "text/turtle"), format="turtle")
    query = f'SELECT ?l WHERE {{ <{IRI}> <{LABEL}> ?l FILTER(LANG(?l) = "en") }}'
    answer = json.loads(_get(f"{base}/sparql?{urllib.parse.urlencode({'query': query})}",
                             "application/sparql-results+json"))
    return (heading, {str(o) for o in graph.objects(IRI, LABEL) if isinstance(o, Literal) and o.language == "en"},
            {row["l"]["value"] for row in answer["results"]["bindings"]})


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project where Dong Biwu has another English label, built (its build folder)."""
    project = tmp_path_factory.mktemp("renamed") / "project"
    for part in ("data", "ontology", "shapes", "queries"):
        shutil.copytree(ROOT / part, project / part)
    people = project / "data" / "authorities" / "people.ttl"
    text = people.read_text(encoding="utf-8")
    assert '"Dong Biwu"@en' in text
    people.write_text(text.replace('"Dong Biwu"@en', f'"{RENAMED}"@en'), encoding="utf-8")
    build(load_settings({"project_dir": project, "build_dir": project / "build"}, environ={}), validate=False)
    return project / "build"


@pytest.mark.parametrize("store", STORES)
def test_cached_pages_follow_a_second_publish_on_every_instance(
    built, settings, renamed, tmp_path: Path, store: str
) -> None:
    """Protects the remote caches: pages and /sparql answers are served from cache between
    publishes, and after a publish of different data both instances answer with the new data."""
    poll = "0.2"
    with sparql_server(store, tmp_path, data=None) as server:
        query_url = server.query_url
        assert RemoteStore(query_url, version_poll=0).version == UNVERSIONED  # nothing published yet
        publish_to(server, ROOT, settings.builds_root)
        first_version = RemoteStore(query_url, version_poll=0).version
        assert first_version.startswith("remote:" + built.path.resolve().name)
        env = {"HISTGRAPH_BACKEND": "remote", "HISTGRAPH_REMOTE_QUERY_URL": query_url,
               "HISTGRAPH_REMOTE_VERSION_POLL": poll}
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        with histgraph_server(tmp_path / "a", ["--workers", "1"], project=ROOT, env=env) as one, \
                histgraph_server(tmp_path / "b", ["--workers", "1"], project=ROOT, env=env) as two:
            before = _seen(one), _seen(two), _seen(one)  # the third from the page cache
            publish_to(server, renamed.parent, renamed)
            second_version = RemoteStore(query_url, version_poll=0).version
            time.sleep(float(poll) * 3)
            after = _seen(one), _seen(two)
    assert second_version not in (first_version, UNVERSIONED)
    assert before[0] == before[1] == before[2] == ("Dong Biwu", {"Dong Biwu"}, {"Dong Biwu"})
    assert after[0] == after[1] == (RENAMED, {RENAMED}, {RENAMED})
