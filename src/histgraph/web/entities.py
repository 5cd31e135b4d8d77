"""Entity pages: every minted IRI answers with HTML to a browser and RDF to a program.

The request path is the IRI modulo the base (``/id/person/molotov`` is
``<base>id/person/molotov``). The same URL is negotiated directly (200, with
``Vary: Accept`` and ``Content-Location``), and each representation also has
its own URL with a suffix (``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``); see
docs/publishing.md for why this is not a 303 redirect.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

from flask import Blueprint, Response, abort, make_response, render_template, request

from histgraph.bounded_cache import BoundedCache
from histgraph.present.annotated_text import FILTERS, annotated_text, entity_passages, with_places
from histgraph.present.cite import Citation, citation
from histgraph.present.entity import (
    INCOMING_LIMIT,
    EntityView,
    concise_description,
    describe,
    exists,
)
from histgraph.present.kinds import schema_type
from histgraph.present.plan_record import plan_against_record
from histgraph.store import UNVERSIONED
from histgraph.vocab import RICO
from histgraph.web import representations as rep
from histgraph.web.client_input import char_range, choices, minted_iri, whole_number
from histgraph.web.context import get_context
from histgraph.web.page_data import base_iri, labels, script_json

blueprint = Blueprint("entities", __name__)
T = TypeVar("T")

#: Items shown per long list (events, passages, citations, each relation group); the
#: rest is one "next" link away. A page's size does not grow with the archive: at
#: 10,000 documents a person of the shared pool has ~530 passages and ~530 events.
PAGE_SIZE = 20
#: Rendered pages kept per worker and build (at most ~60 kB each: ~120 MB at most).
PAGE_CACHE_ENTRIES = 2000
#: The lists paged with ``?more=<key>&page=<n>`` besides the relation groups.
LISTS = ("events", "passages", "cite")


def _split(kind: str, name: str) -> tuple[str, str | None]:
    """``(slug, suffix)``: ``molotov.ttl`` -> ``("molotov", "ttl")`` unless the dot is the slug's."""
    stem, dot, ext = name.rpartition(".")
    if dot and ext in rep.SUFFIXES and stem:
        return stem, ext
    return name, None


@blueprint.route("/id/<kind>/<path:name>")
def entity(kind: str, name: str) -> Response:
    """The page or the RDF of ``<base>id/<kind>/<name>``."""
    context = get_context()
    slug, suffix = _split(kind, name)
    # Checked before any query: a path that cannot be an IRI (a space, %ff) is a 404, not a 500.
    iri = minted_iri(f"id/{kind}/{slug}")
    if suffix and _exists(minted_iri(f"id/{kind}/{name}")):
        slug, suffix, iri = name, None, f"{base_iri()}id/{kind}/{name}"
    if not _exists(iri):
        abort(404, description=f"Nothing in this dataset is called {iri}. Browse or search "
                               "for what you are looking for.")
    path = f"/id/{kind}/{slug}"
    # Read for every representation: a malformed one is a mistake whatever is served.
    options = PageOptions.from_request()
    served: str | None
    if suffix:
        served, negotiated = rep.SUFFIXES[suffix], False
    else:
        served, negotiated = rep.choose(request.accept_mimetypes), True
        if served is None:
            offered = ", ".join(["text/html"] + [f.media_type for f in rep.rdf_formats()])
            abort(406, description=f"This resource is offered as {offered}.")
    if served == rep.HTML:
        if request.args:  # paging, highlights, filters: rare, rendered each time
            body = _page(iri, kind, path, options)
        else:
            body = _rendered(("html", iri), lambda: _page(iri, kind, path, options))
        response = make_response(body)
        response.headers["Content-Type"] = "text/html; charset=utf-8"
    else:
        fmt = rep.rdf_format(served)
        response = make_response(_rendered(
            (fmt.content_type, iri),
            lambda: rep.serialize(concise_description(context.store, iri), fmt)))
        response.headers["Content-Type"] = fmt.content_type
    return rep.with_headers(response, path, negotiated, served)


def _exists(iri: str) -> bool:
    """Whether the store knows ``iri``, asked once per build (the page cache bounds it)."""
    return _rendered(("exists", iri), lambda: exists(get_context().store, iri))


def _rendered(key: tuple[str, str], render: Callable[[], T]) -> T:
    """A page rendered once per build: the data only changes at a build.

    Bounded (least recently used out first) so that a crawler walking every
    entity of a large archive cannot grow a worker's memory without limit.
    """
    context = get_context()
    if context.store.version == UNVERSIONED:
        # A remote store that `histgraph publish` has not marked: it may change under
        # us unseen, so render every time rather than serve a stale page.
        return render()
    # Keyed by the store's version: a marked remote store's version changes with
    # each publish (checked every `remote_version_poll` s), so the cache starts over.
    pages: BoundedCache[tuple[str, str], object] = context.cached(
        "entity-pages", lambda: BoundedCache(PAGE_CACHE_ENTRIES))
    return cast(T, pages.get_or_make(key, render))


@dataclass(frozen=True)
class Window:
    """One page of a long list: which items a page shows and how to reach the others."""

    key: str
    page: int
    size: int
    total: int

    @property
    def first(self) -> int:
        """Index of the first item shown (0-based)."""
        return (self.page - 1) * self.size

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one)."""
        return max(1, -(-self.total // self.size))

    def of(self, items: Sequence[T]) -> Sequence[T]:
        """The items of this page."""
        return items[self.first : self.first + self.size]


def window(key: str, total: int, more: str, page: int, size: int = PAGE_SIZE, at: int | None = None) -> Window:
    """The page of list ``key`` to show: the asked one if ``more`` names it, else the one holding
    item ``at`` (a passage the reader came from), else the first; never past the last."""
    if more == key:
        chosen = page
    elif at is not None:
        chosen = at // size + 1
    else:
        chosen = 1
    pages = max(1, -(-total // size))
    return Window(key, min(max(1, chosen), pages), size, total)


@dataclass(frozen=True)
class PageOptions:
    """What a page's query string asks for: which page of which list, what to mark, which names to link."""

    more: str = ""
    page: int = 1
    highlight: tuple[int, int] | None = None
    came_from: tuple[int, int] | None = None
    shown: tuple[str, ...] = FILTERS

    @classmethod
    def from_request(cls) -> PageOptions:
        """The current request's options; a malformed one is a 400 that says what is accepted."""
        return cls(request.args.get("more", ""), whole_number("page", 1), char_range("hl"), char_range("from"),
                   tuple(choices("show", FILTERS)) or FILTERS)


def _page(iri: str, kind: str, path: str, options: PageOptions) -> str:
    context = get_context()
    index, base = labels(), base_iri()
    view = describe(context.store, iri, index, base)
    passages = entity_passages(context.store, iri, index, base)
    documents = sorted({p.document.iri for p in passages if p.document and p.document.iri})
    if kind == "document":
        documents = [iri]
    extra: dict[str, object] = {}
    if kind == "document":
        if options.highlight:  # cut at the passage linked to: rendered for this request only
            extra["text"] = annotated_text(context.store, iri, index, base, options.highlight)
        else:
            extra["text"] = context.cached(f"annotated:{iri}", lambda: annotated_text(
                context.store, iri, index, base))
        extra["highlight"] = options.highlight
        extra["shown"] = list(options.shown)
        extra["filters"] = FILTERS
    if kind in ("plan", "step"):
        extra["plan_rows"] = plan_against_record(context.store, iri, index, base)
    more, page = options.more, options.page
    # The reader came from a name in a document: mark the shortest passage holding it,
    # and show the page of passages it is on.
    came_from = options.came_from
    holding = [p for p in passages if came_from and p.start <= came_from[0] and came_from[1] <= p.end]
    current = min(holding, key=lambda p: p.end - p.start) if holding else None
    windows = {
        "events": window("events", len(view.events), more, page),
        "passages": window("passages", len(passages), more, page,
                           at=passages.index(current) if current else None),
        "cite": window("cite", len(documents), more, page),
    }
    # One query per citation: only those shown are made.
    citations = [c for c in (citation(context.store, d, index) for d in windows["cite"].of(documents)) if c]
    return render_template(
        [f"entity-{kind}.html", "entity.html"],
        view=view, passages=with_places(context.store, list(windows["passages"].of(passages))),
        events=windows["events"].of(view.events),
        citations=citations, windows=windows, page_size=PAGE_SIZE,
        more=more, page=page, current=(current.start, current.end) if current else None,
        json_ld=script_json(_schema_org(view, citations)), path=path,
        formats=rep.rdf_formats(), incoming_limit=f"{INCOMING_LIMIT:,}", **extra,
    )


def _schema_org(view: EntityView, citations: list[Citation]) -> dict[str, object]:
    """schema.org JSON-LD for search engines; plans and options are never typed as events."""
    kind = view.kind or ""
    # The JSON-LD context document's URL (schema.org serves it there), not the namespace.
    data: dict[str, object] = {"@context": "https://schema.org", "@type": schema_type(kind, view.modality),
                               "@id": view.iri, "name": view.label}
    if view.description:
        data["description"] = view.description
    same = [link.iri for link in view.links if link.reviewed]
    if same:
        data["sameAs"] = same
    alternates = sorted({text for _, text, _ in view.labels if text != view.label})
    if alternates:
        data["alternateName"] = alternates
    if kind == "document" and citations:
        cite = citations[0]
        authors = _authors(view)
        if authors:
            data["author"] = authors
        if cite.date:
            data["dateCreated"] = cite.date
    return data


def _authors(view: EntityView) -> list[object]:
    """The document's creators as schema.org ``author``: a Person or an Organization by their kind.

    schema.org's ``author`` expects a Person or an Organization (a ``Thing`` is
    neither, and validators reject it); a creator of another kind (a role as
    written) is given by name, as schema.org allows text where a thing is expected.
    """
    authors: list[object] = []
    for group in view.outgoing:
        if group.predicate != str(RICO.hasCreator):
            continue
        for value in group.values:
            typed = schema_type(value.kind, None)
            authors.append({"@type": typed, "@id": value.iri, "name": value.text}
                           if typed in {"Person", "Organization"} else value.text)
    return authors
