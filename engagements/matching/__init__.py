"""The matching core: eligibility funnel, scores, shortlists and the proposed team.

Plain Python and NumPy over plain data, no Django: the database side gathers each seat's
candidates into a `CandidatePool` (one array per column), calls `match_seat` per seat and
`propose_team` for the matter, and stores what comes back. See each module for the rules:
`funnel` (who is eligible, and what each filter removed), `scoring` (the 0-100 score and its
factors), `team` (the best team within budget, solved exactly), `money` (USD conversion, seat cost).

Usage, per matter::

    spec = SeatSpec(seat_id=seat.pk, jurisdiction_code="SG", practice_area_id=7,
                    practice_area_name="Data privacy", min_seniority_years=5,
                    hours_per_week=Decimal(20), start=start, end=end, rate_cap_usd=Decimal(250),
                    required_languages=frozenset({"English"}))
    pool = CandidatePool(lawyer_id=ids, seniority_years=pqe, depth_years=depth, proficiency=prof,
                         weekly_capacity_hours=capacity, booked_hours_per_week=booked,
                         rate_usd=rates_to_usd(rates, currencies, usd_per_unit),
                         status_ok=None, admitted=None,  # applied in SQL, counted below
                         practice_match=..., unavailable_overlap=..., languages_ok=...,
                         conflicted=..., avg_rating=..., rating_count=..., response_hours=...)
    match = match_seat(spec, pool, weights=ScoreWeights.from_mapping(settings.MATCHING_SCORE_WEIGHTS),
                       prefiltered={Filter.ACTIVE: n_active, Filter.ADMITTED: len(ids)},
                       considered=n_lawyers)
    match.shortlist      # RankedCandidate(rank, lawyer_id, score, rate_usd, factors)
    match.funnel.steps   # FunnelStep(filter, label, remaining, removed, prefiltered)
    match.explanation    # "38 admitted in SG → 9 in Data privacy → 0 within the $250/h rate cap"
    team = propose_team([team_seat(m) for m in matches], budget_usd, time_limit_s=2.0)
    team.status, team.assignments, team.total_cost_usd, team.gap, team.message
"""

from engagements.matching.funnel import funnel_explain, passing_before, run_funnel
from engagements.matching.match import SeatMatch, match_seat, team_seat
from engagements.matching.money import (
    MissingExchangeRate,
    engagement_cost,
    engagement_costs,
    rates_to_usd,
    seat_weeks,
)
from engagements.matching.names import normalise_party_name
from engagements.matching.scoring import FACTORS, ScoreWeights, ranking_order, score_pool, shortlist
from engagements.matching.team import propose_team, prune_dominated
from engagements.matching.types import (
    Binding,
    CandidatePool,
    Factor,
    Filter,
    FunnelResult,
    FunnelStep,
    RankedCandidate,
    ScoredPool,
    SeatSpec,
    TeamAssignment,
    TeamProposal,
    TeamSeat,
    TeamStatus,
)

__all__ = [
    "FACTORS",
    "Binding",
    "CandidatePool",
    "Factor",
    "Filter",
    "FunnelResult",
    "FunnelStep",
    "MissingExchangeRate",
    "RankedCandidate",
    "ScoreWeights",
    "ScoredPool",
    "SeatMatch",
    "SeatSpec",
    "TeamAssignment",
    "TeamProposal",
    "TeamSeat",
    "TeamStatus",
    "engagement_cost",
    "engagement_costs",
    "funnel_explain",
    "match_seat",
    "normalise_party_name",
    "passing_before",
    "propose_team",
    "prune_dominated",
    "ranking_order",
    "rates_to_usd",
    "run_funnel",
    "score_pool",
    "seat_weeks",
    "shortlist",
    "team_seat",
]
