"""Validate a dataset against the project's SHACL shapes with pyshacl.

Validation is a pure function with a typed result: :func:`validate_dataset` takes
quads and the shapes and returns a :class:`ValidationReport`; builds make the
same units from their parts (:func:`unit_from_triples`, see histgraph.build).
Every pyshacl option is passed explicitly; the ontology is not merged in
(``inference="none"``), so shapes name the concrete classes the data uses.

The dataset is validated in *units*, one per named graph (each document, the
authority records, each batch of links, each file of other sources), so that
adding a document re-checks only that document (results are cached by content)
and units can run in parallel. A unit's data is its own graph plus the context
its rules need: the authority records, what the dataset says about the graph
itself (a batch of links' status and provenance), and the types of the records
it points to in other graphs. Its focus nodes are the subjects of its own graph.
See ``docs/validation.md``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from histgraph.errors import InputError

_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_RDF_TYPE = str(RDF.type)
_SH = "http://www.w3.org/ns/shacl#"
_MATCH_STATUS = "https://histgraph.example.org/ontology#matchStatus"
CACHE_DIR = ".validation-cache"
#: Bump when the way units are made or results are stored changes, to void caches.
_CACHE_VERSION = "1"


@dataclass(frozen=True)
class Finding:
    """One result of a validation report, in plain terms (IRIs and literals as strings)."""

    severity: str
    message: str
    focus: str
    path: str | None
    value: str | None
    shape: str | None
    constraint: str | None = None
    graph: str | None = None

    def key(self) -> tuple[str, ...]:
        """What makes two findings the same, whichever unit found them."""
        return (self.severity, self.message, self.focus, self.path or "", self.value or "", self.shape or "")


@dataclass
class ValidationReport:
    """The outcome of validating a dataset: conformance and every finding."""

    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)
    units: int = 0
    cached_units: int = 0
    text: bytes | None = None  # the report as Turtle when made without an rdflib graph

    def counts(self) -> dict[str, int]:
        """How many violations, warnings and infos the report holds."""
        out = {"violations": 0, "warnings": 0, "infos": 0}
        for finding in self.findings:
            out[finding.severity + "s"] += 1
        return out

    def turtle(self) -> bytes:
        """The standard ``sh:ValidationReport`` as Turtle."""
        if self.text is not None:
            return self.text
        return self.graph.serialize(format="turtle").encode("utf-8")


@dataclass(frozen=True)
class Unit:
    """One named graph to validate: its data (N-Triples, with context) and focus nodes."""

    graph: str
    data: bytes
    focus: tuple[str, ...]

    def digest(self, shapes_text: str, validator: str = "pyshacl") -> str:
        """A content hash: same shapes, data, focus nodes and validator give the same result."""
        digest = hashlib.sha256(_CACHE_VERSION.encode())
        if validator != "pyshacl":  # keeps the existing pyshacl cache entries valid
            digest.update(validator.encode("utf-8"))
        digest.update(hashlib.sha256(shapes_text.encode("utf-8")).digest())
        digest.update(hashlib.sha256(self.data).digest())
        digest.update("\n".join(self.focus).encode("utf-8"))
        return digest.hexdigest()


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


def _ntriples(triples: Iterable[tuple]) -> bytes:
    lines = sorted(f"{s} {p} {o} .\n" for s, p, o in triples)
    return "".join(lines).encode("utf-8")


class _PreparedQueryGraph(Graph):
    """A graph that parses each SPARQL text once.

    pyshacl runs every SHACL-SPARQL rule once per focus node, passing the query
    as text; rdflib would parse it again each time, which costs more than
    running it. The queries are the shapes' own, so caching them is safe.
    """

    def query(self, query_object, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        if isinstance(query_object, str):
            query_object = _prepared_query(query_object)
        return super().query(query_object, *args, **kwargs)


@functools.lru_cache(maxsize=256)
def _prepared_query(text: str):  # type: ignore[no-untyped-def]
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def _nt_graph(payload: bytes) -> Graph:
    graph = _PreparedQueryGraph()
    if payload:
        graph.parse(data=payload.decode("utf-8"), format="nt")
    return graph


def make_units(quads: Iterable[ox.Quad], base_iri: str) -> list[Unit]:
    """Split a dataset into validation units, one per named graph (the ontology aside).

    A unit's focus nodes are the subjects of its graph. Its data is its own
    triples, the authority records of the nodes it describes, what the dataset
    says about the graph itself (a batch of links' status and provenance), and
    the types of every record it points to. The authority records come first:
    findings about shared records are then reported under the authorities
    rather than under whichever document met them first.
    """
    ontology = f"{base_iri}graph/ontology"
    authorities = f"{base_iri}graph/authorities"
    by_graph: dict[str, set[tuple]] = {}
    for q in quads:
        name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        if name != ontology:
            by_graph.setdefault(name, set()).add((q.subject, q.predicate, q.object))
    types: dict[object, set[tuple]] = {}
    about_graph: dict[str, set[tuple]] = {}  # what the dataset says about a named graph
    for triples in by_graph.values():
        for triple in triples:
            if triple[1].value == _RDF_TYPE:
                types.setdefault(triple[0], set()).add(triple)
            if isinstance(triple[0], ox.NamedNode) and triple[0].value in by_graph:
                about_graph.setdefault(triple[0].value, set()).add(triple)
    shared: dict[object, set[tuple]] = {}
    for triple in by_graph.get(authorities, set()):
        shared.setdefault(triple[0], set()).add(triple)
    units = []
    for name in sorted(by_graph, key=lambda g: (g != authorities, g)):
        own = by_graph[name]
        subjects = {s for s, _p, _o in own}
        # Own triples, the authority records of the nodes it describes, what any
        # graph says about this graph itself (a batch of links' status), and the
        # types of everything referenced. Not other documents' triples: adding a
        # document then leaves every other unit, and its cached result, unchanged.
        context = set(own) | about_graph.get(name, set())
        for subject in subjects:
            context |= shared.get(subject, set())
        for triple in list(context):
            context |= types.get(triple[2], set())
        focus = tuple(sorted(s.value for s in subjects if isinstance(s, ox.NamedNode)))
        units.append(Unit(name, _ntriples(context), focus))
    return units


#: The validators :func:`validate_unit_report` can run (``settings.validator``).
VALIDATORS = ("pyshacl", "turbo")


@functools.lru_cache(maxsize=4)
def _turbo_shapes(text: str):  # type: ignore[no-untyped-def]
    # Compiled once per process: a worker then validates all its units with it.
    from pyshacl_turbo import compile_shapes

    return compile_shapes(text, shacl_graph_format="turtle", advanced=True)


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
        conforms, report, _text, _expanded, warned = compiled._native.validate(
            data.decode("utf-8"), "nquads", None,
            False, 100, 15,  # iterate_rules, max_rule_iterations, max_validation_depth (the defaults)
            False, True, True, False,  # inplace, allow_infos, allow_warnings, abort_on_first
            _expand_names(dict(compiled.graph.namespaces()), [URIRef(f) for f in focus]),
            _expand_names(compiled.graph, None),
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


def _run_unit(args: tuple[bytes, tuple[str, ...], str, str]) -> bytes:
    return validate_unit_report(*args)


_WORKER_SETUP: dict[str, str] = {}  # set once in each worker process by _init_worker


def _init_worker(shapes_text: str, validator: str) -> None:
    """Give a worker the shapes once, not with every unit (they are larger than a unit)."""
    _WORKER_SETUP.update(shapes_text=shapes_text, validator=validator)


def _run_unit_in_worker(args: tuple[bytes, tuple[str, ...]]) -> bytes:
    return validate_unit_report(*args, _WORKER_SETUP["shapes_text"], _WORKER_SETUP["validator"])


def _read_cache(cache_dir: Path | None, key: str) -> bytes | None:
    if cache_dir is None:
        return None
    try:
        return (cache_dir / f"{key}.nt").read_bytes()
    except OSError:
        return None


def _write_cache(cache_dir: Path | None, key: str, payload: bytes) -> None:
    if cache_dir is not None:
        _write_cache_file(cache_dir / f"{key}.nt", payload)


def _write_cache_file(path: Path, payload: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs time, never correctness


def default_workers(units: int) -> int:
    """Processes to use: one per core, at most one per unit; 1 for small datasets.

    Starting a worker costs about a second (imports), more than a small unit takes.
    """
    if units < 8:
        return 1
    return max(1, min(os.cpu_count() or 1, units))


def validate_dataset(
    quads: Iterable[ox.Quad],
    shapes_text: str,
    *,
    base_iri: str,
    workers: int | None = None,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    validator: str = "pyshacl",
) -> ValidationReport:
    """Validate a dataset unit by unit (in parallel with ``workers`` > 1), using a cache."""
    if validator not in VALIDATORS:
        raise InputError("settings", f"validator must be one of {VALIDATORS}, got {validator!r}")
    units = make_units(quads, base_iri)
    tick = progress or (lambda _name: None)
    keys = [unit.digest(shapes_text, validator) for unit in units]
    payloads: dict[int, bytes] = {}
    todo = []
    for i, (unit, key) in enumerate(zip(units, keys, strict=True)):
        cached = _read_cache(cache_dir, key)
        if cached is not None:
            payloads[i] = cached
            tick(unit.graph)
        else:
            todo.append(i)
    count = workers if workers is not None else default_workers(len(todo))
    jobs = [(units[i].data, units[i].focus, shapes_text, validator) for i in todo]
    if count > 1 and len(todo) > 1:
        count = min(count, len(todo))
        # Chunks of units per round trip: thousands of small units otherwise cost more
        # in inter-process messages than in validation.
        chunk = max(1, min(64, len(todo) // (count * 8)))
        with ProcessPoolExecutor(
            max_workers=count,
            mp_context=get_context("spawn"),
            initializer=_init_worker,
            initargs=(shapes_text, validator),
        ) as pool:
            results = pool.map(_run_unit_in_worker, [job[:2] for job in jobs], chunksize=chunk)
            for i, payload in zip(todo, results, strict=True):
                payloads[i] = payload
                tick(units[i].graph)
    else:
        for i, job in zip(todo, jobs, strict=True):
            payloads[i] = _run_unit(job)
            tick(units[i].graph)
    for i in todo:
        _write_cache(cache_dir, keys[i], payloads[i])
    report = merge_unit_reports([(units[i].graph, keys[i], payloads[i]) for i in range(len(units))],
                                len(units), cache_dir)
    report.cached_units = len(units) - len(todo)
    return report


def validate_graph(data: Graph, shapes: Graph) -> ValidationReport:
    """Validate one rdflib graph as a whole (no units, no cache): for small ad-hoc checks."""
    payload = data.serialize(format="nt").encode("utf-8")
    shapes_text = shapes.serialize(format="turtle")
    report = validate_unit_report(payload, (), shapes_text)
    return merge_unit_reports([("", hashlib.sha256(report).hexdigest(), report)], 1)


# -- Units made from parts (the build's path; make_units above is the reference) --


class UnitIndex:
    """The context a unit may need from the rest of the dataset, as N-Triples terms.

    ``records(subject)``: the authority records' triples about ``subject``;
    ``types(node)``: every ``rdf:type`` triple of ``node`` outside the ontology;
    ``about(graph)``: what any graph but the ontology says about the named graph.
    """

    def __init__(self, records: dict, types: dict, about: dict) -> None:
        self._records, self._types, self._about = records, types, about

    def records(self, subject: str) -> list:
        return self._records.get(subject, [])

    def types(self, node: str) -> list:
        return self._types.get(node, [])

    def about(self, graph: str) -> list:
        return self._about.get(graph, [])


class StoreUnitIndex:
    """:class:`UnitIndex` for a build that changes a few documents: types from its store.

    Types are IRIs, which the store keeps as written, and the store finds them
    wherever they are. The authority records and what graphs say about graphs
    are given as triples read from their files instead: the store writes some
    literals in canonical form (an ``xsd:nonNegativeInteger`` comes back as an
    ``xsd:integer``), and a unit must hold the data exactly as written, as a
    full build's units do.
    """

    def __init__(self, store: ox.Store, base_iri: str, records: dict, about: dict) -> None:
        self.store = store
        self._records, self._about = records, about
        self.ontology = ox.NamedNode(f"{base_iri}graph/ontology")
        self.rdf_type = ox.NamedNode(_RDF_TYPE)

    def records(self, subject: str) -> list:
        return self._records.get(subject, [])

    def types(self, node: str) -> list:
        if not node.startswith("<"):
            return []
        found = {(node, str(q.predicate), str(q.object))
                 for q in self.store.quads_for_pattern(ox.NamedNode(node[1:-1]), self.rdf_type, None, None)
                 if q.graph_name != self.ontology and isinstance(q.object, ox.NamedNode)}
        return sorted(found)

    def about(self, graph: str) -> list:
        return self._about.get(graph, [])


def unit_from_triples(graph: str, own: Iterable[tuple[str, str, str]], index) -> Unit:  # type: ignore[no-untyped-def]
    """The validation unit of the named graph ``graph`` (a term, ``<IRI>``) from its own triples.

    The same unit :func:`make_units` makes from the whole dataset: own triples, what
    the dataset says about the graph, the authority records of its subjects, and the
    types of every node those triples point to.
    """
    own = set(own)
    context = own | set(index.about(graph))
    subjects = {s for s, _p, _o in own}
    for subject in subjects:
        context.update(index.records(subject))
    for _s, _p, obj in list(context):
        context.update(index.types(obj))
    focus = tuple(sorted(s[1:-1] for s in subjects if s.startswith("<")))
    data = "".join(sorted(f"{s} {p} {o} .\n" for s, p, o in context)).encode("utf-8")
    return Unit(graph[1:-1], data, focus)


def has_results(payload: bytes) -> bool:
    """Whether a unit's report (N-Triples) holds any result: most hold none."""
    return b"<http://www.w3.org/ns/shacl#result>" in payload


def check_unit(unit: Unit, shapes_text: str, validator: str, cache_dir: Path | None) -> tuple[str, bytes, bool]:
    """Validate one unit, or take its report from the cache; its cache key, report, and whether cached."""
    key = unit.digest(shapes_text, validator)
    payload = _read_cache(cache_dir, key)
    if payload is not None:
        return key, payload, True
    payload = validate_unit_report(unit.data, unit.focus, shapes_text, validator)
    _write_cache(cache_dir, key, payload)
    return key, payload, False



def _ox_findings(payload: bytes, graph_name: str, unit: str) -> list[tuple[Finding, list[ox.Triple], object]]:
    """The findings of one unit's report, each with its result's triples (blank nodes made unique)."""
    by_subject: dict[object, list[ox.Triple]] = {}

    def rename(term):  # type: ignore[no-untyped-def]
        return ox.BlankNode(f"u{unit}x{term.value}") if isinstance(term, ox.BlankNode) else term

    for t in ox.parse(payload, format=ox.RdfFormat.N_TRIPLES):
        triple = ox.Triple(rename(t.subject), t.predicate, rename(t.object))
        by_subject.setdefault(triple.subject, []).append(triple)
    out = []
    for subject, triples in by_subject.items():
        props: dict[str, object] = {}
        for t in triples:
            props.setdefault(t.predicate.value, t.object)
        if _SH + "resultSeverity" not in props:
            continue

        def text(name):  # type: ignore[no-untyped-def]
            value = props.get(_SH + name)
            return None if value is None or isinstance(value, ox.BlankNode) else value.value

        finding = Finding(
            severity=_SEVERITY.get(URIRef(text("resultSeverity") or ""), "violation"),
            message=text("resultMessage") or "",
            focus=text("focusNode") or "",
            path=text("resultPath"),
            value=text("value"),
            shape=text("sourceShape"),
            constraint=text("sourceConstraintComponent"),
            graph=graph_name,
        )
        closure, todo, seen = [], [subject], set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for t in by_subject.get(node, []):
                closure.append(t)
                if isinstance(t.object, ox.BlankNode):
                    todo.append(t.object)
        out.append((finding, closure, subject))
    return out


def _unit_findings(key: str, payload: bytes | None, cache_dir: Path | None) -> list[dict]:
    """A unit's findings, each with its result's triples as N-Triples, cached next to its report.

    Blank nodes are renamed after the cache key, so results of different units
    never share one. Raises :class:`LookupError` when neither is in the cache.
    """
    path = cache_dir / f"{key}.findings.json" if cache_dir is not None else None
    if path is not None:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    if payload is None:
        payload = _read_cache(cache_dir, key)
        if payload is None:
            raise LookupError(key)
    found = [
        {
            "finding": [f.severity, f.message, f.focus, f.path, f.value, f.shape, f.constraint],
            "node": str(node),
            "nt": (ox.serialize(closure, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8"),
        }
        for f, closure, node in _ox_findings(payload, "", key[:16])
    ]
    if path is not None:
        _write_cache_file(path, json.dumps(found).encode("utf-8"))
    return found


def merge_unit_reports(reports: list[tuple[str, str, bytes | None]], units: int,
                       cache_dir: Path | None = None) -> ValidationReport:
    """One :class:`ValidationReport` from units' reports (graph, cache key, report or None).

    A finding met by two units (a shared record) is kept once. Built for
    thousands of units: each unit's findings are read once and kept in the
    cache as JSON, and the standard report is written as N-Triples (which is
    Turtle) without building a graph.
    """
    seen: set[tuple[str, ...]] = set()
    findings: list[Finding] = []
    lines: list[str] = []
    for graph_name, key, payload in reports:
        for item in _unit_findings(key, payload, cache_dir):
            severity, message, focus, path, value, shape, constraint = item["finding"]
            finding = Finding(severity, message, focus, path, value, shape, constraint, graph=graph_name)
            if finding.key() in seen:
                continue
            seen.add(finding.key())
            findings.append(finding)
            lines.append(f"_:report <{_SH}result> {item['node']} .\n")
            lines.append(item["nt"])
    conforms = not any(f.severity == "violation" for f in findings)
    head = (
        f"_:report <{_RDF_TYPE}> <{_SH}ValidationReport> .\n"
        f'_:report <{_SH}conforms> "{str(conforms).lower()}"^^<http://www.w3.org/2001/XMLSchema#boolean> .\n'
    )
    order = {"violation": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: (order[f.severity], f.graph or "", f.focus, f.message, f.value or ""))
    text = (head + "".join(lines)).encode("utf-8")
    return ValidationReport(conforms=conforms, findings=findings, units=units, text=text)
