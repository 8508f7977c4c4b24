"""The score (0-100) of each eligible lawyer for a seat, its factors, and the ranked shortlist.

Six factors, each on a 0-1 scale and computed for all candidates at once (NumPy, no per-lawyer
loop):

- practice-area depth: years in the area (saturating at 10) and proficiency (1-4), half each;
- experience: years above the seat's minimum seniority, saturating at +10;
- rate value: how far under the rate cap (1 - rate / cap); without a cap, against twice the
  median rate of the eligible lawyers, so the median scores 0.5;
- availability: weekly hours still free after this seat, as a share of capacity;
- rating: the average rating pulled toward a prior (a Bayesian average), so one 5 does not beat
  twenty 4.8s; no ratings scores the prior;
- responsiveness: median hours to answer an offer, 1 / (1 + hours / 24); unknown is 0.5.

Points per factor are 100 x weight x value rounded to the hundredth, and the score is their sum,
kept as an integer number of hundredths: the "why this lawyer" points always add up to the score,
and equal scores are exactly equal, so ranking by (score desc, lawyer id asc) is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal

import numpy as np

from engagements.matching.text import format_number
from engagements.matching.types import (
    CENT,
    BoolArray,
    CandidatePool,
    Factor,
    FloatArray,
    IntArray,
    RankedCandidate,
    ScoredPool,
    SeatSpec,
)

FACTORS: tuple[str, ...] = (
    "practice_depth",
    "experience",
    "rate_value",
    "availability",
    "rating",
    "responsiveness",
)
FACTOR_LABELS: Mapping[str, str] = {
    "practice_depth": "Practice-area depth",
    "experience": "Experience",
    "rate_value": "Rate value",
    "availability": "Availability",
    "rating": "Client ratings",
    "responsiveness": "Responsiveness",
}

DEPTH_SATURATION_YEARS = 10.0
EXPERIENCE_SATURATION_YEARS = 10.0
# The Bayesian rating: as if every lawyer also had RATING_PRIOR_COUNT ratings of RATING_PRIOR_MEAN.
RATING_PRIOR_MEAN = 4.0
RATING_PRIOR_COUNT = 5.0
RESPONSE_HALF_SCORE_HOURS = 24.0
NEUTRAL = 0.5
BASIS_POINTS = 10_000


@dataclass(frozen=True)
class ScoreWeights:
    """The weight of each factor in the score (settings: `MATCHING_SCORE_WEIGHTS`).

    Weights are relative: they are scaled to sum to 1 and rounded to hundredths of a percent
    (largest remainder, so they still sum to exactly 1). Raises ValueError on a negative or
    non-finite weight, or when all are zero.
    """

    practice_depth: float = 0.25
    experience: float = 0.20
    rate_value: float = 0.20
    availability: float = 0.10
    rating: float = 0.15
    responsiveness: float = 0.10

    def __post_init__(self) -> None:
        raw = [float(getattr(self, name)) for name in FACTORS]
        if any(not math.isfinite(w) or w < 0 for w in raw) or sum(raw) <= 0:
            raise ValueError(f"score weights must be non-negative and not all zero, got {raw}.")
        for name, points in zip(FACTORS, _largest_remainder(raw, BASIS_POINTS), strict=True):
            object.__setattr__(self, name, points / BASIS_POINTS)

    @classmethod
    def from_mapping(cls, weights: Mapping[str, float] | None) -> ScoreWeights:
        """Weights from a settings dict; factors it leaves out keep their default weight.

        Raises ValueError naming any key that is not a factor.
        """
        weights = dict(weights or {})
        unknown = sorted(set(weights) - set(FACTORS))
        if unknown:
            raise ValueError(f"unknown score factors {unknown}; the factors are {list(FACTORS)}.")
        defaults = {f.name: f.default for f in fields(cls)}
        return cls(**{name: float(weights.get(name, defaults[name])) for name in FACTORS})  # type: ignore[arg-type]

    def basis_points(self) -> IntArray:
        """The weights in hundredths of a percent, in `FACTORS` order; they sum to 10,000."""
        return np.array([round(getattr(self, name) * BASIS_POINTS) for name in FACTORS], dtype=np.int64)


def _largest_remainder(raw: list[float], total: int) -> list[int]:
    scaled = [w / sum(raw) * total for w in raw]
    floors = [math.floor(x) for x in scaled]
    by_remainder = sorted(range(len(raw)), key=lambda i: (-(scaled[i] - floors[i]), i))
    for i in by_remainder[: total - sum(floors)]:
        floors[i] += 1
    return floors


def factor_values(seat: SeatSpec, pool: CandidatePool, rows: IntArray) -> FloatArray:
    """The six factor values (0-1) of the given pool rows, one column per factor in `FACTORS` order.

    Computed in place, one factor-major row at a time (few temporaries at 100,000 candidates).
    """
    by_factor = np.empty((len(FACTORS), len(rows)), dtype=np.float64)
    depth, experience, rate_value, availability, rating, responsiveness = by_factor

    np.minimum(pool.depth_years[rows], DEPTH_SATURATION_YEARS, out=depth)
    depth *= 0.5 / DEPTH_SATURATION_YEARS
    proficiency = np.clip(pool.proficiency[rows], 1, 4)
    proficiency -= 1
    proficiency *= 0.5 / 3
    depth += proficiency

    np.subtract(pool.seniority_years[rows], seat.min_seniority_years, out=experience)
    np.clip(experience, 0, EXPERIENCE_SATURATION_YEARS, out=experience)
    experience /= EXPERIENCE_SATURATION_YEARS

    reference = _rate_reference(seat, pool.rate_usd[rows])
    if reference > 0:
        np.divide(pool.rate_usd[rows], -reference, out=rate_value)
        rate_value += 1
        np.clip(rate_value, 0, 1, out=rate_value)
    else:
        rate_value.fill(NEUTRAL)

    capacity = pool.weekly_capacity_hours[rows]
    np.subtract(capacity, pool.booked_hours_per_week[rows], out=availability)
    availability -= float(seat.hours_per_week)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(availability, capacity, out=availability)
    np.clip(availability, 0, 1, out=availability)
    availability[~(capacity > 0)] = 0.0

    np.subtract(bayesian_rating(pool, rows), 1, out=rating)
    rating /= 4
    np.clip(rating, 0, 1, out=rating)

    if pool.response_hours is None:
        responsiveness.fill(NEUTRAL)
    else:
        response = pool.response_hours[rows]
        np.maximum(response, 0, out=responsiveness)
        responsiveness /= RESPONSE_HALF_SCORE_HOURS
        responsiveness += 1
        np.reciprocal(responsiveness, out=responsiveness)
        responsiveness[np.isnan(response)] = NEUTRAL

    values: FloatArray = by_factor.T
    return values


def _rate_reference(seat: SeatSpec, rate: FloatArray) -> float:
    """The rate that scores 0 on rate value: the cap, or twice the eligible lawyers' median rate."""
    if seat.rate_cap_usd is not None:
        return float(seat.rate_cap_usd)
    return 2 * float(np.median(rate)) if len(rate) else 0.0


def bayesian_rating(pool: CandidatePool, rows: IntArray) -> FloatArray:
    """Average rating pulled toward the prior: (k x prior + n x average) / (k + n)."""
    if pool.avg_rating is None or pool.rating_count is None:
        return np.full(len(rows), RATING_PRIOR_MEAN)
    count = np.maximum(pool.rating_count[rows], 0).astype(np.float64)
    average = pool.avg_rating[rows]
    count = np.where(np.isnan(average), 0.0, count)
    average = np.nan_to_num(average, nan=RATING_PRIOR_MEAN)
    adjusted: FloatArray = (RATING_PRIOR_COUNT * RATING_PRIOR_MEAN + count * average) / (
        RATING_PRIOR_COUNT + count
    )
    return adjusted


def score_pool(
    seat: SeatSpec, pool: CandidatePool, eligible: BoolArray, weights: ScoreWeights | None = None
) -> ScoredPool:
    """Score every eligible row of the pool (vectorised); rows keep the pool's order."""
    weights = weights or ScoreWeights()
    rows = np.flatnonzero(eligible).astype(np.int64)
    values = factor_values(seat, pool, rows)
    # Factor-major (6 x n) arithmetic is contiguous; the (n x 6) results are views of it.
    by_factor = values.T * weights.basis_points()[:, None]
    np.rint(by_factor, out=by_factor)
    cents = by_factor.astype(np.int64).T
    return ScoredPool(
        row=rows,
        lawyer_id=pool.lawyer_id[rows],
        score_cents=cents.sum(axis=1, dtype=np.int64),
        rate_usd=np.round(pool.rate_usd[rows], 2),  # to the cent, as shortlists and team costs show it
        factor_values=values,
        factor_cents=cents,
    )


def ranking_order(score_cents: IntArray, lawyer_id: IntArray, top_k: int | None = None) -> IntArray:
    """Indices of the best `top_k` (all when None): score descending, then lawyer id ascending.

    Partitions first, so only the candidates tied at or above the k-th score are sorted.
    """
    n = len(score_cents)
    k = n if top_k is None else max(0, min(top_k, n))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    if k < n:
        kth_best = np.partition(score_cents, n - k)[n - k]
        candidates = np.flatnonzero(score_cents >= kth_best)
    else:
        candidates = np.arange(n)
    order = np.lexsort((lawyer_id[candidates], -score_cents[candidates]))
    return candidates[order[:k]].astype(np.int64)


def shortlist(
    seat: SeatSpec,
    pool: CandidatePool,
    scored: ScoredPool,
    weights: ScoreWeights | None = None,
    top_k: int = 20,
) -> tuple[RankedCandidate, ...]:
    """The top `top_k` candidates of a scored pool, best first, each with its factors explained."""
    weights = weights or ScoreWeights()
    weight_bp = weights.basis_points()
    reference = _rate_reference(seat, pool.rate_usd[scored.row])
    rating_column = FACTORS.index("rating")
    ranked = []
    for rank, index in enumerate(ranking_order(scored.score_cents, scored.lawyer_id, top_k), start=1):
        row = int(scored.row[index])
        adjusted_rating = 1 + 4 * float(scored.factor_values[index, rating_column])
        explanations = _explanations(seat, pool, row, reference, adjusted_rating)
        factors = tuple(
            Factor(
                name=name,
                label=FACTOR_LABELS[name],
                weight=Decimal(int(weight_bp[i])).scaleb(-4),
                value=round(float(scored.factor_values[index, i]), 4),
                points=Decimal(int(scored.factor_cents[index, i])).scaleb(-2),
                explanation=explanations[name],
            )
            for i, name in enumerate(FACTORS)
        )
        ranked.append(
            RankedCandidate(
                rank=rank,
                lawyer_id=int(scored.lawyer_id[index]),
                score=Decimal(int(scored.score_cents[index])).scaleb(-2),
                rate_usd=Decimal(repr(float(scored.rate_usd[index]))).quantize(CENT),
                factors=factors,
            )
        )
    return tuple(ranked)


def _years(value: float) -> str:
    text = format_number(round(value, 1))
    return f"{text} year" if text == "1" else f"{text} years"


def _explanations(
    seat: SeatSpec, pool: CandidatePool, row: int, rate_reference: float, adjusted_rating: float
) -> dict[str, str]:
    """One sentence per factor for one candidate, in the client's words."""
    depth = float(pool.depth_years[row])
    proficiency = int(np.clip(pool.proficiency[row], 1, 4))
    seniority = float(pool.seniority_years[row])
    minimum = seat.min_seniority_years
    above = seniority - minimum
    if above > 0:
        experience = f"{_years(seniority)} of experience, {_years(above)} above the {minimum}-year minimum"
    else:
        experience = f"{_years(seniority)} of experience, at the {minimum}-year minimum"

    rate = float(pool.rate_usd[row])
    if seat.rate_cap_usd is not None:
        under = 1 - rate / float(seat.rate_cap_usd)
        cap = format_number(seat.rate_cap_usd)
        rate_text = f"${format_number(round(rate, 2))}/h, {round(under * 100)}% under the ${cap}/h cap"
    else:
        median = round(rate_reference / 2)
        rate_text = (
            f"${format_number(round(rate))}/h against a ${format_number(median)}/h median for this seat"
        )

    capacity = float(pool.weekly_capacity_hours[row])
    free_after = capacity - float(pool.booked_hours_per_week[row]) - float(seat.hours_per_week)
    availability = (
        f"{format_number(round(max(free_after, 0), 1))} h/week still free after this seat's "
        f"{format_number(seat.hours_per_week)} (capacity {format_number(round(capacity, 1))})"
    )

    count = int(pool.rating_count[row]) if pool.rating_count is not None else 0
    average = float(pool.avg_rating[row]) if pool.avg_rating is not None else math.nan
    if count > 0 and not math.isnan(average):
        plural = "rating" if count == 1 else "ratings"
        rating = (
            f"{average:.1f} average over {count} {plural}, counted as {adjusted_rating:.2f}"
            f" (weighted toward {RATING_PRIOR_MEAN:.1f})"
        )
    else:
        rating = f"no ratings yet, counted as {RATING_PRIOR_MEAN:.1f}"

    hours = float(pool.response_hours[row]) if pool.response_hours is not None else math.nan
    if math.isnan(hours):
        responsiveness = "no response history yet, counted as neutral"
    else:
        responsiveness = f"answers offers in {format_number(round(hours, 1))} h (median)"

    return {
        "practice_depth": f"{_years(depth)} in {seat.practice_area_name}, proficiency {proficiency} of 4",
        "experience": experience,
        "rate_value": rate_text,
        "availability": availability,
        "rating": rating,
        "responsiveness": responsiveness,
    }
