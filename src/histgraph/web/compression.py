"""Compressed answers: zstd, Brotli or gzip, as the client accepts, by flask-compress.

Pages, stylesheets, scripts, the front-end libraries and every RDF and SPARQL
results format are text that shrinks to a fifth or less; the editor's library
alone is 1.1 MB as sent before. Compression happens in the app (not in the
gevent worker) so the development server, the test client and gunicorn answer
alike. Answers that stream are left as they are: flask-compress would wrap
the stream and never close the file under it, and the streams here are files
that are large or compressed already (the dumps). The site's own static files
are small, so they are read whole first (:func:`_read_small_files`) and then
compressed like a page; the front-end libraries are compressed once per worker
by web/assets.py.
"""

from __future__ import annotations

from flask import Flask, Response
from flask_compress import Compress

from histgraph.endpoint.formats import FORMATS, HTML

#: Types worth compressing: pages and their files, JSON, and every RDF and results format served.
TEXT_TYPES = (
    HTML.media_type,
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/xml",
    "image/svg+xml",
    "text/plain",
    *(f.media_type for f in FORMATS),
)


def register(app: Flask) -> None:
    """Compress ``app``'s text answers for clients that accept it."""
    app.config.update(
        COMPRESS_MIMETYPES=sorted(set(TEXT_TYPES)),
        # Brotli's quality 4 is near gzip -6 in CPU and smaller; 2 cores serve everything here.
        COMPRESS_BR_LEVEL=4,
        COMPRESS_MIN_SIZE=500,
        # Whole answers may use gzip too; streamed ones use what compresses in chunks.
        COMPRESS_ALGORITHM=["br", "zstd", "gzip"],
        COMPRESS_STREAMS=False,
    )
    Compress(app)
    # Registered after Compress, so it runs before it (Flask runs these in reverse).
    app.after_request(_read_small_files)


#: A static file up to this size is read into memory to be compressed whole.
SMALL_FILE = 512 * 1024


def _read_small_files(response: Response) -> Response:
    """A small text file sent as a stream becomes a whole body (its file closed with the response)."""
    if (response.direct_passthrough and response.mimetype in TEXT_TYPES
            and response.content_length is not None and response.content_length <= SMALL_FILE):
        response.direct_passthrough = False
        response.make_sequence()  # reads the file; werkzeug closes it when the response closes
    return response


__all__ = ["register", "TEXT_TYPES"]
