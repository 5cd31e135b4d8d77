"""The SHACL engines: pyshacl, and pyshacl-turbo behind ``settings.validator = "turbo"``.

Each validates one unit (N-Triples data and its focus nodes) and gives the
``sh:ValidationReport`` as N-Triples, without results about nodes that are only
the unit's context. Every pyshacl option is passed explicitly; the ontology is
not merged in (``inference="none"``), so shapes name the concrete classes the
data uses.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql.sparql import Query

from histgraph.errors import InputError
from histgraph.validation.results import has_results

_SH = str(SH)

#: The validators :func:`validate_unit_report` can run (``settings.validator``).
VALIDATORS = ("pyshacl", "turbo")


def load_shapes_text(shapes_dir: Path) -> str:
    """Every Turtle file in ``shapes/`` as one Turtle text, checked to parse.

    Raises :class:`InputError` naming the file and line of a syntax error.
    """
    parts = []
    for path in sorted(shapes_dir.glob("*.ttl")):
        try:
            text = path.read_text(encoding="utf-8")
            list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
        except SyntaxError as exc:
            raise InputError(str(path), f"the shapes file does not parse: {exc.msg}", exc.lineno) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(str(path), f"cannot read the shapes file: {exc}") from None
        parts.append(text)
    return "\n".join(parts)


@functools.lru_cache(maxsize=4)
def _shapes_graph(text: str) -> Graph:
    # Cached per process so that a worker parses the shapes once for all its units;
    # Turtle files may each declare the same prefixes, which rdflib accepts.
    graph = Graph()
    graph.parse(data=text, format="turtle")
    return graph


class _PreparedQueryGraph(Graph):
    """A graph that parses each SPARQL text once.

    pyshacl runs every SHACL-SPARQL rule once per focus node, passing the query
    as text; rdflib would parse it again each time, which costs more than
    running it. The queries are the shapes' own, so caching them is safe.
    """

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared_query(query_object)
        return super().query(query_object, *args, **kwargs)


@functools.lru_cache(maxsize=256)
def _prepared_query(text: str) -> Query:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def _nt_graph(payload: bytes) -> Graph:
    graph = _PreparedQueryGraph()
    if payload:
        graph.parse(data=payload.decode("utf-8"), format="nt")
    return graph


@functools.lru_cache(maxsize=4)
def _turbo_shapes(text: str):  # pyshacl-turbo gives its compiled shapes no public type
    # Compiled once per process: a worker then validates all its units with it.
    from pyshacl_turbo import compile_shapes

    return compile_shapes(text, shacl_graph_format="turtle", advanced=True)


@functools.lru_cache(maxsize=4)
def _turbo_namespaces(text: str) -> dict[str, str]:
    # CompiledShapes.validate lists the shapes graph's prefixes through rdflib twice per
    # call (about 0.3 ms); they are the same for every unit of a build.
    return {str(prefix): str(namespace) for prefix, namespace in _turbo_shapes(text).graph.namespaces()}


def _turbo_report(data: bytes, shapes_text: str, focus: tuple[str, ...] = ()) -> Graph:
    """Validate with pyshacl-turbo (Rust, pySHACL-compatible); the report graph.

    Used only behind ``settings.validator = "turbo"``; tests/test_scale_validator.py
    checks that its findings equal pyshacl's on the cable, a generated archive
    with injected errors and every broken fixture. The data goes in as N-Triples
    text: given a pyoxigraph store instead (0.6.5), it reported false violations
    on typed and language-tagged literals.
    """
    from pyshacl_turbo.rdf import Input

    # As serialized input, parsed by the Rust engine itself (given text, pyshacl-turbo
    # 0.6.5 first builds an rdflib graph of it, which costs more than validating).
    _conforms, report_graph, _text = _turbo_shapes(shapes_text).validate(
        Input(data.decode("utf-8"), "nquads", None, {}),
        inference="none",
        allow_infos=True,
        allow_warnings=True,
        abort_on_first=False,
        focus_nodes=[URIRef(f) for f in focus] or None,
    )
    return report_graph


def _turbo_native_report(data: bytes, shapes_text: str, focus: tuple[str, ...]) -> bytes | None:
    """pyshacl-turbo's report as N-Triples, straight from its engine; None to use its public API.

    The public ``validate`` turns the engine's N-Triples into an rdflib graph and
    binds every prefix of the shapes to it: about 1.4 ms of a 7 ms unit, which a
    build of 10,000 documents pays 10,000 times, only for this module to write it
    back as N-Triples. This calls the engine the way ``CompiledShapes.validate``
    does for serialized input (pyshacl-turbo 0.6.5); if that ever changes shape, or
    the engine warns (shape recursion), the public API is used instead.
    tests/test_scale_validator.py checks the findings equal pyshacl's.
    """
    try:
        from pyshacl_turbo import _expand_names

        compiled = _turbo_shapes(shapes_text)
        namespaces = _turbo_namespaces(shapes_text)
        conforms, report, _text, _expanded, warned = compiled._native.validate(
            data.decode("utf-8"), "nquads", None,
            False, 100, 15,  # iterate_rules, max_rule_iterations, max_validation_depth (the defaults)
            False, True, True, False,  # inplace, allow_infos, allow_warnings, abort_on_first
            _expand_names(namespaces, [URIRef(f) for f in focus]),
            _expand_names(namespaces, None),
            [],
        )
    except (AttributeError, ImportError, TypeError, ValueError):
        return None
    if warned or not isinstance(report, str):
        return None
    return report.encode("utf-8")


def _drop_results_outside_nt(payload: bytes, focus: set[str]) -> bytes:
    """Remove results whose focus node is not one of the unit's own (context only).

    The report is N-Triples; most have no result at all and are returned as they are.
    """
    if not has_results(payload):
        return payload
    triples = list(ox.parse(payload, format=ox.RdfFormat.N_TRIPLES))
    by_subject: dict[object, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    dropped: set[object] = set()
    for subject, props in by_subject.items():
        focus_node = next((t.object for t in props if t.predicate.value == _SH + "focusNode"), None)
        if focus_node is not None and getattr(focus_node, "value", None) not in focus:
            todo = [subject]
            while todo:
                node = todo.pop()
                if node in dropped:
                    continue
                dropped.add(node)
                todo += [t.object for t in by_subject.get(node, []) if isinstance(t.object, ox.BlankNode)]
    if not dropped:
        return payload
    kept = [t for t in triples if t.subject not in dropped and t.object not in dropped]
    return ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES) or b""


def validate_unit_report(
    data: bytes, focus: tuple[str, ...], shapes_text: str, validator: str = "pyshacl"
) -> bytes:
    """Validate one unit with ``validator``; the ``sh:ValidationReport`` as N-Triples."""
    from pyshacl import validate

    if not shapes_text.strip():
        return b""
    if validator == "turbo":
        text = _turbo_native_report(data, shapes_text, focus) if focus else None
        if text is not None:
            return _drop_results_outside_nt(text, set(focus))
        return _without_context(_turbo_report(data, shapes_text, focus), focus)
    _conforms, report_graph, _text = validate(
        _nt_graph(data),
        shacl_graph=_shapes_graph(shapes_text),
        ont_graph=None,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=True,
        js=False,
        debug=False,
        inplace=True,  # the unit's graph is ours alone: no need for pyshacl to copy it
        # No focus_nodes option: pyshacl then also filters the value nodes of nested
        # shapes (sh:node, qualified shapes), which silently passes broken data.
        # Findings about nodes outside the unit are dropped afterwards instead.
    )
    return _without_context(report_graph, focus)


def _without_context(report_graph: Graph, focus: tuple[str, ...]) -> bytes:
    """The report as N-Triples, without results about nodes that are only the unit's context."""
    payload = report_graph.serialize(format="nt").encode("utf-8")
    return _drop_results_outside_nt(payload, set(focus)) if focus else payload

