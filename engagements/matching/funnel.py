"""The eligibility funnel: filters applied in a fixed order, counting what each one removed.

The order is `Filter`'s: vetted & active, admitted in the jurisdiction, in the practice area,
seniority, free capacity, available over the dates, within the rate cap, speaks the languages,
no conflict. A filter removes the lawyers that fail it among those the earlier filters kept, so
"removed" always means "removed by this filter and not by an earlier one".

The database side may apply some filters in SQL (an indexed query for the admitted lawyers of a
jurisdiction, say) and pass only the survivors. It then tells `run_funnel` how many were left after
each of those filters (`prefiltered`) and how many lawyers were considered in all; the funnel
reports those steps first, in funnel order, then its own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

import numpy as np

from engagements.matching.text import and_list, format_number
from engagements.matching.types import (
    FILTER_COLUMNS,
    BoolArray,
    CandidatePool,
    Filter,
    FunnelResult,
    FunnelStep,
    SeatSpec,
)


def filter_label(filter_: Filter, seat: SeatSpec) -> str:
    """The human label of a filter for a seat, as the funnel text shows it."""
    match filter_:
        case Filter.ACTIVE:
            return "vetted & active"
        case Filter.ADMITTED:
            return f"admitted in {seat.jurisdiction_code}"
        case Filter.PRACTICE_AREA:
            return f"in {seat.practice_area_name}"
        case Filter.SENIORITY:
            return f"seniority ≥ {format_number(seat.min_seniority_years)} years"
        case Filter.CAPACITY:
            return f"free capacity for {format_number(seat.hours_per_week)} h/week"
        case Filter.AVAILABLE:
            return "available over the dates"
        case Filter.RATE_CAP:
            cap = seat.rate_cap_usd
            return (
                f"within the ${format_number(cap)}/h rate cap" if cap is not None else "within the rate cap"
            )
        case Filter.LANGUAGES:
            return f"speaks {and_list(sorted(seat.required_languages))}"
        case Filter.NO_CONFLICT:
            return "no conflict"


def applicable_filters(seat: SeatSpec) -> tuple[Filter, ...]:
    """The filters that apply to a seat, in funnel order (no rate cap or languages: no such step)."""
    skipped = set()
    if seat.rate_cap_usd is None:
        skipped.add(Filter.RATE_CAP)
    if not seat.required_languages:
        skipped.add(Filter.LANGUAGES)
    return tuple(f for f in Filter if f not in skipped)


def _passes(filter_: Filter, seat: SeatSpec, pool: CandidatePool) -> BoolArray:
    """Which rows of the pool pass one filter (on its own, regardless of the others)."""
    tests: dict[Filter, Callable[[], BoolArray]] = {
        Filter.ACTIVE: lambda: _flag(pool.status_ok, Filter.ACTIVE),
        Filter.ADMITTED: lambda: _flag(pool.admitted, Filter.ADMITTED),
        Filter.PRACTICE_AREA: lambda: _flag(pool.practice_match, Filter.PRACTICE_AREA),
        Filter.SENIORITY: lambda: pool.seniority_years >= seat.min_seniority_years,
        Filter.CAPACITY: lambda: (
            pool.weekly_capacity_hours - pool.booked_hours_per_week >= float(seat.hours_per_week)
        ),
        Filter.AVAILABLE: lambda: ~_flag(pool.unavailable_overlap, Filter.AVAILABLE),
        Filter.RATE_CAP: lambda: pool.rate_usd <= float(seat.rate_cap_usd or 0),
        Filter.LANGUAGES: lambda: _flag(pool.languages_ok, Filter.LANGUAGES),
        Filter.NO_CONFLICT: lambda: ~_flag(pool.conflicted, Filter.NO_CONFLICT),
    }
    return tests[filter_]()


def _flag(column: BoolArray | None, filter_: Filter) -> BoolArray:
    if column is None:
        raise ValueError(
            f"the pool has no {FILTER_COLUMNS[filter_]!r} column and the {filter_.value!r} filter"
            " was not applied in SQL (pass its count in `prefiltered`)."
        )
    return column


def passing_before(
    filter_: Filter, seat: SeatSpec, pool: CandidatePool, *, prefiltered: Collection[Filter] = ()
) -> BoolArray:
    """Which rows of the pool pass every filter that comes before `filter_` in the funnel.

    The funnel reads a filter's column only for these rows: the others were removed by an earlier
    filter, and neither the counts nor the scores look at them again. So the database side may
    look up a costly column (a flag computed per lawyer in SQL) for these rows alone, and leave it
    passing for the rest. `prefiltered` names the filters applied in SQL (their columns may be None).
    """
    applicable = applicable_filters(seat)
    keep = np.ones(len(pool), dtype=np.bool_)
    for earlier in Filter:  # funnel order
        if earlier is filter_:
            break
        if earlier in applicable and earlier not in prefiltered:
            keep &= _passes(earlier, seat, pool)
    return keep


def run_funnel(
    seat: SeatSpec,
    pool: CandidatePool,
    *,
    prefiltered: Mapping[Filter, int] | None = None,
    considered: int | None = None,
) -> FunnelResult:
    """Apply every filter that applies to the seat, in order, counting what each one removed.

    `prefiltered` maps the filters already applied in SQL to the number of lawyers left after
    each (cumulatively, in funnel order); the pool then holds exactly the lawyers left after the
    last of them, and `considered` (required with `prefiltered`) is how many there were before
    any filter. Without `prefiltered`, `considered` defaults to the size of the pool.

    Raises ValueError when the counts do not add up or a filter column is missing.
    """
    prefiltered = dict(prefiltered or {})
    applicable = applicable_filters(seat)
    sql_steps = [f for f in applicable if f in prefiltered]
    unknown = set(prefiltered) - set(sql_steps)
    if unknown:
        raise ValueError(f"prefiltered filters that do not apply to this seat: {sorted(unknown)}.")
    if prefiltered and considered is None:
        raise ValueError("`considered` (how many lawyers before any filter) is required with `prefiltered`.")
    total = len(pool) if considered is None else considered

    steps: list[FunnelStep] = []
    before = total
    for filter_ in sql_steps:
        remaining = prefiltered[filter_]
        if not 0 <= remaining <= before:
            raise ValueError(
                f"prefiltered count for {filter_.value!r} ({remaining}) exceeds the {before} before it."
            )
        steps.append(FunnelStep(filter_, filter_label(filter_, seat), remaining, before - remaining, True))
        before = remaining
    if before != len(pool):
        raise ValueError(f"the pool has {len(pool)} lawyers but {before} were left after the SQL filters.")

    eligible = np.ones(len(pool), dtype=np.bool_)
    for filter_ in applicable:
        if filter_ in prefiltered:
            continue
        eligible &= _passes(filter_, seat, pool)
        remaining = int(np.count_nonzero(eligible))
        steps.append(FunnelStep(filter_, filter_label(filter_, seat), remaining, before - remaining))
        before = remaining
    return FunnelResult(eligible=eligible, steps=tuple(steps), considered=total)


def funnel_explain(result: FunnelResult) -> str:
    """The funnel as one line: "38 admitted in SG → 9 in Data privacy → 0 within the rate cap".

    It shows the first step, the steps applied in SQL (they set the scope of the search, such as
    the jurisdiction), and every other step that removed someone; it stops at the step that left
    no one (`result.emptied_by`), so the last figure names the filter that emptied the seat.
    """
    if not result.steps:
        return f"{format_number(result.considered)} lawyers"
    parts = []
    for index, step in enumerate(result.steps):
        if index == 0 or step.prefiltered or step.removed:
            parts.append(f"{format_number(step.remaining)} {step.label}")
        if step.remaining == 0:
            break
    return " → ".join(parts)
