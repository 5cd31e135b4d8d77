"""The vocabulary as code agrees with the ontology, and every file binds prefixes the same way."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

import histgraph.vocab as vocab
from histgraph.vocab import HG, PREFIXES

ROOT = Path(__file__).resolve().parents[1]


def test_hg_namespace_mirrors_the_ontology() -> None:
    """Protects against a term used in code but missing from ontology/hg.ttl, or the reverse."""
    ontology = Graph().parse(ROOT / "ontology" / "hg.ttl")
    declared = {
        str(s)[len(str(HG)) :]
        for s in ontology.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(HG)) and str(s) != str(HG)
    }
    in_code = set(HG.__annotations__)
    assert in_code == declared


def test_every_file_declares_the_shared_prefixes() -> None:
    """Protects 'prefixes bound in one place': no file binds a known prefix to another IRI."""
    pattern = re.compile(r"@prefix\s+([\w-]*):\s*<([^>]*)>")
    files = [*ROOT.glob("data/**/*.ttl"), *ROOT.glob("data/**/*.trig"), *ROOT.glob("ontology/*.ttl")]
    assert files
    for path in files:
        for prefix, iri in pattern.findall(path.read_text(encoding="utf-8")):
            assert PREFIXES.get(prefix, iri) == iri, f"{path}: {prefix}: <{iri}>"


def test_docstring_examples_run() -> None:
    """Docs are tested: the examples in histgraph.vocab's docstring hold."""
    failures, _tests = doctest.testmod(vocab)
    assert failures == 0
