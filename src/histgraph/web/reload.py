"""Publishing without loss: check a build before serving it, and notice new builds.

``histgraph build`` switches ``build/current`` atomically to a complete build.
``histgraph serve`` then changes over without dropping a request: a watcher
thread in the gunicorn master sees the link move (or an operator sends SIGHUP)
and asks the master to reload; the master checks the new build
(:func:`check_build`: every file against the SHA-256 sums of its manifest, then
the store opened read-only in a throw-away process) and only then starts new
workers on it, while the old workers finish their requests and exit. A corrupt,
truncated or unreadable build is refused with a message in the log, and the
last good build keeps serving.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from histgraph.errors import HistgraphError
from histgraph.store.layout import MANIFEST, STORE_DIR, verify_manifest

#: How long opening a store in the probe process may take.
OPEN_TIMEOUT = 120.0

_OPEN_PROBE = "import sys, pyoxigraph; pyoxigraph.Store.read_only(sys.argv[1])"


class BuildRefused(HistgraphError):
    """A build that must not be served: corrupt, truncated, or unreadable."""


def check_build(folder: Path) -> None:
    """Raise :class:`BuildRefused` unless ``folder`` is a complete build matching its manifest."""
    if not (folder / STORE_DIR).is_dir():
        raise BuildRefused(f"{folder} has no store/ folder: it is not a complete build")
    bad = verify_manifest(folder)
    if bad:
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        what = "has no readable manifest" if bad == [MANIFEST] else f"has files that do not match its manifest ({shown})"
        raise BuildRefused(
            f"the build {folder.name} {what}: it is corrupt or truncated; "
            "run `histgraph build` again"
        )
    try:
        probe = subprocess.run(
            [sys.executable, "-c", _OPEN_PROBE, str(folder / STORE_DIR)],
            capture_output=True,
            text=True,
            timeout=OPEN_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise BuildRefused(f"the store of build {folder.name} did not open in {OPEN_TIMEOUT:g} s") from None
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["no message"])[-1]
        raise BuildRefused(f"the store of build {folder.name} cannot be opened: {last}")


def current_target(link: Path) -> Path | None:
    """Where ``build/current`` points now (resolved), or None if nothing is built."""
    try:
        return link.resolve(strict=True)
    except OSError:
        return None


class BuildWatcher:
    """Polls ``build/current`` and calls ``changed`` when it points somewhere new.

    Runs as a daemon thread in the gunicorn master; all it does is read a link
    and send a signal, so nothing it holds can be inherited by a forked worker.
    """

    def __init__(self, link: Path, serving: Path, interval: float, changed: Callable[[], None]) -> None:
        self.link = link
        self.seen = serving
        self.interval = interval
        self.changed = changed
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="histgraph-build-watcher", daemon=True)

    def start(self) -> None:
        """Start polling."""
        self._thread.start()

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            target = current_target(self.link)
            if target is not None and target != self.seen:
                self.seen = target
                self.changed()


def ask_master_to_reload() -> None:
    """Send SIGHUP to this process (the gunicorn master): reload gracefully."""
    os.kill(os.getpid(), signal.SIGHUP)


LOG = logging.getLogger("gunicorn.error")

__all__ = ["BuildRefused", "BuildWatcher", "ask_master_to_reload", "check_build", "current_target"]
