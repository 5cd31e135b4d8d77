"""Editors' notes in a reader's words: no CURIEs, CIDOC codes or modellers' jargon.

The data's notes (``rdfs:comment``) are written by modellers for modellers and
name terms as ``hg:requiresTravelOf`` or ``(P14)``. A page shows them in words:
a CURIE becomes the term's label (the ontology's, through the label index, so
relation names come from labels), a bare CIDOC property code in brackets is
dropped, and a few modellers' words are said plainly. The data is unchanged.

>>> from histgraph.present.labels import LabelIndex
>>> plain("Came to Mao (P14); see hg:requiresTravelOf.", LabelIndex())
'Came to Mao; see requires travel of.'
"""

from __future__ import annotations

import re

from histgraph.present.labels import LabelIndex
from histgraph.vocab import CRM, DCTERMS, HG, OA, PPLAN, PROV, RDF, RDFS, RICO, SCHEMA, SKOS, TIME

PREFIXES = {
    "hg": str(HG), "crm": str(CRM), "rico": str(RICO), "prov": str(PROV), "pplan": str(PPLAN),
    "skos": str(SKOS), "rdfs": str(RDFS), "rdf": str(RDF), "oa": str(OA), "time": str(TIME),
    "schema": str(SCHEMA), "dcterms": str(DCTERMS),
}
_CURIE = re.compile(r"\b(" + "|".join(PREFIXES) + r"):([A-Za-z][\w-]*[\w])")
#: "(P14)", "(P11, P14)", "(P14 carried out by)": a CIDOC property code the words around already say.
_CODE = re.compile(r"\s*\((?:[PE]\d+i?(?:_\w+)?(?:,\s*)?)+\)")
#: Modellers' words and what they mean to a reader.
_GLOSSARY = {"slug": "web address", "slugs": "web addresses"}
_JARGON = re.compile(r"\b(" + "|".join(_GLOSSARY) + r")\b")


def plain(text: str, labels: LabelIndex) -> str:
    """``text`` with CURIEs as labels, CIDOC codes dropped and jargon in plain words."""

    def term(match: re.Match[str]) -> str:
        iri = PREFIXES[match.group(1)] + match.group(2)
        local = match.group(2)
        # Properties read as phrases, classes and concepts by their labels.
        return labels.phrase(iri) if local[:1].islower() else labels.label(iri)

    text = _CODE.sub("", text)
    text = _CURIE.sub(term, text)
    return _JARGON.sub(lambda m: _GLOSSARY[m.group(1)], text)
