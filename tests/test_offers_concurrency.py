"""Two lawyers accept offers for the same seat at the same moment: the seat is filled exactly once.

Needs PostgreSQL (SQLite has no row locks and one writer at a time): skipped on SQLite, and a failure
when REQUIRE_WORKER_TESTS is set (CI), like the real-worker tests.
"""

import time

import pytest

from engagements import offers
from engagements.models import Engagement, Matter, Offer, Seat
from marketplace.errors import ConflictError
from tests import factories_engagements as fe
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("attempt", range(3))
def test_two_acceptances_at_the_same_moment_fill_the_seat_once(postgres, client_owner, monkeypatch, attempt):
    # given two lawyers with pending offers for the same seat
    matter, _, (ada, bea, _) = fe.posted_and_matched(client_owner, confidential_details="")
    seat = fe.seats_of(matter)[0]
    sent = [fe.send_offer(seat=seat, lawyer=lawyer, by=client_owner) for lawyer in (ada, bea)]
    # Widen the window inside the transaction, so both are surely in flight together.
    checked = offers.booked_hours_per_week

    def slow_capacity_check(**kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.2)
        return checked(**kwargs)

    monkeypatch.setattr(offers, "booked_hours_per_week", slow_capacity_check)

    def accept(offer_id: int):  # type: ignore[no-untyped-def]
        offer = Offer.objects.select_related("seat", "lawyer__user").get(pk=offer_id)
        return lambda: offers.offer_accept(offer=offer, by=offer.lawyer.user)

    # when both accept at once, each on its own connection
    results = at_once([accept(sent[0].pk), accept(sent[1].pk)])

    # then exactly one engagement, and the other lawyer is told the seat was just filled
    engagements = [r for r in results if isinstance(r, Engagement)]
    refusals = [r for r in results if isinstance(r, ConflictError)]
    assert len(engagements) == 1 and len(refusals) == 1, results
    assert refusals[0].message == "This seat has just been filled by another lawyer."
    assert Engagement.objects.filter(seat=seat).count() == 1
    winner = Engagement.objects.get(seat=seat).lawyer_id
    assert dict(Offer.objects.filter(seat=seat).values_list("lawyer_id", "status")) == {
        winner: "accepted",
        ({ada.pk, bea.pk} - {winner}).pop(): "withdrawn",
    }
    assert Seat.objects.get(pk=seat.pk).status == Seat.Status.FILLED
    filled = Seat.history.filter(id=seat.pk, status=Seat.Status.FILLED).count()
    assert filled == 1
    assert Matter.objects.get(pk=matter.pk).status == Matter.Status.STAFFED


def test_the_database_refuses_a_second_accepted_offer_for_a_seat(postgres, client_owner):
    from django.db import IntegrityError, transaction

    matter, _, (ada, bea, _) = fe.posted_and_matched(client_owner, confidential_details="")
    seat = fe.seats_of(matter)[0]
    first, second = (fe.send_offer(seat=seat, lawyer=lawyer, by=client_owner) for lawyer in (ada, bea))
    Offer.objects.filter(pk=first.pk).update(status="accepted")
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=second.pk).update(status="accepted")


def test_the_same_idempotency_key_twice_at_once_engages_once_and_answers_alike(postgres, client_owner):
    from django.urls import reverse
    from rest_framework.test import APIClient

    matter, _, (ada, *_) = fe.posted_and_matched(client_owner, confidential_details="")
    offer = fe.send_offer(seat=fe.seats_of(matter)[0], lawyer=ada, by=client_owner)
    url = reverse("api:offer-accept", args=[offer.pk])

    def post():  # type: ignore[no-untyped-def]
        api = APIClient()
        api.force_authenticate(ada.user)
        response = api.post(url, HTTP_IDEMPOTENCY_KEY="double-click")
        return response.status_code, response.json()

    first, second = at_once([post, post])
    assert first == second and first[0] == 201, (first, second)
    assert Engagement.objects.count() == 1
