"""Growing the archive without writing Turtle: import a document, then suggest its annotations.

* :mod:`~histgraph.ingest.importing` reads an archive page (a file or a URL,
  through one of the readers of :mod:`~histgraph.ingest.readers`) and creates a
  document folder: ``text.txt`` exactly as given and ``document.ttl`` with the
  metadata and citation chain the page states, and nothing it does not.
* :mod:`~histgraph.ingest.suggest` reads a document's text and writes a review
  file of suggestions: mentions of known entities, dates resolved against the
  document's own date, and capitalised names that match nothing known.
  Decisions are recorded the way ``histgraph link`` records them, and accepted
  suggestions become ``hg:mention`` / ``hg:quote`` Turtle in the document's
  ``facts.ttl`` (:mod:`~histgraph.ingest.accept`).
"""
