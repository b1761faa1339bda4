"""Who reviews what: N reviewers of its track per abstract, the load spread, never a conflict of interest.

A pure function over plain values, so that the rule can be checked on many random instances
(tests/abstracts/test_assignment.py) without a database. A reviewer has a conflict with an abstract
when one of its authors shares the reviewer's e-mail domain or affiliation (compared without case
or surrounding spaces); such a pair is never made, not even when it leaves the abstract short.

Abstracts with the fewest possible reviewers are served first, and each takes the least loaded of
its possible reviewers, so that scarce reviewers go where they are needed and the work is shared.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def email_domain(email: str) -> str:
    return _norm(email.rpartition("@")[2])


@dataclass(frozen=True)
class ReviewerSeat:
    id: int
    track_ids: frozenset[int]
    email: str
    affiliation: str = ""


@dataclass(frozen=True)
class Paper:
    id: int
    track_id: int
    author_emails: tuple[str, ...] = ()
    author_affiliations: tuple[str, ...] = ()


@dataclass
class Plan:
    """The new pairs to make, and the abstracts still short of reviewers (with how many are missing)."""

    pairs: list[tuple[int, int]] = field(default_factory=list)
    short: dict[int, int] = field(default_factory=dict)


def conflicted(reviewer: ReviewerSeat, paper: Paper) -> bool:
    domains = {email_domain(email) for email in paper.author_emails}
    affiliations = {_norm(name) for name in paper.author_affiliations} - {""}
    if email_domain(reviewer.email) in domains:
        return True
    return _norm(reviewer.affiliation) in affiliations


def eligible(reviewer: ReviewerSeat, paper: Paper) -> bool:
    return paper.track_id in reviewer.track_ids and not conflicted(reviewer, paper)


def plan(
    papers: Sequence[Paper],
    reviewers: Sequence[ReviewerSeat],
    existing: Iterable[tuple[int, int]],
    per_abstract: int,
) -> Plan:
    """Top every paper up to `per_abstract` reviewers; `existing` are (paper id, reviewer id) pairs kept."""
    taken: dict[int, set[int]] = {paper.id: set() for paper in papers}
    load: dict[int, int] = {reviewer.id: 0 for reviewer in reviewers}
    for paper_id, reviewer_id in existing:
        taken.setdefault(paper_id, set()).add(reviewer_id)
        load[reviewer_id] = load.get(reviewer_id, 0) + 1
    candidates = {paper.id: [r for r in reviewers if eligible(r, paper)] for paper in papers}
    result = Plan()
    for paper in sorted(papers, key=lambda p: (len(candidates[p.id]), p.id)):
        need = per_abstract - len(taken[paper.id])
        free = [r for r in candidates[paper.id] if r.id not in taken[paper.id]]
        free.sort(key=lambda r: (load[r.id], r.id))
        for reviewer in free[: max(need, 0)]:
            result.pairs.append((paper.id, reviewer.id))
            taken[paper.id].add(reviewer.id)
            load[reviewer.id] += 1
        missing = per_abstract - len(taken[paper.id])
        if missing > 0:
            result.short[paper.id] = missing
    return result
