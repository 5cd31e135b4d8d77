"""Readable Turtle the way the hand-written files look: a comment, every prefix, then one block per node.

Values are written through rdflib's term syntax (``Literal.n3``), so quotes,
backslashes and line breaks in a source's words are escaped correctly.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from histgraph.normal_forms import without_marks
from histgraph.vocab import PREFIXES

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(words: str, limit: int = 60) -> str:
    """Lower case ASCII letters, digits and hyphens, cut at a hyphen before ``limit`` characters.

    >>> slugify("Jianguo yilai Mao Zedong wengao, vol. 1")
    'jianguo-yilai-mao-zedong-wengao-vol-1'
    """
    slug = _NOT_SLUG.sub("-", without_marks(words).lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rpartition("-")[0] or slug[:limit]
    return slug


def header(comment: str) -> str:
    """A ``#`` comment block and every project prefix, as each authoring file starts."""
    lines = [f"# {line}".rstrip() for line in comment.strip().splitlines()]
    lines.append("")
    lines += [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in PREFIXES.items()]
    return "\n".join(lines) + "\n"


def term(value: str) -> str:
    """An IRI as a CURIE when a project prefix covers it with a plain local name, else ``<…>``."""
    for prefix, namespace in PREFIXES.items():
        if value.startswith(namespace):
            local = value[len(namespace) :]
            if local and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", local):
                return f"{prefix}:{local}"
    return URIRef(value).n3()


def text(value: str, language: str | None = None) -> str:
    """A string literal, with a language tag when one is given."""
    return Literal(value, lang=language).n3()


def typed(value: str, datatype: str) -> str:
    """A literal of an ``xsd:`` datatype, written with the ``xsd:`` prefix."""
    return f"{Literal(value).n3()}^^xsd:{datatype}"


def block(subject: str, pairs: list[tuple[str, list[str]]]) -> str:
    """``subject`` with each predicate and its objects, one predicate a line, skipping empty ones."""
    kept = [(p, objects) for p, objects in pairs if objects]
    lines = [f"{term(subject)} " + (f"a {', '.join(kept[0][1])}" if kept and kept[0][0] == "a" else "")]
    if kept and kept[0][0] == "a":
        kept = kept[1:]
        if not kept:
            return lines[0] + " .\n"
        lines[0] += " ;"
    else:
        lines[0] = lines[0].rstrip()
    for index, (predicate, objects) in enumerate(kept):
        end = " ." if index == len(kept) - 1 else " ;"
        lines.append(f"    {predicate} {', '.join(objects)}{end}")
    return "\n".join(lines) + "\n"
