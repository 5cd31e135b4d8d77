"""Federation with a Wikidata-shaped endpoint through ``/sparql``: opt-in, allow-listed endpoints only.

The remote endpoint is a real ``oxigraph serve`` holding the Wikidata fixture;
the app is the real one over the SPARQL fixture data.
"""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.wikidata.servers import wikidata_endpoint
from tests.servers import make_client

JSON = {"Accept": "application/sparql-results+json"}


def test_service_to_an_allowlisted_wikidata_endpoint_works_and_is_refused_otherwise(
    tmp_path: Path,
) -> None:
    """Protects the federation switch: SERVICE reaches the endpoint only when federation_allowlist names it."""
    (tmp_path / "wikidata").mkdir()
    with wikidata_endpoint(tmp_path / "wikidata") as endpoint:
        query = (
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            f"SELECT ?label WHERE {{ SERVICE <{endpoint}> {{ <http://www.wikidata.org/entity/Q656> rdfs:label ?label }} }}"
        )
        (tmp_path / "on").mkdir()
        with make_client(
            "embedded", tmp_path / "on", federation_allowlist=(endpoint,)
        ) as federated:
            response = federated.get("/sparql", query_string={"query": query}, headers=JSON)
            assert response.status_code == 200, response.get_data(as_text=True)
            labels = {
                (b["label"]["value"], b["label"].get("xml:lang"))
                for b in response.json["results"]["bindings"]
            }
            assert ("Saint Petersburg", "en") in labels
        (tmp_path / "off").mkdir()
        with make_client("embedded", tmp_path / "off") as default:
            refused = default.get("/sparql", query_string={"query": query}, headers=JSON)
            assert refused.status_code == 400
            assert "SERVICE" in refused.json["message"]
