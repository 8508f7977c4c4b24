"""Scores and shortlists of the matching core: order, "why this lawyer", ties, weights, ratings."""

from decimal import Decimal

import numpy as np
import pytest

from engagements.matching import (
    FACTORS,
    CandidatePool,
    ScoreWeights,
    match_seat,
    ranking_order,
    score_pool,
    shortlist,
)
from tests.test_matching_core_funnel import lawyer, make_seat


def ranked_ids(records, seat=None, **kwargs):
    match = match_seat(seat or make_seat(), CandidatePool.from_records(records), **kwargs)
    return [candidate.lawyer_id for candidate in match.shortlist]


def factor(candidate, name):
    return next(f for f in candidate.factors if f.name == name)


def test_the_better_lawyer_on_every_factor_ranks_first():
    strong = lawyer(
        1,
        depth_years=9,
        proficiency=4,
        seniority_years=14,
        rate_usd=120,
        booked_hours_per_week=0,
        avg_rating=4.9,
        rating_count=30,
        response_hours=2,
    )
    weak = lawyer(
        2,
        depth_years=1,
        proficiency=1,
        seniority_years=5,
        rate_usd=240,
        booked_hours_per_week=20,
        avg_rating=3.1,
        rating_count=30,
        response_hours=70,
    )

    match = match_seat(make_seat(), CandidatePool.from_records([weak, strong]))

    assert [c.lawyer_id for c in match.shortlist] == [1, 2]
    assert [c.rank for c in match.shortlist] == [1, 2]
    for name in FACTORS:
        assert factor(match.shortlist[0], name).value > factor(match.shortlist[1], name).value, name


def test_every_candidate_shows_each_factor_and_the_points_add_up_to_the_score():
    rng = np.random.default_rng(11)
    records = [
        lawyer(
            i,
            depth_years=float(rng.uniform(0, 15)),
            proficiency=int(rng.integers(1, 5)),
            seniority_years=float(rng.uniform(5, 30)),
            rate_usd=float(rng.uniform(50, 250)),
            booked_hours_per_week=float(rng.uniform(0, 20)),
            avg_rating=float(rng.uniform(1, 5)) if i % 3 else float("nan"),
            rating_count=int(rng.integers(0, 40)),
            response_hours=float(rng.uniform(0, 100)) if i % 4 else float("nan"),
        )
        for i in range(60)
    ]

    match = match_seat(make_seat(), CandidatePool.from_records(records), top_k=60)

    assert len(match.shortlist) == 60
    for candidate in match.shortlist:
        assert [f.name for f in candidate.factors] == list(FACTORS)
        assert sum(f.points for f in candidate.factors) == candidate.score
        assert sum(f.weight for f in candidate.factors) == 1
        assert Decimal(0) <= candidate.score <= Decimal(100)
        for f in candidate.factors:
            assert 0 <= f.value <= 1
            assert f.label and f.explanation
    scores = [c.score for c in match.shortlist]
    assert scores == sorted(scores, reverse=True)


def test_explanations_read_as_sentences():
    record = lawyer(1, depth_years=8, proficiency=3, seniority_years=12, rate_usd=180, avg_rating=4.8)
    record.update(rating_count=20, response_hours=5, booked_hours_per_week=8)

    (candidate,) = match_seat(make_seat(), CandidatePool.from_records([record])).shortlist

    assert factor(candidate, "practice_depth").explanation == "8 years in Data privacy, proficiency 3 of 4"
    assert factor(candidate, "experience").explanation == (
        "12 years of experience, 7 years above the 5-year minimum"
    )
    assert factor(candidate, "rate_value").explanation == "$180/h, 28% under the $250/h cap"
    assert factor(candidate, "availability").explanation == (
        "12 h/week still free after this seat's 20 (capacity 40)"
    )
    assert factor(candidate, "rating").explanation == (
        "4.8 average over 20 ratings, counted as 4.64 (weighted toward 4.0)"
    )
    assert factor(candidate, "responsiveness").explanation == "answers offers in 5 h (median)"
    assert candidate.rate_usd == Decimal("180.00")


def test_equal_scores_order_by_lawyer_id():
    records = [lawyer(i) for i in (42, 7, 19, 3)]

    assert ranked_ids(records) == [3, 7, 19, 42]
    assert ranked_ids(records, top_k=2) == [3, 7]
    assert ranked_ids(list(reversed(records)), top_k=2) == [3, 7]


def test_ranking_order_matches_a_full_sort_with_many_ties():
    rng = np.random.default_rng(5)
    for _ in range(50):
        n = int(rng.integers(1, 300))
        scores = rng.integers(0, 20, n).astype(np.int64)
        ids = rng.permutation(10 * n)[:n].astype(np.int64)
        k = int(rng.integers(0, n + 2))

        expected = np.lexsort((ids, -scores))[:k]

        assert ranking_order(scores, ids, k).tolist() == expected.tolist()


def test_one_perfect_rating_does_not_beat_twenty_excellent_ones():
    one_five = lawyer(1, avg_rating=5.0, rating_count=1)
    twenty = lawyer(2, avg_rating=4.8, rating_count=20)
    unrated = lawyer(3)

    match = match_seat(make_seat(), CandidatePool.from_records([one_five, twenty, unrated]))

    by_id = {c.lawyer_id: c for c in match.shortlist}
    assert [c.lawyer_id for c in match.shortlist] == [2, 1, 3]
    assert factor(by_id[2], "rating").value > factor(by_id[1], "rating").value
    assert factor(by_id[3], "rating").value == pytest.approx(0.75)  # the 4.0 prior on a 1-5 scale
    assert factor(by_id[3], "rating").explanation == "no ratings yet, counted as 4.0"


def test_unknown_responsiveness_is_neutral():
    (candidate,) = match_seat(make_seat(), CandidatePool.from_records([lawyer(1)])).shortlist

    assert factor(candidate, "responsiveness").value == 0.5


def test_experience_saturates_ten_years_above_the_minimum():
    records = [lawyer(1, seniority_years=15), lawyer(2, seniority_years=40), lawyer(3, seniority_years=10)]

    by_id = {c.lawyer_id: c for c in match_seat(make_seat(), CandidatePool.from_records(records)).shortlist}

    assert factor(by_id[1], "experience").value == factor(by_id[2], "experience").value == 1
    assert factor(by_id[3], "experience").value == 0.5


def test_availability_is_the_share_of_capacity_left_after_the_seat():
    records = [lawyer(1, booked_hours_per_week=0), lawyer(2, booked_hours_per_week=20)]

    by_id = {c.lawyer_id: c for c in match_seat(make_seat(), CandidatePool.from_records(records)).shortlist}

    assert factor(by_id[1], "availability").value == 0.5
    assert factor(by_id[2], "availability").value == 0


def test_without_a_cap_the_rate_is_valued_against_the_median():
    seat = make_seat(rate_cap_usd=None)
    records = [lawyer(1, rate_usd=100), lawyer(2, rate_usd=200), lawyer(3, rate_usd=300)]

    by_id = {c.lawyer_id: c for c in match_seat(seat, CandidatePool.from_records(records)).shortlist}

    assert factor(by_id[2], "rate_value").value == 0.5
    assert factor(by_id[1], "rate_value").value == 0.75
    assert factor(by_id[1], "rate_value").explanation == "$100/h against a $200/h median for this seat"


def test_weights_come_from_settings_and_are_scaled_to_sum_to_one():
    weights = ScoreWeights.from_mapping({"rate_value": 3, "practice_depth": 0, "experience": 0})

    assert weights.rate_value == pytest.approx(3 / 3.35, abs=1e-4)
    assert sum(weights.basis_points()) == 10_000
    with pytest.raises(ValueError, match="unknown score factors"):
        ScoreWeights.from_mapping({"charm": 1})
    with pytest.raises(ValueError, match="non-negative"):
        ScoreWeights(rating=-1)
    with pytest.raises(ValueError, match="non-negative"):
        ScoreWeights(0, 0, 0, 0, 0, 0)


def test_weights_decide_the_order():
    cheap_junior = lawyer(1, rate_usd=100, seniority_years=5)
    dear_senior = lawyer(2, rate_usd=240, seniority_years=15)
    records = [cheap_junior, dear_senior]
    only_rate = ScoreWeights(0, 0, 1, 0, 0, 0)
    only_experience = ScoreWeights(0, 1, 0, 0, 0, 0)

    assert ranked_ids(records, weights=only_rate) == [1, 2]
    assert ranked_ids(records, weights=only_experience) == [2, 1]
    (top,) = match_seat(make_seat(), CandidatePool.from_records([dear_senior]), weights=only_rate).shortlist
    assert factor(top, "practice_depth").points == 0
    assert top.score == factor(top, "rate_value").points


def test_only_eligible_lawyers_are_scored_and_shortlisted():
    records = [lawyer(1), lawyer(2, conflicted=True), lawyer(3)]
    pool = CandidatePool.from_records(records)
    match = match_seat(make_seat(), pool, top_k=1)

    assert match.scored.lawyer_id.tolist() == [1, 3]
    assert len(match.shortlist) == 1


def test_scores_are_vectorised_and_match_the_shortlist():
    rng = np.random.default_rng(2)
    n = 5_000
    pool = CandidatePool(
        lawyer_id=rng.permutation(n) + 1,
        seniority_years=rng.uniform(5, 30, n),
        depth_years=rng.uniform(0, 15, n),
        proficiency=rng.integers(1, 5, n),
        weekly_capacity_hours=np.full(n, 40.0),
        booked_hours_per_week=rng.uniform(0, 20, n),
        rate_usd=rng.uniform(50, 250, n),
        avg_rating=rng.uniform(1, 5, n),
        rating_count=rng.integers(0, 10, n),
    )
    seat = make_seat()
    scored = score_pool(seat, pool, np.ones(n, dtype=bool))

    top = shortlist(seat, pool, scored, top_k=25)

    best = np.lexsort((scored.lawyer_id, -scored.score_cents))[:25]
    assert [c.lawyer_id for c in top] == scored.lawyer_id[best].tolist()
    assert [c.score for c in top] == [Decimal(int(x)).scaleb(-2) for x in scored.score_cents[best]]
