"""The review file, reviewers' decisions, and the batch of links they produce.

``histgraph link`` writes ``data/links/review/wikidata-DATE.json``: for each
entity, the candidates with their scores and reasons, the suggestion (if one is
clearly ahead), and a list of decisions, empty until a person decides. A
decision is ``{"status": "accepted" | "rejected", "qid": …, "reviewer": …,
"at": …, "note": …}``; a rejection without a QID rejects every candidate.
Decisions are made with ``histgraph link --accept/--reject`` or by editing the
file, and :func:`batch_quads` turns the file into ``data/links/wikidata-DATE.trig``:

* graph ``graph:links-wikidata-DATE``: ``skos:exactMatch`` for accepted matches,
  the batch marked ``hg:Reviewed`` / ``hg:ManualReview``, attributed to its
  reviewers, with the time of the last decision;
* graph ``graph:links-wikidata-DATE-candidates``: ``skos:closeMatch`` for the
  candidates of entities nobody has decided on yet (rejected ones left out),
  marked ``hg:Candidate`` / ``hg:AutomatedReconciliation`` and attributed to
  the histgraph linker;
* for every link, a statement (``rdf:Statement``) in the provenance giving who,
  when, how, the score (``rdf:value``) and each reason (``rdfs:comment``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from histgraph.atomic_files import write_atomically
from histgraph.errors import HistgraphError
from histgraph.vocab import PREFIXES
from histgraph.wikidata.local import WD, LocalEntity, Period
from histgraph.wikidata.scoring import Scored
from histgraph.wikidata.trig import iri, prefixed, text, typed

FORMAT = "histgraph-wikidata-review"
VERSION = 1
#: Candidates below this score are kept in the review file but not published.
PUBLISH_MIN_SCORE = 50
_QID = re.compile(r"^Q[1-9][0-9]*$")
_FILE = re.compile(r"^wikidata-(\d{4}-\d{2}-\d{2})\.json$")
LINKER_AGENT = "agent:histgraph-link"


def candidate_method() -> str:
    """The match method of machine-made candidate batches (a scored search, no review)."""
    from histgraph.vocab import HG

    return str(HG.AutomatedReconciliation)


BATCH_COMMENT = (
    "Wikidata links written by `histgraph link` from a review file (data/links/review/).\n"
    "Reviewed matches (skos:exactMatch) and unreviewed candidates (skos:closeMatch) are in\n"
    "separate named graphs; who decided, when, how, the score and its reasons are in the\n"
    "default graph. Edit the review file and run `histgraph link --apply`, not this file."
)


class ReviewError(HistgraphError):
    """The review file or a decision is not usable; the message says how to fix it."""


def review_dir(data_dir: Path) -> Path:
    return data_dir / "links" / "review"


def review_path(data_dir: Path, day: str) -> Path:
    """Where the review file of ``day`` (YYYY-MM-DD) lives."""
    return review_dir(data_dir) / f"wikidata-{day}.json"


def latest_review(data_dir: Path) -> Path:
    """The newest review file, or an error that says to run ``histgraph link`` first."""
    files = sorted(p for p in review_dir(data_dir).glob("wikidata-*.json") if _FILE.match(p.name))
    if not files:
        raise ReviewError(f"no review file in {review_dir(data_dir)}; run `histgraph link` first")
    return files[-1]


def build_review(
    results: Iterable[tuple[LocalEntity, list[Scored], str | None, str]],
    *,
    period: Period | None,
    endpoint: str,
    created: str,
) -> dict[str, Any]:
    """A new review document from ranked candidates (``entity, ranked, suggested, why``)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "created": created,
        "endpoint": endpoint,
        "period": str(period) if period else None,
        "instructions": (
            "For each entity, add a decision to 'decisions': "
            '{"status": "accepted", "qid": "Q…", "reviewer": "your name"} or '
            '{"status": "rejected", "qid": "Q…" (or null for all), "reviewer": "your name"}; '
            "then run `histgraph link --apply`. Or use `histgraph link --accept/--reject`."
        ),
        "entities": [
            {
                "entity": entity.iri,
                "kind": entity.kind,
                "label": entity.label,
                "suggested": suggested,
                "why": why,
                "candidates": [
                    {
                        "qid": s.qid,
                        "label": s.label,
                        "description": s.description,
                        "score": s.score,
                        "reasons": list(s.reasons),
                    }
                    for s in ranked
                ],
                "decisions": [],
            }
            for entity, ranked, suggested, why in results
        ],
    }


def carry_over(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """``new`` with the decisions already made in ``old`` (same day, same entity) kept."""
    decided = {e["entity"]: e.get("decisions", []) for e in old.get("entities", [])}
    for entry in new["entities"]:
        entry["decisions"] = decided.get(entry["entity"], [])
    return new


def read_review_file(path: Path, file_format: str, command: str) -> dict[str, Any]:
    """A review file's JSON, checked to be of ``file_format``; errors say to run ``command``.

    Shared by every review file (``histgraph link``'s, ``histgraph suggest``'s).
    """
    try:
        review = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReviewError(f"{path} does not exist; run `{command}` first") from None
    except ValueError as exc:
        raise ReviewError(
            f"{path} is not valid JSON ({exc}); fix the edit or run `{command}` again"
        ) from None
    if not isinstance(review, dict) or review.get("format") != file_format:
        raise ReviewError(f"{path} is not a {file_format} file")
    return review


def check_decided(where: str, decision: Any) -> None:
    """A decision's shared part: ``status`` accepted or rejected, and who decided (``reviewer``)."""
    if not isinstance(decision, dict) or decision.get("status") not in ("accepted", "rejected"):
        raise ReviewError(f'{where}: "status" must be "accepted" or "rejected"')
    if not str(decision.get("reviewer") or "").strip():
        raise ReviewError(f'{where}: say who decided ("reviewer")')


def load_review(path: Path) -> dict[str, Any]:
    """Read and check a review file; errors name the file and what is wrong."""
    review = read_review_file(path, FORMAT, "histgraph link")
    for entry in review.get("entities", []):
        for decision in entry.get("decisions", []):
            _check_decision(path, entry, decision)
        accepted = {d["qid"] for d in entry.get("decisions", []) if d.get("status") == "accepted"}
        if len(accepted) > 1:
            raise ReviewError(
                f"{path}: {entry['entity']} has more than one accepted match; keep one"
            )
    return review


def _check_decision(path: Path, entry: dict[str, Any], decision: Any) -> None:
    where = f"{path}: decision for {entry.get('entity')}"
    check_decided(where, decision)
    qid = decision.get("qid")
    if qid is not None and not (isinstance(qid, str) and _QID.match(qid)):
        raise ReviewError(f"{where}: {qid!r} is not a Wikidata item id like Q656")
    if decision["status"] == "accepted" and qid is None:
        raise ReviewError(f'{where}: an accepted decision needs "qid"')


def save_review(path: Path, review: dict[str, Any]) -> None:
    """Write the review file atomically, readable and stable for diffs."""
    write_atomically(path, json.dumps(review, ensure_ascii=False, indent=2) + "\n")


def find_entry(review: dict[str, Any], ref: str) -> dict[str, Any]:
    """The entry for ``ref``: a full IRI, a CURIE (``place:leningrad``) or ``kind/slug``."""
    wanted = {ref}
    prefix, sep, local = ref.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        wanted.add(PREFIXES[prefix] + local)
    if "/" in ref and ":" not in ref:
        wanted.add(f"https://histgraph.example.org/id/{ref}")
    for entry in review["entities"]:
        if entry["entity"] in wanted:
            return entry
    raise ReviewError(f"{ref} is not in the review file; use an entity IRI or CURIE listed there")


def decide(
    review: dict[str, Any],
    ref: str,
    qid: str | None,
    *,
    accept: bool,
    reviewer: str,
    at: str,
    note: str = "",
) -> dict[str, Any]:
    """Record a decision on ``ref``; accepting without a QID takes the suggestion."""
    if not reviewer.strip():
        raise ReviewError("say who is deciding: --reviewer NAME (or set HISTGRAPH_REVIEWER)")
    entry = find_entry(review, ref)
    if qid is not None and not _QID.match(qid):
        raise ReviewError(f"{qid!r} is not a Wikidata item id like Q656")
    if accept:
        qid = qid or entry.get("suggested")
        if qid is None:
            raise ReviewError(
                f"{ref} has no suggestion ({entry.get('why')}); say which: --accept {ref}=Q…"
            )
        entry["decisions"] = [
            d for d in entry["decisions"] if not (d["status"] == "accepted" or d.get("qid") == qid)
        ]
    decision = {
        "status": "accepted" if accept else "rejected",
        "qid": qid,
        "reviewer": reviewer,
        "at": at,
    }
    if note:
        decision["note"] = note
    entry["decisions"].append(decision)
    return decision


def batch_name(review_file: Path) -> str:
    """``links-wikidata-DATE`` for ``wikidata-DATE.json``."""
    match = _FILE.match(review_file.name)
    if not match:
        raise ReviewError(f"{review_file.name}: a review file is named wikidata-YYYY-MM-DD.json")
    return f"links-wikidata-{match.group(1)}"


def batch_path(data_dir: Path, review_file: Path) -> Path:
    """Where the TriG batch of ``review_file`` is written."""
    return data_dir / "links" / f"{batch_name(review_file).removeprefix('links-')}.trig"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "reviewer"


def _statement(
    graph: ox.NamedNode, key: str, subject: str, relation: str, qid: str
) -> tuple[ox.NamedNode, list[ox.Quad]]:
    node = ox.NamedNode(f"{graph.value}#{key}")
    return node, [
        ox.Quad(node, prefixed("rdf:type"), prefixed("rdf:Statement")),
        ox.Quad(node, prefixed("rdf:subject"), ox.NamedNode(subject)),
        ox.Quad(node, prefixed("rdf:predicate"), prefixed(relation)),
        ox.Quad(node, prefixed("rdf:object"), ox.NamedNode(WD + qid)),
    ]


def _scored(node: ox.NamedNode, candidate: dict[str, Any] | None) -> list[ox.Quad]:
    if candidate is None:
        return []
    quads = [ox.Quad(node, prefixed("rdf:value"), typed(str(candidate["score"]), "integer"))]
    quads += [
        ox.Quad(node, prefixed("rdfs:comment"), text(r, "en")) for r in candidate.get("reasons", [])
    ]
    return quads


def batch_quads(review: dict[str, Any], name: str, known_agents: set[str]) -> list[ox.Quad]:
    """The links and their provenance for a review file (see the module docstring)."""
    reviewed, candidates = iri(f"graph/{name}"), iri(f"graph/{name}-candidates")
    quads: list[ox.Quad] = []
    reviewers: dict[str, str] = {}
    times: list[str] = []
    linker = prefixed(LINKER_AGENT)
    pending = 0
    for entry in review["entities"]:
        decisions = entry.get("decisions", [])
        accepted = [d for d in decisions if d["status"] == "accepted"]
        if accepted:
            d = accepted[-1]
            agent = prefixed(f"agent:{_slug(d['reviewer'])}")
            reviewers[agent.value] = d["reviewer"]
            quads += _accepted_link(entry, d, reviewed, agent)
            if d.get("at"):
                times.append(d["at"])
            continue
        if any(d["status"] == "rejected" and d.get("qid") is None for d in decisions):
            continue  # every candidate was rejected
        links = _candidate_links(entry, candidates, linker)
        pending += len(links)
        quads += [quad for link in links for quad in link]
    day = name.removeprefix("links-wikidata-")
    if reviewers:
        quads += _reviewed_graph(reviewed, day, review, max(times) if times else review["created"])
        for agent_iri, label in reviewers.items():
            quads.append(ox.Quad(reviewed, prefixed("prov:wasAttributedTo"), ox.NamedNode(agent_iri)))
            if agent_iri not in known_agents:
                quads.append(
                    ox.Quad(ox.NamedNode(agent_iri), prefixed("rdf:type"), prefixed("prov:Agent"))
                )
                quads.append(
                    ox.Quad(ox.NamedNode(agent_iri), prefixed("rdfs:label"), text(label, "en"))
                )
    if pending:
        quads += _candidates_graph(candidates, day, review, linker)
        if linker.value not in known_agents:
            quads += [
                ox.Quad(linker, prefixed("rdf:type"), prefixed("prov:SoftwareAgent")),
                ox.Quad(linker, prefixed("rdf:type"), prefixed("prov:Agent")),
                ox.Quad(linker, prefixed("rdfs:label"), text("histgraph link", "en")),
            ]
    return quads


def _accepted_link(entry: dict[str, Any], d: dict[str, Any], reviewed: ox.NamedNode,
                   agent: ox.NamedNode) -> list[ox.Quad]:
    """An accepted match as skos:exactMatch, with its statement: score, reviewer, time and note."""
    subject = entry["entity"]
    by_qid = {c["qid"]: c for c in entry.get("candidates", [])}
    key = f"{subject.rpartition('/')[2]}-{d['qid']}"
    quads = [ox.Quad(ox.NamedNode(subject), prefixed("skos:exactMatch"), ox.NamedNode(WD + d["qid"]), reviewed)]
    node, statement = _statement(reviewed, key, subject, "skos:exactMatch", d["qid"])
    quads += statement + _scored(node, by_qid.get(d["qid"]))
    quads.append(ox.Quad(node, prefixed("prov:wasAttributedTo"), agent))
    quads.append(ox.Quad(node, prefixed("hg:matchMethod"), prefixed("hg:ManualReview")))
    if d.get("at"):
        quads.append(ox.Quad(node, prefixed("prov:generatedAtTime"), typed(d["at"], "dateTime")))
    if d.get("note"):
        quads.append(ox.Quad(node, prefixed("rdfs:comment"), text(d["note"], "en")))
    return quads


def _candidate_links(entry: dict[str, Any], candidates: ox.NamedNode, linker: ox.NamedNode) -> list[list[ox.Quad]]:
    """Each candidate not rejected and scored high enough as skos:closeMatch with its statement, one list each."""
    subject = entry["entity"]
    rejected = {d.get("qid") for d in entry.get("decisions", []) if d["status"] == "rejected"}
    links = []
    for candidate in entry.get("candidates", []):
        if candidate["qid"] in rejected or candidate["score"] < PUBLISH_MIN_SCORE:
            continue
        key = f"{subject.rpartition('/')[2]}-{candidate['qid']}"
        link = [ox.Quad(ox.NamedNode(subject), prefixed("skos:closeMatch"), ox.NamedNode(WD + candidate["qid"]),
                        candidates)]
        node, statement = _statement(candidates, key, subject, "skos:closeMatch", candidate["qid"])
        link += statement + _scored(node, candidate)
        link.append(ox.Quad(node, prefixed("prov:wasAttributedTo"), linker))
        links.append(link)
    return links


def _reviewed_graph(reviewed: ox.NamedNode, day: str, review: dict[str, Any], latest: str) -> list[ox.Quad]:
    """What the graph of reviewed matches says about itself: label, status, method, time, how it was made."""
    return [
        ox.Quad(reviewed, prefixed("rdfs:label"), text(f"Reviewed Wikidata matches ({day})", "en")),
        ox.Quad(reviewed, prefixed("hg:matchStatus"), prefixed("hg:Reviewed")),
        ox.Quad(reviewed, prefixed("hg:matchMethod"), prefixed("hg:ManualReview")),
        ox.Quad(reviewed, prefixed("prov:generatedAtTime"), typed(latest, "dateTime")),
        ox.Quad(
            reviewed,
            prefixed("rdfs:comment"),
            text(
                "Each match was accepted by a named reviewer from candidates that `histgraph link` "
                f"found and scored on {review['endpoint']}; the score and its reasons are on each link's statement.",
                "en",
            ),
        ),
    ]


def _candidates_graph(candidates: ox.NamedNode, day: str, review: dict[str, Any],
                      linker: ox.NamedNode) -> list[ox.Quad]:
    """What the graph of unreviewed candidates says about itself: label, status, method, agent, time."""
    return [
        ox.Quad(candidates, prefixed("rdfs:label"), text(f"Candidate Wikidata matches, unreviewed ({day})", "en")),
        ox.Quad(candidates, prefixed("hg:matchStatus"), prefixed("hg:Candidate")),
        ox.Quad(candidates, prefixed("hg:matchMethod"), ox.NamedNode(str(candidate_method()))),
        ox.Quad(candidates, prefixed("prov:wasAttributedTo"), linker),
        ox.Quad(candidates, prefixed("prov:generatedAtTime"), typed(review["created"], "dateTime")),
        ox.Quad(
            candidates,
            prefixed("rdfs:comment"),
            text(
                "Not confirmed: candidates that `histgraph link` found by exact label or alias and scored "
                "on names, types and dates; nobody has reviewed them yet.",
                "en",
            ),
        ),
    ]
