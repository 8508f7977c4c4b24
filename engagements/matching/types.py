"""Plain data the matching core works on: a seat, its candidate pool, and what comes back.

Everything here is a frozen dataclass over plain Python values or NumPy arrays; nothing imports
Django. Money in the results is `Decimal` rounded to the cent; inside the core, rates and costs are
float64 arrays (vectorised over candidates) and scores are integer hundredths of a point, so equal
scores are exactly equal and ties break by lawyer id.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

CENT = Decimal("0.01")


class Filter(enum.StrEnum):
    """One eligibility filter. The member order is the order of the funnel."""

    ACTIVE = "active"
    ADMITTED = "admitted"
    PRACTICE_AREA = "practice_area"
    SENIORITY = "seniority"
    CAPACITY = "capacity"
    AVAILABLE = "available"
    RATE_CAP = "rate_cap"
    LANGUAGES = "languages"
    NO_CONFLICT = "no_conflict"


@dataclass(frozen=True)
class SeatSpec:
    """One seat of a matter, as the matching core needs it.

    `min_seniority_years` is in years of post-qualification experience (PQE), the unit every
    seniority figure in the core uses. `rate_cap_usd` and every rate are hourly, in USD after
    conversion at the stored exchange rates. `practice_area_parent_id` and `counterparties`
    (normalised with `normalise_party_name`) are carried for the database side, which turns them
    into the `practice_match` and `conflicted` columns of the pool.
    """

    seat_id: int
    jurisdiction_code: str
    practice_area_id: int
    practice_area_name: str
    min_seniority_years: int
    hours_per_week: Decimal
    start: date
    end: date
    practice_area_parent_id: int | None = None
    rate_cap_usd: Decimal | None = None
    required_languages: frozenset[str] = frozenset()
    counterparties: frozenset[str] = frozenset()
    label: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"{self.display_name}: ends ({self.end}) before it starts ({self.start}).")
        if self.hours_per_week <= 0:
            raise ValueError(f"{self.display_name}: hours per week must be positive.")
        if self.min_seniority_years < 0:
            raise ValueError(f"{self.display_name}: minimum seniority cannot be negative.")
        if self.rate_cap_usd is not None and self.rate_cap_usd <= 0:
            raise ValueError(f"{self.display_name}: the rate cap must be positive.")

    @property
    def display_name(self) -> str:
        """How messages name the seat: its label, or "seat <id>"."""
        return self.label or f"seat {self.seat_id}"

    @property
    def days(self) -> int:
        """Calendar days of the seat, both ends included."""
        return (self.end - self.start).days + 1


def _column(value: Any, dtype: type[np.generic], name: str) -> npt.NDArray[Any]:
    array = np.asarray(value, dtype=dtype)
    if array.ndim != 1:
        raise ValueError(f"column {name!r} must be one-dimensional, got shape {array.shape}.")
    return array


def _has_duplicates(ids: IntArray) -> bool:
    """Whether an id appears twice (sorting: NumPy's hash-based `unique` is far slower here)."""
    ordered = np.sort(ids)
    return bool((ordered[1:] == ordered[:-1]).any())


# Columns that only exist to be filtered on. None means "already applied in SQL" and is allowed only
# when the funnel is told so (see `run_funnel(prefiltered=...)`).
FILTER_COLUMNS: Mapping[Filter, str] = {
    Filter.ACTIVE: "status_ok",
    Filter.ADMITTED: "admitted",
    Filter.PRACTICE_AREA: "practice_match",
    Filter.AVAILABLE: "unavailable_overlap",
    Filter.LANGUAGES: "languages_ok",
    Filter.NO_CONFLICT: "conflicted",
}


@dataclass(frozen=True, eq=False)
class CandidatePool:
    """The candidates gathered for one seat, one NumPy array per column, one row per lawyer.

    Built by the database side; every column has the same length and any array-like is accepted
    (lists, `values_list` results, arrays) and stored as a NumPy array of the documented dtype.

    Filter columns (bool), each for this seat:
      - `status_ok`: vetted and not suspended;
      - `admitted`: a verified bar admission in the seat's jurisdiction;
      - `practice_match`: the seat's practice area or its parent is in the profile;
      - `unavailable_overlap`: an unavailable period overlaps the seat's dates (True excludes);
      - `languages_ok`: speaks every required language;
      - `conflicted`: a counterparty among declared conflicts, recent employers or live
        engagements (True excludes).
    A filter column may be left as None when that filter was applied in SQL and its count is
    passed to `run_funnel(prefiltered=...)`.

    Scoring columns:
      - `seniority_years`: years of post-qualification experience;
      - `depth_years`, `proficiency` (1-4): experience in the seat's practice area;
      - `weekly_capacity_hours`, `booked_hours_per_week`: capacity, and hours of active
        engagements overlapping the seat's dates;
      - `rate_usd`: hourly rate in USD (see `money.rates_to_usd` to convert);
      - `avg_rating` (NaN when none), `rating_count`, `response_hours` (median hours to answer an
        offer, NaN when unknown).
    """

    lawyer_id: IntArray
    seniority_years: FloatArray
    depth_years: FloatArray
    proficiency: FloatArray
    weekly_capacity_hours: FloatArray
    booked_hours_per_week: FloatArray
    rate_usd: FloatArray
    status_ok: BoolArray | None = None
    admitted: BoolArray | None = None
    practice_match: BoolArray | None = None
    unavailable_overlap: BoolArray | None = None
    languages_ok: BoolArray | None = None
    conflicted: BoolArray | None = None
    avg_rating: FloatArray | None = None
    rating_count: IntArray | None = None
    response_hours: FloatArray | None = None

    def __post_init__(self) -> None:
        n: int | None = None
        for name, dtype in _POOL_DTYPES.items():
            value = getattr(self, name)
            if value is None:
                if name in _DEFAULTS:
                    value = np.full(len(self.lawyer_id), _DEFAULTS[name], dtype=dtype)
                else:
                    continue
            array = _column(value, dtype, name)
            if n is None:
                n = len(array)
            elif len(array) != n:
                raise ValueError(f"column {name!r} has {len(array)} rows, lawyer_id has {n}.")
            object.__setattr__(self, name, array)
        for name in _FINITE:
            if not np.isfinite(getattr(self, name)).all():
                raise ValueError(f"column {name!r} has missing or infinite values.")
        if (self.rate_usd < 0).any():
            raise ValueError("column 'rate_usd' has negative rates.")
        if _has_duplicates(self.lawyer_id):
            raise ValueError("a lawyer appears twice in the pool.")

    def __len__(self) -> int:
        return len(self.lawyer_id)

    @classmethod
    def from_records(cls, records: Sequence[Mapping[str, Any]]) -> CandidatePool:
        """A pool from one mapping per lawyer (handy for small pools and tests).

        Keys are the column names. A column missing from every record is left out (None); the
        rating and response columns may also be missing from some records (no rating, unknown).
        For large pools pass columns to the constructor instead.
        """
        names = [name for name in _POOL_DTYPES if any(name in record for record in records)]
        columns: dict[str, Any] = {}
        for name in names:
            if name not in _DEFAULTS and not all(name in record for record in records):
                raise ValueError(f"column {name!r} is missing from some records.")
            columns[name] = [record.get(name, _DEFAULTS.get(name)) for record in records]
        for name in _REQUIRED:
            columns.setdefault(name, [])
        return cls(**columns)


_POOL_DTYPES: dict[str, type[np.generic]] = {
    "lawyer_id": np.int64,
    "seniority_years": np.float64,
    "depth_years": np.float64,
    "proficiency": np.float64,
    "weekly_capacity_hours": np.float64,
    "booked_hours_per_week": np.float64,
    "rate_usd": np.float64,
    "status_ok": np.bool_,
    "admitted": np.bool_,
    "practice_match": np.bool_,
    "unavailable_overlap": np.bool_,
    "languages_ok": np.bool_,
    "conflicted": np.bool_,
    "avg_rating": np.float64,
    "rating_count": np.int64,
    "response_hours": np.float64,
}
_REQUIRED = (
    "lawyer_id",
    "seniority_years",
    "depth_years",
    "proficiency",
    "weekly_capacity_hours",
    "booked_hours_per_week",
    "rate_usd",
)
_DEFAULTS: dict[str, float | int] = {"avg_rating": np.nan, "rating_count": 0, "response_hours": np.nan}
_FINITE = (
    "seniority_years",
    "depth_years",
    "proficiency",
    "weekly_capacity_hours",
    "booked_hours_per_week",
    "rate_usd",
)


@dataclass(frozen=True)
class FunnelStep:
    """One filter of the eligibility funnel: how many were left after it and how many it removed."""

    filter: Filter
    label: str
    remaining: int
    removed: int
    prefiltered: bool = False


@dataclass(frozen=True, eq=False)
class FunnelResult:
    """The funnel for one seat: the eligible rows of the pool and the count at every step."""

    eligible: BoolArray
    steps: tuple[FunnelStep, ...]
    considered: int

    @property
    def eligible_count(self) -> int:
        """How many lawyers passed every filter."""
        return self.steps[-1].remaining if self.steps else self.considered

    @property
    def emptied_by(self) -> FunnelStep | None:
        """The filter that removed the last candidate, or None when some are left."""
        before = self.considered
        for step in self.steps:
            if step.remaining == 0:
                return step if before > 0 else None
            before = step.remaining
        return None


@dataclass(frozen=True)
class Factor:
    """One part of a candidate's score ("why this lawyer").

    `value` is the factor on a 0-1 scale, `weight` its share of the score (weights sum to 1), and
    `points` = 100 x weight x value, to the hundredth; a candidate's points add up to its score.
    """

    name: str
    label: str
    weight: Decimal
    value: float
    points: Decimal
    explanation: str


@dataclass(frozen=True)
class RankedCandidate:
    """A lawyer on a seat's shortlist, with the score (0-100) and the factors that make it up."""

    rank: int
    lawyer_id: int
    score: Decimal
    rate_usd: Decimal
    factors: tuple[Factor, ...]


@dataclass(frozen=True, eq=False)
class ScoredPool:
    """Every eligible candidate of a seat with its score, in the pool's order (see `ranking_order`).

    `row` indexes the `CandidatePool` the scores came from. `score_cents` is the score in
    hundredths of a point (an exact integer), `rate_usd` the hourly rate rounded to the cent (so
    shortlist rates and team costs agree), `factor_values` the 0-1 factor values and
    `factor_cents` the points per factor (hundredths), one column per factor in `FACTORS` order.
    """

    row: IntArray
    lawyer_id: IntArray
    score_cents: IntArray
    rate_usd: FloatArray
    factor_values: FloatArray
    factor_cents: IntArray

    def __len__(self) -> int:
        return len(self.lawyer_id)


@dataclass(frozen=True, eq=False)
class TeamSeat:
    """One seat as the team solver sees it: candidates with a score and a cost for the whole seat.

    `score` is in points (0-100) and `cost_usd` the seat's total cost in USD (rate x hours per
    week x weeks, see `money.engagement_costs`); both are rounded to the hundredth. A lawyer may
    appear in several seats but only once per seat.
    """

    seat_id: int
    lawyer_id: IntArray
    score: FloatArray
    cost_usd: FloatArray
    label: str = ""
    score_cents: IntArray = field(init=False)
    cost_cents: IntArray = field(init=False)

    def __post_init__(self) -> None:
        lawyer_id = _column(self.lawyer_id, np.int64, "lawyer_id")
        score = _column(self.score, np.float64, "score")
        cost = _column(self.cost_usd, np.float64, "cost_usd")
        if not (len(lawyer_id) == len(score) == len(cost)):
            raise ValueError(f"{self.display_name}: lawyer_id, score and cost_usd differ in length.")
        if not (np.isfinite(score).all() and np.isfinite(cost).all()) or (cost < 0).any():
            raise ValueError(f"{self.display_name}: scores and costs must be finite, costs not negative.")
        if _has_duplicates(lawyer_id):
            raise ValueError(f"{self.display_name}: a lawyer appears twice.")
        object.__setattr__(self, "lawyer_id", lawyer_id)
        object.__setattr__(self, "score", score)
        object.__setattr__(self, "cost_usd", cost)
        object.__setattr__(self, "score_cents", np.rint(score * 100).astype(np.int64))
        object.__setattr__(self, "cost_cents", np.rint(cost * 100).astype(np.int64))

    def __len__(self) -> int:
        return len(self.lawyer_id)

    @property
    def display_name(self) -> str:
        """How messages name the seat: its label, or "seat <id>"."""
        return self.label or f"seat {self.seat_id}"


class TeamStatus(enum.StrEnum):
    """How the team solve ended."""

    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"
    INFEASIBLE = "infeasible"


class Binding(enum.StrEnum):
    """Which constraint makes a team impossible."""

    NO_CANDIDATE = "no_candidate"
    DISTINCT_LAWYERS = "distinct_lawyers"
    BUDGET = "budget"


@dataclass(frozen=True)
class TeamAssignment:
    """One seat of a proposed team and the lawyer in it."""

    seat_id: int
    lawyer_id: int
    score: Decimal
    cost_usd: Decimal


@dataclass(frozen=True)
class TeamProposal:
    """The best team found: one distinct lawyer per seat, maximising total score within budget.

    `status` is OPTIMAL (proven best), TIME_LIMIT (the solver stopped early: `assignments` is the
    best team found and `score_bound` a proven upper bound on any team's score, `gap` the relative
    distance (bound - score) / bound) or INFEASIBLE (no team: `assignments` is empty and `binding`,
    `binding_seats` and `message` say which constraint binds). With a budget and a full set of
    distinct candidates, `cheapest_cost_usd` is the cost of the cheapest possible team.
    """

    status: TeamStatus
    assignments: tuple[TeamAssignment, ...]
    total_score: Decimal
    total_cost_usd: Decimal
    budget_usd: Decimal | None
    score_bound: Decimal
    gap: float
    message: str = ""
    binding: Binding | None = None
    binding_seats: tuple[int, ...] = ()
    cheapest_cost_usd: Decimal | None = None
    solver: str = ""
    pruned: int = 0

    @property
    def budget_left_usd(self) -> Decimal | None:
        """Budget minus the team's cost (negative when over), or None without a budget."""
        if self.budget_usd is None:
            return None
        return self.budget_usd - self.total_cost_usd

    @property
    def feasible(self) -> bool:
        """Whether a team was found."""
        return self.status is not TeamStatus.INFEASIBLE
