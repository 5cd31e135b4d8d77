"""Every request that does work is paid for from its client's budget, the one ``/sparql`` uses.

The budget is :class:`histgraph.endpoint.budget.ClientBudget` (a token bucket per client
address, shared by all workers): ``client_rate`` tokens a second, bursts of
``client_burst``. ``/sparql`` and ``/queries/NAME`` charge it per query
themselves (:func:`histgraph.web.sparql.answer`); this module charges every
other route that does work, before it does it:

* a page, a search, an autocomplete, a JSON view, a reconciliation request:
  :data:`PAGE_COST` (a reconciliation batch pays one more per further query);
* a download of the whole dataset (``/dumps/…``, ``/exports/…``):
  ``expensive_query_cost``, like an expensive query;
* static files, CORS preflights, and URLs that match no route: nothing;
* a download answered 304 (the client's copy is current): its cost is given back.

Over budget the answer is 429 with ``Retry-After``, before any work is done.
A person reading pages never meets the budget (200 pages at once, 20 a
second on average by default); a script fetching every page does, and is
told to download the dataset instead.
"""

from __future__ import annotations

import math

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import TooManyRequests

from histgraph.endpoint.budget import ClientBudget
from histgraph.web.context import get_context

PAGE_COST = 1
#: Routes that charge per query themselves: charging here too would count twice.
SELF_CHARGED = frozenset({"sparql.endpoint", "queries_api.run"})
#: Static files: no work beyond sending bytes the browser caches.
FREE = frozenset({"static", "assets.vendor"})
#: Downloads of the whole dataset.
DOWNLOADS = frozenset({"dataset.dump", "views.download"})


def register(app: Flask) -> None:
    """Charge every request of ``app`` that does work (see the module's description)."""
    app.before_request(_charge_request)
    app.after_request(_refund_revalidation)


def request_cost(endpoint: str | None, method: str) -> int:
    """Tokens a request to ``endpoint`` costs before it runs (0: free or charged elsewhere)."""
    if endpoint is None or method == "OPTIONS" or endpoint in FREE or endpoint in SELF_CHARGED:
        return 0
    if endpoint in DOWNLOADS:
        return get_context().settings.expensive_query_cost
    return PAGE_COST


def charge(cost: int, what: str = "requests") -> None:
    """Take ``cost`` tokens from this request's client; 429 with Retry-After when it has not enough.

    ``what`` names the work in the refusal ("reconciliation queries").
    """
    if cost <= 0:
        return
    wait = _budget().take(_client(), cost)
    if wait:
        settings = get_context().settings
        raise TooManyRequests(
            description=f"this client has used its budget for {what} ({settings.client_rate:g} requests a second, "
            f"bursts of {settings.client_burst}; a page costs {PAGE_COST}, a reconciliation query {PAGE_COST}, "
            f"a download {settings.expensive_query_cost}); wait as Retry-After says, and for bulk work "
            "download the dataset once (see /dumps) and work on your copy",
            retry_after=max(1, math.ceil(wait)),
        )
    g.histgraph_charged = getattr(g, "histgraph_charged", 0) + cost


def _charge_request() -> None:
    charge(request_cost(request.endpoint, request.method))


def _refund_revalidation(response: Response) -> Response:
    """A 304 sends nothing new: give its cost back, so revalidating caches pay nothing."""
    charged = getattr(g, "histgraph_charged", 0)
    if response.status_code == 304 and charged:
        _budget().give_back(_client(), charged)
    return response


def _budget() -> ClientBudget:
    return current_app.extensions["histgraph.gate"].budget


def _client() -> str:
    # The same key as /sparql's charge: behind proxies, ProxyFix has set it from X-Forwarded-For.
    return request.remote_addr or "unknown"
