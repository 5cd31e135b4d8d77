"""HTTP to SPARQL servers, done one way: send a request, stream the answer, name the failure.

Every client histgraph has for a server over HTTP uses this module: the remote
store's library calls (:class:`histgraph.store.RemoteStore`), the endpoint
forwarding a checked query (:mod:`histgraph.endpoint.forward`), ``histgraph
publish`` (Graph Store Protocol PUTs, :mod:`histgraph.store.publish`) and the
Wikidata client (:mod:`histgraph.wikidata.client`, which keeps its retries,
back-off and cache on top).

The whole exchange has a deadline, not just each socket read, so a server that
trickles bytes cannot hold a caller past its time limit. Failures become one
family of errors, :class:`RemoteFailed`: the server could not be reached, did not
answer in time, answered an HTTP error status, or answered something that could
not be read. A server's own error text is logged, never copied into their
messages: it may hold anything, and the messages reach web clients.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any, cast

from histgraph.errors import HistgraphError

LOG = logging.getLogger(__name__)

USER_AGENT = "histgraph (+https://histgraph.example.org/)"
RESULTS_JSON_ACCEPT = "application/sparql-results+json, application/json;q=0.9"
_JSON_TYPES = frozenset({"application/sparql-results+json", "application/json"})
_CHUNK = 65536


class RemoteFailed(HistgraphError):
    """A server reached over HTTP gave no usable answer; ``url`` names it (without a query string)."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(message)
        self.url = url


class Unreachable(RemoteFailed):
    """No connection could be made, or it broke before the answer was complete."""

    def __init__(self, url: str, reason: object) -> None:
        super().__init__(url, f"cannot reach {url} ({reason})")
        self.reason = reason


class TimedOut(RemoteFailed):
    """The whole exchange took longer than its ``timeout`` seconds."""

    def __init__(self, url: str, timeout: float) -> None:
        super().__init__(url, f"{url} did not answer within {timeout:g} s")
        self.timeout = timeout


class Refused(RemoteFailed):
    """The server answered an HTTP error ``status``.

    ``detail`` (the start of the server's answer) is logged and kept for callers
    that extract one fact from it (:attr:`position`); it is never in the message.
    """

    def __init__(self, url: str, status: int, reason: str, *, retry_after: str | None = None,
                 detail: str = "") -> None:
        super().__init__(url, f"{url} answered HTTP {status} {reason}".rstrip())
        self.status = status
        self.reason = reason
        self.retry_after = retry_after
        self.detail = detail

    @property
    def timed_out(self) -> bool:
        """The server says it stopped the query at its own time limit (Virtuoso: SQL state S1T00).

        >>> Refused("http://s/q", 500, "", detail="Virtuoso S1T00 Error SR171: Transaction timed out").timed_out
        True
        """
        return self.detail.startswith("Virtuoso S1T00 ")

    @property
    def position(self) -> str:
        """`` at line L, column C`` when the server's answer gives a position as ``L:C``, else ``""``.

        >>> Refused("http://s/q", 400, "Bad Request", detail="error at 3:14: unexpected '}'").position
        ' at line 3, column 14'
        """
        match = re.search(r"(?<![\d.])(\d{1,6}):(\d{1,6})(?![\d.])", self.detail)
        return f" at line {match[1]}, column {match[2]}" if match else ""


class RedirectRefused(RemoteFailed):
    """The server redirected to an address that is not http or https (``ftp:``, ``file:``, ...), which is not followed."""

    def __init__(self, url: str, target: str) -> None:
        scheme = urllib.parse.urlsplit(target).scheme or "no scheme"
        super().__init__(url, f"{url} redirected to a {scheme}: address; only http:// and https:// redirects are followed")
        self.target = target


class _HttpRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http and https only; urllib's own handler would also follow one to ftp."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl)).scheme not in ("http", "https"):
            fp.close()
            raise RedirectRefused(_where(req.full_url), newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class UnreadableAnswer(RemoteFailed):
    """The server answered, but not in the form asked for, or in one that could not be parsed."""


class Reply:
    """An answer being received: its media type and headers, read within the exchange's deadline.

    A parser (pyoxigraph's) may read it as a stream; :meth:`read_all` and
    :meth:`json` read it whole.
    """

    def __init__(self, url: str, response: http.client.HTTPResponse, deadline: float, timeout: float) -> None:
        self.url = url
        self.media = response.headers.get_content_type()
        self.headers = response.headers
        self._response = response
        self._deadline = deadline
        self._timeout = timeout

    def read(self, size: int = -1) -> bytes:
        """At most ``size`` bytes (a chunk when ``size`` is not positive); TimedOut after the deadline."""
        if time.monotonic() > self._deadline:
            raise TimedOut(self.url, self._timeout)
        # read1: what one socket read brings. read() would wait for ``size`` bytes, and a
        # server trickling them, each within the socket timeout, would outlast the deadline.
        return self._response.read1(size if size and size > 0 else _CHUNK)

    def read_all(self) -> bytes:
        """The rest of the answer."""
        chunks = []
        while chunk := self.read():
            chunks.append(chunk)
        return b"".join(chunks)

    def json(self) -> Any:
        """The answer parsed as JSON; UnreadableAnswer when it is not JSON."""
        try:
            return json.loads(self.read_all().decode("utf-8"))
        except ValueError:
            raise UnreadableAnswer(self.url, f"{self.url} did not answer with JSON") from None


def _where(url: str) -> str:
    """``url`` without its query string, for messages (a query string may be long, or a secret)."""
    return urllib.parse.urlsplit(url)._replace(query="", fragment="").geturl()


Credentials = tuple[str, str]
"""A user name and password, for stores that guard their Graph Store with HTTP authentication."""


def authorize(request: urllib.request.Request, credentials: Credentials, timeout: float) -> None:
    """Give ``request`` the Authorization header its server's challenge asks for (Digest or Basic).

    The challenge is fetched first with a bodiless GET of the same URL. Answering
    it only after a 401 would send a large body twice, and a server that answers
    401 before reading the body (Virtuoso) resets the connection while it is sent.
    """
    probe = urllib.request.Request(request.full_url, headers={"User-Agent": request.get_header("User-agent") or USER_AGENT})
    try:
        with urllib.request.urlopen(probe, timeout=timeout) as answer:
            answer.read(0)
        return  # no challenge: the request goes as it is
    except urllib.error.HTTPError as exc:
        challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
        exc.close()
    except (urllib.error.URLError, OSError, http.client.HTTPException):
        return  # the request itself will meet the same failure and say so
    scheme, _, params = challenge.partition(" ")
    if scheme.lower() == "digest":
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()  # any realm the server names
        passwords.add_password(None, request.full_url, *credentials)
        handler = urllib.request.HTTPDigestAuthHandler(passwords)
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
        header = handler.get_authorization(request, fields)
        if header:
            request.add_unredirected_header("Authorization", f"Digest {header}")
    elif scheme.lower() == "basic":
        token = base64.b64encode(f"{credentials[0]}:{credentials[1]}".encode()).decode("ascii")
        request.add_unredirected_header("Authorization", f"Basic {token}")


@contextmanager
def exchange(request: urllib.request.Request, timeout: float,
             credentials: Credentials | None = None) -> Iterator[Reply]:
    """Send ``request`` and give its :class:`Reply`; every failure, while sending or reading, is a RemoteFailed.

    Errors the caller raises inside the ``with`` block pass through, except a
    parser's ``SyntaxError`` (pyoxigraph's), which says the answer was unreadable.
    ``credentials`` answer the server's Digest or Basic authentication challenge.
    """
    url = _where(request.full_url)
    deadline = time.monotonic() + timeout
    if credentials is not None:
        authorize(request, credentials, timeout)
    try:
        with urllib.request.build_opener(_HttpRedirectsOnly).open(request, timeout=timeout) as response:
            yield Reply(url, response, deadline, timeout)
    except urllib.error.HTTPError as exc:
        try:
            detail = exc.read(2000).decode("utf-8", "replace").strip()
        except OSError:
            detail = ""
        finally:
            exc.close()  # the error holds the open response; do not leave the socket to the GC
        LOG.warning("histgraph: %s answered HTTP %s: %s", url, exc.code, detail)
        raise Refused(url, exc.code, str(exc.reason), retry_after=exc.headers.get("Retry-After"),
                      detail=detail) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise TimedOut(url, timeout) from None
        raise Unreachable(url, exc.reason) from None
    except TimeoutError:
        raise TimedOut(url, timeout) from None
    except (OSError, http.client.HTTPException) as exc:
        raise Unreachable(url, exc) from None
    except SyntaxError as exc:
        LOG.warning("histgraph: the answer of %s could not be parsed: %s", url, exc)
        raise UnreadableAnswer(url, f"the answer of {url} could not be read (the details are in the log)") from None


def query_request(url: str, query: str, *, accept: str, default_graphs: Sequence[str] = (),
                  named_graphs: Sequence[str] = (), user_agent: str = USER_AGENT) -> urllib.request.Request:
    """A SPARQL 1.1 Protocol query request: POSTed form-encoded, which every server accepts."""
    fields = [("query", query)]
    fields += [("default-graph-uri", g) for g in default_graphs]
    fields += [("named-graph-uri", g) for g in named_graphs]
    return urllib.request.Request(
        url,
        data=urllib.parse.urlencode(fields).encode("utf-8"),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept, "User-Agent": user_agent},
        method="POST",
    )


def results_json(url: str, query: str, *, timeout: float, user_agent: str = USER_AGENT,
                 default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> dict[str, Any]:
    """The SPARQL 1.1 JSON results of the SELECT or ASK ``query`` sent to ``url``."""
    request = query_request(url, query, accept=RESULTS_JSON_ACCEPT, user_agent=user_agent,
                            default_graphs=default_graphs, named_graphs=named_graphs)
    with exchange(request, timeout) as reply:
        if reply.media not in _JSON_TYPES:
            raise UnreadableAnswer(reply.url, f"{reply.url} answered {reply.media}, not SPARQL JSON results")
        data = reply.json()
    if not isinstance(data, dict) or not ("results" in data or "boolean" in data):
        raise UnreadableAnswer(reply.url, f"{reply.url} did not answer with SPARQL JSON results")
    return data


#: How Virtuoso 7 answers ASK in SPARQL JSON and XML: one solution binding this
#: variable to 1 or 0, where the standard has a boolean (SPARQL 1.1 JSON Results §3.3).
VIRTUOSO_ASK_VARIABLE = "__ASK_RETVAL"


def boolean_of(url: str, data: dict[str, Any]) -> bool:
    """The answer of an ASK query from its JSON results, in the standard form or Virtuoso's.

    >>> boolean_of("http://s/q", {"head": {}, "boolean": True})
    True
    >>> boolean_of("http://s/q", {"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": [
    ...     {"__ASK_RETVAL": {"type": "typed-literal", "value": "1"}}]}})
    True
    >>> boolean_of("http://s/q", {"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": []}})
    False
    """
    if isinstance(data.get("boolean"), bool):
        return bool(data["boolean"])
    rows = data.get("results", {}).get("bindings", [])
    if data.get("head", {}).get("vars") == [VIRTUOSO_ASK_VARIABLE] and len(rows) <= 1:
        # "No" comes as no row at all, or (from other versions) as a row binding 0.
        return bool(rows) and rows[0].get(VIRTUOSO_ASK_VARIABLE, {}).get("value") not in {"0", "false"}
    raise UnreadableAnswer(url, f"{url} did not answer the ASK query with a boolean")


def get_json(url: str, *, timeout: float, user_agent: str = USER_AGENT) -> dict[str, Any]:
    """GET ``url`` (a web API beside a SPARQL server) and return the JSON object it answers."""
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": user_agent})
    with exchange(request, timeout) as reply:
        data = reply.json()
    if not isinstance(data, dict):
        raise UnreadableAnswer(reply.url, f"{reply.url} did not answer with a JSON object")
    return data


def put_graph(url: str, graph: str, body: bytes, *, content_type: str, timeout: float,
              user_agent: str = USER_AGENT, credentials: Credentials | None = None) -> None:
    """Replace ``graph`` ("" for the default graph) in the Graph Store at ``url`` with ``body``."""
    target = f"{url}?{urllib.parse.urlencode({'graph': graph})}" if graph else f"{url}?default"
    request = urllib.request.Request(
        target, data=body, headers={"Content-Type": content_type, "User-Agent": user_agent}, method="PUT"
    )
    with exchange(request, timeout, credentials) as reply:
        reply.read_all()


def stream_of(reply: Reply) -> IO[bytes]:
    """``reply`` as the binary stream pyoxigraph's parsers take: they only call ``read``, its stub asks for all of IO."""
    return cast("IO[bytes]", reply)
