"""Staffing feeds matching: booked hours reduce eligibility, live engagements are conflicts, ratings and
response times reach the scoring, all in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engagements import offers
from engagements.models import MatchCandidate, Offer, Rating, SeatFunnel
from engagements.pools import seat_pools
from jurisdictions.selectors import exchange_rates_current
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


def _pool(matter):
    seats = fe.seats_of(matter)
    (seat_pool,) = seat_pools(
        matter=matter, seats=seats[:1], usd_per_unit=exchange_rates_current(), today=timezone.localdate()
    )
    return {int(pk): i for i, pk in enumerate(seat_pool.pool.lawyer_id)}, seat_pool.pool


def test_an_accepted_offer_books_hours_that_matching_then_counts(client_owner):
    # given Ada (40 h a week) accepts 30 h a week on one matter
    first, _, (ada, bea) = fe.posted_and_matched(
        client_owner,
        names=("Ada Lovelace", "Bea Brandt"),
        confidential_details="",
        seats=[fe.seat_input(hours="30")],
    )
    fe.accepted(seat=fe.seats_of(first)[0], lawyer=ada, by=client_owner)
    # when a new 20 h matter over the same dates is matched
    second = fe.matter(by=client_owner, post=True, seats=[fe.seat_input(hours="20")], counterparties=[])
    run = fe.run_matching(second)
    # then Ada, with 10 h left, is not on the shortlist, and the funnel says capacity did it
    shortlisted = set(MatchCandidate.objects.filter(run=run).values_list("lawyer_id", flat=True))
    assert shortlisted == {bea.pk}
    steps = {step["filter"]: step for step in SeatFunnel.objects.get(run=run).steps}
    assert steps["capacity"]["removed"] == 1
    index, pool = _pool(second)
    assert pool.booked_hours_per_week[index[ada.pk]] == 30 and pool.booked_hours_per_week[index[bea.pk]] == 0
    # and a 10 h matter still fits her
    small = fe.matter(by=client_owner, post=True, seats=[fe.seat_input(hours="10")], counterparties=[])
    small_run = fe.run_matching(small)
    assert ada.pk in set(MatchCandidate.objects.filter(run=small_run).values_list("lawyer_id", flat=True))


def test_ratings_and_response_times_reach_the_pool(client_owner):
    matter, _, (ada, bea, _cy) = fe.posted_and_matched(
        client_owner, confidential_details="", seats=[fe.seat_input(hours="5")]
    )
    second = fe.matter(by=client_owner, post=True, seats=[fe.seat_input(hours="5")], confidential_details="")
    fe.run_matching(second)
    for seat, score in ((fe.seats_of(matter)[0], 5), (fe.seats_of(second)[0], 3)):
        engagement = fe.accepted(seat=seat, lawyer=ada, by=client_owner)
        Rating.objects.create(engagement=engagement, score=score, rated_by=client_owner)
    # Ada answered in 2 h and 4 h (the median: 3 h); Bea never answered
    now = timezone.now()
    for hours, offer in zip((2, 4), Offer.objects.filter(lawyer=ada).order_by("pk"), strict=True):
        Offer.objects.filter(pk=offer.pk).update(created_at=now, answered_at=now + dt.timedelta(hours=hours))
    fe.send_offer(seat=fe.seats_of(fe.matched(by=client_owner))[0], lawyer=bea, by=client_owner)
    other = fe.matter(by=client_owner, post=True, counterparties=[])
    index, pool = _pool(other)
    assert pool.avg_rating[index[ada.pk]] == 4.0 and pool.rating_count[index[ada.pk]] == 2
    assert np.isnan(pool.avg_rating[index[bea.pk]]) and pool.rating_count[index[bea.pk]] == 0
    assert pool.response_hours[index[ada.pk]] == pytest.approx(3.0)
    assert np.isnan(pool.response_hours[index[bea.pk]])


def test_gathering_candidates_takes_the_same_queries_with_more_engagements(client_owner):
    matter, _, ranked = fe.posted_and_matched(client_owner, confidential_details="")
    with CaptureQueriesContext(connection) as before:
        _pool(matter)
    for lawyer in ranked[:2]:
        other = fe.matter(
            by=client_owner, post=True, seats=[fe.seat_input(hours="5")], confidential_details=""
        )
        fe.run_matching(other)
        engagement = fe.accepted(seat=fe.seats_of(other)[0], lawyer=lawyer, by=client_owner)
        Rating.objects.create(engagement=engagement, score=4)
    with CaptureQueriesContext(connection) as after:
        _pool(matter)
    assert len(after.captured_queries) == len(before.captured_queries)


def test_a_live_engagement_against_a_counterparty_conflicts_only_while_active(client_owner):
    first, _, (ada, bea) = fe.posted_and_matched(
        client_owner,
        names=("Ada Lovelace", "Bea Brandt"),
        confidential_details="",
        counterparties=["Globex GmbH"],
        seats=[fe.seat_input(hours="5")],
    )
    engagement = fe.accepted(seat=fe.seats_of(first)[0], lawyer=ada, by=client_owner)
    against_globex = fe.matter(by=client_owner, post=True, counterparties=["GLOBEX gmbh"])
    index, pool = _pool(against_globex)
    assert pool.conflicted[index[ada.pk]] and not pool.conflicted[index[bea.pk]]
    offers.engagement_complete(engagement=engagement, by=client_owner)
    index, pool = _pool(against_globex)
    assert not pool.conflicted[index[ada.pk]]


def test_rates_in_offers_are_decimal_in_the_matter_currency(client_owner):
    matter, _, (ada, *_) = fe.posted_and_matched(client_owner, currency="EUR", rate_cap=Decimal("300"))
    offer = fe.send_offer(seat=fe.seats_of(matter)[0], lawyer=ada, by=client_owner)
    # USD 250 at 1.08 USD per EUR: EUR 231.48
    assert offer.currency == "EUR" and offer.hourly_rate == Decimal("231.48")
