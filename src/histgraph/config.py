"""Settings, layered: defaults, a config file, ``HISTGRAPH_*`` variables, CLI flags.

Nothing here runs at import time; :func:`load_settings` is called by the CLI and
by :func:`histgraph.web.create_app`, with the environment passed in explicitly.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from histgraph.errors import HistgraphError

DEFAULT_BASE_IRI = "https://histgraph.example.org/"
CONFIG_FILE_NAME = "histgraph.toml"
ENV_PREFIX = "HISTGRAPH_"


@dataclass(frozen=True)
class Settings:
    """Everything that can be configured, with its default.

    Paths are resolved against ``project_dir`` (the folder holding ``data/``,
    ``queries/``, ``shapes/`` and ``ontology/``).
    """

    project_dir: Path = field(default_factory=Path.cwd)
    build_dir: Path | None = None
    base_iri: str = DEFAULT_BASE_IRI
    backend: str = "embedded"
    remote_query_url: str = ""
    remote_store_url: str = ""
    #: Seconds between checks of the remote store's publication marker (0: every use).
    remote_version_poll: float = 5.0
    query_timeout: float = 10.0
    max_rows: int = 10_000
    max_request_bytes: int = 100_000
    max_query_depth: int = 64
    workers: int = 2
    query_processes: int = 2
    answer_cache_bytes: int = 16_000_000
    host: str = "127.0.0.1"
    port: int = 5000
    federation_allowlist: tuple[str, ...] = ()
    validator: str = "pyshacl"
    wikidata_endpoint: str = "https://query.wikidata.org/sparql"
    wikidata_contact: str = ""
    wikidata_timeout: float = 30.0
    wikidata_retries: int = 4
    wikidata_max_wait: float = 120.0
    wikidata_backoff: float = 2.0
    wikidata_cache_dir: Path | None = None
    commons_api_url: str = "https://commons.wikimedia.org/w/api.php"
    reviewer: str = ""
    debug: bool = False
    # Resilience (docs/security.md): query shape limits, admission control,
    # per-client budget, reload and shutdown.
    max_query_operators: int = 2000
    max_path_length: int = 50
    expensive_slots: int = 0
    admission_wait: float = 0.0
    slow_query_ms: int = 2000
    client_rate: float = 20.0
    client_burst: int = 200
    #: Reverse proxies in front that set X-Forwarded-For; 0 trusts no header (the TCP peer is the client).
    proxy_hops: int = 0
    expensive_query_cost: int = 10
    runtime_dir: Path | None = None
    reload_poll: float = 1.0
    graceful_timeout: float = 0.0
    # The server model of `histgraph serve` (docs/security.md, "Slow clients"):
    # gevent workers, so a slow client holds a greenlet and not a worker.
    #: "gevent" (the default) or "sync" (one connection per worker; for comparison only).
    server_model: str = "gevent"
    #: Connections one worker keeps open at once; more wait in the listen backlog.
    worker_connections: int = 1000
    #: Seconds a kept-alive connection may take to send its next request head after an answer.
    keepalive: float = 5.0
    #: Seconds a new connection may take to send its request line and headers.
    header_timeout: float = 10.0
    #: Seconds a worker may stay unresponsive before gunicorn kills it (0: query_timeout * 2 + 30).
    worker_timeout: float = 0.0
    # Query lanes and the network sandbox of query processes (docs/security.md).
    #: Milliseconds a query may run in the fast lane before it must win a slot for long queries.
    fast_lane_ms: int = 500
    #: "required": query processes forbid themselves the network (seccomp) or serve no query;
    #: "off": no filter (only with a federation_allowlist, whose services must be reachable).
    query_sandbox: str = "required"

    @property
    def data_dir(self) -> Path:
        return self.project_dir / "data"

    @property
    def queries_dir(self) -> Path:
        return self.project_dir / "queries"

    @property
    def shapes_dir(self) -> Path:
        return self.project_dir / "shapes"

    @property
    def ontology_dir(self) -> Path:
        return self.project_dir / "ontology"

    @property
    def builds_root(self) -> Path:
        return self.build_dir if self.build_dir is not None else self.project_dir / "build"


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def _coerce(name: str, value: Any) -> Any:
    """Turn a config-file or environment value into the field's type."""
    kind = _FIELDS[name].type
    if isinstance(value, str):
        if "Path" in str(kind):
            return Path(value).expanduser()
        if kind == "bool":
            if value.lower() in {"1", "true", "yes", "on"}:
                return True
            if value.lower() in {"0", "false", "no", "off", ""}:
                return False
            raise HistgraphError(f"setting {name!r}: expected true or false, got {value!r}")
        if kind == "int":
            try:
                return int(value)
            except ValueError:
                raise HistgraphError(f"setting {name!r}: expected a whole number, got {value!r}") from None
        if kind == "float":
            try:
                return float(value)
            except ValueError:
                raise HistgraphError(f"setting {name!r}: expected a number, got {value!r}") from None
        if kind.startswith("tuple"):
            return tuple(part.strip() for part in value.split(",") if part.strip())
    if kind.startswith("tuple") and isinstance(value, list):
        return tuple(str(v) for v in value)
    if "Path" in str(kind) and isinstance(value, str | os.PathLike):
        return Path(value)
    return value


def _apply(layer: Mapping[str, Any], into: dict[str, Any], origin: str) -> None:
    for key, value in layer.items():
        if value is None:
            continue
        if key not in _FIELDS:
            known = ", ".join(sorted(_FIELDS))
            raise HistgraphError(f"{origin}: unknown setting {key!r}; known settings: {known}")
        into[key] = _coerce(key, value)


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Build :class:`Settings` from defaults, a config file, the environment and overrides.

    ``overrides`` (CLI flags, test settings) win over ``HISTGRAPH_*`` variables,
    which win over the config file (``histgraph.toml`` in the project folder, or
    ``config_file``), which wins over the defaults.
    """
    environ = {} if environ is None else environ
    values: dict[str, Any] = {}
    overrides = dict(overrides or {})
    env_layer = {
        key[len(ENV_PREFIX) :].lower(): value
        for key, value in environ.items()
        if key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX) :].lower() in _FIELDS
    }
    project = overrides.get("project_dir") or env_layer.get("project_dir")
    project_dir = Path(project) if project else Path.cwd()
    path = config_file or (
        Path(environ["HISTGRAPH_CONFIG"]) if "HISTGRAPH_CONFIG" in environ else None
    )
    if path is None and (project_dir / CONFIG_FILE_NAME).is_file():
        path = project_dir / CONFIG_FILE_NAME
    if path is not None:
        try:
            with open(path, "rb") as handle:
                file_layer = tomllib.load(handle)
        except FileNotFoundError:
            raise HistgraphError(f"config file {path} does not exist; check HISTGRAPH_CONFIG") from None
        except tomllib.TOMLDecodeError as exc:
            raise HistgraphError(f"config file {path} is not valid TOML: {exc}") from None
        _apply(file_layer.get("histgraph", file_layer), values, str(path))
    _apply(env_layer, values, "environment")
    _apply(overrides, values, "settings")
    values.setdefault("project_dir", project_dir)
    values["project_dir"] = Path(values["project_dir"]).resolve()
    if values.get("build_dir") is not None:
        values["build_dir"] = Path(values["build_dir"]).resolve()
    settings = Settings(**values)
    if not settings.base_iri.endswith("/"):
        raise HistgraphError(f"base_iri must end with '/', got {settings.base_iri!r}")
    if settings.backend not in {"embedded", "remote"}:
        raise HistgraphError(f"backend must be 'embedded' or 'remote', got {settings.backend!r}")
    return settings
