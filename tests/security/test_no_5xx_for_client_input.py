"""No client mistake gets a 5xx: every route, fuzzed with hostile input (issue #12, item 11).

The routes are read from the app's ``url_map`` and the named queries from its
OpenAPI description (``/queries/openapi.json``), so a new route or query is
fuzzed as soon as it exists; ``test_every_route_has_generators`` fails until a
new route's path variables and parameters are listed below. Each request goes
through the Flask test client to the app over the real cable; Hypothesis (the
deterministic ``ci`` profile) chooses the values: spaces, ``%20``, ``%00``,
``..``, invalid UTF-8 escapes, control characters, huge and negative numbers,
bad IRIs, deeply nested JSON, junk headers, unknown formats.

Every answer must be below 500, and a 4xx must be a short message — the app's
JSON ``{"error", "message", "status"}`` for programs, the error page for
browsers — never a traceback.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from histgraph.web import create_app

from ..conftest import CABLE
from ..servers import close_app
from .test_schemathesis import operations

#: Requests per route: a quarter of the Hypothesis profile's examples (25 in ``ci``, enough
#: to reach every generator and fast; 125 with ``HYPOTHESIS_PROFILE=explore``).
EXAMPLES = settings.default.max_examples // 4
#: A 4xx message is a sentence or two; a longer one is a dump of something.
MAX_MESSAGE = 1000
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

#: Values that broke a handler or could: the reviewer's examples, and the fuzzer's finds.
HOSTILE = (
    "", " ", "a b", "\x00", "\t", "\r\n", "\x7f", "..", "../../etc/passwd", "%", "%20", "%ff%fe",
    "1e400", "-1e400", "-1", "0", "-0", "NaN", "Infinity", "9" * 5000, "x" * 5000, "²", "١٢",
    "urn://:%10", "http://[", "http://x/ y", "http://x/#a#b", "javascript:alert(1)", "file:///etc/passwd",
    "<script>", '"', "'", "{}", "\\", "é中文", "\u202e", "\ufffd", "[" * 3000, '{"a":' * 1000,
)
#: Percent-escapes put into URLs as they are: invalid UTF-8, overlong forms, NUL, bad escapes.
RAW_ESCAPES = ("%ff%fe", "%C0%AF", "%00", "%0a%0d", "%", "%zz", "%E9", "%ED%A0%80", "%25", "%2F", "%2e%2e")

#: Good values of each route's path variables, so that fuzzed parameters reach the
#: page behind (the named queries' names come from the OpenAPI description).
PATH_VALUES: dict[str, dict[str, tuple[str, ...]]] = {
    "static": {"filename": ("histgraph.css", "search.js", "../../pyproject.toml")},
    "assets.vendor": {"name": ("leaflet.js", "yasgui.min.css")},
    "queries_api.run": {"name": ()},
    "entities.entity": {"kind": ("person", "document", "place", "event"),
                        "name": ("mao-zedong", CABLE, "moscow", "mao-zedong.ttl", "mao-zedong.jsonld",
                                 "molotov.rdf", "mao-zedong.nt", f"{CABLE}#creation-date", "mao-zedong.")},
    "document.cite": {"slug": (CABLE,), "fmt": ("bib", "ris", "json", "pdf")},
    "browse.kind": {"kind": ("person", "event", "place", "document")},
    "dataset.sitemap_part": {"part": ("1", "2", "0")},
    "dataset.dump": {"name": ("dataset.ttl", "dataset.jsonld", "dataset.trig", "dataset.nq", "void.ttl")},
    "views.download": {"name": ("network.gexf", "network-nodes.csv", "timeline-timelinejs.json")},
    "named_graphs.named_graph": {"name": ("authorities", CABLE, "authorities.ttl", f"{CABLE}.jsonld",
                                          "links-wikidata-reviewed.nt", "ontology.rdf", "authorities.")},
}

#: The query parameters each endpoint reads (``()``: none); every request may carry junk ones too.
PARAMETERS: dict[str, tuple[str, ...]] = {
    "static": (), "home.index": (), "assets.vendor": (), "editor.index": (), "editor.config": (),
    "editor.labels": ("iri",),  # and a JSON body {"iris": [...]} by POST
    "sparql.endpoint": ("query", "update", "default-graph-uri", "named-graph-uri", "format"),
    "queries_api.index": (), "queries_api.openapi": (),
    "queries_api.run": ("format",),  # and each query's parameters, from the OpenAPI description
    "entities.entity": ("page", "more", "hl", "from", "show"),
    "document.index": ("page",), "document.cite": (),
    "browse.index": (), "browse.kind": ("page",),
    "search.index": ("q",), "search.labels_api": ("q", "limit"), "search.search_api": ("q",),
    "named_graphs.named_graph": ("page",),
    "dataset.void": (), "dataset.dump": (), "dataset.ontology": (), "dataset.ontology_turtle": (),
    "dataset.report": (), "dataset.report_turtle": (), "dataset.licence": (), "dataset.sitemap": (),
    "dataset.sitemap_part": (),
    "views.network": ("focus", "name", "depth", "view"), "views.network_json": ("focus", "name", "depth", "view"),
    "views.timeline": ("page",), "views.timeline_json": ("page",), "views.map": (), "views.map_json": (),
    "views.download": (),
    "reconcile.endpoint": ("queries", "callback"), "reconcile.preview": ("id",),
    "reconcile.suggest_entity": ("prefix", "type", "cursor", "callback"),
    "reconcile.suggest_type": ("prefix", "cursor", "callback"),
    "reconcile.suggest_property": ("prefix", "cursor", "callback"),
}
#: Parameter names no route reads, sent along to check they are harmless.
JUNK_NAMES = ("x", "", "page[]", "%00", "format")

#: Good values of some parameters, so a request gets past one check to the next.
GOOD_PARAMETERS = {
    "page": ("1", "2", "999"), "more": ("events", "passages", "cite"), "hl": ("10-20",), "from": ("10-20",),
    "show": ("people", "places"), "focus": ("https://histgraph.example.org/id/person/zhou-enlai",),
    "depth": ("1", "3"), "view": ("actors", "all"), "name": ("zhou", "Chou En-lai", "Peking"), "q": ("mao", "zhou", "Comrade Molotov"), "limit": ("5",), "format": ("json", "turtle", "csv"),
    "id": ("person/mao-zedong",), "prefix": ("ma",), "callback": ("cb",),
}

SPARQL_TEMPLATES = (
    "SELECT * WHERE {{ ?s ?p ?o }} LIMIT {}",
    "SELECT * FROM <{}> WHERE {{ ?s ?p ?o }} LIMIT 1",
    "SELECT (<{}>(1) AS ?x) WHERE {{}}",
    "DESCRIBE <{}>",
    "SELECT * WHERE {{ BIND({} AS ?x) }}",
    "ASK {{ <https://histgraph.example.org/id/person/mao-zedong> ?p \"{}\" }}",
)
NUMBERS = ("1e400", "-1e400", "-1", "0", "0.5", "99999999999999999999999", "NaN", "true", '"5"', "null", "[]")
RECONCILE_TEMPLATES = (
    '{{"q0": {{"query": "mao", "limit": {}}}}}',
    '{{"q0": {{"query": {}}}}}',
    '{{"q0": {{"query": "mao", "type": {}}}}}',
    '{{"q0": {{"query": "mao", "properties": [{{"pid": "x", "v": {}}}]}}}}',
    '{{"q0": {}}}',
)
NESTED_JSON = ("[" * 5000 + "]" * 5000, '{"q0":' * 3000 + "1" + "}" * 3000, "[" * 100_001)

ACCEPT = (BROWSER, "application/json", "*/*", "", "junk", "text/html;q=0", "*/*;q=1e400", "*/*;q=-1",
          "application/ld+json;q=nan", "text/turtle;q=0.5, application/rdf+xml", ",,,;;;=",
          "application/sparql-results+json", "text/csv", "application/x-bibtex", "a/b, " * 2000)
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=40)
HEADERS = st.fixed_dictionaries(
    {"Accept": st.one_of(st.sampled_from(ACCEPT), HEADER_TEXT)},
    optional={
        "If-None-Match": st.one_of(st.sampled_from(('"x', "*", 'W/"', '"a", W/"b"', "x" * 3000)), HEADER_TEXT),
        "If-Modified-Since": st.one_of(st.sampled_from(("junk", "Thu, 01 Jan 1970 00:00:00 GMT", "-1")), HEADER_TEXT),
        "Range": st.one_of(st.sampled_from(("bytes=9-1", "bytes=-0", "bytes=0-", "junk", "bytes=1e400-")), HEADER_TEXT),
        "Accept-Language": HEADER_TEXT,
        "Accept-Encoding": st.sampled_from(("gzip", "br;q=junk", "*;q=0", "identity;q=0")),
    },
)


def encode(value: str) -> str:
    """``value`` percent-encoded as a URL component (UTF-8)."""
    return quote(value, safe="")


def text_values(good: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """Values to put in a URL, already percent-encoded: good, hostile, raw escapes or random text."""
    choices = [st.sampled_from(HOSTILE).map(encode), st.sampled_from(RAW_ESCAPES), st.text(max_size=30).map(encode),
               st.integers().map(str)]
    if good:
        choices.insert(0, st.sampled_from(good).map(encode))
        # A good value spoilt at its end: the route matches and the handler gets the rest.
        choices.append(st.tuples(st.sampled_from(good), st.sampled_from(HOSTILE + RAW_ESCAPES)).map(
            lambda pair: quote(pair[0], safe="") + (pair[1] if pair[1] in RAW_ESCAPES else encode(pair[1]))))
    return st.one_of(choices)


def sparql_values() -> st.SearchStrategy[str]:
    """SPARQL queries with hostile holes, and text that is not SPARQL at all (percent-encoded)."""
    filled = st.builds(lambda template, value: template.format(value), st.sampled_from(SPARQL_TEMPLATES),
                       st.sampled_from(HOSTILE + NUMBERS))
    return st.one_of(filled.map(encode), text_values())


def reconcile_values() -> st.SearchStrategy[str]:
    """Batches of reconciliation queries: hostile numbers, types, nesting; and JSON of any shape."""
    filled = st.builds(lambda template, value: template.format(value), st.sampled_from(RECONCILE_TEMPLATES),
                       st.one_of(st.sampled_from(NUMBERS + NESTED_JSON), st.sampled_from(HOSTILE).map(json.dumps)))
    anything = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
        max_leaves=12,
    ).map(json.dumps)
    return st.one_of(filled, st.sampled_from(NESTED_JSON), anything).map(encode)


def parameter_values(name: str) -> st.SearchStrategy[str]:
    """Values for the parameter ``name``, percent-encoded."""
    if name in ("query", "update"):
        return sparql_values()
    if name == "queries":
        return reconcile_values()
    return text_values(GOOD_PARAMETERS.get(name, ()))


@dataclasses.dataclass(frozen=True)
class Call:
    """One request: what the fuzzer sends and the failure message names."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes | None = None
    content_type: str | None = None

    def send(self, client: FlaskClient) -> TestResponse:
        """Send the request with the test client."""
        return client.open(self.path, method=self.method, query_string=self.query, headers=self.headers,
                           data=self.body, content_type=self.content_type)

    def __str__(self) -> str:
        shown = f"{self.method} {self.path}?{self.query}"[:300]
        return f"{shown} headers={str(self.headers)[:200]} body={(self.body or b'')[:100]!r}"


BODIES = st.one_of(
    st.none(),
    st.tuples(st.sampled_from(("application/sparql-query", "application/x-www-form-urlencoded", "application/json",
                               "text/plain", "application/sparql-update", "multipart/form-data", "junk/;;")),
              st.one_of(st.binary(max_size=60), sparql_values().map(str.encode),
                        reconcile_values().map(lambda v: b"queries=" + v.encode()),
                        st.sampled_from(NESTED_JSON).map(str.encode))),
)


def calls(rule: Rule, path_values: dict[str, tuple[str, ...]], parameters: tuple[str, ...]) -> st.SearchStrategy[Call]:
    """Requests to ``rule``: its variables, parameters, headers, method and body fuzzed."""
    variables = st.fixed_dictionaries({arg: text_values(path_values[arg]) for arg in sorted(rule.arguments)})
    names = st.lists(st.sampled_from(parameters + JUNK_NAMES), max_size=4)
    methods = sorted(rule.methods or {"GET"})

    @st.composite
    def build(draw: Any) -> Call:
        path = rule.rule
        for arg, value in draw(variables).items():
            path = path.replace(f"<path:{arg}>", value).replace(f"<{arg}>", value)
        query = "&".join(f"{encode(name)}={draw(parameter_values(name))}" for name in draw(names))
        method = draw(st.sampled_from(methods))
        body = draw(BODIES) if method == "POST" else None
        return Call(method, path, query, draw(HEADERS), body[1] if body else None, body[0] if body else None)

    return build()


@pytest.fixture(scope="module")
def app(settings, built) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """The app over the real cable; no per-client budget (it would answer 429 before the checks)."""
    application = create_app(dataclasses.replace(settings, client_rate=0))
    yield application
    close_app(application)


@pytest.fixture(scope="module")
def described(app: Flask) -> dict[str, tuple[str, ...]]:
    """Each named query of the OpenAPI description, with the parameters it declares."""
    document = app.test_client().get("/queries/openapi.json").get_json()
    return {
        path.rsplit("/", 1)[1]: tuple(p["name"] for p in item["get"]["parameters"])
        for path, item in document["paths"].items()
    }


def routes(app: Flask, described: dict[str, tuple[str, ...]]) -> Iterator[tuple[Rule, dict, tuple[str, ...]]]:
    """Every rule with the good values of its variables and the parameters it reads."""
    for rule in app.url_map.iter_rules():
        path_values = dict(PATH_VALUES.get(rule.endpoint, {}))
        parameters = PARAMETERS[rule.endpoint]
        if rule.endpoint == "queries_api.run":
            path_values["name"] = tuple(described)
            parameters += tuple(sorted({p for declared in described.values() for p in declared}))
        yield rule, path_values, parameters


class ErrorPage(HTMLParser):
    """The title, and the heading and first paragraph of ``<section class="error">``."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.heading = ""
        self.message = ""
        self._open: str | None = None
        self._in_error = False

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag == "section" and ("class", "error") in attrs:
            self._in_error = True
        if tag == "title" or (self._in_error and tag in ("h1", "p")):
            self._open = tag

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == self._open:
            self._open = None
        if tag == "p" and self._in_error and self.message:
            self._in_error = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._open == "title":
            self.title += data
        elif self._open == "h1":
            self.heading += data
        elif self._open == "p" and self._in_error:
            self.message += data


def assert_short_message(response: TestResponse, call: Call) -> None:
    """A 4xx answer is a short message: the app's JSON error or its error page, no traceback."""
    code = response.status_code
    if call.method == "HEAD":
        return  # no message to read: the server sends no body to HEAD (gunicorn drops any)
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and 'File "/' not in text, f"{call}: {code} shows a traceback"
    if response.mimetype == "application/json":
        data = response.get_json()
        if call.path.startswith("/reconcile") and data.get("status") == "error":
            # The Reconciliation API's own error shape, which OpenRefine reads.
            assert set(data) == {"status", "message"}, f"{call}: {data}"
        else:
            assert set(data) == {"error", "message", "status"} and data["status"] == code, f"{call}: {data}"
        message = data["message"]
    elif response.mimetype == "text/html":
        page = ErrorPage()
        page.feed(text)
        assert page.title.startswith(f"{code} ") and page.heading.startswith(f"{code} "), f"{call}: {page.title!r}"
        message = page.message
    else:
        pytest.fail(f"{call}: a {code} answered as {response.mimetype}, not as a message")
    assert isinstance(message, str) and 0 < len(message) <= MAX_MESSAGE, f"{call}: message {message!r:.400}"


def check(client: FlaskClient, call: Call) -> TestResponse:
    """Send ``call``: below 500 whatever it holds, and a 4xx is a short message."""
    response = call.send(client)
    response.get_data()  # read whole, then closed: a file download holds its file open until then
    response.close()
    assert response.status_code < 500, f"{call}: {response.status_code} {response.get_data()[:300]!r}"
    if response.status_code >= 400:
        assert_short_message(response, call)
    return response


def test_every_route_has_generators(app: Flask, described: dict[str, tuple[str, ...]]) -> None:
    """Protects the fuzz's reach: a new route fails here until its variables and parameters are listed."""
    for rule in app.url_map.iter_rules():
        assert rule.endpoint in PARAMETERS, f"{rule.rule}: list the parameters it reads in PARAMETERS (() if none)"
        assert set(rule.arguments) == set(PATH_VALUES.get(rule.endpoint, {})), (
            f"{rule.rule}: give good values of its path variables in PATH_VALUES")
    stale = set(PARAMETERS) - {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not stale, f"PARAMETERS lists endpoints the app no longer has: {stale}"
    assert "people" in described, "the OpenAPI description lists the named queries"


def test_no_client_input_gets_a_5xx(app: Flask, described: dict[str, tuple[str, ...]]) -> None:
    """Protects issue #12 item 11: on every route, any path, parameter, header, method and body is answered below 500.

    One Hypothesis run per route (as Schemathesis runs one per operation), so each
    route gets its share of examples; the failures of all routes are reported together.
    """
    client = app.test_client()
    failures = []
    for rule, path_values, parameters in routes(app, described):

        @given(call=calls(rule, path_values, parameters))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def answered(call: Call) -> None:
            check(client, call)

        try:
            answered()
        except AssertionError as exc:
            failures.append(f"{rule.rule}: {str(exc).splitlines()[0]}")
    assert not failures, "\n".join(failures)


def test_paths_outside_every_route_are_404_messages(app: Flask) -> None:
    """Protects the catch-all: a path that matches no route is a short 404 message, whatever it holds."""
    client = app.test_client()

    @given(segments=st.lists(text_values(("id", "cite", "browse", "queries", "static", "reconcile")), min_size=1,
                             max_size=4), headers=HEADERS)
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    def answered(segments: list[str], headers: dict[str, str]) -> None:
        check(client, Call("GET", "/" + "/".join(segments), "", headers))

    answered()


#: The reviewer's examples and the fuzzer's finds, each with the answer it must get.
KNOWN_MISTAKES = (
    ("/id/person/a%20b", 404),
    ("/cite/%20.bib", 404),
    ("/id/person/%ff%fe", 404),
    ("/id/%00/x", 404),
    ("/id/person/a%20b.ttl", 404),
    ("/id/person/%25", 404),
    ("/id/document/%7B%7D", 404),
    ("/cite/%0a.ris", 404),
    ("/cite/a%22b.json", 404),
    ("/cite/x.pdf", 404),
    ("/browse/person?page=1e400", 400),
    ("/browse/person?page=-1", 400),
    ("/browse/person?page=" + "9" * 5000, 400),
    ("/id/person/mao-zedong?more=events&page=1e400", 400),
    (f"/id/document/{CABLE}?hl=1" + "0" * 5000 + "-2", 400),
    (f"/id/document/{CABLE}?hl=%C2%B2-%C2%B3", 400),
    (f"/id/document/{CABLE}?show=nothing", 400),
    ("/id/person/mao-zedong?from=20-10", 400),
    ("/network.json?focus=http://%5B", 400),
    ("/network.json?focus=urn://:%2510", 400),
    ("/network?focus=https://histgraph.example.org/id/person/zhou-enlai&depth=1e400", 400),
    ("/network.json?focus=http://x.example/&depth=9", 400),
    ("/queries/people?document=urn://:%2510", 400),
    ("/queries/people?document=http://%5B", 400),
    (f"/queries/people?document=https://histgraph.example.org/id/document/{CABLE}&document=urn:x:y", 400),
    ("/queries/no-such-query", 404),
    ("/queries/" + "x" * 5000, 404),
    ("/queries/people?format=junk", 400),
    ("/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201&default-graph-uri=http://%5B", 400),
    ("/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201&named-graph-uri=urn://:%2510", 400),
    ("/sparql?query=SELECT%20(%3Chttp://example.org/unknown%3E(1)%20AS%20%3Fx)%20%7B%7D", 400),
    ("/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201e400", 400),
)


@pytest.mark.parametrize(("url", "status"), KNOWN_MISTAKES)
def test_known_mistakes_get_their_4xx(app: Flask, url: str, status: int) -> None:
    """Protects each mistake found so far: its 4xx, as JSON to a program and as the error page to a browser."""
    client = app.test_client()
    path, _, query = url.partition("?")
    for accept in ("application/json", BROWSER):
        call = Call("GET", path, query, {"Accept": accept})
        response = check(client, call)
        assert response.status_code == status, f"{call}: {response.status_code}"
        assert response.mimetype == ("text/html" if accept == BROWSER else "application/json")


#: Reconciliation batches that used to crash: a number JSON cannot hold, and deep nesting.
RECONCILE_MISTAKES = (
    '{"q0": {"query": "mao", "limit": 1e400}}',
    '{"q0": {"query": "mao", "limit": -1e400}}',
    '{"q0": {"query": "mao", "limit": NaN}}',
    "[" * 5000 + "]" * 5000,
    '{"q0":' * 3000 + "1" + "}" * 3000,
)


@pytest.mark.parametrize("batch", RECONCILE_MISTAKES, ids=["limit-1e400", "limit--1e400", "limit-NaN", "nested-list",
                                                           "nested-object"])
def test_reconcile_mistakes_get_a_4xx(app: Flask, batch: str) -> None:
    """Protects the reviewer's reconcile examples: a huge number or deep nesting is a 4xx message, by GET and POST."""
    client = app.test_client()
    for call in (Call("GET", "/reconcile", "queries=" + encode(batch), {"Accept": "application/json"}),
                 Call("POST", "/reconcile", "", {"Accept": "application/json"},
                      ("queries=" + encode(batch)).encode(), "application/x-www-form-urlencoded")):
        assert 400 <= check(client, call).status_code < 500, str(call)


def example_path(rule: Rule, path_values: dict[str, tuple[str, ...]]) -> str:
    """``rule`` with the first good value of each variable."""
    path = rule.rule
    for arg in rule.arguments:
        value = encode(path_values[arg][0]) if path_values[arg] else "x"
        path = path.replace(f"<path:{arg}>", value).replace(f"<{arg}>", value)
    return path


def test_head_options_and_refused_methods_on_every_route(app: Flask, described: dict[str, tuple[str, ...]]) -> None:
    """Protects every route's methods: HEAD answers as GET does without a body, OPTIONS says
    what is allowed, and any other method is a 405 message with ``Allow``."""
    client = app.test_client()
    for rule, path_values, _ in routes(app, described):
        path = example_path(rule, path_values)
        get = check(client, Call("GET", path, "", {"Accept": "application/json"}))
        head = check(client, Call("HEAD", path, "", {"Accept": "application/json"}))
        assert head.status_code == get.status_code, f"HEAD {path}: {head.status_code}, GET {get.status_code}"
        options = check(client, Call("OPTIONS", path, "", {"Accept": "application/json"}))
        allowed = options.headers.get("Allow") or options.headers.get("Access-Control-Allow-Methods") or ""
        assert "GET" in {m.strip() for m in allowed.split(",")}, f"OPTIONS {path}: {dict(options.headers)}"
        for method in ("POST", "PUT", "DELETE", "PATCH", "PROPFIND"):
            if method in (rule.methods or ()):
                continue
            for accept in ("application/json", BROWSER):
                refused = check(client, Call(method, path, "", {"Accept": accept}))
                assert refused.status_code == 405, f"{method} {path}: {refused.status_code}"
                assert set(rule.methods or ()) <= {m.strip() for m in refused.headers["Allow"].split(",")}


def test_named_queries_of_the_cable_answer_any_value_below_500(app: Flask) -> None:
    """Protects the named-query API over the real queries and data: Schemathesis (set up as in
    test_schemathesis.py) sends values that fit and that break each declared schema; every
    answer is documented and none is a server error."""
    for operation in operations(app):
        for mode in GenerationMode:

            @given(case=operation.as_strategy(mode))
            @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
            def conforms(case) -> None:  # type: ignore[no-untyped-def]
                case.call_and_validate()

            conforms()
