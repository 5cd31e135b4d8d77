"""Human-readable documentation of the ontology, generated with pyLODE.

pyLODE (3.2.x: later releases fail to import from an installed wheel) turns
``ontology/hg.ttl`` into one HTML page, offline, in about half a second. It runs
on the first request for the page, never at import, and the result is kept on
disk next to the builds, keyed by the ontology file's checksum, so every worker
and every restart reuses it.

pyLODE's page is a document of its own: its own stylesheet, a title made of
every concept scheme's title run together, no site navigation. The site shows
its parts instead (:func:`page_parts`): the ontology's own title, the contents
and the table of contents, inside the site's layout.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from histgraph.atomic_files import write_atomically
from histgraph.errors import HistgraphError
from histgraph.vocab import DCTERMS, OWL, RDF, RDFS

ONTOLOGY_FILE = "hg.ttl"


def ontology_file(ontology_dir: Path) -> Path:
    """The ontology's Turtle file, or an error saying where it was expected."""
    path = ontology_dir / ONTOLOGY_FILE
    if not path.is_file():
        raise HistgraphError(f"no ontology at {path}")
    return path


def render(path: Path) -> str:
    """The pyLODE HTML page for the ontology at ``path``."""
    import gc
    import warnings

    from pylode import OntPub  # imported here: pyLODE loads its background ontologies on import
    from rdflib import Graph

    graph = Graph().parse(path, format="turtle")  # parsed by us, so no file is left open
    # pyLODE 3.2 reads its stylesheet without closing the file; that is its leak, not an
    # error of ours, so its ResourceWarning is silenced here (and only here).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        html = OntPub(graph).make_html()
        gc.collect()
    return html


def documentation(ontology_dir: Path, cache_dir: Path) -> str:
    """The ontology documentation, from the cache when the ontology has not changed."""
    path = ontology_file(ontology_dir)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    cached = cache_dir / f"ontology-{digest}.html"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    html = render(path)
    write_atomically(cached, html)  # another worker may be reading it
    return html


@dataclass(frozen=True)
class OntologyPage:
    """What the site's ontology page shows: the title, pyLODE's contents and its table of contents (HTML)."""

    title: str
    content: str
    toc: str
    made_with: str


_FIRST_H1 = re.compile(r"<h1>.*?</h1>", re.DOTALL)
_PYLODE_VERSION = re.compile(r'id="version">([^<]+)<')


def ontology_title(path: Path) -> str:
    """The title the ontology gives itself (dcterms:title, else rdfs:label), or its file name."""
    from rdflib import Graph

    graph = Graph().parse(path, format="turtle")
    for ontology in graph.subjects(RDF.type, OWL.Ontology):
        for predicate in (DCTERMS.title, RDFS.label):
            title = graph.value(ontology, predicate)
            if title is not None:
                return str(title)
    return path.name


def page_parts(html: str, title: str) -> OntologyPage:
    """pyLODE's page cut into the parts the site shows, its run-together heading replaced by ``title``.

    >>> page = page_parts('<html><body><div id="content"><div id="metadata"><h1>a b c</h1>x</div></div>'
    ...                   '<div id="pylode"><a id="version">3.2.3</a></div><div id="toc">T</div></body></html>', "Hg")
    >>> page.content, page.toc, page.made_with
    ('<div id="metadata"><h2>Metadata of Hg</h2>x</div>', 'T', 'pyLODE 3.2.3')
    """
    body = html.split("<body>", 1)[-1].rsplit("</body>", 1)[0]
    content, _, rest = body.partition('<div id="pylode">')
    content = content.strip()
    if content.startswith('<div id="content">'):
        content = content[len('<div id="content">'):].rstrip()
        content = content[: -len("</div>")] if content.endswith("</div>") else content
    # The page's <h1> is the site's; pyLODE's heading becomes the metadata section's.
    content = _FIRST_H1.sub(lambda _: f"<h2>Metadata of {_escape(title)}</h2>", content, count=1)
    content = content.replace("<h2>Metadata</h2>", "", 1)
    toc = rest.split('<div id="toc">', 1)[-1] if '<div id="toc">' in rest else ""
    toc = toc.strip()
    toc = toc[: -len("</div>")].rstrip() if toc.endswith("</div>") else toc
    version = _PYLODE_VERSION.search(rest)
    return OntologyPage(title, content.strip(), toc, f"pyLODE {version.group(1).strip()}" if version else "pyLODE")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ontology_page(ontology_dir: Path, cache_dir: Path) -> OntologyPage:
    """The ontology documentation as the site shows it (pyLODE's page from the cache, cut into parts).

    The title is kept next to the cached page, so a request does not parse the ontology again.
    """
    path = ontology_file(ontology_dir)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    title_file = cache_dir / f"ontology-{digest}.title"
    if title_file.is_file():
        title = title_file.read_text(encoding="utf-8")
    else:
        title = ontology_title(path)
        write_atomically(title_file, title)
    return page_parts(documentation(ontology_dir, cache_dir), title)
