"""``histgraph edit``: the token, loopback only, not in the public app, saves as authoring files, builds, refuses.

One project copy per module (the cable plus the Wilson-format fixture page,
imported and suggested), built for real; the editor app is driven through
Flask's test client over the real :class:`~histgraph.editing.session.EditSession`.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from histgraph.cli import main
from histgraph.config import Settings
from histgraph.editing.session import EditSession
from histgraph.store.layout import current_build
from histgraph.web import create_app
from histgraph.web.curation import COOKIE, create_editor_app

from .conftest import imported_project

DOC = "fixture-letter"
TOKEN = "test-token-0123456789abcdef"
ID = "https://histgraph.example.org/id/"
HG = "https://histgraph.example.org/ontology#"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the project with the fixture page imported, suggested and built."""
    return imported_project(tmp_path_factory.mktemp("edit"), DOC)


@pytest.fixture(scope="module")
def session(settings: Settings) -> EditSession:
    return EditSession(settings)


@pytest.fixture()
def client(session: EditSession):  # type: ignore[no-untyped-def]
    """The editor app's client, past the token."""
    client = create_editor_app(session, TOKEN).test_client()
    client.set_cookie(COOKIE, TOKEN)
    return client


def _facts(settings: Settings) -> Path:
    return settings.data_dir / "documents" / DOC / "facts.ttl"


def _save(client, changes: dict, version: str | None = None):  # type: ignore[no-untyped-def]
    view = client.get(f"/api/document/{DOC}").get_json()
    return client.post(f"/api/document/{DOC}/save", json={"version": version or view["version"],
                                                           "reviewer": "Test Curator", "changes": changes})


def test_every_request_needs_the_token(session: EditSession) -> None:
    """Protects 'a token printed at start': no cookie or a wrong token is 403; the URL's token sets a strict cookie."""
    client = create_editor_app(session, TOKEN).test_client()
    refused = client.get(f"/api/document/{DOC}")
    assert refused.status_code == 403 and "token" in refused.get_json()["error"]
    assert client.get(f"/document/{DOC}?token=wrong-token-wrong-token").status_code == 403
    first = client.get(f"/document/{DOC}?token={TOKEN}")
    assert first.status_code == 303 and first.headers["Location"] == f"/document/{DOC}"
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get(f"/api/document/{DOC}").get_json()["document"] == DOC


def test_only_loopback_hosts_and_json_posts(client) -> None:  # type: ignore[no-untyped-def]
    """Protects against DNS rebinding and cross-site forms: another Host, or a form POST, is refused."""
    assert client.get(f"/api/document/{DOC}", headers={"Host": "evil.example:5000"}).status_code == 403
    form = client.post(f"/api/document/{DOC}/save", data={"version": "x"})
    assert form.status_code == 415 and "JSON" in form.get_json()["error"]


def test_cli_refuses_other_hosts() -> None:
    """Protects '127.0.0.1 only': `histgraph edit --host 0.0.0.0` stops with what to do, before any server starts."""
    result = CliRunner().invoke(main, ["edit", "--host", "0.0.0.0"])
    assert result.exit_code != 0 and "127.0.0.1 only" in result.output


def test_public_server_has_no_editor_routes(settings: Settings) -> None:
    """Protects 'never part of the public server': create_app registers none of the editor's routes."""
    app = create_app(settings)
    assert not [r for r in app.url_map.iter_rules() if r.endpoint.startswith("curation.") or "/api/document" in r.rule]
    assert app.test_client().post(f"/api/document/{DOC}/save", json={}).status_code in (404, 405)


def test_a_save_writes_authoring_files_and_publishes(client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """Protects the save path: decisions through the review code, a linked mention and a planned step with its
    date written as Turtle a person would write, then built, conforming and served."""
    view = client.get(f"/api/document/{DOC}").get_json()
    text = view["text"]
    start = text.index("Comrade Molotov will come")
    end = text.index("on 9 March") + len("on 9 March")
    date = next(s for s in view["suggestions"] if s["words"] == "9 March")
    answer = _save(client, {
        "decisions": [{"id": "mention:person/molotov:comrade-molotov", "status": "accepted"},
                      {"id": date["id"], "status": "accepted"}],
        "facts": [{"kind": "step", "modality": "Planned", "label": "(planned) Molotov comes to Springfield",
                   "start": start, "end": end, "type": "Travelling", "according_to": ID + "person/molotov",
                   "roles": {"hg:plannedAgent": [ID + "person/molotov"]},
                   "date": {"words": "on 9 March", "begin": date["begin"], "end": date["end"]}}],
    })
    assert answer.status_code == 200, answer.get_json()
    result = answer.get_json()
    assert result["published"] is True, result
    graph = Graph().parse(_facts(settings), format="turtle")
    step = URIRef(ID + "step/planned-molotov-comes-to-springfield")
    assert graph.value(step, URIRef(HG + "quote")) == Literal("Comrade Molotov will come to Springfield on 9 March")
    assert graph.value(step, URIRef(HG + "modality")) == URIRef(HG + "Planned")
    span = graph.value(step, URIRef(HG + "plannedTimeSpan"))
    assert str(graph.value(span, URIRef("http://www.cidoc-crm.org/cidoc-crm/P82a_begin_of_the_begin"))) == "1951-03-09T00:00:00"
    assert (URIRef(ID + "person/molotov"), URIRef(HG + "mention"), Literal("Comrade Molotov")) in graph
    assert str(step) in {p["iri"] for p in result["view"]["passages"]}
    assert result["view"]["findings"] == [] and result["view"]["can_undo"] is True


def test_one_added_mention_is_a_small_diff(client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """Protects 'a small diff per change': linking one more word rewrites the editor's block in a stable order,
    so facts.ttl changes by a line or two, and saving nothing changes nothing."""
    before = _facts(settings).read_text(encoding="utf-8")
    assert _save(client, {"mentions": [{"entity": ID + "person/molotov", "words": "Molotov"}]}).get_json()["published"]
    after = _facts(settings).read_text(encoding="utf-8")
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert 1 <= len(changed) <= 3, changed
    assert _save(client, {}).get_json()["published"]
    assert _facts(settings).read_text(encoding="utf-8") == after


def test_a_stale_version_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    """Protects 'concurrent edits are detected': a save from a page loaded before someone else's save is a 409."""
    refused = _save(client, {"mentions": [{"entity": ID + "person/molotov", "words": "Molotov"}]}, version="0" * 32)
    assert refused.status_code == 409 and "reload" in refused.get_json()["error"]


def test_bad_changes_are_refused_with_what_to_do(client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """Protects 'bad input is a 4xx with a message': an unknown kind, words not in the text; nothing is written."""
    before = _facts(settings).read_bytes()
    unknown = _save(client, {"facts": [{"kind": "rumour", "label": "x", "start": 0, "end": 2}]})
    assert unknown.status_code == 400 and "one of" in unknown.get_json()["error"]
    absent = _save(client, {"mentions": [{"entity": ID + "person/molotov", "words": "Stalin said"}]})
    assert absent.status_code == 400 and "words of the text" in absent.get_json()["error"]
    assert _facts(settings).read_bytes() == before


def test_invalid_data_is_not_published_and_messages_sit_by_their_passage(client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """Protects 'an invalid state is never published': a step whose agent is a place stays in the files, the build
    refuses it, build/current keeps serving, the SHACL message carries the step's passage; undo restores."""
    serving = current_build(settings)
    before = _facts(settings).read_bytes()
    text = client.get(f"/api/document/{DOC}").get_json()["text"]
    start = text.index("we shall meet")
    result = _save(client, {"facts": [{
        "kind": "step", "label": "(planned) a meeting", "start": start, "end": start + len("we shall meet"),
        "according_to": ID + "person/molotov", "roles": {"hg:plannedAgent": [ID + "place/moscow"]}}]}).get_json()
    assert result["published"] is False and current_build(settings) == serving
    placed = [f for f in result["view"]["findings"] if f["focus"].endswith("/step/planned-a-meeting")]
    assert placed and placed[0]["start"] == start and "person, a group or a role" in placed[0]["message"]
    undone = client.post(f"/api/document/{DOC}/undo", json={"version": result["view"]["version"]}).get_json()
    assert undone["published"] is True and _facts(settings).read_bytes() == before


@pytest.mark.server
def test_the_command_prints_a_url_with_a_fresh_token(settings: Settings) -> None:
    """Protects the start of `histgraph edit`: a real server on 127.0.0.1 prints its URL with a random token,
    which opens the document (the cookie it sets then carries the token); without it the API is refused."""
    import http.cookiejar
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    command = [str(Path(sys.executable).with_name("histgraph")), "--project", str(settings.project_dir),
               "--build-dir", str(settings.builds_root), "edit", DOC]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert "histgraph edit: open " in line, line
        url = line.split("open ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:") and f"/document/{DOC}?token=" in url
        token = url.rpartition("token=")[2]
        assert len(token) >= 32 and token != TOKEN
        api = url.partition("?")[0].replace(f"/document/{DOC}", f"/api/document/{DOC}")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(api)
        assert refused.value.code == 403
        refused.value.close()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with browser.open(url) as page:
            assert page.status == 200 and page.url.endswith(f"/document/{DOC}")
        with browser.open(api) as answer:
            assert json.load(answer)["document"] == DOC
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
