"""The annotation editor's work on the authoring files, with no Flask.

``histgraph edit`` serves :mod:`histgraph.web.curation` on 127.0.0.1; every
change it saves is made here: the editor's block of a document's ``facts.ttl``
(:mod:`~histgraph.editing.editor_block`), new entity records in
``data/authorities/`` (:mod:`~histgraph.editing.authority_records`), facts of
the kinds the shapes know (:mod:`~histgraph.editing.fact_kinds`,
:mod:`~histgraph.editing.fact_records`), suggestions decided through the
review code of :mod:`histgraph.ingest`, and the build and validation that
follow each save (:mod:`~histgraph.editing.session`).
"""
