"""Fetching an archive page for ``histgraph import URL``: http(s) only, bounded in size and time.

It goes through the project's one HTTP client (:func:`histgraph.store.sparql_http.exchange`):
one deadline on the whole exchange, failures as one family of errors whose
messages never quote the server.
"""

from __future__ import annotations

import urllib.parse
import urllib.request

from histgraph.ingest.readers import ImportFailed
from histgraph.store.sparql_http import USER_AGENT, RemoteFailed, exchange

#: The most a page may weigh: a document's text may be at most 8 MiB, and a page carries more.
MAX_PAGE_BYTES = 16 * 1024 * 1024


def is_url(source: str) -> bool:
    """Whether ``source`` is given as a URL (anything with a scheme) rather than a file path."""
    scheme = urllib.parse.urlsplit(source).scheme
    return len(scheme) > 1 and "://" in source


def fetch_page(url: str, *, timeout: float, limit: int = MAX_PAGE_BYTES) -> bytes:
    """The bytes at ``url`` (http or https), at most ``limit`` of them within ``timeout`` seconds."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImportFailed(f"{url}: only http:// and https:// addresses can be imported; save the page and import the file")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html, application/xml, text/plain;q=0.9, */*;q=0.5"})
    chunks: list[bytes] = []
    size = 0
    try:
        with exchange(request, timeout) as reply:
            while chunk := reply.read():
                size += len(chunk)
                if size > limit:
                    raise ImportFailed(
                        f"{url} is larger than {limit // (1024 * 1024)} MiB; save the page and import the file"
                    )
                chunks.append(chunk)
    except RemoteFailed as exc:
        raise ImportFailed(f"{exc}; check the address, or save the page and import the file") from None
    return b"".join(chunks)
