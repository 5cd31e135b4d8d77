"""histgraph: publish historical archival documents as source-faithful knowledge graphs.

The package follows the pipeline: :mod:`histgraph.load` reads the authoring files,
:mod:`histgraph.anchors` ties facts to the words of their source,
:mod:`histgraph.build` validates and writes an atomic build, :mod:`histgraph.store`
queries it, :mod:`histgraph.queries` runs named queries, and :mod:`histgraph.web`
serves it.
"""

__version__ = "0.1.0"
