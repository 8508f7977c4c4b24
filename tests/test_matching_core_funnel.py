"""The eligibility funnel of the matching core: each filter, its count and label, and the funnel text."""

from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from engagements.matching import (
    CandidatePool,
    Filter,
    SeatSpec,
    funnel_explain,
    match_seat,
    normalise_party_name,
    passing_before,
    run_funnel,
)


def make_seat(**overrides: Any) -> SeatSpec:
    values: dict[str, Any] = {
        "seat_id": 1,
        "jurisdiction_code": "SG",
        "practice_area_id": 7,
        "practice_area_name": "Data privacy",
        "min_seniority_years": 5,
        "hours_per_week": Decimal("20"),
        "start": date(2025, 1, 6),
        "end": date(2025, 3, 30),
        "rate_cap_usd": Decimal("250"),
        "required_languages": frozenset({"English", "Mandarin"}),
    }
    return SeatSpec(**{**values, **overrides})


def lawyer(lawyer_id: int, **overrides: Any) -> dict[str, Any]:
    """A lawyer who passes every filter of `make_seat()`."""
    values: dict[str, Any] = {
        "lawyer_id": lawyer_id,
        "status_ok": True,
        "admitted": True,
        "practice_match": True,
        "seniority_years": 8,
        "depth_years": 4,
        "proficiency": 3,
        "weekly_capacity_hours": 40,
        "booked_hours_per_week": 10,
        "unavailable_overlap": False,
        "rate_usd": 200,
        "languages_ok": True,
        "conflicted": False,
    }
    return {**values, **overrides}


VIOLATIONS = [
    (Filter.ACTIVE, {"status_ok": False}, "vetted & active"),
    (Filter.ADMITTED, {"admitted": False}, "admitted in SG"),
    (Filter.PRACTICE_AREA, {"practice_match": False}, "in Data privacy"),
    (Filter.SENIORITY, {"seniority_years": 4.9}, "seniority ≥ 5 years"),
    (Filter.CAPACITY, {"booked_hours_per_week": 21}, "free capacity for 20 h/week"),
    (Filter.AVAILABLE, {"unavailable_overlap": True}, "available over the dates"),
    (Filter.RATE_CAP, {"rate_usd": 250.01}, "within the $250/h rate cap"),
    (Filter.LANGUAGES, {"languages_ok": False}, "speaks English and Mandarin"),
    (Filter.NO_CONFLICT, {"conflicted": True}, "no conflict"),
]


@pytest.mark.parametrize(("filter_", "violation", "label"), VIOLATIONS, ids=[v[0].value for v in VIOLATIONS])
def test_each_filter_removes_exactly_the_lawyer_who_fails_it(filter_, violation, label):
    # given three lawyers of whom only lawyer 2 fails this one filter
    pool = CandidatePool.from_records([lawyer(1), lawyer(2, **violation), lawyer(3)])

    # when
    result = run_funnel(make_seat(), pool)

    # then
    assert [step.filter for step in result.steps] == list(Filter)
    step = next(step for step in result.steps if step.filter is filter_)
    assert (step.label, step.remaining, step.removed) == (label, 2, 1)
    assert sum(step.removed for step in result.steps) == 1
    assert pool.lawyer_id[result.eligible].tolist() == [1, 3]
    assert result.emptied_by is None


def test_boundaries_pass_exactly_at_the_limit():
    pool = CandidatePool.from_records(
        [lawyer(1, seniority_years=5, booked_hours_per_week=20, rate_usd=250)]  # 40 - 20 = 20 h free
    )

    result = run_funnel(make_seat(), pool)

    assert result.eligible.tolist() == [True]


def test_a_lawyer_failing_several_filters_counts_only_at_the_first():
    pool = CandidatePool.from_records([lawyer(1, admitted=False, rate_usd=900, conflicted=True), lawyer(2)])

    result = run_funnel(make_seat(), pool)

    removed = {step.filter: step.removed for step in result.steps if step.removed}
    assert removed == {Filter.ADMITTED: 1}


def test_seat_without_rate_cap_or_languages_has_no_such_steps():
    seat = make_seat(rate_cap_usd=None, required_languages=frozenset())
    pool = CandidatePool.from_records([lawyer(1, rate_usd=5000, languages_ok=False)])

    result = run_funnel(seat, pool)

    assert Filter.RATE_CAP not in [step.filter for step in result.steps]
    assert Filter.LANGUAGES not in [step.filter for step in result.steps]
    assert result.eligible_count == 1


def test_funnel_text_names_the_filter_that_emptied_the_seat():
    # given SQL already kept the 38 vetted lawyers admitted in SG (of 1,250 in the network),
    # 9 of them in Data privacy, all 9 over the rate cap
    records = [lawyer(i, practice_match=i < 9, rate_usd=300 if i < 9 else 100) for i in range(38)]
    for record in records:
        del record["status_ok"], record["admitted"]
    pool = CandidatePool.from_records(records)

    result = run_funnel(
        make_seat(), pool, prefiltered={Filter.ACTIVE: 1100, Filter.ADMITTED: 38}, considered=1250
    )

    assert funnel_explain(result) == (
        "1,100 vetted & active → 38 admitted in SG → 9 in Data privacy → 0 within the $250/h rate cap"
    )
    assert result.emptied_by is not None
    assert result.emptied_by.filter is Filter.RATE_CAP
    assert result.emptied_by.removed == 9
    assert [(s.filter, s.removed, s.prefiltered) for s in result.steps[:2]] == [
        (Filter.ACTIVE, 150, True),
        (Filter.ADMITTED, 1062, True),
    ]
    assert result.eligible_count == 0


def test_funnel_text_with_survivors_shows_the_steps_that_removed_someone():
    pool = CandidatePool.from_records([lawyer(1), lawyer(2, conflicted=True), lawyer(3, admitted=False)])

    result = run_funnel(make_seat(), pool)

    assert funnel_explain(result) == "3 vetted & active → 2 admitted in SG → 1 no conflict"
    assert result.emptied_by is None


def test_funnel_text_always_shows_the_steps_applied_in_sql():
    records = [lawyer(i, rate_usd=300) for i in range(3)]
    for record in records:
        del record["status_ok"], record["admitted"]
    pool = CandidatePool.from_records(records)

    result = run_funnel(make_seat(), pool, prefiltered={Filter.ACTIVE: 3, Filter.ADMITTED: 3}, considered=3)

    assert funnel_explain(result) == "3 vetted & active → 3 admitted in SG → 0 within the $250/h rate cap"


def test_an_empty_network_is_not_blamed_on_a_filter():
    pool = CandidatePool(**{name: [] for name in lawyer(0)})

    result = run_funnel(make_seat(), pool)

    assert funnel_explain(result) == "0 vetted & active"
    assert result.emptied_by is None


def test_sql_filters_come_first_when_applied_out_of_order():
    # given SQL filtered on admission only; status is checked here
    pool = CandidatePool.from_records([lawyer(1, status_ok=False), lawyer(2)])

    result = run_funnel(make_seat(), pool, prefiltered={Filter.ADMITTED: 2}, considered=10)

    assert [step.filter for step in result.steps[:2]] == [Filter.ADMITTED, Filter.ACTIVE]
    assert [step.removed for step in result.steps[:2]] == [8, 1]


def test_counts_that_do_not_add_up_are_refused():
    pool = CandidatePool.from_records([lawyer(1), lawyer(2)])

    with pytest.raises(ValueError, match="the pool has 2 lawyers but 5"):
        run_funnel(make_seat(), pool, prefiltered={Filter.ADMITTED: 5}, considered=10)
    with pytest.raises(ValueError, match="`considered`"):
        run_funnel(make_seat(), pool, prefiltered={Filter.ADMITTED: 2})
    with pytest.raises(ValueError, match="exceeds"):
        run_funnel(make_seat(), pool, prefiltered={Filter.ADMITTED: 2}, considered=1)


def test_a_missing_column_must_have_been_filtered_in_sql():
    record = lawyer(1)
    del record["conflicted"]
    pool = CandidatePool.from_records([record])

    with pytest.raises(ValueError, match="'conflicted'"):
        run_funnel(make_seat(), pool)
    assert (
        run_funnel(make_seat(), pool, prefiltered={Filter.NO_CONFLICT: 1}, considered=1).eligible_count == 1
    )


def test_pool_rejects_ragged_columns_and_duplicate_lawyers():
    with pytest.raises(ValueError, match="rows"):
        CandidatePool(
            lawyer_id=[1, 2],
            seniority_years=[1],
            depth_years=[1, 1],
            proficiency=[1, 1],
            weekly_capacity_hours=[1, 1],
            booked_hours_per_week=[0, 0],
            rate_usd=[1, 1],
        )
    with pytest.raises(ValueError, match="twice"):
        CandidatePool.from_records([lawyer(1), lawyer(1)])
    with pytest.raises(ValueError, match="rate_usd"):
        CandidatePool.from_records([lawyer(1, rate_usd=float("nan"))])


def test_funnel_is_vectorised_over_a_large_pool():
    rng = np.random.default_rng(3)
    n = 20_000
    pool = CandidatePool(
        lawyer_id=np.arange(n),
        seniority_years=rng.uniform(0, 20, n),
        depth_years=rng.uniform(0, 10, n),
        proficiency=rng.integers(1, 5, n),
        weekly_capacity_hours=np.full(n, 40.0),
        booked_hours_per_week=rng.choice([0.0, 30.0], n),
        rate_usd=rng.uniform(50, 500, n),
        status_ok=rng.random(n) < 0.9,
        admitted=rng.random(n) < 0.5,
        practice_match=np.ones(n, dtype=bool),
        unavailable_overlap=np.zeros(n, dtype=bool),
        languages_ok=np.ones(n, dtype=bool),
        conflicted=np.zeros(n, dtype=bool),
    )

    result = run_funnel(make_seat(), pool)

    expected = (
        pool.status_ok
        & pool.admitted
        & (pool.seniority_years >= 5)
        & (pool.booked_hours_per_week == 0)
        & (pool.rate_usd <= 250)
    )
    assert np.array_equal(result.eligible, expected)
    assert sum(step.removed for step in result.steps) == n - expected.sum()


def test_party_names_compare_without_case_accents_or_punctuation():
    assert normalise_party_name("  Müller & Co., Ltd. ") == normalise_party_name("muller & co ltd")
    assert normalise_party_name("ACME  Holdings") == "acme holdings"
    # an abbreviation's dots are dropped, not made spaces: "L.L.P." is "LLP"
    assert normalise_party_name("Kestrel L.L.P.") == normalise_party_name("KESTREL LLP") == "kestrel llp"
    assert normalise_party_name("MÜLLER  A.G.") == normalise_party_name("Muller AG")
    assert normalise_party_name("Initech Pte. Ltd.") == "initech pte ltd"


def random_pool(rng: np.random.Generator, n: int, **columns: Any) -> CandidatePool:
    values: dict[str, Any] = {
        "lawyer_id": np.arange(n),
        "seniority_years": rng.integers(0, 12, n),
        "depth_years": rng.uniform(0, 10, n),
        "proficiency": rng.integers(1, 5, n),
        "weekly_capacity_hours": np.full(n, 40.0),
        "booked_hours_per_week": rng.choice([0.0, 10.0, 30.0], n),
        "rate_usd": rng.uniform(100, 400, n),
        "practice_match": rng.random(n) < 0.5,
        "unavailable_overlap": rng.random(n) < 0.2,
        "languages_ok": rng.random(n) < 0.8,
        "conflicted": rng.random(n) < 0.1,
    }
    return CandidatePool(**{**values, **columns})


def test_passing_before_is_who_reaches_the_filter():
    rng = np.random.default_rng(5)
    pool = random_pool(rng, 500)
    seat = make_seat(required_languages=frozenset({"en"}))
    sql = {Filter.ACTIVE: 900, Filter.ADMITTED: 500}

    reaches = passing_before(Filter.AVAILABLE, seat, pool, prefiltered=sql)

    expected = pool.practice_match & (pool.seniority_years >= 5) & (pool.booked_hours_per_week <= 20)
    assert np.array_equal(reaches, expected)
    assert passing_before(Filter.PRACTICE_AREA, seat, pool, prefiltered=sql).all()
    # a filter that does not apply (no languages asked): everyone who passes all those before it
    no_languages = make_seat(required_languages=frozenset())
    before_conflicts = passing_before(Filter.NO_CONFLICT, no_languages, pool, prefiltered=sql)
    assert np.array_equal(
        passing_before(Filter.LANGUAGES, no_languages, pool, prefiltered=sql), before_conflicts
    )


@pytest.mark.parametrize("seed", range(5))
def test_a_column_matters_only_for_the_rows_that_reach_its_filter(seed):
    # The database side looks costly columns up only for those rows: anything elsewhere gives the
    # same funnel, the same scores and the same shortlist.
    rng = np.random.default_rng(seed)
    n = 400
    pool = random_pool(rng, n)
    seat = make_seat(required_languages=frozenset({"en"}))
    sql = {Filter.ACTIVE: 1000, Filter.ADMITTED: n}
    in_area = passing_before(Filter.SENIORITY, seat, pool, prefiltered=sql)
    reaches_flags = passing_before(Filter.AVAILABLE, seat, pool, prefiltered=sql)
    profile = {
        "seniority_years": rng.integers(0, 30, n),
        "weekly_capacity_hours": rng.integers(0, 60, n),
        "rate_usd": rng.uniform(0, 900, n),
    }
    flags = {name: rng.random(n) < 0.5 for name in ("unavailable_overlap", "languages_ok", "conflicted")}
    scrambled = CandidatePool(
        lawyer_id=pool.lawyer_id,
        depth_years=pool.depth_years,
        proficiency=pool.proficiency,
        booked_hours_per_week=pool.booked_hours_per_week,
        practice_match=pool.practice_match,
        **{name: np.where(in_area, getattr(pool, name), noise) for name, noise in profile.items()},
        **{name: np.where(reaches_flags, getattr(pool, name), noise) for name, noise in flags.items()},
    )

    original = match_seat(seat, pool, prefiltered=sql, considered=1000)
    same = match_seat(seat, scrambled, prefiltered=sql, considered=1000)

    assert original.funnel.steps == same.funnel.steps
    assert np.array_equal(original.funnel.eligible, same.funnel.eligible)
    assert np.array_equal(original.scored.score_cents, same.scored.score_cents)
    assert original.shortlist == same.shortlist


def test_the_party_normaliser_is_plain_python():
    import subprocess
    import sys

    # lawyers.rules imports it from here: importing it must not need Django, nor bring it in.
    code = (
        "import sys; from engagements.matching.names import normalise_party_name as n; "
        "assert n('Müller & Co., Ltd.') == 'muller & co ltd'; assert 'django' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
