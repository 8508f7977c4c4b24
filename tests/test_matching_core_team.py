"""The proposed team: exact (checked against brute force), pruning-safe, and clear when impossible."""

import itertools
from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from engagements.matching import (
    Binding,
    CandidatePool,
    TeamSeat,
    TeamStatus,
    engagement_cost,
    match_seat,
    propose_team,
    prune_dominated,
    team_seat,
)
from tests.test_matching_core_funnel import lawyer, make_seat


def seat(seat_id, candidates, label=""):
    """A team seat from (lawyer id, score, cost) triples."""
    ids, scores, costs = zip(*candidates, strict=True) if candidates else ((), (), ())
    return TeamSeat(
        seat_id=seat_id, lawyer_id=list(ids), score=list(scores), cost_usd=list(costs), label=label
    )


def brute_force(seats, budget_cents):
    """(best score, cheapest cost) over every team by enumeration, None where no team exists."""
    best = cheapest = None
    for picks in itertools.product(*[range(len(s)) for s in seats]):
        lawyers = [int(s.lawyer_id[p]) for s, p in zip(seats, picks, strict=True)]
        if len(set(lawyers)) < len(lawyers):
            continue
        cost = sum(int(s.cost_cents[p]) for s, p in zip(seats, picks, strict=True))
        cheapest = cost if cheapest is None else min(cheapest, cost)
        if budget_cents is not None and cost > budget_cents:
            continue
        score = sum(int(s.score_cents[p]) for s, p in zip(seats, picks, strict=True))
        best = score if best is None else max(best, score)
    return best, cheapest


def assert_valid_team(proposal, seats, budget_cents):
    assert [a.seat_id for a in proposal.assignments] == [s.seat_id for s in seats]
    lawyers = [a.lawyer_id for a in proposal.assignments]
    assert len(set(lawyers)) == len(lawyers)
    for assignment, s in zip(proposal.assignments, seats, strict=True):
        index = s.lawyer_id.tolist().index(assignment.lawyer_id)
        assert assignment.score == Decimal(int(s.score_cents[index])).scaleb(-2)
        assert assignment.cost_usd == Decimal(int(s.cost_cents[index])).scaleb(-2)
    assert proposal.total_score == sum(a.score for a in proposal.assignments)
    assert proposal.total_cost_usd == sum(a.cost_usd for a in proposal.assignments)
    if budget_cents is not None:
        assert proposal.total_cost_usd * 100 <= budget_cents
        assert proposal.budget_left_usd == proposal.budget_usd - proposal.total_cost_usd


def random_instance(rng, n_seats, max_candidates, universe, min_candidates=1):
    seats = []
    for seat_id in range(n_seats):
        m = min(int(rng.integers(min_candidates, max_candidates + 1)), universe)
        ids = rng.choice(universe, size=m, replace=False) + 100
        scores = rng.integers(0, 40, m) * 2.5  # coarse, so ties happen
        costs = rng.integers(1, 30, m) * 1000.0
        seats.append(seat(seat_id, list(zip(ids.tolist(), scores.tolist(), costs.tolist(), strict=True))))
    return seats


def test_team_equals_brute_force_on_random_instances():
    rng = np.random.default_rng(20250101)
    outcomes = {"no budget": 0, "budget": 0, "milp": 0, "over budget": 0, "no distinct team": 0}
    for _ in range(300):
        seats = random_instance(rng, int(rng.integers(2, 5)), 6, universe=int(rng.integers(3, 9)))
        _, cheapest = brute_force(seats, None)
        kind = rng.choice(["none", "tight", "loose", "under"])
        if kind == "none" or cheapest is None:
            budget_cents = None
        else:
            slack = {"tight": rng.integers(0, 5000), "loose": rng.integers(0, 60000), "under": -1}[kind]
            budget_cents = int(cheapest + slack * 100)

        proposal = propose_team(seats, None if budget_cents is None else budget_cents / 100)

        best, cheapest = brute_force(seats, budget_cents)
        if best is None:
            assert proposal.status is TeamStatus.INFEASIBLE
            assert proposal.assignments == ()
            if cheapest is None:
                assert proposal.binding in (Binding.NO_CANDIDATE, Binding.DISTINCT_LAWYERS)
                outcomes["no distinct team"] += 1
            else:
                assert proposal.binding is Binding.BUDGET
                assert proposal.cheapest_cost_usd == Decimal(cheapest).scaleb(-2)
                outcomes["over budget"] += 1
        else:
            assert proposal.status is TeamStatus.OPTIMAL
            assert int(proposal.total_score * 100) == best
            assert proposal.score_bound == proposal.total_score and proposal.gap == 0
            assert_valid_team(proposal, seats, budget_cents)
            outcomes["no budget" if budget_cents is None else "budget"] += 1
            outcomes["milp"] += proposal.solver == "milp"
    assert all(count >= 10 for count in outcomes.values()), outcomes


def test_budget_forces_a_team_a_greedy_pick_would_miss():
    # given the best lawyer for each seat is too dear together; the optimum swaps in the cheaper
    # second choice on the seat where it costs the fewest points
    seats = [
        seat(1, [(10, 90, 60_000), (11, 85, 30_000)]),
        seat(2, [(20, 80, 50_000), (21, 60, 20_000)]),
    ]

    proposal = propose_team(seats, Decimal("90000"))

    assert proposal.status is TeamStatus.OPTIMAL
    assert [(a.seat_id, a.lawyer_id) for a in proposal.assignments] == [(1, 11), (2, 20)]
    assert (proposal.total_score, proposal.total_cost_usd) == (Decimal("165.00"), Decimal("80000.00"))
    assert proposal.budget_left_usd == Decimal("10000.00")
    assert proposal.cheapest_cost_usd == Decimal("50000.00")


def test_a_lawyer_fills_at_most_one_seat():
    seats = [seat(1, [(7, 90, 1), (8, 50, 1)]), seat(2, [(7, 95, 1), (9, 40, 1)])]

    proposal = propose_team(seats)

    assert [a.lawyer_id for a in proposal.assignments] == [8, 7]  # 50 + 95 beats 90 + 40
    assert proposal.solver == "assignment"


def test_pruning_never_changes_the_optimum():
    rng = np.random.default_rng(7)
    for _ in range(40):
        n_seats = int(rng.integers(2, 6))
        seats = random_instance(rng, n_seats, 30, universe=60, min_candidates=5)
        both = propose_team(seats, None)
        budget = float(rng.uniform(0.6, 1.0)) * float(both.total_cost_usd) if both.feasible else None

        pruned = propose_team(seats, budget)
        full = propose_team(seats, budget, prune=False)

        assert (pruned.status, pruned.total_score) == (full.status, full.total_score)
        assert full.pruned == 0
        if pruned.feasible:
            assert pruned.pruned > 0


def test_prune_keeps_exactly_those_with_fewer_dominators_than_seats():
    rng = np.random.default_rng(9)
    for _ in range(200):
        m = int(rng.integers(1, 60))
        score = rng.integers(0, 8, m).astype(np.int64)
        cost = rng.integers(0, 8, m).astype(np.int64)
        n_seats = int(rng.integers(1, 6))
        dominators = (
            (score[None, :] >= score[:, None])
            & (cost[None, :] <= cost[:, None])
            & ((score[None, :] > score[:, None]) | (cost[None, :] < cost[:, None]))
        ).sum(axis=1)

        keep = prune_dominated(score, cost, n_seats)

        assert keep.tolist() == (dominators < n_seats).tolist()


def test_a_seat_without_candidates_is_named():
    seats = [seat(1, [(7, 90, 1)]), seat(2, [], label="Local counsel DE"), seat(3, [])]

    proposal = propose_team(seats, Decimal(1000))

    assert proposal.status is TeamStatus.INFEASIBLE
    assert proposal.binding is Binding.NO_CANDIDATE
    assert proposal.binding_seats == (2, 3)
    assert proposal.message == "Local counsel DE and seat 3 have no eligible candidate."
    assert propose_team([seat(4, [])]).message == "Seat 4 has no eligible candidate."


def test_seats_sharing_their_only_candidate_are_named():
    seats = [
        seat(1, [(7, 90, 1)], label="Lead counsel"),
        seat(2, [(8, 80, 1), (9, 70, 1)]),
        seat(3, [(7, 60, 1)], label="Associate"),
    ]

    proposal = propose_team(seats, Decimal(1000))

    assert proposal.binding is Binding.DISTINCT_LAWYERS
    assert proposal.binding_seats == (1, 3)
    assert proposal.message == (
        "Lead counsel and Associate share their only candidate (lawyer 7);"
        " each seat needs a different lawyer."
    )
    assert proposal.budget_usd == Decimal("1000.00")


def test_too_few_distinct_candidates_for_a_group_of_seats_are_named():
    seats = [
        seat(1, [(7, 1, 1), (8, 1, 1)]),
        seat(2, [(7, 1, 1), (8, 1, 1)]),
        seat(3, [(8, 1, 1), (7, 1, 1)]),
    ]

    proposal = propose_team(seats)

    assert proposal.binding is Binding.DISTINCT_LAWYERS
    assert proposal.message == (
        "Seat 1, seat 2 and seat 3 have only 2 eligible candidates between them (lawyers 7 and 8);"
        " each seat needs a different lawyer."
    )


def test_over_budget_says_by_how_much_with_the_cheapest_team():
    seats = [
        seat(1, [(7, 90, 20_000), (8, 50, 12_500)]),
        seat(2, [(8, 90, 9_000), (9, 50, 17_500.50)]),
    ]

    proposal = propose_team(seats, Decimal("25000"))

    # the cheapest team is 7 + 8 (29,000), not 8 + 9 (30,000.50): lawyer 8 cannot sit twice
    assert proposal.status is TeamStatus.INFEASIBLE
    assert proposal.binding is Binding.BUDGET
    assert proposal.cheapest_cost_usd == Decimal("29000.00")
    assert proposal.message == "The cheapest possible team costs $29,000, over the $25,000 budget by $4,000."


def test_a_stopped_solve_reports_the_team_found_and_its_proven_gap():
    rng = np.random.default_rng(42)
    seats = []
    for seat_id in range(10):
        ids = rng.choice(1500, 200, replace=False)
        rate = rng.uniform(80, 400, 200)
        score = np.clip(50 + 12 * rng.normal(0, 1, 200) - 0.05 * (rate - 240), 0, 100).round(2)
        seats.append(TeamSeat(seat_id=seat_id, lawyer_id=ids, score=score, cost_usd=(rate * 400).round(2)))
    unconstrained = propose_team(seats)
    budget = (unconstrained.total_cost_usd + propose_team(seats, 10**9).cheapest_cost_usd) / 2

    proposal = propose_team(seats, budget, time_limit_s=0.001, prune=False)

    assert proposal.status in (TeamStatus.TIME_LIMIT, TeamStatus.OPTIMAL)
    assert proposal.feasible and proposal.solver == "milp"
    assert_valid_team(proposal, seats, int(budget * 100))
    assert isinstance(proposal.gap, float) and proposal.gap >= 0
    assert proposal.total_score <= proposal.score_bound <= unconstrained.total_score
    assert proposal.gap == pytest.approx(
        float((proposal.score_bound - proposal.total_score) / proposal.score_bound)
    )
    if proposal.status is TeamStatus.OPTIMAL:
        assert proposal.gap == 0
    # given time, the same instance solves to optimality, at least as well
    solved = propose_team(seats, budget, time_limit_s=30)
    assert solved.status is TeamStatus.OPTIMAL
    assert solved.total_score >= proposal.total_score


def test_no_seats_is_an_empty_team():
    proposal = propose_team([], Decimal(10))

    assert proposal.status is TeamStatus.OPTIMAL and proposal.assignments == ()


def test_a_matched_seat_feeds_the_team_with_costs_over_its_dates():
    spec = make_seat(hours_per_week=Decimal(10), start=date(2025, 1, 1), end=date(2025, 1, 14))
    match = match_seat(spec, CandidatePool.from_records([lawyer(1, rate_usd=150), lawyer(2, rate_usd=99.99)]))

    team = team_seat(match)

    assert dict(zip(team.lawyer_id.tolist(), team.cost_usd.tolist(), strict=True)) == {1: 3000.0, 2: 1999.8}
    assert engagement_cost(Decimal("99.99"), Decimal(10), spec.start, spec.end) == Decimal("1999.80")
    assert team_seat(match, limit=1).lawyer_id.tolist() == [match.shortlist[0].lawyer_id]
    proposal = propose_team([team], Decimal(2500))
    assert proposal.assignments[0].lawyer_id == 2


def test_team_costs_agree_with_the_shortlisted_rates():
    spec = make_seat(hours_per_week=Decimal("7.5"), start=date(2025, 2, 3), end=date(2025, 5, 18))
    rng = np.random.default_rng(4)
    records = [lawyer(i, rate_usd=float(rng.uniform(50, 250))) for i in range(30)]
    match = match_seat(spec, CandidatePool.from_records(records), top_k=30)

    team = team_seat(match)

    costs = dict(zip(team.lawyer_id.tolist(), team.cost_usd.tolist(), strict=True))
    for candidate in match.shortlist:
        shown = engagement_cost(candidate.rate_usd, spec.hours_per_week, spec.start, spec.end)
        assert Decimal(repr(costs[candidate.lawyer_id])).quantize(Decimal("0.01")) == shown
