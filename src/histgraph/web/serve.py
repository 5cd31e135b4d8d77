"""``histgraph serve``: the web app under gunicorn (or Flask's dev server with ``--debug``).

Like ``oxigraph serve`` or ``datasette``, ``histgraph serve FILE...`` publishes
any RDF files (Turtle, TriG, N-Triples, N-Quads, RDF/XML) without a build: they
are loaded into a temporary on-disk store that every worker opens read-only;
quads keep their graph, and the triples of a file go to a graph named after the
file (its ``file:`` IRI). No validation, no anchors: it serves what it is given.

Serving the current build, the server checks it against its manifest first,
follows ``build/current`` to new builds without losing a request, and lets
requests in flight finish on SIGTERM (see :mod:`histgraph.web.reload` and
docs/security.md). Every reload checks what it will serve (a file store gets
a manifest too), and a failed check leaves the running workers serving
(:mod:`histgraph.web.server_master`). Workers are gevent workers
(:mod:`histgraph.web.server_worker`): slow clients hold a greenlet, not a worker.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from flask import Flask
from gunicorn.app.base import BaseApplication

from histgraph.config import Settings
from histgraph.errors import HistgraphError, InputError
from histgraph.store import EmbeddedStore
from histgraph.store.layout import write_manifest
from histgraph.store.rdf_guard import TOO_LONG, check_literal, check_rdf_xml_file
from histgraph.web.reload import (
    LOG,
    BuildRefused,
    BuildWatcher,
    ask_master_to_reload,
    check_build,
    current_target,
)

T = TypeVar("T")

#: File extensions served by ``serve FILE...`` and their formats.
FILE_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


def load_files(paths: Sequence[Path], root: Path) -> Path:
    """Load RDF ``paths`` into a new store under ``root``; return the folder holding ``store/``.

    The folder is named after a hash of the files' names and bytes, which
    becomes the served data's version (and so its ETags).
    """
    digest = hashlib.sha256()
    for path in paths:
        if path.suffix.lower() not in FILE_FORMATS:
            known = ", ".join(sorted(FILE_FORMATS))
            raise InputError(str(path), f"unknown RDF file type; expected one of {known}")
        digest.update(str(path.resolve()).encode() + b"\0" + path.read_bytes())
    folder = root / f"files-{digest.hexdigest()[:12]}"
    folder.mkdir(parents=True)
    store = ox.Store(str(folder / "store"))
    for path in paths:
        rdf_format = FILE_FORMATS[path.suffix.lower()]
        if rdf_format == ox.RdfFormat.RDF_XML:
            check_rdf_xml_file(path)  # entity-expansion bombs abort pyoxigraph's parser
        graph = None if rdf_format.supports_datasets else ox.NamedNode(path.resolve().as_uri())
        try:
            store.bulk_extend(_checked(path, rdf_format, graph))
        except SyntaxError as exc:
            raise InputError(str(path), f"not valid {rdf_format.name}: {exc}") from None
        except MemoryError:
            # pyoxigraph refuses a token (a literal, an IRI) over its 16 MiB buffer this way.
            raise InputError(str(path), TOO_LONG) from None
    store.flush()
    del store  # releases the write lock, so workers can open it read-only
    write_manifest(folder)  # so a reload checks this store as it checks a build
    return folder


def _checked(path: Path, rdf_format: ox.RdfFormat, graph: ox.NamedNode | None) -> Iterator[ox.Quad]:
    """The quads of ``path`` (triples into ``graph``), refusing oversized literals."""
    for item in ox.parse(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri()):
        if isinstance(item.object, ox.Literal):
            check_literal(item.object.value, str(path))
        if isinstance(item, ox.Quad) and (graph is None or not isinstance(item.graph_name, ox.DefaultGraph)):
            yield item
        else:
            yield ox.Quad(item.subject, item.predicate, item.object, graph or ox.DefaultGraph())


@contextmanager
def served_store(settings: Settings, files: Sequence[Path]) -> Iterator[Path | None]:
    """The folder of the store to serve: the given files' (temporary), the current build, or None for remote."""
    if files:
        with owned_temporary_folder("histgraph-serve-") as root:
            yield _in_child(load_files, files, root)
        return
    if settings.backend == "remote":
        yield None
        return
    current = settings.builds_root / "current"
    if not (current / "store").is_dir():
        raise HistgraphError(
            f"nothing built yet in {settings.builds_root}: run `histgraph build` first, "
            "or serve RDF files directly with `histgraph serve FILE...`"
        )
    try:
        check_build(current.resolve())
    except BuildRefused as exc:
        raise HistgraphError(f"{exc}; nothing is served") from None
    yield current.resolve()


def app_factory(settings: Settings, folder: Path | None) -> Callable[[], Flask]:
    """A function making the app; each gunicorn worker calls it after the fork."""
    from histgraph.web import create_app

    def make() -> Flask:
        store = EmbeddedStore.open(folder) if folder is not None else None
        return create_app(settings, store=store)

    return make


class GunicornServer(BaseApplication):
    """gunicorn run from Python, with our options instead of its command line.

    With ``follow`` (the ``build/current`` link), the master watches the link and
    reloads onto each new build that passes :func:`~histgraph.web.reload.check_build`;
    workers forked after a reload open :attr:`folder`, the build now served.
    """

    def __init__(
        self,
        settings: Settings,
        folder: Path | None,
        options: dict[str, Any],
        follow: Path | None = None,
    ) -> None:
        self.settings = settings
        self.folder = folder
        self.follow = follow
        self._options = options
        self._watcher: BuildWatcher | None = None
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)
        if self.follow is not None:
            self.cfg.set("when_ready", self._start_watching)
            self.cfg.set("on_exit", self._stop_watching)

    def load(self) -> Flask:
        return app_factory(self.settings, self.folder)()

    def run(self) -> None:
        """Run gunicorn's master loop, as :class:`~histgraph.web.server_master.HistgraphArbiter`."""
        from histgraph.web.server_master import HistgraphArbiter

        HistgraphArbiter(self).run()

    def _start_watching(self, _arbiter: object) -> None:
        if self.follow is not None and self.folder is not None and self.settings.reload_poll > 0:
            self._watcher = BuildWatcher(self.follow, self.folder, self.settings.reload_poll, ask_master_to_reload)
            self._watcher.start()

    def _stop_watching(self, _arbiter: object) -> None:
        if self._watcher is not None:
            self._watcher.stop()

    def reload_refusal(self) -> str | None:
        """Before a reload (SIGHUP, from the watcher or an operator): why not to, or None.

        The data to serve next (the build ``build/current`` points to, or the
        store already served) is checked every time, even when it did not move:
        it may have been damaged in place. When it is sound it becomes
        :attr:`folder`, which the new workers open.
        """
        if self.folder is None:
            return None  # the remote backend: nothing of ours to check
        target = current_target(self.follow) if self.follow is not None else self.folder
        if target is None:
            return f"refusing to reload: {self.follow} points nowhere; still serving {self.folder}"
        try:
            check_build(target)
        except BuildRefused as exc:
            if target != self.folder:
                return f"refusing the new build: {exc}; still serving {self.folder}"
            return f"refusing to reload: {exc}; the running workers go on serving it"
        if target != self.folder:
            LOG.warning("histgraph: now serving build %s (was %s)", target.name, self.folder.name)
            self.folder = target
        return None


#: gunicorn worker classes by ``server_model``.
WORKER_CLASSES = {"gevent": "histgraph.web.server_worker.DrainingGeventWorker", "sync": "sync"}


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    """gunicorn settings derived from ours."""
    if settings.server_model not in WORKER_CLASSES:
        raise HistgraphError(
            f"server_model must be one of {', '.join(WORKER_CLASSES)}, got {settings.server_model!r}"
        )
    if settings.keepalive <= 0 or settings.header_timeout <= 0:
        raise HistgraphError("keepalive and header_timeout must be more than 0 seconds")
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        "worker_class": WORKER_CLASSES[settings.server_model],
        "worker_connections": settings.worker_connections,
        # The gevent worker times request heads itself (settings.keepalive);
        # gunicorn only needs to know keep-alive is on.
        "keepalive": max(1, math.ceil(settings.keepalive)),
        # gunicorn kills a worker silent for this long; a query is stopped well before.
        "timeout": math.ceil(settings.worker_timeout or settings.query_timeout * 2 + 30),
        # On SIGTERM or a reload, requests in flight may take up to a query's time limit.
        "graceful_timeout": int(settings.graceful_timeout or settings.query_timeout + 5),
        # The longest request line gunicorn allows; longer queries must be POSTed.
        "limit_request_line": 8190,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "histgraph",
    }


def _probe(settings: Settings, folder: Path | None) -> None:
    """Make the app once, to fail here with a clear message rather than in every worker.

    In a throw-away process (see :func:`_in_child`).
    """
    _in_child(_make_and_close, settings, folder)


def _in_child(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` in a throw-away process; its result, or its exception raised here.

    The gunicorn master must never open a store: RocksDB starts background
    threads in the first process that opens one, every forked worker inherits
    them half-alive, and each crashed with SIGSEGV when it exited.
    """
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def _make_and_close(settings: Settings, folder: Path | None) -> None:
    executor = app_factory(settings, folder)().extensions["histgraph.executor"]
    if hasattr(executor, "close"):
        executor.close()


def serve(settings: Settings, files: Sequence[Path] = (), announce: Callable[[str], None] = print) -> None:
    """Serve the current build (or ``files``) until interrupted."""
    with served_store(settings, files) as folder, _runtime_folder(settings) as runtime:
        # Shared by every worker: admission slots, slow-query record, client budgets.
        settings = dataclasses.replace(settings, runtime_dir=runtime)
        make_app = app_factory(settings, folder)
        _probe(settings, folder)
        what = ", ".join(map(str, files)) if files else (str(folder) if folder else settings.remote_query_url)
        url = f"http://{settings.host}:{settings.port}/"
        announce(f"serving {what} at {url} (SPARQL: {url}sparql, editor: {url}editor); Ctrl-C stops")
        if settings.debug:
            make_app().run(settings.host, settings.port, debug=True, use_reloader=False, threaded=True)
        else:
            follow = settings.builds_root / "current" if not files and folder is not None else None
            GunicornServer(settings, folder, gunicorn_options(settings), follow).run()


@contextmanager
def _runtime_folder(settings: Settings) -> Iterator[Path]:
    """The configured ``runtime_dir``, or a temporary folder removed when the server stops."""
    if settings.runtime_dir is not None:
        settings.runtime_dir.mkdir(parents=True, exist_ok=True)
        yield settings.runtime_dir
        return
    with owned_temporary_folder("histgraph-run-") as folder:
        yield folder


@contextmanager
def owned_temporary_folder(prefix: str) -> Iterator[Path]:
    """A new temporary folder, removed when the block ends, but only by the process that made it.

    gunicorn forks its workers inside this block, and a worker leaves (SIGTERM
    on a reload, a timeout, an exit) by raising SystemExit, which unwinds
    through the block in the worker as well. With ``TemporaryDirectory`` (whose
    finalizer also runs at exit) the first worker to leave deleted the served
    store and the files the workers share, under the master and every other worker.
    """
    owner = os.getpid()
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        if os.getpid() == owner:
            shutil.rmtree(folder, ignore_errors=True)
