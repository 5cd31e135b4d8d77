"""The web layer: a thin Flask app over the store interface.

:func:`create_app` is the app factory; nothing happens at import time. Each
feature is a blueprint in its own module and reads what it needs from
:func:`histgraph.web.context.get_context` — Flask globals stay under ``web/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from histgraph.config import Settings, load_settings
from histgraph.store import Store
from histgraph.web.context import HistgraphContext


def create_app(
    settings: Settings | Mapping[str, Any] | None = None,
    *,
    store: Store | None = None,
    environ: Mapping[str, str] | None = None,
) -> Flask:
    """Create the histgraph Flask app.

    ``settings`` is a :class:`Settings` or a mapping of overrides (as a test
    passes them); ``store`` replaces the one the settings would open (the current
    build, or the remote endpoint).
    """
    if not isinstance(settings, Settings):
        settings = load_settings(settings or {}, environ=environ or {})
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        JSON_SORT_KEYS=False,
        DEBUG=settings.debug,
        PROPAGATE_EXCEPTIONS=False,
    )
    app.extensions["histgraph"] = HistgraphContext.create(settings, store)
    if settings.proxy_hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind that many proxies, the client is the address they add to
        # X-Forwarded-For (the per-client budget needs it); with none, the header
        # is ignored, so a client cannot pick its own address.
        hops = settings.proxy_hops
        # Flask's documented way to add WSGI middleware; its types declare wsgi_app a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    from histgraph.web.request_guard import RequestGuard

    # Bounded, well-formed, UTF-8 requests only, before any route (chunked bodies included).
    # Flask's documented way to add WSGI middleware; its types declare wsgi_app a method.
    app.wsgi_app = RequestGuard(app.wsgi_app, settings.max_request_bytes)  # type: ignore[method-assign]
    from histgraph.web import (
        assets,
        browse,
        compression,
        dataset,
        document,
        editor,
        entities,
        errors,
        home,
        named_graphs,
        queries_api,
        reconcile,
        search,
        security,
        sparql,
        views,
    )

    for module in (home, assets, sparql, editor, queries_api, entities, document, browse, search, dataset, views, reconcile,
                   named_graphs):
        app.register_blueprint(module.blueprint)
    errors.register(app)
    security.register(app)
    compression.register(app)
    return app
