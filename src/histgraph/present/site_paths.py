"""Where a page links for an IRI: the one rule from IRIs to this site's paths.

Minted IRIs (``<base>id/person/molotov``) are answered by this site, so a page
links them by path (``/id/person/molotov``): the link works on any host the
site is served from. Terms of the project's ontology link to its documentation;
other http(s) IRIs are links out; anything else (``javascript:``, ``urn:``)
stays text.

>>> site_path("https://histgraph.example.org/id/person/molotov", "https://histgraph.example.org/")
'/id/person/molotov'
>>> site_path("https://elsewhere.example/id/person/x", "https://histgraph.example.org/") is None
True
>>> local_href("javascript:alert(1)", "https://histgraph.example.org/") is None
True
"""

from __future__ import annotations

from histgraph.present.labels import is_web_link
from histgraph.vocab import HG


def site_path(iri: str, base_iri: str) -> str | None:
    """The path of the page of a minted ``iri`` (``<base>id/…`` -> ``/id/…``), or None for any other IRI."""
    if iri.startswith(base_iri + "id/") and len(iri) > len(base_iri) + 3:
        return "/" + iri[len(base_iri):]
    return None


def local_href(iri: str, base_iri: str) -> str | None:
    """Where a page links for ``iri``: a local path for minted IRIs and ontology terms, the IRI for web links.

    Anything but http(s) gives None, so a ``javascript:`` IRI in the data stays text.
    """
    path = site_path(iri, base_iri)
    if path is not None:
        return path
    if iri.startswith(str(HG)):
        return "/ontology#" + iri[len(str(HG)):]
    return iri if is_web_link(iri) else None


__all__ = ["local_href", "site_path"]
