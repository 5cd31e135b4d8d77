"""The editor's block of a document's ``facts.ttl``: a graph written as stable, readable Turtle.

What the editor adds (mentions, facts, their time-spans) is kept between two
marker comments, after what a person wrote by hand and before or after the
accepted suggestions' block (:mod:`histgraph.ingest.accept`); the rest of the
file is never touched. The block is rewritten whole from its graph, in one
order: subjects sorted by IRI, ``a`` first, then predicates sorted by their
prefixed name, each with its objects sorted on one line. The same graph is
always the same text, so one added mention is a one-line diff (or a short new
block for a new subject).
"""

from __future__ import annotations

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from histgraph.errors import InputError
from histgraph.ingest.turtle_writer import block, header, term, text, typed
from histgraph.vocab import PREFIXES

BEGIN = "# --- Written in the editor (histgraph edit): one node a block, sorted; the editor rewrites this block ---"
END = "# --- end of the editor's block ---"
_XSD = str(XSD)


def split(current: str) -> tuple[str, str, str]:
    """``facts.ttl`` as (before the block, the block's Turtle, after the block)."""
    before, found, rest = current.partition(BEGIN)
    if not found:
        return current, "", ""
    inside, _, after = rest.partition(END)
    return before, inside.strip("\n"), after


def read_block(current: str, path: str = "facts.ttl") -> Graph:
    """The editor's block of ``current`` as a graph (empty when there is none)."""
    _, inside, _ = split(current)
    graph = Graph()
    if inside.strip():
        prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
        try:
            graph.parse(data=prefixes + inside, format="turtle")
        except Exception as error:  # rdflib raises several kinds for bad Turtle
            raise InputError(path, f"the editor's block is not valid Turtle ({error}); fix it by hand or undo") from error
    return graph


def _object(node: Node) -> str:
    if isinstance(node, Literal):
        if node.language:
            return text(str(node), node.language)
        if node.datatype and str(node.datatype).startswith(_XSD) and node.datatype != XSD.string:
            return typed(str(node), str(node.datatype)[len(_XSD):])
        return text(str(node))
    return term(str(node))


def turtle_of(graph: Graph) -> str:
    """The block's statements for ``graph``, in the one stable order (see the module docstring)."""
    blocks = []
    for subject in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}, key=str):
        pairs: list[tuple[str, list[str]]] = [("a", sorted(term(str(o)) for o in graph.objects(subject, RDF.type)))]
        predicates = sorted({p for p in graph.predicates(subject) if p != RDF.type}, key=lambda p: term(str(p)))
        for predicate in predicates:
            pairs.append((term(str(predicate)), sorted(_object(o) for o in graph.objects(subject, predicate))))
        blocks.append(block(str(subject), pairs))
    return "\n".join(blocks)


def write_block(current: str, graph: Graph, document_id: str) -> str:
    """``current`` (the text of ``facts.ttl``, or "" for a new file) with the editor's block rewritten from ``graph``."""
    if not current.strip():
        current = header(f"What {document_id} states. Written by hand, in the editor (histgraph edit) "
                         "and by histgraph suggest (the marked blocks below).")
    before, _, after = split(current)
    body = turtle_of(graph)
    if not len(graph):
        return before.rstrip("\n") + "\n" + ("\n" + after.lstrip("\n") if after.strip() else "")
    return (before.rstrip("\n") + "\n\n" + BEGIN + "\n" + body + ("" if body.endswith("\n") else "\n") + END + "\n"
            + ("\n" + after.lstrip("\n") if after.strip() else ""))
