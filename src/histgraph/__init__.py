"""histgraph: publish historical archival documents as source-faithful knowledge graphs.

The package follows the pipeline, one subpackage per stage (docs/architecture.md):
:mod:`histgraph.build` reads the authoring files, ties facts to the words of
their source and writes an atomic build, checked by :mod:`histgraph.validation`;
:mod:`histgraph.store` holds it; :mod:`histgraph.endpoint` answers SPARQL and
:mod:`histgraph.present` makes the read models of pages and exports;
:mod:`histgraph.web` serves both, and :mod:`histgraph.cli` is the command.
"""

__version__ = "0.1.0"
