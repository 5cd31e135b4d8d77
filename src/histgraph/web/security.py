"""Security headers on every response (Content-Security-Policy and friends), and the work budget.

Pages load scripts and styles only from this site (front-end libraries are
served locally from the npm packages), so the policy can forbid everything else.
"""

from __future__ import annotations

from flask import Flask, Response

from histgraph.web import cors, work_budget

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https:; connect-src 'self'; font-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def register(app: Flask) -> None:
    """Add the security headers to every response of ``app``, open its APIs to other origins,
    and charge its work to client budgets."""
    cors.register(app)
    work_budget.register(app)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response
