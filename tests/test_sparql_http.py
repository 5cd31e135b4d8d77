"""The one HTTP client for SPARQL servers (store/sparql_http.py): its deadline and its family of errors.

Each case is played by a small real HTTP server on 127.0.0.1 in a thread.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from histgraph.store import sparql_http
from tests.servers import free_port

SECRET = "internal stack trace: password=hunter2"
ASK = "ASK { ?s ?p ?o }"


@contextmanager
def server(answer: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[str]:
    """A real HTTP server answering every POST with ``answer``; yields its query URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            answer(self)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/query"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _status_with_secret(handler: BaseHTTPRequestHandler) -> None:
    body = SECRET.encode()
    handler.send_response(500)
    handler.send_header("Content-Type", "text/plain")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def test_an_error_status_is_refused_without_the_servers_text(caplog: pytest.LogCaptureFixture) -> None:
    """Protects the rule: a server's error text goes to the log, never into the message users see."""
    with server(_status_with_secret) as url, caplog.at_level(logging.WARNING), \
            pytest.raises(sparql_http.Refused) as refused:
        sparql_http.results_json(url, ASK, timeout=5)
    assert refused.value.status == 500 and refused.value.url == url
    assert "HTTP 500" in str(refused.value) and "hunter2" not in str(refused.value)
    assert any("hunter2" in record.getMessage() for record in caplog.records)


def test_a_trickling_answer_is_stopped_at_the_deadline() -> None:
    """Protects the deadline on the whole exchange: a server sending a byte at a time cannot hold the caller."""
    stop = threading.Event()

    def trickle(handler: BaseHTTPRequestHandler) -> None:
        body = json.dumps({"head": {}, "boolean": True}).encode() + b" " * 100
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        for byte in body:  # the whole answer would take 100 * 0.1 s, far past the deadline
            if stop.wait(0.1):
                return
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    with server(trickle) as url:
        try:
            with pytest.raises(sparql_http.TimedOut) as timed_out:
                sparql_http.results_json(url, ASK, timeout=0.5)
        finally:
            stop.set()
    assert timed_out.value.timeout == 0.5 and "did not answer within 0.5 s" in str(timed_out.value)


def test_a_server_that_is_not_there_is_unreachable() -> None:
    """Protects the down case: a refused connection is Unreachable, naming the URL."""
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(sparql_http.Unreachable) as unreachable:
        sparql_http.results_json(url, ASK, timeout=5)
    assert unreachable.value.url == url and str(unreachable.value).startswith(f"cannot reach {url} (")


def test_an_answer_of_another_type_is_unreadable() -> None:
    """Protects the type check: an HTML page where SPARQL results were asked for is an UnreadableAnswer."""

    def html(handler: BaseHTTPRequestHandler) -> None:
        body = b"<html>login</html>"
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    with server(html) as url, pytest.raises(sparql_http.UnreadableAnswer) as unreadable:
        sparql_http.results_json(url, ASK, timeout=5)
    assert "text/html" in str(unreadable.value) and "login" not in str(unreadable.value)


def test_every_failure_is_one_family() -> None:
    """Protects the single family callers catch: each kind is a RemoteFailed (and so a HistgraphError)."""
    from histgraph.errors import HistgraphError

    for kind in (sparql_http.Unreachable, sparql_http.TimedOut, sparql_http.Refused, sparql_http.UnreadableAnswer):
        assert issubclass(kind, sparql_http.RemoteFailed) and issubclass(kind, HistgraphError)
