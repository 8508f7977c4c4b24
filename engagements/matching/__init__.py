"""The matching core: eligibility funnel, scores, shortlists and the proposed team.

Plain Python and NumPy over plain data, no Django: the database side gathers each seat's
candidates into a `CandidatePool` (one array per column), calls `match_seat` per seat and
`propose_team` for the matter, and stores what comes back. See each module for the rules:
`funnel` (who is eligible, and what each filter removed), `scoring` (the 0-100 score and its
factors), `team` (the best team within budget, solved exactly), `money` (USD conversion, seat cost).
"""

from engagements.matching.funnel import funnel_explain, normalise_party_name, run_funnel
from engagements.matching.match import SeatMatch, match_seat, team_seat
from engagements.matching.money import (
    MissingExchangeRate,
    engagement_cost,
    engagement_costs,
    rates_to_usd,
    seat_weeks,
)
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
