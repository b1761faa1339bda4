"""Automatic assignment on random instances: never a conflict of interest, N reviewers of the track."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from events.abstracts.assignment import Paper, ReviewerSeat, conflicted, plan

DOMAINS = ["inserm.fr", "cnrs.fr", "pasteur.fr", "sanofi.com", "chu-toulouse.fr"]
AFFILIATIONS = ["Inserm", "CNRS", "Institut Pasteur", "Sanofi", "CHU Toulouse", ""]
TRACKS = [1, 2, 3]


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Paper], list[ReviewerSeat], int]:
    n_reviewers = draw(st.integers(0, 12))
    reviewers = [
        ReviewerSeat(
            id=100 + i,
            track_ids=frozenset(draw(st.sets(st.sampled_from(TRACKS), min_size=1))),
            email=f"r{i}@{draw(st.sampled_from(DOMAINS))}",
            affiliation=draw(st.sampled_from(AFFILIATIONS)).upper() if draw(st.booleans()) else "",
        )
        for i in range(n_reviewers)
    ]
    papers = []
    for i in range(draw(st.integers(0, 15))):
        authors = draw(st.integers(1, 3))
        papers.append(
            Paper(
                id=i + 1,
                track_id=draw(st.sampled_from(TRACKS)),
                author_emails=tuple(f"a{j}@{draw(st.sampled_from(DOMAINS))}" for j in range(authors)),
                author_affiliations=tuple(f" {draw(st.sampled_from(AFFILIATIONS))} " for _ in range(authors)),
            )
        )
    return papers, reviewers, draw(st.integers(1, 4))


@given(instances())
@settings(max_examples=300, deadline=None)
def test_assignment_never_conflicts_and_fills_each_abstract_when_reviewers_suffice(
    instance: tuple[list[Paper], list[ReviewerSeat], int],
) -> None:
    papers, reviewers, per_abstract = instance
    result = plan(papers, reviewers, [], per_abstract)
    by_id = {r.id: r for r in reviewers}
    pairs = set(result.pairs)
    assert len(pairs) == len(result.pairs), "a pair was made twice"
    for paper in papers:
        mine = [by_id[r] for p, r in result.pairs if p == paper.id]
        assert all(paper.track_id in r.track_ids for r in mine)
        assert not any(conflicted(r, paper) for r in mine)
        possible = [r for r in reviewers if paper.track_id in r.track_ids and not conflicted(r, paper)]
        assert len(mine) == min(per_abstract, len(possible))
        assert result.short.get(paper.id, 0) == per_abstract - len(mine)


@given(instances())
@settings(max_examples=100, deadline=None)
def test_assigning_again_tops_up_and_never_repeats(
    instance: tuple[list[Paper], list[ReviewerSeat], int],
) -> None:
    papers, reviewers, per_abstract = instance
    first = plan(papers, reviewers, [], max(1, per_abstract - 1))
    second = plan(papers, reviewers, first.pairs, per_abstract)
    assert not set(first.pairs) & set(second.pairs)
    full = plan(papers, reviewers, [], per_abstract)
    assert second.short == full.short


def test_load_is_spread_over_equally_possible_reviewers() -> None:
    reviewers = [ReviewerSeat(id=i, track_ids=frozenset({1}), email=f"r{i}@univ-{i}.fr") for i in range(1, 5)]
    papers = [Paper(id=p, track_id=1, author_emails=("a@lab.fr",)) for p in range(1, 9)]
    result = plan(papers, reviewers, [], 2)
    loads = [sum(1 for _p, r in result.pairs if r == reviewer.id) for reviewer in reviewers]
    assert loads == [4, 4, 4, 4]


def test_shared_affiliation_is_a_conflict_whatever_the_case_and_spaces() -> None:
    reviewer = ReviewerSeat(
        id=1, track_ids=frozenset({1}), email="r@univ.fr", affiliation="institut  pasteur"
    )
    paper = Paper(id=1, track_id=1, author_emails=("a@lab.fr",), author_affiliations=(" Institut Pasteur",))
    assert conflicted(reviewer, paper)
    assert plan([paper], [reviewer], [], 1).pairs == []
