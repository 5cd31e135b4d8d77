"""Named queries: front matter parsed strictly, values validated and bound, never pasted."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from histgraph.endpoint.named_queries import load_queries, parse_query_file, run_query
from histgraph.errors import QueryError
from histgraph.store import EmbeddedStore

QUERY = """#+ summary: Labels of a thing
#+ param: thing iri required -- the thing
#+ param: lang language optional default=en -- label language
SELECT ?label WHERE { ?thing <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  FILTER(lang(?label) = ?lang) }
"""


def write(tmp_path: Path, text: str, name: str = "labels.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_front_matter_is_parsed(tmp_path: Path) -> None:
    query = parse_query_file(write(tmp_path, QUERY))
    assert query.summary == "Labels of a thing"
    assert [(p.name, p.type, p.required, p.default) for p in query.params] == [
        ("thing", "iri", True, None),
        ("lang", "language", False, "en"),
    ]
    assert query.kind == "SELECT"


@pytest.mark.parametrize(
    "bad, message",
    [
        ("SELECT * WHERE {}", "needs a '#\\+ summary"),
        ("#+ summry: x\nSELECT * WHERE {}", "known keys"),
        ("#+ summary: x\n#+ param: thing url\nSELECT * WHERE {?thing ?p ?o}", "bad parameter"),
        ("#+ summary: x\n#+ param: other iri\nSELECT * WHERE {?s ?p ?o}", "not used"),
    ],
)
def test_bad_front_matter_names_the_file(tmp_path: Path, bad: str, message: str) -> None:
    """Protects against grlc's flaw: bad front matter silently becoming {}."""
    with pytest.raises(QueryError, match=message) as info:
        parse_query_file(write(tmp_path, bad))
    assert "labels.rq" in str(info.value)


def test_values_are_bound_not_pasted(tmp_path: Path) -> None:
    """Protects against SPARQL injection through a parameter value."""
    store = EmbeddedStore.from_quads(
        [
            ox.Quad(
                ox.NamedNode("http://ex/a"),
                ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                ox.Literal("A", language="en"),
                ox.NamedNode("http://ex/g"),
            )
        ]
    )
    query = load_queries(write(tmp_path, QUERY).parent)["labels"]
    result = run_query(store, query, {"thing": "http://ex/a"})
    assert [row["label"] for row in result] == [Literal("A", lang="en")]
    with pytest.raises(QueryError, match="not an absolute IRI"):
        run_query(store, query, {"thing": "http://ex/a> } ; DROP ALL ; #"})
    with pytest.raises(QueryError, match="no parameter"):
        run_query(store, query, {"thing": "http://ex/a", "limit": "3"})
    with pytest.raises(QueryError, match="needs --param thing"):
        run_query(store, query, {})
    assert query.bindings({"thing": "http://ex/a"})["thing"] == URIRef("http://ex/a")
