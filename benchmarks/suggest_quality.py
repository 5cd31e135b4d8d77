"""How well ``histgraph suggest`` finds what the hand-made cable annotates: recall and precision per kind.

The cable's own ``hg:mention`` annotations (facts.ttl) and its dated time-spans
(``hg:asWritten`` with bounds) are the answer; the suggester never reads
``hg:mention``, so they are hidden from it. Every occurrence counts: a gold
mention string annotates each place it occurs, and a suggestion is right when
it names the same entity at an overlapping place. Words that name several
known entities are ONE suggestion listing them as alternatives for the
reviewer: it counts once, and is right (and finds the gold mention) when the
gold entity is among them; how many gold mentions were found only that way is
printed too. A date is found when a suggested expression overlaps the gold
words, and resolved right when its first and last day are the gold span's; a
duration (the cable's ``time:Duration`` words) when a suggested one overlaps
them, and right when its number is the gold one.

Two runs: with every name source, and without ``hg:asWritten`` (the forms the
authority records list because this cable writes them, so that run is the
fairer guess at a new document).

    .venv/bin/python benchmarks/suggest_quality.py [--data data] [--document ID] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from histgraph.ingest.known_names import name_index
from histgraph.ingest.suggest import build_suggestions, document_date
from histgraph.vocab import HG, PREFIXES

CABLE = "cable-1950-01-02-mao-to-ccp-cc"
KINDS = ("person", "group", "place", "work")
CRM = "http://www.cidoc-crm.org/cidoc-crm/"
RICO = "https://www.ica.org/standards/RiC/ontology#"


def _occurrences(text: str, words: str) -> list[tuple[int, int]]:
    found, at = [], text.find(words)
    while at >= 0:
        found.append((at, at + len(words)))
        at = text.find(words, at + 1)
    return found


def _kind(iri: str) -> str | None:
    for kind in KINDS:
        if iri.startswith(PREFIXES[kind]):
            return kind
    return None


def gold(folder: Path, text: str) -> tuple[set[tuple[str, int, int]], list[dict[str, Any]]]:
    """The cable's mentions (entity, start, end) of the four kinds, and its dated expressions."""
    facts = Graph().parse(folder / "facts.ttl", format="turtle")
    mentions = set()
    for entity, words in facts.subject_objects(HG.mention):
        if _kind(str(entity)):
            mentions |= {(str(entity), s, e) for s, e in _occurrences(text, str(words))}
    dates = []
    for span in facts.subjects(URIRef(RDF_TYPE), URIRef(CRM + "E52_Time-Span")):
        written = facts.value(span, HG.asWritten)
        begin = facts.value(span, URIRef(CRM + "P82a_begin_of_the_begin"))
        end = facts.value(span, URIRef(CRM + "P82b_end_of_the_end"))
        if written is None:
            continue
        for s, e in _occurrences(text, str(written)):
            dates.append({"span": str(span), "start": s, "end": e, "begin": str(begin or ""), "last": str(end or "")})
    document = Graph().parse(folder / "document.ttl", format="turtle")
    for expressed in document.objects(None, URIRef(RICO + "expressedDate")):
        for s, e in _occurrences(text, str(expressed)):
            created = next((str(o) for o in document.objects(None, URIRef("http://purl.org/dc/terms/created"))
                            if isinstance(o, Literal)), "")
            dates.append({"span": "creation-date", "start": s, "end": e, "begin": created, "last": created})
    return mentions, dates


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TIME = "http://www.w3.org/2006/time#"


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _score(found: int, of: int) -> float:
    return round(found / of, 3) if of else 1.0


def _durations(folder: Path, text: str) -> list[dict[str, Any]]:
    facts = Graph().parse(folder / "facts.ttl", format="turtle")
    found = []
    for duration in facts.subjects(URIRef(RDF_TYPE), URIRef(TIME + "Duration")):
        written, value = facts.value(duration, HG.asWritten), facts.value(duration, URIRef(TIME + "numericDuration"))
        for s, e in _occurrences(text, str(written)) if written is not None else ():
            found.append({"start": s, "end": e, "value": float(value) if value is not None else None})
    return found


def measure(data_dir: Path, document_id: str = CABLE, *, leave_out: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Recall and precision per kind (people, groups, places, works, dates, durations) on ``document_id``."""
    folder = data_dir / "documents" / document_id
    text = (folder / "text.txt").read_text(encoding="utf-8")
    entries = build_suggestions(text, name_index(data_dir, leave_out=leave_out, documents=[document_id]),
                                document_date(folder))
    mentions, dates = gold(folder, text)
    # One row per suggested place: the entities it offers, and whether it offers several.
    suggested = [
        (tuple(a["entity"] for a in e.get("alternatives") or [e]), o["start"], o["end"])
        for e in entries if e["kind"] == "mention" for o in e["occurrences"]
    ]
    result: dict[str, Any] = {}
    for kind in KINDS:
        g = [m for m in mentions if _kind(m[0]) == kind]
        s = [x for x in suggested if _kind(x[0][0]) == kind]
        hits = [[x for x in suggested if m[0] in x[0] and _overlap(x[1:], m[1:])] for m in g]
        hit_g = sum(1 for h in hits if h)
        only_among = sum(1 for h in hits if h and all(len(x[0]) > 1 for x in h))
        hit_s = sum(1 for x in s if any(m[0] in x[0] and _overlap(x[1:], m[1:]) for m in mentions))
        result[kind] = {"gold": len(g), "suggested": len(s), "found": hit_g, "right": hit_s,
                        "found_only_among_alternatives": only_among,
                        "ambiguous_suggestions": sum(1 for x in s if len(x[0]) > 1),
                        "recall": _score(hit_g, len(g)), "precision": _score(hit_s, len(s))}
    sd = [e for e in entries if e["kind"] == "date"]
    found = resolved = 0
    for d in dates:
        near = [e for e in sd if _overlap((e["start"], e["end"]), (d["start"], d["end"]))]
        found += bool(near)
        resolved += any(e.get("begin", "")[:10] == d["begin"][:10] and e.get("end_of_span", "")[:10] == d["last"][:10]
                        for e in near)
    right = sum(1 for e in sd if any(_overlap((e["start"], e["end"]), (d["start"], d["end"])) for d in dates))
    result["date"] = {"gold": len(dates), "suggested": len(sd), "found": found, "resolved": resolved, "right": right,
                      "recall": _score(found, len(dates)), "recall_resolved": _score(resolved, len(dates)),
                      "precision": _score(right, len(sd))}
    gd, sdur = _durations(folder, text), [e for e in entries if e["kind"] == "duration"]
    near_d = [[e for e in sdur if _overlap((e["start"], e["end"]), (d["start"], d["end"]))] for d in gd]
    result["duration"] = {
        "gold": len(gd), "suggested": len(sdur), "found": sum(1 for n in near_d if n),
        "right_value": sum(1 for d, n in zip(gd, near_d, strict=True) if any(e["value"] == d["value"] for e in n)),
        "recall": _score(sum(1 for n in near_d if n), len(gd)),
        "precision": _score(sum(1 for e in sdur if any(_overlap((e["start"], e["end"]), (d["start"], d["end"]))
                                                       for d in gd)), len(sdur)),
    }
    known_g = sum(result[k]["gold"] for k in KINDS)
    known_s = sum(result[k]["suggested"] for k in KINDS)
    result["known entities"] = {
        "gold": known_g, "suggested": known_s,
        "recall": _score(sum(result[k]["found"] for k in KINDS), known_g),
        "precision": _score(sum(result[k]["right"] for k in KINDS), known_s),
        "found": sum(result[k]["found"] for k in KINDS), "right": sum(result[k]["right"] for k in KINDS),
        "found_only_among_alternatives": sum(result[k]["found_only_among_alternatives"] for k in KINDS),
        "ambiguous_suggestions": sum(result[k]["ambiguous_suggestions"] for k in KINDS),
    }
    result["new-entity candidates"] = sorted({e["words"] for e in entries if e["kind"] == "new-entity"})
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("data"))
    parser.add_argument("--document", default=CABLE)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    runs = {
        "every name source": measure(args.data, args.document),
        "without hg:asWritten": measure(args.data, args.document, leave_out=frozenset({"asWritten"})),
    }
    if args.json:
        print(json.dumps(runs, indent=2))
        return 0
    for name, result in runs.items():
        print(f"== {name}")
        print(f"{'kind':<16}{'gold':>6}{'sugg.':>7}{'recall':>8}{'precision':>11}")
        for kind in (*KINDS, "known entities", "date", "duration"):
            r = result[kind]
            print(f"{kind:<16}{r['gold']:>6}{r['suggested']:>7}{r['recall']:>8.0%}{r['precision']:>11.0%}")
        known = result["known entities"]
        print(f"known entities: {known['found']} of {known['gold']} found ({known['found_only_among_alternatives']} "
              f"only as one of several alternatives), {known['right']} of {known['suggested']} suggestions right "
              f"({known['ambiguous_suggestions']} offer alternatives)")
        print(f"durations with the gold number: {result['duration']['right_value']} of {result['duration']['gold']}")
        print(f"dates resolved to the gold days: {result['date']['resolved']} of {result['date']['gold']}")
        print(f"candidate new entities: {', '.join(result['new-entity candidates'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
