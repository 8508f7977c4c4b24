"""The offer state machine through its services: legal moves, refused moves with readable messages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from engagements import offers
from engagements.models import Engagement, Matter, Offer, Seat
from marketplace.errors import ConflictError, DomainError
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(monkeypatch):
    return fe.capture_notices(monkeypatch)


@pytest.fixture
def staffing(client_owner):
    matter, _run, ranked = fe.posted_and_matched(client_owner)
    return matter, fe.seats_of(matter)[0], ranked


def test_a_client_sends_an_offer_and_the_lawyer_is_told(client_owner, staffing, notices):
    matter, seat, (ada, *_) = staffing
    # when
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    # then
    assert offer.status == Offer.Status.PENDING and offer.currency == matter.currency == "USD"
    assert offer.hourly_rate == Decimal("250.00") and offer.hours_per_week == seat.hours_per_week
    assert offer.nda_required is True and offer.nda_accepted_at is None
    assert offer.match_candidate is not None and offer.match_candidate.lawyer == ada
    assert offer.history.first().history_change_reason == "Sent"
    assert notices[-1]["kind"] == "offer.received" and notices[-1]["recipients"] == [ada.user]
    assert notices[-1]["url"] == f"/offers/{offer.pk}/"


def test_a_matter_without_confidential_details_needs_no_nda(client_owner):
    matter, _, (ada, *_) = fe.posted_and_matched(client_owner, confidential_details="")
    offer = fe.send_offer(seat=fe.seats_of(matter)[0], lawyer=ada, by=client_owner)
    assert offer.nda_required is False and not offer.nda_outstanding
    with pytest.raises(DomainError, match="no NDA"):
        offers.offer_accept_nda(offer=offer, by=ada.user)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"hourly_rate": Decimal("400.01")}, "hourly_rate", "above the matter's cap of USD 400"),
        ({"hourly_rate": Decimal("0")}, "hourly_rate", "above zero"),
        ({"hours_per_week": Decimal("61")}, "hours_per_week", "at most 60"),
        ({"start": fe.START - dt.timedelta(days=1)}, "start_date", "within the matter's"),
        ({"end": fe.END + dt.timedelta(days=1)}, "end_date", "within the matter's"),
        ({"start": fe.END, "end": fe.START}, "end_date", "on or after the start date"),
        ({"expires_at": timezone.now() - dt.timedelta(minutes=1)}, "expires_at", "in the future"),
    ],
)
def test_bad_terms_are_refused_naming_the_field(client_owner, staffing, overrides, field, message):
    _, seat, (ada, *_) = staffing
    with pytest.raises(DomainError, match=message) as refused:
        fe.send_offer(seat=seat, lawyer=ada, by=client_owner, **overrides)
    assert refused.value.field == field and not Offer.objects.exists()


def test_only_members_of_the_matters_organisation_send_offers(
    client_owner, client_colleague, client_outsider, staffing
):
    _, seat, (ada, bea, _) = staffing
    for stranger in (client_outsider, ada.user):
        with pytest.raises(offers.NotAllowedError, match="Only members of the matter's organisation"):
            fe.send_offer(seat=seat, lawyer=ada, by=stranger)
    assert fe.send_offer(seat=seat, lawyer=bea, by=client_colleague).sent_by == client_colleague


def test_a_second_pending_offer_to_the_same_lawyer_is_refused(client_owner, staffing):
    _, seat, (ada, *_) = staffing
    fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    with pytest.raises(ConflictError, match="Ada Lovelace already has a pending offer"):
        fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    assert Offer.objects.count() == 1


def test_a_lawyer_who_cannot_be_matched_gets_no_offer(client_owner, staffing):
    _, seat, (ada, *_) = staffing
    ada.status = "suspended"
    ada.save(update_fields=["status"])
    with pytest.raises(DomainError, match="not vetted"):
        fe.send_offer(seat=seat, lawyer=ada, by=client_owner)


def test_offers_go_out_only_on_open_matters(client_owner, staffing):
    from engagements import services

    matter, seat, (ada, *_) = staffing
    services.matter_cancel(matter=matter, by=client_owner, reason="Settled")
    with pytest.raises(ConflictError, match="Offers go out on open matters; this one is cancelled"):
        fe.send_offer(seat=seat, lawyer=ada, by=client_owner)


def test_accepting_needs_the_nda_first(client_owner, staffing):
    _, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    with pytest.raises(DomainError, match="Accept the NDA before accepting the offer"):
        offers.offer_accept(offer=offer, by=ada.user)
    offers.offer_accept_nda(offer=offer, by=ada.user)
    offer.refresh_from_db()
    assert offer.nda_accepted_at is not None
    assert offer.history.first().history_change_reason == "NDA accepted"


def test_the_first_acceptance_fills_the_seat_and_withdraws_the_rest(client_owner, staffing, notices):
    matter, seat, (ada, bea, _cy) = staffing
    for_ada = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    for_bea = fe.send_offer(seat=seat, lawyer=bea, by=client_owner)
    offers.offer_accept_nda(offer=for_ada, by=ada.user)
    # when
    engagement = offers.offer_accept(offer=for_ada, by=ada.user)
    # then
    assert engagement.lawyer == ada and engagement.seat == seat and engagement.matter == matter
    assert engagement.hourly_rate == for_ada.hourly_rate and engagement.status == Engagement.Status.ACTIVE
    for_ada.refresh_from_db()
    for_bea.refresh_from_db()
    assert for_ada.status == Offer.Status.ACCEPTED and for_ada.answered_at is not None
    assert for_bea.status == Offer.Status.WITHDRAWN and for_bea.answered_at is None
    assert Seat.objects.get(pk=seat.pk).status == Seat.Status.FILLED
    assert Matter.objects.get(pk=matter.pk).status == Matter.Status.STAFFED
    assert Matter.objects.get(pk=matter.pk).history.first().history_change_reason.startswith("Staffed")
    kinds = {(n["kind"], tuple(n["recipients"])) for n in notices}
    assert ("offer.withdrawn", (bea.user,)) in kinds and ("offer.accepted", (client_owner,)) in kinds
    # and the withdrawn lawyer is told why, when they try
    with pytest.raises(ConflictError, match="This seat has just been filled by another lawyer"):
        offers.offer_accept(offer=for_bea, by=bea.user)


def test_a_matter_is_staffed_only_when_every_seat_is_filled(client_owner):
    seats = [fe.seat_input(label="Lead", hours="10"), fe.seat_input(label="Second", hours="10")]
    matter, _, (ada, bea, _) = fe.posted_and_matched(client_owner, seats=seats, confidential_details="")
    lead, second = fe.seats_of(matter)
    fe.accepted(seat=lead, lawyer=ada, by=client_owner)
    assert Matter.objects.get(pk=matter.pk).status == Matter.Status.OPEN
    fe.accepted(seat=second, lawyer=bea, by=client_owner)
    assert Matter.objects.get(pk=matter.pk).status == Matter.Status.STAFFED


def test_only_the_lawyer_the_offer_was_made_to_answers_it(client_owner, staffing):
    _, seat, (ada, bea, _) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    for stranger in (bea.user, client_owner):
        with pytest.raises(offers.NotAllowedError, match="Only the lawyer this offer was made to"):
            offers.offer_accept_nda(offer=offer, by=stranger)
        with pytest.raises(offers.NotAllowedError):
            offers.offer_decline(offer=offer, by=stranger, reason="Not mine")


def test_an_expired_offer_cannot_be_accepted(client_owner, staffing):
    _, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    offers.offer_accept_nda(offer=offer, by=ada.user)
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ConflictError, match="This offer expired on"):
        offers.offer_accept(offer=offer, by=ada.user)
    assert not Engagement.objects.exists()


def test_declining_needs_a_reason_and_ends_the_offer(client_owner, staffing):
    _, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    with pytest.raises(DomainError, match="Say why you are declining") as refused:
        offers.offer_decline(offer=offer, by=ada.user, reason="  ")
    assert refused.value.field == "reason"
    offers.offer_decline(offer=offer, by=ada.user, reason="Fully booked in April")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED and offer.decline_reason == "Fully booked in April"
    assert offer.answered_at is not None
    assert offer.history.first().history_change_reason == "Declined: Fully booked in April"
    with pytest.raises(ConflictError, match="You have declined this offer"):
        offers.offer_decline(offer=offer, by=ada.user, reason="Again")
    with pytest.raises(ConflictError, match="You have declined this offer"):
        offers.offer_accept(offer=offer, by=ada.user)


def test_a_withdrawn_offer_cannot_be_accepted(client_owner, staffing, notices):
    _, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    offers.offer_accept_nda(offer=offer, by=ada.user)
    offers.offer_withdraw(offer=offer, by=client_owner)
    with pytest.raises(ConflictError, match="The client has withdrawn this offer"):
        offers.offer_accept(offer=offer, by=ada.user)
    with pytest.raises(ConflictError, match="Only a pending offer can be withdrawn"):
        offers.offer_withdraw(offer=offer, by=client_owner)
    assert notices[-1]["kind"] == "offer.withdrawn" and notices[-1]["recipients"] == [ada.user]


def test_accepting_beyond_free_capacity_is_refused_with_the_numbers(client_owner):
    # given a lawyer with 30 h a week holds offers for 20 h on one matter and 20 h on another
    first, _, (ada, *_) = fe.posted_and_matched(
        client_owner, names=("Ada Lovelace",), confidential_details=""
    )
    ada.weekly_capacity_hours = 30
    ada.save(update_fields=["weekly_capacity_hours"])
    second = fe.matched(by=client_owner, seats=[fe.seat_input(hours="20")], confidential_details="")
    small = fe.matched(by=client_owner, seats=[fe.seat_input(hours="10")], confidential_details="")
    offer = fe.send_offer(seat=fe.seats_of(second)[0], lawyer=ada, by=client_owner)
    for_small = fe.send_offer(seat=fe.seats_of(small)[0], lawyer=ada, by=client_owner)
    # when she accepts the first
    fe.accepted(seat=fe.seats_of(first)[0], lawyer=ada, by=client_owner)
    # then the second no longer fits, and she is told by how much
    with pytest.raises(ConflictError) as refused:
        offers.offer_accept(offer=offer, by=ada.user)
    assert refused.value.message.startswith(
        "This offer needs 20 hours a week, but you have 10 free between 2 Mar 2030 and 28 Jun 2030"
    )
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PENDING
    # and a 10 h offer fits
    assert offers.offer_accept(offer=for_small, by=ada.user).hours_per_week == 10


def test_an_engagement_outside_the_dates_does_not_count_against_capacity(client_owner):
    first, _, (ada, *_) = fe.posted_and_matched(
        client_owner, names=("Ada Lovelace",), confidential_details=""
    )
    ada.weekly_capacity_hours = 20
    ada.save(update_fields=["weekly_capacity_hours"])
    later = fe.matched(by=client_owner, seats=[fe.seat_input(hours="20")], confidential_details="")
    fe.accepted(seat=fe.seats_of(first)[0], lawyer=ada, by=client_owner, end=fe.START + dt.timedelta(days=30))
    fe.accepted(
        seat=fe.seats_of(later)[0], lawyer=ada, by=client_owner, start=fe.START + dt.timedelta(days=31)
    )
    assert Engagement.objects.filter(lawyer=ada).count() == 2


def test_sending_the_proposed_team_offers_each_open_seat_once(client_owner):
    seats = [fe.seat_input(label="Lead", hours="10"), fe.seat_input(label="Second", hours="10")]
    matter, run, _ = fe.posted_and_matched(client_owner, seats=seats)
    sent = offers.offers_send_team(run=run, by=client_owner)
    assert len(sent) == 2 and {o.seat_id for o in sent} == {s.pk for s in fe.seats_of(matter)}
    team = {(m.seat_id, m.lawyer_id) for m in run.team.all()}
    assert {(o.seat_id, o.lawyer_id) for o in sent} == team
    assert all(o.hourly_rate == o.match_candidate.rate for o in sent)
    with pytest.raises(ConflictError, match="already filled or offered"):
        offers.offers_send_team(run=run, by=client_owner)


def test_engagements_complete_or_terminate_only_from_active(client_owner, client_outsider, staffing):
    _, seat, (ada, *_) = staffing
    engagement = fe.accepted(seat=seat, lawyer=ada, by=client_owner)
    with pytest.raises(offers.NotAllowedError):
        offers.engagement_complete(engagement=engagement, by=ada.user)
    with pytest.raises(offers.NotAllowedError):
        offers.engagement_complete(engagement=engagement, by=client_outsider)
    with pytest.raises(DomainError, match="Say why the engagement is ending early"):
        offers.engagement_terminate(engagement=engagement, by=client_owner, reason="")
    done = offers.engagement_complete(engagement=engagement, by=client_owner)
    assert done.status == Engagement.Status.COMPLETED and done.completed_at is not None
    with pytest.raises(
        ConflictError, match="Only an active engagement can be terminated; this one is completed"
    ):
        offers.engagement_terminate(engagement=engagement, by=client_owner, reason="Budget cut")
    with pytest.raises(ConflictError, match="can be completed"):
        offers.engagement_complete(engagement=engagement, by=client_owner)


def test_terminating_records_the_reason(client_owner, staffing, notices):
    _, seat, (ada, *_) = staffing
    engagement = fe.accepted(seat=seat, lawyer=ada, by=client_owner)
    ended = offers.engagement_terminate(engagement=engagement, by=client_owner, reason="Budget cut")
    assert ended.status == Engagement.Status.TERMINATED and ended.terminated_reason == "Budget cut"
    assert ended.history.first().history_change_reason == "Terminated: Budget cut"
    assert notices[-1]["kind"] == "engagement.terminated" and "Budget cut" in notices[-1]["body"]


def test_cancelling_a_matter_can_withdraw_its_pending_offers(client_owner, staffing, notices):
    from django.db import transaction

    matter, seat, (ada, bea, _) = staffing
    for_ada = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    offers.offer_decline(offer=for_ada, by=ada.user, reason="Busy")
    for_bea = fe.send_offer(seat=seat, lawyer=bea, by=client_owner)
    with transaction.atomic():
        assert offers.offers_withdraw_for_matter(matter=matter, by=client_owner, reason="Settled") == 1
    assert Offer.objects.get(pk=for_bea.pk).status == Offer.Status.WITHDRAWN
    assert Offer.objects.get(pk=for_ada.pk).status == Offer.Status.DECLINED
    assert notices[-1]["kind"] == "offer.withdrawn" and "Settled" in notices[-1]["body"]


def test_cancelling_the_matter_withdraws_its_pending_offers(client_owner, staffing, notices):
    from engagements import services

    matter, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    # when
    services.matter_cancel(matter=matter, by=client_owner, reason="Deal fell through")
    # then the lawyer can no longer accept it, and is told
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    assert any(n["recipients"] == [ada.user] for n in notices if n["kind"].startswith("offer."))
    with pytest.raises(ConflictError):
        offers.offer_accept(offer=offer, by=ada.user)
