"""Compressed answers: zstd, Brotli or gzip, as the client accepts, by flask-compress.

Pages, stylesheets, scripts, the front-end libraries and every RDF and SPARQL
results format are text that shrinks to a fifth or less; the editor's library
alone is 1.1 MB as sent before. Compression happens in the app (not in the
gevent worker) so the development server, the test client and gunicorn answer
alike. Answers that stream (files, the front-end libraries) are compressed as
they stream, chunk by chunk, never gathered in memory first. Files that are
compressed already (the gzipped dumps) are left alone: their types are not listed.
"""

from __future__ import annotations

from flask import Flask
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
        COMPRESS_ALGORITHM_STREAMING=["br", "zstd", "deflate"],
    )
    Compress(app)


__all__ = ["register", "TEXT_TYPES"]
