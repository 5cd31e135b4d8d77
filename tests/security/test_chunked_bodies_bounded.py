"""A body without Content-Length is bounded and well-formed, or refused (issue #12, item 9).

A chunked body used to evade ``max_request_bytes``: it was cut silently and
then run; a malformed one got a 500. Now, on a real server: over the limit is
413, malformed chunking is 400, a well-formed small chunked body runs, and the
server answers the next request.
"""

from __future__ import annotations

import http.client
import json
import socket
import urllib.parse
from collections.abc import Iterator

import pytest

from ..servers import FIXTURE_DATA, histgraph_server

LIMIT = 2000
QUERY = b"ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    folder = tmp_path_factory.mktemp("chunked")
    env = {"HISTGRAPH_CLIENT_RATE": "0", "HISTGRAPH_MAX_REQUEST_BYTES": str(LIMIT)}
    with histgraph_server(folder, [str(FIXTURE_DATA)], env=env) as url:
        parts = urllib.parse.urlsplit(url)
        yield parts.hostname or "127.0.0.1", parts.port or 80


def _chunked(body_chunks: list[bytes], raw_tail: bytes = b"0\r\n\r\n") -> bytes:
    encoded = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in body_chunks)
    return encoded + raw_tail


def _send(server: tuple[str, int], payload: bytes) -> tuple[int, dict]:
    """POST a SPARQL body with chunked encoding ``payload`` (already encoded); the status and JSON."""
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        b"Accept: application/sparql-results+json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(server, timeout=30) as sock:
        sock.sendall(head + payload)
        sock.shutdown(socket.SHUT_WR)
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = response.read()
    try:
        return response.status, json.loads(body or b"{}")
    except ValueError:
        return response.status, {}


@pytest.mark.server
def test_small_chunked_body_runs(server: tuple[str, int]) -> None:
    """Protects the protocol: a well-formed chunked SPARQL body is a query like any other."""
    status, answer = _send(server, _chunked([QUERY[:5], QUERY[5:]]))
    assert status == 200
    assert answer["boolean"] is True


@pytest.mark.server
def test_oversized_chunked_body_is_413_not_cut(server: tuple[str, int]) -> None:
    """Protects the size limit: a chunked body over max_request_bytes is refused whole, never cut and run."""
    padding = b"#" + b"x" * 1000 + b"\n"
    status, answer = _send(server, _chunked([padding] * 5 + [QUERY]))
    assert status == 413
    assert "max_request_bytes" in answer["message"]


@pytest.mark.server
@pytest.mark.parametrize(
    "payload",
    [
        b"zz\r\nASK {}\r\n0\r\n\r\n",  # not a hex size
        b"5\r\nASK { ?s ?p ?o }\r\n0\r\n\r\n",  # size shorter than the data
        b"ffffffffffffffffffff\r\nASK {}\r\n0\r\n\r\n",  # an absurd size
        b"6\r\nASK {}",  # cut off before the terminator
    ],
)
def test_malformed_chunked_body_is_4xx(server: tuple[str, int], payload: bytes) -> None:
    """Protects against 5xx for client mistakes: malformed chunking gets a 4xx, and the server goes on."""
    status, _ = _send(server, payload)
    assert 400 <= status < 500
    status, answer = _send(server, _chunked([QUERY]))
    assert status == 200 and answer["boolean"] is True
