"""Front-end libraries, served locally from the project's npm packages.

They are installed by ``npm ci`` from package.json and package-lock.json (never
committed as copies, never loaded from a CDN), so every page works offline.
Only the files listed in :data:`VENDOR_FILES` are served.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_from_directory

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
    response = send_from_directory(root, relative, max_age=86400)
    return response
