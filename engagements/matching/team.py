"""The proposed team: one distinct lawyer per seat, maximising total score within the budget.

Solved exactly, in this order, stopping at the first step that settles it:

1. a seat with no candidate, or seats that cannot all get different lawyers (a maximum bipartite
   matching short of every seat), make a team impossible; Hall's theorem gives the seats to name;
2. candidates that cannot be in any optimum are pruned (`prune_dominated`);
3. the best team ignoring the budget (`linear_sum_assignment`, maximising) is optimal when there
   is no budget or it fits;
4. the cheapest team (`linear_sum_assignment`, minimising cost) over budget means no team fits;
5. priced assignments (a Lagrangian relaxation of the budget, a few dozen small assignments)
   give a good team within budget and an upper bound; when they meet, that team is optimal;
6. otherwise a 0-1 integer programme (`scipy.optimize.milp`, HiGHS) with a time limit; stopped
   early, the proposal is the best team found (at worst that of step 5) with the proven upper
   bound and the gap to it.

Scores and costs are integers (hundredths of a point, cents), so "optimal" is exact and the
budget test is exact. Pruning is safe; see `prune_dominated`.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, Decimal

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_bipartite_matching

from engagements.matching.text import and_list, capitalise, format_usd_cents
from engagements.matching.types import (
    Binding,
    BoolArray,
    IntArray,
    TeamAssignment,
    TeamProposal,
    TeamSeat,
    TeamStatus,
)

_CHUNK = 1024
_LAGRANGIAN_STEPS = 24


def prune_dominated(score_cents: IntArray, cost_cents: IntArray, n_seats: int) -> BoolArray:
    """Which candidates of one seat to keep: drop those that at least `n_seats` others dominate.

    Candidate d dominates c when d scores at least as much and costs no more, and is strictly
    better on one of the two. Dropping every candidate with `n_seats` or more dominators keeps
    the optimum:

    - Dominance is a strict partial order, so a dropped candidate c keeps `n_seats` dominators
      that are not dropped (induction from the top: if a dominator d of c is dropped, d has
      `n_seats` kept dominators, and they dominate c too).
    - Take an optimal team that uses as few dropped candidates as possible and suppose seat s
      holds a dropped c. The other `n_seats - 1` seats hold at most `n_seats - 1` lawyers, so one
      of c's `n_seats` kept dominators, d, is in no other seat. Putting d in seat s keeps the
      lawyers distinct, costs no more (the budget still holds) and scores no less: still
      optimal, with one dropped candidate fewer. A contradiction, so some optimal team uses only
      kept candidates.

    Computed without comparing all pairs: a candidate with `n_seats` or more dominators lies
    below the first `n_seats` Pareto layers (a chain of that many dominators), so the layers are
    peeled first (one sort, then O(m) vectorised per layer); every dominator of a candidate in those layers is
    in a higher layer, so counting dominators among the layers alone is exact.
    """
    # Sorted once by score descending, then cost ascending: peeling a layer keeps that order.
    order = np.lexsort((cost_cents, -score_cents))
    score_sorted, cost_sorted = score_cents[order], cost_cents[order]
    in_layers = np.zeros(len(order), dtype=np.bool_)
    remaining = np.arange(len(order))
    for _ in range(max(n_seats, 1)):
        if remaining.size == 0:
            break
        front = _pareto_front_sorted(score_sorted[remaining], cost_sorted[remaining])
        in_layers[remaining[front]] = True
        remaining = remaining[~front]

    layered = order[in_layers]
    keep = np.zeros(len(order), dtype=np.bool_)
    keep[layered] = True
    score, cost = score_cents[layered], cost_cents[layered]
    for start in range(0, len(layered), _CHUNK):
        s = score[start : start + _CHUNK, None]
        c = cost[start : start + _CHUNK, None]
        dominated_by = (score >= s) & (cost <= c) & ((score > s) | (cost < c))
        too_many = dominated_by.sum(axis=1) >= n_seats
        keep[layered[start : start + _CHUNK][too_many]] = False
    return keep


def _pareto_front_sorted(score: IntArray, cost: IntArray) -> BoolArray:
    """Which candidates nobody dominates, given candidates sorted by score desc, then cost asc.

    Dominated means: someone with a higher score costs no more (the cheapest of the higher
    groups), or someone with the same score costs less (the first of its own group).
    """
    new_group = np.r_[True, score[1:] != score[:-1]]
    group_start = np.flatnonzero(new_group)
    group = np.cumsum(new_group) - 1
    running_min = np.minimum.accumulate(cost)
    no_cost = np.iinfo(np.int64).max
    cheapest_higher = np.where(group_start > 0, running_min[np.maximum(group_start - 1, 0)], no_cost)[group]
    front: BoolArray = (cheapest_higher > cost) & (cost == cost[group_start][group])
    return front


@dataclass(frozen=True)
class _Team:
    """A team as candidate indices per seat, with its integer totals."""

    picks: tuple[int, ...]
    score_cents: int
    cost_cents: int


def propose_team(
    seats: Sequence[TeamSeat],
    budget_usd: Decimal | float | None = None,
    *,
    time_limit_s: float = 2.0,
    prune: bool = True,
) -> TeamProposal:
    """The best team for the seats: one lawyer per seat, no lawyer twice, total cost within budget.

    `budget_usd` is the matter's total budget in USD (None: no budget). The MILP stops after
    `time_limit_s` seconds; `prune=False` skips pruning (for checking it). Never raises for an
    impossible team: the proposal is INFEASIBLE and says which constraint binds.
    """
    # A fraction of a cent of budget buys nothing: round down, never over the budget.
    budget_cents = (
        None if budget_usd is None else int(Decimal(str(budget_usd)).scaleb(2).to_integral_value(ROUND_FLOOR))
    )
    budget = None if budget_cents is None else Decimal(budget_cents).scaleb(-2)
    if not seats:
        return _proposal(seats, _Team((), 0, 0), TeamStatus.OPTIMAL, budget, bound=0, solver="none")

    empty = [seat for seat in seats if len(seat) == 0]
    if empty:
        verb = "has" if len(empty) == 1 else "have"
        message = (
            f"{capitalise(and_list([seat.display_name for seat in empty]))} {verb} no eligible candidate."
        )
        return _infeasible(seats, budget, Binding.NO_CANDIDATE, tuple(s.seat_id for s in empty), message)

    # With as many candidates as seats everywhere, distinct lawyers can always be found (fill the
    # seats one by one); only otherwise is a maximum matching needed.
    if min(len(seat) for seat in seats) < len(seats):
        hall = _hall_violation(seats)
        if hall is not None:
            return replace(hall, budget_usd=budget)

    # Every step below keeps its optimum on the pruned seats (see `prune_dominated`): the best
    # team, the cheapest team (dominators cost no more) and the best team within budget.
    pruned = 0
    if prune:
        kept = [prune_dominated(seat.score_cents, seat.cost_cents, len(seats)) for seat in seats]
        pruned = sum(len(k) - int(k.sum()) for k in kept)
        seats = [
            replace(seat, lawyer_id=seat.lawyer_id[k], score=seat.score[k], cost_usd=seat.cost_usd[k])
            for seat, k in zip(seats, kept, strict=True)
        ]

    lawyers, columns = _lawyer_columns(seats)
    score_matrix = np.full((len(seats), len(lawyers)), -np.inf)
    cost_matrix = np.full((len(seats), len(lawyers)), np.inf)
    for i, (seat, cols) in enumerate(zip(seats, columns, strict=True)):
        score_matrix[i, cols] = seat.score_cents
        cost_matrix[i, cols] = seat.cost_cents

    best = _assignment(seats, columns, score_matrix, maximize=True)
    if budget_cents is None:
        proposal = _proposal(
            seats, best, TeamStatus.OPTIMAL, budget, bound=best.score_cents, solver="assignment"
        )
        return replace(proposal, pruned=pruned)

    cheapest = _assignment(seats, columns, cost_matrix, maximize=False)
    cheapest_usd = Decimal(cheapest.cost_cents).scaleb(-2)
    if cheapest.cost_cents > budget_cents:
        over = cheapest.cost_cents - budget_cents
        message = (
            f"The cheapest possible team costs {format_usd_cents(cheapest.cost_cents)}, over the "
            f"{format_usd_cents(budget_cents)} budget by {format_usd_cents(over)}."
        )
        proposal = _infeasible(seats, budget, Binding.BUDGET, tuple(s.seat_id for s in seats), message)
    elif best.cost_cents <= budget_cents:
        proposal = _proposal(
            seats, best, TeamStatus.OPTIMAL, budget, bound=best.score_cents, solver="assignment"
        )
    else:
        incumbent, bound = _lagrangian(
            seats, columns, score_matrix, cost_matrix, budget_cents, best, cheapest
        )
        if incumbent.score_cents >= bound:
            proposal = _proposal(seats, incumbent, TeamStatus.OPTIMAL, budget, bound, solver="lagrangian")
        else:
            proposal = _solve_milp(seats, budget_cents, bound, incumbent, time_limit_s)
    return replace(proposal, cheapest_cost_usd=cheapest_usd, pruned=pruned)


def _lagrangian(
    seats: Sequence[TeamSeat],
    columns: list[IntArray],
    score_matrix: npt.NDArray[np.float64],
    cost_matrix: npt.NDArray[np.float64],
    budget_cents: int,
    best: _Team,
    cheapest: _Team,
) -> tuple[_Team, int]:
    """A good team within budget and an upper bound on the best, from priced assignments.

    For a price p >= 0 per cent, the best assignment for score - p x cost is a team, and every
    team within budget scores at most that assignment's value + p x budget: an upper bound. The
    price is searched between 0 (the best team, over budget) and a price whose team fits
    (raised from the slope between the best and the cheapest team until one fits), bisecting.
    The best team within budget seen starts the MILP, or is the answer when it meets the bound;
    the lowest bound caps the gap reported if the MILP stops early.
    """
    incumbent, bound = cheapest, best.score_cents
    forbidden = ~np.isfinite(cost_matrix)
    costs = np.where(forbidden, 0.0, cost_matrix)
    # Float noise in the priced values is far below this; the optimum is a whole number of cents.
    margin = 1e-9 * float(np.abs(np.where(forbidden, 0.0, score_matrix)).sum() + 1)

    def evaluate(price: float) -> bool:
        nonlocal incumbent, bound
        priced = np.where(forbidden, -np.inf, score_matrix - price * costs)
        team = _assignment(seats, columns, priced, maximize=True)
        value = team.score_cents - price * team.cost_cents + price * budget_cents
        bound = min(bound, math.floor(value + margin))
        fits = team.cost_cents <= budget_cents
        if fits and team.score_cents > incumbent.score_cents:
            incumbent = team
        return fits

    low = 0.0
    high = (best.score_cents - cheapest.score_cents) / (best.cost_cents - cheapest.cost_cents)
    for _ in range(_LAGRANGIAN_STEPS):
        if high <= 0 or evaluate(high) or incumbent.score_cents >= bound:
            break
        low, high = high, high * 4
    for _ in range(_LAGRANGIAN_STEPS):
        if incumbent.score_cents >= bound or high - low <= 1e-12 * high:
            break
        middle = (low + high) / 2
        if evaluate(middle):
            high = middle
        else:
            low = middle
    return incumbent, bound


def _lawyer_columns(seats: Sequence[TeamSeat]) -> tuple[IntArray, list[IntArray]]:
    """Every lawyer across the seats, and for each seat the column of each of its candidates."""
    lawyers = _unique(np.concatenate([seat.lawyer_id for seat in seats]))
    return lawyers, [np.searchsorted(lawyers, seat.lawyer_id).astype(np.int64) for seat in seats]


def _unique(ids: IntArray) -> IntArray:
    """The distinct ids, sorted (by sorting: NumPy's hash-based `unique` is far slower here)."""
    ordered = np.sort(ids)
    distinct: IntArray = ordered[np.r_[True, ordered[1:] != ordered[:-1]]]
    return distinct


def _assignment(
    seats: Sequence[TeamSeat],
    columns: list[IntArray],
    matrix: npt.NDArray[np.float64],
    *,
    maximize: bool,
) -> _Team:
    """The best (or cheapest) team ignoring the budget; a full matching is known to exist."""
    seat_rows, lawyer_cols = linear_sum_assignment(matrix, maximize=maximize)
    picks = []
    for i, col in zip(seat_rows, lawyer_cols, strict=True):
        picks.append(int(np.flatnonzero(columns[i] == col)[0]))
    return _team(seats, picks)


def _team(seats: Sequence[TeamSeat], picks: Sequence[int]) -> _Team:
    score = sum(int(seat.score_cents[p]) for seat, p in zip(seats, picks, strict=True))
    cost = sum(int(seat.cost_cents[p]) for seat, p in zip(seats, picks, strict=True))
    return _Team(tuple(picks), score, cost)


def _hall_violation(seats: Sequence[TeamSeat]) -> TeamProposal | None:
    """When the seats cannot all get different lawyers, the seats that share too few candidates.

    A maximum matching leaves a seat unmatched; the seats reachable from it by alternating paths
    have, between them, one candidate fewer than there are seats (Hall's theorem).
    """
    lawyers, columns = _lawyer_columns(seats)
    rows = np.repeat(np.arange(len(seats)), [len(c) for c in columns])
    graph = csr_array(
        (np.ones(len(rows), dtype=np.int8), (rows, np.concatenate(columns))), shape=(len(seats), len(lawyers))
    )
    seat_to_lawyer = maximum_bipartite_matching(graph, perm_type="column")
    unmatched = np.flatnonzero(seat_to_lawyer < 0)
    if unmatched.size == 0:
        return None
    lawyer_to_seat = {int(col): i for i, col in enumerate(seat_to_lawyer) if col >= 0}
    reached_seats, reached_lawyers = {int(unmatched[0])}, set()
    queue = deque(reached_seats)
    while queue:
        for col in columns[queue.popleft()]:
            if int(col) not in reached_lawyers:
                reached_lawyers.add(int(col))
                nxt = lawyer_to_seat[int(col)]
                if nxt not in reached_seats:
                    reached_seats.add(nxt)
                    queue.append(nxt)

    group = [seats[i] for i in sorted(reached_seats)]
    lawyer_ids = sorted(int(lawyers[col]) for col in reached_lawyers)
    names = capitalise(and_list([seat.display_name for seat in group]))
    if len(lawyer_ids) == 1:
        message = (
            f"{names} share their only candidate (lawyer {lawyer_ids[0]});"
            " each seat needs a different lawyer."
        )
    else:
        message = (
            f"{names} have only {len(lawyer_ids)} eligible candidates between them (lawyers "
            f"{and_list([str(i) for i in lawyer_ids])}); each seat needs a different lawyer."
        )
    return _infeasible(seats, None, Binding.DISTINCT_LAWYERS, tuple(s.seat_id for s in group), message)


def _solve_milp(
    seats: Sequence[TeamSeat],
    budget_cents: int,
    upper_bound: int,
    fallback: _Team,
    time_limit_s: float,
) -> TeamProposal:
    """Maximise total score under the budget with HiGHS: x[s, c] = 1 when candidate c fills seat s."""
    var_seat = np.concatenate([np.full(len(seat), i) for i, seat in enumerate(seats)])
    var_pick = np.concatenate([np.arange(len(seat)) for seat in seats])
    var_lawyer = np.concatenate([seat.lawyer_id for seat in seats])
    var_score = np.concatenate([seat.score_cents for seat in seats])
    var_cost = np.concatenate([seat.cost_cents for seat in seats])
    n_vars = len(var_seat)

    # Rows: one per seat (exactly one lawyer), one per lawyer in several seats (at most one seat).
    lawyers = _unique(var_lawyer)
    lawyer_row = np.searchsorted(lawyers, var_lawyer)
    shared = np.flatnonzero(np.bincount(lawyer_row, minlength=len(lawyers)) > 1)
    shared_row = np.full(len(lawyers), -1)
    shared_row[shared] = np.arange(len(shared))
    in_shared = shared_row[lawyer_row] >= 0
    rows = np.concatenate([var_seat, len(seats) + shared_row[lawyer_row][in_shared]])
    cols = np.concatenate([np.arange(n_vars), np.flatnonzero(in_shared)])
    matrix = csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(seats) + len(shared), n_vars))
    lower = np.concatenate([np.ones(len(seats)), np.zeros(len(shared))])
    constraints = [
        LinearConstraint(matrix, lower, np.ones(len(seats) + len(shared))),
        # Costs are whole cents: half a cent of slack absorbs the solver's tolerance, never a cent.
        LinearConstraint(var_cost.astype(np.float64)[None, :], -np.inf, budget_cents + 0.5),
    ]
    result = milp(
        -var_score.astype(np.float64),
        constraints=constraints,
        integrality=np.ones(n_vars, dtype=np.int8),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit_s, "mip_rel_gap": 0.0, "presolve": True},
    )

    team = fallback
    if result.x is not None:
        chosen = np.flatnonzero(result.x > 0.5)
        picks = [0] * len(seats)
        for var in chosen:
            picks[int(var_seat[var])] = int(var_pick[var])
        found = _team(seats, picks)
        if (
            len(chosen) == len(seats)
            and found.cost_cents <= budget_cents
            and found.score_cents > team.score_cents
        ):
            team = found
    # Solved, the optimum is the bound; stopped early, HiGHS's dual bound may tighten ours.
    proven = result.fun if result.status == 0 else getattr(result, "mip_dual_bound", None)
    bound = upper_bound
    if proven is not None and math.isfinite(proven):
        bound = min(bound, math.floor(-proven + 1e-6))
    bound = max(bound, team.score_cents)
    budget = Decimal(budget_cents).scaleb(-2)
    status = TeamStatus.OPTIMAL if bound == team.score_cents else TeamStatus.TIME_LIMIT
    return _proposal(seats, team, status, budget, bound, "milp")


def _proposal(
    seats: Sequence[TeamSeat],
    team: _Team,
    status: TeamStatus,
    budget: Decimal | None,
    bound: int,
    solver: str,
) -> TeamProposal:
    assignments = tuple(
        TeamAssignment(
            seat_id=seat.seat_id,
            lawyer_id=int(seat.lawyer_id[p]),
            score=Decimal(int(seat.score_cents[p])).scaleb(-2),
            cost_usd=Decimal(int(seat.cost_cents[p])).scaleb(-2),
        )
        for seat, p in zip(seats, team.picks, strict=True)
    )
    return TeamProposal(
        status=status,
        assignments=assignments,
        total_score=Decimal(team.score_cents).scaleb(-2),
        total_cost_usd=Decimal(team.cost_cents).scaleb(-2),
        budget_usd=budget,
        score_bound=Decimal(bound).scaleb(-2),
        gap=(bound - team.score_cents) / bound if bound > 0 else 0.0,
        solver=solver,
    )


def _infeasible(
    seats: Sequence[TeamSeat],
    budget: Decimal | None,
    binding: Binding,
    binding_seats: tuple[int, ...],
    message: str,
) -> TeamProposal:
    return TeamProposal(
        status=TeamStatus.INFEASIBLE,
        assignments=(),
        total_score=Decimal("0.00"),
        total_cost_usd=Decimal("0.00"),
        budget_usd=budget,
        score_bound=Decimal("0.00"),
        gap=0.0,
        message=message,
        binding=binding,
        binding_seats=binding_seats,
    )
