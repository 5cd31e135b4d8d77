"""``histgraph import``: the seed reproduces the cable, and each reader reads its own fixture format."""

from __future__ import annotations

import functools
import http.server
import shutil
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from histgraph.cli import main
from histgraph.ingest.importing import import_document
from histgraph.ingest.readers import ImportFailed

ROOT = Path(__file__).resolve().parents[1]
CABLE = "cable-1950-01-02-mao-to-ccp-cc"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
#: The cable's archive page as published (the seed of ../shared/seed/), kept with the
#: tests so a clone anywhere runs them; test_the_seed_copy_is_the_seed checks it.
SEED = FIXTURES / f"seed-{CABLE}.txt"
SHARED_SEED = ROOT.parent / "shared" / "seed" / f"{CABLE}.txt"
DOC = "https://histgraph.example.org/id/document/"
TEXT = "https://histgraph.example.org/id/text/"
#: Properties of the record that the archive page states, and so both the import and the hand-written record carry.
RECORD_PROPERTIES = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "https://www.ica.org/standards/RiC/ontology#title",
    "https://www.ica.org/standards/RiC/ontology#hasDocumentaryFormType",
    "https://www.ica.org/standards/RiC/ontology#scopeAndContent",
    "http://purl.org/dc/terms/bibliographicCitation",
    "https://www.ica.org/standards/RiC/ontology#hasCreationDate",
)
CHAPTER_PROPERTIES = ("https://schema.org/isPartOf", "https://schema.org/pagination",
                      "https://schema.org/pageStart", "https://schema.org/pageEnd")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project with the real authorities (so known editions are found) and no documents."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "authorities", data / "authorities")
    return data


def _values(graph: Graph, subject: str, predicate: str) -> set[str]:
    return {str(o) for o in graph.objects(URIRef(subject), URIRef(predicate))}


def test_seed_reproduces_the_cable_text_and_metadata(project: Path) -> None:
    """Protects fidelity: importing the seed gives the cable's text.txt byte for byte and the same record.

    Deliberate differences, all because the seed page does not say it: no original
    language (the hand-written "zh" comes from the edition), no creator or addressee
    (entities, for suggest and review), dcterms:created as the page's date without
    the cable's 11:00 p.m., the chapter IRIs minted from the book's (the hand-written
    ones are abbreviated by hand) and the original text ending "-original", not "-zh".
    """
    result = import_document(project, str(SEED), document_id=CABLE)
    hand = ROOT / "data" / "documents" / CABLE
    assert (result.folder / "text.txt").read_bytes() == (hand / "text.txt").read_bytes()
    assert set(result.absent) == {"original_language", "page_url"}
    ours = Graph().parse(result.folder / "document.ttl", format="turtle")
    theirs = Graph().parse(hand / "document.ttl", format="turtle")
    for predicate in RECORD_PROPERTIES:
        assert _values(ours, DOC + CABLE, predicate) == _values(theirs, DOC + CABLE, predicate), predicate
    created = _values(ours, DOC + CABLE, "http://purl.org/dc/terms/created")
    assert created == {"1950-01-02"} and next(iter(_values(theirs, DOC + CABLE, "http://purl.org/dc/terms/created"))).startswith("1950-01-02")
    translation = TEXT + CABLE + "-en"
    assert _values(ours, translation, "http://purl.org/dc/terms/language") == {"en"}
    ours_chapters = sorted(_values(ours, translation, "http://www.cidoc-crm.org/cidoc-crm/P165i_is_incorporated_in"))
    theirs_chapters = sorted(_values(theirs, translation, "http://www.cidoc-crm.org/cidoc-crm/P165i_is_incorporated_in"))
    for mine, hand_made in zip(ours_chapters, theirs_chapters, strict=True):
        for predicate in CHAPTER_PROPERTIES:
            assert _values(ours, mine, predicate) == _values(theirs, hand_made, predicate), predicate
    primary = "http://www.w3.org/ns/prov#hadPrimarySource"
    for mine, hand_made in ((ours, theirs),):
        [ours_primary], [theirs_primary] = _values(mine, translation, primary), _values(hand_made, translation, primary)
        for predicate in CHAPTER_PROPERTIES:
            assert _values(ours, ours_primary, predicate) == _values(theirs, theirs_primary, predicate)


def test_html_page_reads_like_the_text_page(project: Path) -> None:
    """Protects the HTML reader: title from <h1>, original language, both editions, body paragraphs as shown."""
    result = import_document(project, str(FIXTURES / "fixture-page.html"))
    assert result.document_id == "1951-03-03-letter-test-writer-to-the-fixture-committee"
    assert result.source.format == "wilson-html"
    assert result.source.original_language == "ru" and result.absent == ("page_url",)
    body = (result.folder / "text.txt").read_text(encoding="utf-8")
    assert body.split("\n\n") == [
        "To the Fixture Committee:",
        "THIS IS A TEST FIXTURE, NOT AN ARCHIVE TEXT. Comrade Molotov will come to Springfield on 9 March; "
        "we shall meet in early April.",
        "Test Writer\n",
    ]
    graph = Graph().parse(result.folder / "document.ttl", format="turtle")
    doc = DOC + result.document_id
    assert _values(graph, doc, "http://purl.org/dc/terms/language") == {"ru"}
    assert _values(graph, doc, "https://www.ica.org/standards/RiC/ontology#title") == {
        "Letter, Test Writer to the Fixture Committee"}
    books = {str(o) for o in graph.objects(None, URIRef("https://schema.org/isPartOf"))}
    assert books == {"https://histgraph.example.org/id/work/fixture-papers-vol-2",
                     "https://histgraph.example.org/id/work/invented-letters-in-translation"}


def test_tei_document(project: Path) -> None:
    """Protects the TEI reader: header fields, the page's URI, and body paragraphs with white space collapsed."""
    result = import_document(project, str(FIXTURES / "fixture-letter.tei.xml"), document_id="fixture-tei")
    assert result.source.format == "tei" and result.absent == ()
    assert (result.folder / "text.txt").read_text(encoding="utf-8") == (
        "To the Placeholder Office:\n\nTHIS IS A TEST FIXTURE. The meeting in Moscow is moved to late June."
        "\n\nFixture Author\n")
    graph = Graph().parse(result.folder / "document.ttl", format="turtle")
    assert _values(graph, DOC + "fixture-tei", "http://purl.org/dc/terms/created") == {"1952-05-12"}
    assert _values(graph, TEXT + "fixture-tei-en", "http://www.w3.org/ns/prov#wasQuotedFrom") == {
        "https://archive.example.org/document/fixture-1"}
    assert _values(graph, TEXT + "fixture-tei-de", "http://purl.org/dc/terms/language") == {"de"}


def test_tei_with_entities_is_refused(project: Path, tmp_path: Path) -> None:
    """Protects the parser against entity expansion (billion laughs): a clear error, no folder."""
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY a "aaaa">]>'
                    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body><p>&a;</p></body></text></TEI>')
    with pytest.raises(ImportFailed, match="declares entities"):
        import_document(project, str(bomb), document_id="bomb")
    assert not (project / "documents" / "bomb").exists()


def test_plain_text_with_sidecar_keeps_the_text_exactly(project: Path) -> None:
    """Protects 'the body exactly as given' and 'absent metadata is reported, not invented'."""
    result = import_document(project, str(FIXTURES / "fixture-note.txt"))
    assert (result.folder / "text.txt").read_bytes() == (FIXTURES / "fixture-note.txt").read_bytes()
    assert set(result.absent) == {"summary", "citation", "original", "translation", "original_language", "page_url"}
    graph = Graph().parse(result.folder / "document.ttl", format="turtle")
    assert _values(graph, DOC + result.document_id, "http://purl.org/dc/terms/created") == {"1953-06"}
    assert not list(graph.objects(None, URIRef("http://purl.org/dc/terms/bibliographicCitation")))


class _RedirectingHandler(http.server.SimpleHTTPRequestHandler):
    """The fixtures, and /redirect?to=URL answering 302 to URL (as a moved archive page would)."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path, _, query = self.path.partition("?")
        if path == "/redirect":
            self.send_response(302)
            self.send_header("Location", urllib.parse.parse_qs(query)["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        pass


@pytest.fixture(scope="module")
def page_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving the fixtures, and redirecting where it is told to."""
    handler = functools.partial(_RedirectingHandler, directory=str(FIXTURES))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_import_from_a_url_records_the_page(project: Path, page_server: str) -> None:
    """Protects URL import: fetched through the bounded client, the page's address becomes the archive copy."""
    url = f"{page_server}/fixture-page.html"
    result = CliRunner().invoke(main, ["--project", str(project.parent), "import", url, "--id", "from-url"])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(project / "documents" / "from-url" / "document.ttl", format="turtle")
    assert _values(graph, TEXT + "from-url-en", "http://www.w3.org/ns/prov#wasQuotedFrom") == {url}


def test_bad_sources_are_clear_errors(project: Path, page_server: str) -> None:
    """Protects 'errors say what to do': a missing page, a non-http URL, an existing folder."""
    runner = CliRunner()
    base = ["--project", str(project.parent), "import"]
    missing = runner.invoke(main, [*base, f"{page_server}/nothing.html", "--id", "x"])
    assert missing.exit_code == 2 and "404" in missing.output and "Traceback" not in missing.output
    ftp = runner.invoke(main, [*base, "ftp://127.0.0.1/page.html", "--id", "y"])
    assert ftp.exit_code == 2 and "only http:// and https://" in ftp.output
    assert runner.invoke(main, [*base, str(FIXTURES / "fixture-page.html"), "--id", "z"]).exit_code == 0
    again = runner.invoke(main, [*base, str(FIXTURES / "fixture-page.html"), "--id", "z"])
    assert again.exit_code == 2 and "already exists" in again.output


def test_a_redirect_to_another_scheme_is_refused(project: Path, page_server: str) -> None:
    """Protects URL import against redirects off http(s): a page redirecting to ftp:// is refused, not followed.

    urllib's own redirect handler follows ftp:// (and the import would then
    fetch from an FTP server); a listening socket stands where the FTP server
    would be, to show that no connection is made. A redirect to an http page
    is still followed.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    try:
        target = f"ftp://127.0.0.1:{listener.getsockname()[1]}/page.html"
        url = f"{page_server}/redirect?{urllib.parse.urlencode({'to': target})}"
        result = CliRunner().invoke(main, ["--project", str(project.parent), "import", url, "--id", "moved"])
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert "redirected to a ftp: address" in result.output and "only http:// and https://" in result.output
        assert not (project / "documents" / "moved").exists()
        with pytest.raises(BlockingIOError):
            listener.accept()  # no connection waits: nothing tried the FTP address
    finally:
        listener.close()
    followed = f"{page_server}/redirect?{urllib.parse.urlencode({'to': page_server + '/fixture-page.html'})}"
    result = CliRunner().invoke(main, ["--project", str(project.parent), "import", followed, "--id", "followed"])
    assert result.exit_code == 0, result.output


def test_an_edition_declared_by_an_earlier_import_is_not_declared_again(project: Path) -> None:
    """Protects 'one record per entity' across imports: the first import of a page citing an unknown edition
    declares its book in its document.ttl; a second document citing the same book points at that record
    (read from the first document's document.ttl, not only from data/authorities/) instead of declaring it
    again, which the build would refuse."""
    book_type = (URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef("https://schema.org/Book"))
    first = import_document(project, str(FIXTURES / "fixture-letter.tei.xml"), document_id="first")
    declared = set(Graph().parse(first.folder / "document.ttl", format="turtle").subjects(*book_type))
    assert declared
    second = import_document(project, str(FIXTURES / "fixture-letter.tei.xml"), document_id="second")
    graph = Graph().parse(second.folder / "document.ttl", format="turtle")
    assert not set(graph.subjects(*book_type))
    assert declared <= set(graph.objects(None, URIRef("https://schema.org/isPartOf")))


def test_the_seed_copy_is_the_seed() -> None:
    """Protects the import test's input: the kept copy is the published page, byte for byte, where shared/ is beside the clone."""
    if SHARED_SEED.is_file():
        assert SEED.read_bytes() == SHARED_SEED.read_bytes()
    assert SEED.read_text(encoding="utf-8").count("Central Committee") > 0
