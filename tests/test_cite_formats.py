"""Citations of the cable in BibTeX, RIS and CSL-JSON, each parsed back by a real parser."""

from __future__ import annotations

import json

import bibtexparser
import pytest
import rispy

from histgraph.present.cite import bibtex, citation, csl_json, ris
from histgraph.present.labels import LabelIndex

from .conftest import CABLE

BASE = "https://histgraph.example.org/"


@pytest.fixture(scope="module")
def cable(store):  # type: ignore[no-untyped-def]
    found = citation(store, f"{BASE}id/document/{CABLE}", LabelIndex.load(store))
    assert found is not None
    return found


def test_csl_json_has_the_required_fields(cable) -> None:  # type: ignore[no-untyped-def]
    """CSL-JSON: id, type, title, author as a literal name, the date, the archive copy's URL."""
    [item] = json.loads(csl_json(cable))
    assert item["id"] == CABLE and item["type"] == "manuscript"
    assert item["title"] == "Cable, Mao Zedong to the Central Committee of the CCP"
    assert item["author"] == [{"literal": "Mao Zedong"}]
    assert item["issued"] == {"date-parts": [[1950, 1, 2]]}
    assert item["URL"] == "https://digitalarchive.wilsoncenter.org/document/110390"
    assert f"{BASE}id/document/{CABLE}" in item["note"]


def test_bibtex_parses_with_bibtexparser(cable) -> None:  # type: ignore[no-untyped-def]
    """BibTeX: one @misc entry whose fields read back as written (braces and specials escaped)."""
    library = bibtexparser.parse_string(bibtex(cable))
    assert not library.failed_blocks
    [entry] = library.entries
    assert entry.entry_type == "misc" and entry.key == CABLE
    assert entry.fields_dict["author"].value == "{Mao Zedong}"
    assert entry.fields_dict["year"].value == "1950"
    assert entry.fields_dict["url"].value == "https://digitalarchive.wilsoncenter.org/document/110390"


def test_ris_parses_with_rispy(cable) -> None:  # type: ignore[no-untyped-def]
    """RIS: one record with type, title, author, year and URL."""
    [record] = rispy.loads(ris(cable))
    assert record["type_of_reference"] == "MANSCPT"
    assert record["title"] == "Cable, Mao Zedong to the Central Committee of the CCP"
    assert record["authors"] == ["Mao Zedong"]
    assert record["year"] == "1950"
    assert record["urls"] == ["https://digitalarchive.wilsoncenter.org/document/110390"]


def test_citation_downloads(settings, built) -> None:  # type: ignore[no-untyped-def]
    """The document's cite links serve the three files; an unknown document is a 404."""
    from histgraph.web import create_app

    client = create_app(settings).test_client()
    for ext, media in (("bib", "application/x-bibtex"), ("ris", "application/x-research-info-systems"),
                       ("json", "application/vnd.citationstyles.csl+json")):
        response = client.get(f"/cite/{CABLE}.{ext}")
        assert response.status_code == 200 and response.mimetype == media
    assert json.loads(client.get(f"/cite/{CABLE}.json").get_data())[0]["id"] == CABLE
    assert client.get("/cite/no-such-document.bib").status_code == 404
