"""The first thing every request meets: a bounded, well-formed, UTF-8 request or a clear 4xx.

A WSGI middleware, so it holds for every route whatever the route does:

* a body without ``Content-Length`` (``Transfer-Encoding: chunked``) is read
  here, at most ``max_request_bytes`` + 1 bytes of it: larger is 413 (it used to
  be cut silently and then run); a malformed chunked body is 400 (it used to be
  a 500). The app then sees an ordinary body with its length.
* a declared ``Content-Length`` over the limit is 413 before anything is read;
* the query string, and a text body (form, SPARQL query, JSON), must be UTF-8:
  anything else is 400 rather than text with replacement characters.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_to_bytes

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

#: Bodies of these media types are text, and must be UTF-8.
TEXT_BODIES = frozenset(
    {"application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update", "application/json"}
)


class BadRequestBody(Exception):
    """A request refused before the app sees it; ``status`` is 400 or 413."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _refuse(environ: dict[str, Any], start_response: StartResponse, status: int, message: str) -> list[bytes]:
    titles = {400: "Bad Request", 413: "Request Entity Too Large"}
    body = json.dumps({"error": titles[status], "message": message, "status": status}).encode()
    start_response(
        f"{status} {titles[status]}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Connection", "close")],
    )
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def _check_utf8(data: bytes, what: str) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequestBody(
            400, f"the {what} is not valid UTF-8 (byte {exc.start}); send UTF-8, percent-encoded in URLs"
        ) from None


def _read_unsized(stream: Any, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes of a body of unknown length; 400 if the server cannot read it."""
    chunks, size = [], 0
    try:
        while size <= limit:
            chunk = stream.read(min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except Exception as exc:  # the server's chunked decoder: every failure is a malformed body
        raise BadRequestBody(400, f"the request body is malformed ({type(exc).__name__}); check its chunked encoding") from None
    return b"".join(chunks)


def _body_of_unknown_length(environ: dict[str, Any]) -> bool:
    if environ.get("CONTENT_LENGTH"):
        return False
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    return chunked or bool(environ.get("wsgi.input_terminated"))


def guard(environ: dict[str, Any], max_bytes: int) -> None:
    """Check (and, for an unsized body, buffer) the request in ``environ``; raise :class:`BadRequestBody`."""
    too_large = f"the request is larger than the limit of {max_bytes} bytes (setting max_request_bytes)"
    query = environ.get("QUERY_STRING", "")
    _check_utf8(unquote_to_bytes(query.replace("+", " ")), "query string")
    length = environ.get("CONTENT_LENGTH") or ""
    if length:
        if not length.isdigit():
            raise BadRequestBody(400, f"Content-Length {length!r} is not a number of bytes")
        if int(length) > max_bytes:
            raise BadRequestBody(413, too_large)
    elif _body_of_unknown_length(environ):
        body = _read_unsized(environ["wsgi.input"], max_bytes)
        if len(body) > max_bytes:
            raise BadRequestBody(413, too_large)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input_terminated"] = False
    media = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    if media in TEXT_BODIES and environ.get("CONTENT_LENGTH"):
        size = int(environ["CONTENT_LENGTH"])
        body = environ["wsgi.input"].read(size)
        environ["wsgi.input"] = io.BytesIO(body)
        if media == "application/x-www-form-urlencoded":
            body = unquote_to_bytes(body.replace(b"+", b" "))
        _check_utf8(body, "request body")


class RequestGuard:
    """WSGI middleware applying :func:`guard` before the app (see the module's docstring)."""

    def __init__(self, app: WSGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            guard(environ, self.max_bytes)
        except BadRequestBody as exc:
            return _refuse(environ, start_response, exc.status, str(exc))
        return self.app(environ, start_response)


__all__ = ["BadRequestBody", "RequestGuard", "guard"]
