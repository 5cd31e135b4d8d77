"""The validation report's findings a page at a time, grouped as the whole report groups them.

A build's ``report.json`` (:func:`histgraph.validation.report.describe`) nests
findings by document and entity. At 10,000 documents it holds thousands of
findings, over 2 MB of HTML when shown whole, so the report page shows one
page of them: :func:`paged_report` flattens the report once (the site keeps it
per build), and :meth:`PagedReport.page` regroups one slice of it in the same
nesting, so a page reads like the whole report cut at a finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: One finding with the document and entity it is grouped under (the report's own dicts, not copies).
Row = tuple[dict[str, Any], dict[str, Any], dict[str, Any]]


@dataclass(frozen=True)
class PagedReport:
    """A described report's verdict and counts, and its findings in report order."""

    conforms: bool
    counts: dict[str, int]
    rows: tuple[Row, ...]

    @property
    def total(self) -> int:
        """How many findings the report holds."""
        return len(self.rows)

    def pages(self, size: int) -> int:
        """How many pages of ``size`` findings there are (at least one, so an empty report has a page)."""
        return max(1, -(-self.total // size))

    def page(self, number: int, size: int) -> list[dict[str, Any]]:
        """The documents of page ``number`` (from 1), each with its entities and only this page's findings.

        Same keys as the report's ``documents``; a document or entity whose findings
        began on the page before has ``continued`` set, so the page can say so.

        >>> document = {"graph": "g", "label": None}
        >>> entity = {"iri": "e", "label": None}
        >>> report = PagedReport(True, {}, tuple((document, entity, {"message": str(i)}) for i in range(3)))
        >>> [[f["message"] for f in e["findings"]] for d in report.page(2, 2) for e in d["entities"]]
        [['2']]
        >>> report.page(2, 2)[0]["entities"][0]["continued"]
        True
        """
        start = (number - 1) * size
        before = self.rows[start - 1] if start > 0 else None
        documents: list[dict[str, Any]] = []
        for document, entity, finding in self.rows[start:start + size]:
            # Only the page's first groups can have begun on the page before.
            first = not documents
            if first or documents[-1]["graph"] != document["graph"]:
                documents.append({"graph": document["graph"], "label": document["label"], "entities": [],
                                  "continued": first and before is not None and before[0] is document})
            entities = documents[-1]["entities"]
            if not entities or entities[-1]["iri"] != entity["iri"]:
                entities.append({"iri": entity["iri"], "label": entity["label"], "findings": [],
                                 "continued": first and before is not None and before[1] is entity})
            entities[-1]["findings"].append(finding)
        return documents


def paged_report(described: dict[str, Any]) -> PagedReport:
    """The described report (``report.json``) with its findings in one list, ready to page."""
    rows = tuple(
        (document, entity, finding)
        for document in described["documents"]
        for entity in document["entities"]
        for finding in entity["findings"]
    )
    return PagedReport(conforms=bool(described["conforms"]), counts=dict(described["counts"]), rows=rows)
