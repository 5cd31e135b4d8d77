"""Front-end libraries, served locally from the project's npm packages.

They are installed by ``npm ci`` from package.json and package-lock.json (never
committed as copies, never loaded from a CDN), so every page works offline.
Only the files listed in :data:`VENDOR_FILES` are served. They are large
(YASGUI is 1.1 MB), so a client that accepts Brotli gets them compressed once
per worker and kept (:data:`_COMPRESSED`), not compressed again for every
visitor as web/compression.py does with pages.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

import brotli
from flask import Blueprint, Response, abort, request, send_from_directory

from histgraph.bounded_cache import BoundedCache
from histgraph.errors import quoted
from histgraph.web.context import get_context

blueprint = Blueprint("assets", __name__)

#: public name -> path inside node_modules
VENDOR_FILES = {
    "yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    "vis-timeline-graph2d.min.js": "vis-timeline/standalone/umd/vis-timeline-graph2d.min.js",
    "vis-timeline-graph2d.min.css": "vis-timeline/styles/vis-timeline-graph2d.min.css",
    "leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet.css": "leaflet/dist/leaflet.css",
}


@blueprint.route("/assets/vendor/<name>")
def vendor(name: str) -> Response:
    """One front-end library file from node_modules (only those listed)."""
    relative = VENDOR_FILES.get(name)
    root = get_context().settings.project_dir / "node_modules"
    if relative is None or not (root / relative).is_file():
        abort(404, description=f"no front-end file {quoted(name)}; run `npm ci` (make does it)")
    if request.accept_encodings.quality("br") <= 0:
        return send_from_directory(root, relative, max_age=86400)
    path = root / relative
    stat = path.stat()
    body = _brotli(path, stat.st_mtime_ns)
    response = Response(body, mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response.headers["Content-Encoding"] = "br"
    response.headers["Vary"] = "Accept-Encoding"
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    response.set_etag(f"{stat.st_mtime_ns:x}-{stat.st_size:x}-br")
    response.make_conditional(request)
    return response


#: Compressed library files by (path, modification time), per worker: a few MB at most.
_COMPRESSED: BoundedCache[tuple[str, int], bytes] = BoundedCache(budget=8_000_000, size_of=len)


def _brotli(path: Path, mtime_ns: int) -> bytes:
    key = (str(path), mtime_ns)
    body = _COMPRESSED.get(key)
    if body is None:
        # Quality 5: a tenth smaller than gzip for YASGUI, in about 0.1 s, once per worker.
        body = brotli.compress(path.read_bytes(), quality=5)
        _COMPRESSED.put(key, body)
    return body
