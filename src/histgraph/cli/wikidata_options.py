"""Options shared by the commands that talk to a Wikidata endpoint (link, enrich)."""

from __future__ import annotations

import click

endpoint_option = click.option(
    "--endpoint",
    help="SPARQL endpoint (default: setting wikidata_endpoint, the Wikidata Query Service).",
)
timeout_option = click.option(
    "--timeout", type=float, help="Seconds to wait for each answer (default: wikidata_timeout, 30)."
)
