"""One seat end to end (funnel, scores, shortlist), and the seat as the team solver needs it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engagements.matching.funnel import funnel_explain, run_funnel
from engagements.matching.money import engagement_costs
from engagements.matching.scoring import ScoreWeights, ranking_order, score_pool, shortlist
from engagements.matching.types import (
    CandidatePool,
    Filter,
    FunnelResult,
    RankedCandidate,
    ScoredPool,
    SeatSpec,
    TeamSeat,
)


@dataclass(frozen=True, eq=False)
class SeatMatch:
    """The result of matching one seat: its funnel, every eligible candidate scored, the shortlist."""

    seat: SeatSpec
    funnel: FunnelResult
    scored: ScoredPool
    shortlist: tuple[RankedCandidate, ...]

    @property
    def explanation(self) -> str:
        """The funnel as one line ("38 admitted in SG → 9 in Data privacy → 0 within the rate cap")."""
        return funnel_explain(self.funnel)


def match_seat(
    seat: SeatSpec,
    pool: CandidatePool,
    *,
    weights: ScoreWeights | None = None,
    top_k: int = 20,
    prefiltered: Mapping[Filter, int] | None = None,
    considered: int | None = None,
) -> SeatMatch:
    """Run the funnel over a seat's pool, score the eligible lawyers and rank the best `top_k`.

    `prefiltered` and `considered` are as for `run_funnel`. Raises ValueError when they do not
    add up or a needed column is missing.
    """
    weights = weights or ScoreWeights()
    funnel = run_funnel(seat, pool, prefiltered=prefiltered, considered=considered)
    scored = score_pool(seat, pool, funnel.eligible, weights)
    return SeatMatch(
        seat=seat,
        funnel=funnel,
        scored=scored,
        shortlist=shortlist(seat, pool, scored, weights, top_k),
    )


def team_seat(match: SeatMatch, *, limit: int | None = None) -> TeamSeat:
    """A matched seat as the team solver sees it: every eligible candidate, score and total cost.

    Pass all eligible candidates (the default) for a team that is the best among all of them;
    pruning keeps the solve small. `limit` keeps only the best `limit` by score instead.
    """
    scored = match.scored
    rows = ranking_order(scored.score_cents, scored.lawyer_id, limit)
    seat = match.seat
    return TeamSeat(
        seat_id=seat.seat_id,
        lawyer_id=scored.lawyer_id[rows],
        score=scored.score_cents[rows] / 100,
        cost_usd=engagement_costs(scored.rate_usd[rows], seat.hours_per_week, seat.start, seat.end),
        label=seat.label,
    )
