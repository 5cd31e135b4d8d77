"""Linking the project's entities to Wikidata, and a snapshot of what Wikidata says.

The pipeline, one module per step:

* :mod:`.client` — polite SPARQL requests (over :mod:`histgraph.store.sparql_http`): one at a time, a
  descriptive User-Agent, a finite timeout, ``429``/``Retry-After`` honoured,
  back-off on ``5xx``, responses cached on disk;
* :mod:`.names` — name forms and how alike two names are;
* :mod:`.local` — the project's people, groups, places and treaties, with their
  names and the dates the project's data gives for them;
* :mod:`.candidates` — candidates found on the endpoint, with their labels,
  aliases, types and dates;
* :mod:`.scoring` — a score with reasons for each candidate;
* :mod:`.review` — the review file, decisions, and the TriG batch of links;
* :mod:`.enrich` — the snapshot graph of labels, dates, positions, images and
  coordinates for reviewed matches.

Nothing here runs at import time; the CLI commands ``histgraph link`` and
``histgraph enrich`` call these functions. See ``docs/wikidata.md``.
"""
