"""Generate a synthetic archive shaped like the project's model of the cable.

Deterministic (seeded): the same ``--n`` and ``--seed`` always write the same
files. The output is a complete histgraph project folder (``data/`` in the
authoring format, plus copies of ``ontology/``, ``shapes/`` and ``queries/``) that
the real pipeline builds with ``histgraph --project DIR build``. Every document
has a text with anchors, a meeting with participants and a time, an option with
a claim and its endorsement, a travel plan with steps, dates and a duration, a
request and a question; actors and places come from shared authority pools with
(fictional, clearly marked) Wikidata-style reviewed links. A quarter of the
documents state an arrival date that does not add up, with its consistency note.

Size: each document adds 316 triples after the build's anchoring (measured:
5,224 triples at n=0, 321,224 at n=1,000), about 3.2 million at n=10,000. Of
those, 185 are the Web Annotations (15 triples each) that tie its 11 or 12
facts and one mention to the words of its text: every fact must be anchored
(hgsh:FactIsAnchored), so ~200 triples per document is not reachable while
keeping every kind of node; the other mentions were left out to come close.

``--errors K`` injects K known SHACL violations (one per chosen document: a
meeting without participants), for tests that check refusal and reporting.

Usage::

    python benchmarks/generate_archive.py --n 1000 --out /tmp/archive-1000 [--json]
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

from bench_harness import (  # benchmarks/ is on the path (the script's folder)
    BenchmarkStopped,
    emit,
    main_guard,
)

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = """@prefix hg: <https://histgraph.example.org/ontology#> .
@prefix person: <https://histgraph.example.org/id/person/> .
@prefix group: <https://histgraph.example.org/id/group/> .
@prefix place: <https://histgraph.example.org/id/place/> .
@prefix doc: <https://histgraph.example.org/id/document/> .
@prefix text: <https://histgraph.example.org/id/text/> .
@prefix event: <https://histgraph.example.org/id/event/> .
@prefix plan: <https://histgraph.example.org/id/plan/> .
@prefix step: <https://histgraph.example.org/id/step/> .
@prefix proposal: <https://histgraph.example.org/id/proposal/> .
@prefix claim: <https://histgraph.example.org/id/claim/> .
@prefix request: <https://histgraph.example.org/id/request/> .
@prefix question: <https://histgraph.example.org/id/question/> .
@prefix note: <https://histgraph.example.org/id/note/> .
@prefix timespan: <https://histgraph.example.org/id/timespan/> .
@prefix agent: <https://histgraph.example.org/id/agent/> .
@prefix graph: <https://histgraph.example.org/graph/> .
@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rico: <https://www.ica.org/standards/RiC/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix pplan: <http://purl.org/net/p-plan#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix wd: <http://www.wikidata.org/entity/> .
"""
GIVEN = ["Alder", "Birch", "Cedar", "Dunlin", "Egret", "Finch", "Grebe", "Heron", "Ibis", "Jay",
         "Kite", "Linnet", "Merlin", "Nightjar", "Oriole", "Plover", "Quail", "Rook", "Shrike", "Teal"]
FAMILY = ["Arlow", "Brenn", "Corvin", "Dace", "Ellery", "Fenwick", "Garrow", "Hollis", "Ives", "Jessop",
          "Kettle", "Lomax", "Marlow", "Nettle", "Orme"]
TOWNS = ["Ashgrove", "Brackenford", "Coldharbour", "Dunmere", "Eastwick", "Fallowfield", "Greystone",
         "Hartmoor", "Ironbridge", "Juniper Cross"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
NUMBERS = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten",
           11: "eleven", 12: "twelve"}
FICTIONAL_QID = 990_000_000  # obviously fictional Wikidata-style identifiers


def day_words(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


def pools(rng: random.Random, people: int = 200, places: int = 60) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Shared pools of (slug, name) for people and places (fictional)."""
    names = [f"{g} {f}" for f in FAMILY for g in GIVEN]
    rng.shuffle(names)
    towns = [f"{t} {suffix}".strip() for suffix in ("", "North", "South", "East", "West", "Upper") for t in TOWNS]
    return (
        [(f"synthetic-{n.lower().replace(' ', '-')}", n) for n in names[:people]],
        [(f"synthetic-{t.lower().replace(' ', '-')}", t) for t in towns[:places]],
    )


def authorities(people: list[tuple[str, str]], places: list[tuple[str, str]]) -> dict[str, str]:
    """The authority files and reviewed links for the pools."""
    persons = [PREFIXES, "# SYNTHETIC benchmark data: fictional people.\n"]
    for slug, name in people:
        persons.append(f'person:{slug} a crm:E21_Person ;\n    rdfs:label "{name}"@en ;\n'
                       f'    hg:asWritten "Comrade {name.split()[1]}" .\n')
    persons.append('group:synthetic-committee a crm:E74_Group ;\n    rdfs:label "the Committee (synthetic)"@en .\n')
    towns = [PREFIXES, "# SYNTHETIC benchmark data: fictional places.\n"]
    for slug, name in places:
        towns.append(f'place:{slug} a crm:E53_Place ;\n    rdfs:label "{name}"@en ;\n    hg:asWritten "{name}" .\n')
    links = [PREFIXES, "# SYNTHETIC benchmark data: fictional Wikidata-style identifiers (Q99…).\n",
             "graph:links-wikidata-synthetic {\n"]
    for number, (slug, _name) in enumerate(people[::2]):
        links.append(f"    person:{slug} skos:exactMatch wd:Q{FICTIONAL_QID + number} .\n")
    links.append("}\n\ngraph:links-wikidata-synthetic hg:matchStatus hg:Reviewed ;\n"
                 "    hg:matchMethod hg:ManualReview ;\n    prov:wasAttributedTo agent:histgraph-editors ;\n"
                 '    prov:generatedAtTime "2026-11-26T00:00:00Z"^^xsd:dateTime ;\n'
                 '    rdfs:comment "SYNTHETIC benchmark links to fictional identifiers."@en .\n')
    return {"authorities/synthetic-people.ttl": "".join(persons),
            "authorities/synthetic-places.ttl": "".join(towns),
            "links/wikidata-synthetic.trig": "".join(links)}


def _distinct(rng: random.Random, pool, count: int, key) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """``count`` entries whose keys differ, so no name is a substring of another's mention."""
    chosen: list[tuple[str, str]] = []
    while len(chosen) < count:
        slug, name = pool[rng.randrange(len(pool))]
        if all(key(name) != key(other) for _s, other in chosen):
            chosen.append((slug, name))
    return chosen


def document(index: int, rng: random.Random, people, places, broken: bool) -> dict[str, str]:
    """One synthetic cable: text, document.ttl and facts.ttl with quotes that occur in the text."""
    doc_id = f"synthetic-{index:05d}"
    author, a, b, c = _distinct(rng, people, 4, key=lambda name: name.split()[1])
    venue, origin, dest = _distinct(rng, places, 3, key=lambda name: name.split()[0])
    sent = date(1950, 1, 1) + timedelta(days=index % 700)
    depart = sent + timedelta(days=rng.randint(3, 9))
    days = rng.randint(3, 12)
    inclusive = index % 4 == 0  # like the cable: counted inclusively, so it does not add up
    arrive = depart + timedelta(days=days - 1 if inclusive else days)
    meeting = f"At 8:00 p.m. on {day_words(sent)}, Comrade {a[1].split()[1]} and Comrade {b[1].split()[1]} came to {venue[1]} to have a talk."
    option = f"(a) To sign an agreement on trade number {index}."
    claim_text = f"By taking this action, trade number {index} will grow."
    endorse = f"Comrade {a[1].split()[1]} said that option (a) was good."
    departs = f"{c[1]} could depart from {origin[1]} on {day_words(depart)}"
    travel = f"It would take {NUMBERS[days]} days"
    arrives = f"so he could arrive in {dest[1]} on {day_words(arrive)}"
    request_text = f"Please report to me in a return telegram about matter {index}."
    question_text = f"Is {dest[1]} ready to receive the delegation of matter {index}?"
    text = (f"To the Committee:\n\n(1) {meeting} I described the options:\n\n{option} {claim_text} {endorse}\n\n"
            f"(2) {departs}. {travel}, {arrives}.\n\n(3) {request_text} {question_text}\n\n{author[1]}\n\n"
            f"11:00 p.m., {day_words(sent)} [1950]\n")
    stamp = sent.isoformat()
    participants = "" if broken else (
        f"    crm:P14_carried_out_by person:{a[0]}, person:{b[0]} ;\n    crm:P11_had_participant person:{author[0]} ;\n")
    note = ""
    if inclusive:
        note = f"""
note:{doc_id}-arrival a hg:ConsistencyNote ;
    rdfs:label "{day_words(depart)} + {days} days is not {day_words(arrive)} (synthetic)"@en ;
    hg:noteKind hg:ArithmeticMismatch ;
    hg:statedValue "{arrive.isoformat()}"^^xsd:date ;
    hg:computedValue "{(depart + timedelta(days=days)).isoformat()}"^^xsd:date ;
    hg:concerns step:{doc_id}-depart, step:{doc_id}-travel, step:{doc_id}-arrive ;
    prov:wasAttributedTo agent:histgraph-editors ;
    hg:quote "{arrives}" ;
    rdfs:comment "Departure on {day_words(depart)} plus {days} days of travel gives {day_words(depart + timedelta(days=days))}; the text states {day_words(arrive)}. The figures agree only if both end days are counted. The stated date is kept (synthetic)."@en .
step:{doc_id}-arrive hg:consistencyNote note:{doc_id}-arrival .
step:{doc_id}-travel hg:consistencyNote note:{doc_id}-arrival .
step:{doc_id}-depart hg:consistencyNote note:{doc_id}-arrival .
"""
    facts = f"""{PREFIXES}
# SYNTHETIC benchmark document {index}: fictional.
place:{venue[0]} hg:mention "{venue[1]}" .

event:{doc_id}-meeting a crm:E7_Activity ;
    rdfs:label "Meeting of {day_words(sent)} 1950 (synthetic {index})"@en ;
    crm:P2_has_type hg:Meeting ;
    hg:modality hg:Reported ;
    hg:accordingTo person:{author[0]} ;
{participants}    crm:P7_took_place_at place:{venue[0]} ;
    crm:P4_has_time-span timespan:{doc_id}-meeting ;
    hg:quote "{meeting}" .

timespan:{doc_id}-meeting a crm:E52_Time-Span ;
    rdfs:label "{day_words(sent)} 1950, from 8:00 p.m."@en ;
    hg:asWritten "At 8:00 p.m. on {day_words(sent)}" ;
    crm:P82a_begin_of_the_begin "{stamp}T20:00:00"^^xsd:dateTime ;
    crm:P82b_end_of_the_end "{stamp}T23:00:00"^^xsd:dateTime .

proposal:{doc_id}-options a hg:OptionSet ;
    rdfs:label "Options of synthetic document {index}"@en ;
    hg:modality hg:Proposed ;
    hg:accordingTo person:{author[0]} ;
    hg:quote "I described the options:" .

proposal:{doc_id}-a a hg:Proposal ;
    rdfs:label "Option (a) of synthetic document {index}"@en ;
    hg:optionLabel "a" ;
    hg:inOptionSet proposal:{doc_id}-options ;
    hg:modality hg:Proposed ;
    hg:accordingTo person:{author[0]} ;
    prov:wasAttributedTo person:{author[0]} ;
    rdf:value "{option}"@en ;
    hg:claimedAdvantage claim:{doc_id}-a-1 ;
    hg:quote "{option}" .

claim:{doc_id}-a-1 a hg:ClaimedAdvantage ;
    rdfs:label "Advantage of option (a), synthetic {index}"@en ;
    hg:modality hg:Conditional ;
    hg:accordingTo person:{author[0]} ;
    hg:claimedBy person:{author[0]} ;
    rdf:value "{claim_text}"@en ;
    hg:quote "{claim_text}" .

event:{doc_id}-endorsement a crm:E7_Activity ;
    rdfs:label "Option (a) endorsed (synthetic {index})"@en ;
    crm:P2_has_type hg:Endorsing ;
    hg:modality hg:Reported ;
    hg:accordingTo person:{author[0]} ;
    crm:P14_carried_out_by person:{a[0]} ;
    hg:endorsed proposal:{doc_id}-a ;
    hg:quote "{endorse}" .

plan:{doc_id}-journey a crm:E29_Design_or_Procedure, prov:Plan, pplan:Plan ;
    rdfs:label "Journey plan of synthetic document {index}"@en ;
    hg:modality hg:Planned ;
    hg:accordingTo person:{author[0]} ;
    prov:wasAttributedTo person:{author[0]} ;
    hg:quote "{departs}" .

step:{doc_id}-depart a pplan:Step ;
    rdfs:label "(planned) departure, synthetic {index}"@en ;
    crm:P2_has_type hg:Departing ;
    hg:modality hg:Planned ;
    hg:accordingTo person:{author[0]} ;
    pplan:isStepOfPlan plan:{doc_id}-journey ;
    hg:stepOrder 1 ;
    hg:plannedAgent person:{c[0]} ;
    hg:plannedFrom place:{origin[0]} ;
    hg:plannedTo place:{dest[0]} ;
    hg:plannedTimeSpan timespan:{doc_id}-depart ;
    hg:quote "could depart from {origin[1]} on {day_words(depart)}" .

timespan:{doc_id}-depart a crm:E52_Time-Span ;
    rdfs:label "{day_words(depart)} 1950 (planned)"@en ;
    hg:asWritten "on {day_words(depart)}" ;
    crm:P82a_begin_of_the_begin "{depart.isoformat()}T00:00:00"^^xsd:dateTime ;
    crm:P82b_end_of_the_end "{depart.isoformat()}T23:59:59"^^xsd:dateTime .

step:{doc_id}-travel a pplan:Step ;
    rdfs:label "(planned) travel, synthetic {index}"@en ;
    crm:P2_has_type hg:Travelling ;
    hg:modality hg:Planned ;
    hg:accordingTo person:{author[0]} ;
    pplan:isStepOfPlan plan:{doc_id}-journey ;
    pplan:isPrecededBy step:{doc_id}-depart ;
    hg:stepOrder 2 ;
    hg:plannedAgent person:{c[0]} ;
    time:hasDuration <https://histgraph.example.org/id/step/{doc_id}-travel#duration> ;
    hg:quote "{travel}" .

<https://histgraph.example.org/id/step/{doc_id}-travel#duration> a time:Duration ;
    rdfs:label "{NUMBERS[days]} days"@en ;
    hg:asWritten "{NUMBERS[days]} days" ;
    time:numericDuration "{days}"^^xsd:decimal ;
    time:unitType time:unitDay .

step:{doc_id}-arrive a pplan:Step ;
    rdfs:label "(planned) arrival, synthetic {index}"@en ;
    crm:P2_has_type hg:Arriving ;
    hg:modality hg:Planned ;
    hg:accordingTo person:{author[0]} ;
    pplan:isStepOfPlan plan:{doc_id}-journey ;
    pplan:isPrecededBy step:{doc_id}-travel ;
    hg:stepOrder 3 ;
    hg:plannedAgent person:{c[0]} ;
    hg:plannedPlace place:{dest[0]} ;
    hg:plannedTimeSpan timespan:{doc_id}-arrive ;
    hg:quote "{arrives}" .

timespan:{doc_id}-arrive a crm:E52_Time-Span ;
    rdfs:label "{day_words(arrive)} 1950 (planned, as stated)"@en ;
    hg:asWritten "on {day_words(arrive)}" ;
    crm:P82a_begin_of_the_begin "{arrive.isoformat()}T00:00:00"^^xsd:dateTime ;
    crm:P82b_end_of_the_end "{arrive.isoformat()}T23:59:59"^^xsd:dateTime .

request:{doc_id}-reply a hg:Request ;
    rdfs:label "Report in a return telegram (synthetic {index})"@en ;
    hg:modality hg:Requested ;
    hg:accordingTo person:{author[0]} ;
    hg:requestedBy person:{author[0]} ;
    hg:requestedOf group:synthetic-committee ;
    rdf:value "{request_text}"@en ;
    hg:quote "{request_text}" .

question:{doc_id}-ready a hg:Question ;
    rdfs:label "Is the destination ready? (synthetic {index})"@en ;
    hg:modality hg:Asked ;
    hg:accordingTo person:{author[0]} ;
    hg:askedBy person:{author[0]} ;
    hg:askedOf group:synthetic-committee ;
    rdf:value "{question_text}"@en ;
    hg:quote "{question_text}" .
{note}"""
    document_ttl = f"""{PREFIXES}
# SYNTHETIC benchmark document {index}: fictional.
doc:{doc_id} a rico:Record, crm:E31_Document ;
    rdfs:label "Synthetic cable {index} ({day_words(sent)} 1950)"@en ;
    rico:title "Synthetic cable {index}"@en ;
    rico:hasDocumentaryFormType hg:Cable ;
    rico:hasCreator person:{author[0]} ;
    rico:hasAddressee group:synthetic-committee ;
    rico:hasCreationDate <https://histgraph.example.org/id/document/{doc_id}#creation-date> ;
    dcterms:created "{stamp}T23:00:00"^^xsd:dateTime ;
    dcterms:language "en"^^xsd:language ;
    crm:P165_incorporates text:{doc_id}-en ;
    crm:P70_documents event:{doc_id}-meeting .

<https://histgraph.example.org/id/document/{doc_id}#creation-date> a rico:SingleDate ;
    rdfs:label "11:00 p.m., {day_words(sent)} [1950]"@en ;
    rico:expressedDate "11:00 p.m., {day_words(sent)} [1950]" ;
    rico:normalizedDateValue "{stamp}" .

text:{doc_id}-en a crm:E33_Linguistic_Object ;
    rdfs:label "Synthetic cable {index}, English text"@en ;
    dcterms:language "en"^^xsd:language .
"""
    return {f"documents/{doc_id}/text.txt": text, f"documents/{doc_id}/facts.ttl": facts,
            f"documents/{doc_id}/document.ttl": document_ttl}


def generate(n: int, out: Path, seed: int = 1950, errors: int = 0, with_cable: bool = True) -> list[str]:
    """Write a project with ``n`` synthetic documents to ``out``; return the ids made broken."""
    rng = random.Random(seed)
    people, places = pools(rng)
    data = out / "data"
    if out.exists():
        shutil.rmtree(out)
    for folder in ("ontology", "shapes", "queries"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, out / folder)
    if with_cable:
        shutil.copytree(ROOT / "data", data)
    broken_at = set(random.Random(seed + 1).sample(range(n), errors)) if errors else set()
    files = authorities(people, places)
    for index in range(n):
        files.update(document(index, rng, people, places, index in broken_at))
    for relative, content in files.items():
        path = data / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return [f"synthetic-{i:05d}" for i in sorted(broken_at)]


def add_document(out: Path, seed: int = 1950) -> str:
    """Add one more synthetic document to a generated project (for incremental builds); its id."""
    people, places = pools(random.Random(seed))
    index = len(list((out / "data" / "documents").glob("synthetic-*")))
    files = document(index, random.Random(seed * 100_003 + index), people, places, broken=False)
    for relative, content in files.items():
        path = out / "data" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return f"synthetic-{index:05d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100, help="number of documents (default 100)")
    parser.add_argument("--seed", type=int, default=1950, help="random seed (default 1950)")
    parser.add_argument("--errors", type=int, default=0, help="documents to break on purpose (default 0)")
    parser.add_argument("--out", type=Path, required=True, help="project folder to (re)create")
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    args = parser.parse_args()
    if args.errors > args.n:
        raise BenchmarkStopped(f"--errors {args.errors} is more than --n {args.n} documents; choose at most {args.n}")
    broken = generate(args.n, args.out, args.seed, args.errors)
    if args.json:
        files = sum(1 for path in (args.out / "data").rglob("*") if path.is_file())
        emit({"documents": args.n, "out": str(args.out), "data_files": files, "broken": broken}, True)
    else:
        print(f"wrote {args.n} documents to {args.out}" + (f"; broken: {', '.join(broken)}" if broken else ""))


if __name__ == "__main__":
    main_guard(main)
