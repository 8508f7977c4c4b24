"""Expiry and declines bring the next candidate forward: the client is told who is next, never auto-sent."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements import offers, tasks
from engagements.models import Offer
from marketplace.errors import ConflictError
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(monkeypatch):
    return fe.capture_notices(monkeypatch)


def _next_candidate_notices(notices):
    return [n for n in notices if n["kind"] == "offer.next_candidate"]


def _send_offer_url(seat, lawyer):
    return reverse("engagements:offer-create", args=[seat.matter_id, seat.pk]) + f"?lawyer={lawyer.pk}"


def test_the_job_expires_overdue_offers_once_and_names_the_next_candidate(client_owner, notices):
    # given the top candidate's offer is past its expiry, and the second's is not
    matter, _, (ada, bea, cy) = fe.posted_and_matched(client_owner)
    seat = fe.seats_of(matter)[0]
    overdue = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    current = fe.send_offer(seat=seat, lawyer=bea, by=client_owner)
    Offer.objects.filter(pk=overdue.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=5))
    # when the periodic job runs (twice: redelivery, or two beats)
    assert tasks.offers_expire.delay().get() == 1
    assert offers.offers_expire() == 0
    # then the overdue offer is expired, once, with its history, and the other is untouched
    overdue.refresh_from_db()
    assert overdue.status == Offer.Status.EXPIRED and overdue.closed_at is not None
    assert overdue.answered_at is None
    assert [h.history_change_reason for h in overdue.history.all()[:1]] == ["Expired"]
    assert Offer.objects.get(pk=current.pk).status == Offer.Status.PENDING
    # and the lawyer is told, and the client hears who is next (Cy: Bea already has an offer)
    assert [n["recipients"] for n in notices if n["kind"] == "offer.expired"] == [[ada.user]]
    (notice,) = _next_candidate_notices(notices)
    assert notice["recipients"] == [client_owner]
    assert "Cy Young" in notice["body"] and notice["url"] == _send_offer_url(seat, cy)
    # and nothing was sent on the client's behalf
    assert not Offer.objects.filter(lawyer=cy).exists()


def test_the_next_candidate_link_opens_a_prefilled_offer_form(client, client_owner, notices):
    matter, _, (ada, _bea, _) = fe.posted_and_matched(client_owner)
    seat = fe.seats_of(matter)[0]
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    offers.offer_decline(offer=offer, by=ada.user, reason="Conflict of interest")
    (notice,) = _next_candidate_notices(notices)
    assert "Conflict of interest" in notice["body"] and "Bea Brandt" in notice["body"]
    client.force_login(client_owner)
    page = client.get(notice["url"])
    assert page.status_code == 200
    assert b"Bea Brandt" in page.content and b'value="260.00"' in page.content


def test_a_decline_skips_candidates_who_already_had_an_offer(client_owner, notices):
    matter, _, (ada, bea, cy) = fe.posted_and_matched(client_owner)
    seat = fe.seats_of(matter)[0]
    to_bea = fe.send_offer(seat=seat, lawyer=bea, by=client_owner)
    offers.offer_decline(offer=to_bea, by=bea.user, reason="Too busy")
    to_ada = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    offers.offer_decline(offer=to_ada, by=ada.user, reason="On leave")
    assert _next_candidate_notices(notices)[-1]["url"] == _send_offer_url(seat, cy)


def test_when_everyone_had_an_offer_the_client_is_told_to_widen_the_search(client_owner, notices):
    matter, _, (ada,) = fe.posted_and_matched(client_owner, names=("Ada Lovelace",))
    offer = fe.send_offer(seat=fe.seats_of(matter)[0], lawyer=ada, by=client_owner)
    offers.offer_decline(offer=offer, by=ada.user, reason="Too busy")
    (notice,) = _next_candidate_notices(notices)
    assert "re-run matching" in notice["body"] and notice["url"] == f"/matters/{matter.pk}/"


def test_expiry_leaves_answered_offers_alone_and_a_late_acceptance_is_refused(client_owner, notices):
    matter, _, (ada, _bea, _) = fe.posted_and_matched(client_owner, confidential_details="")
    seat = fe.seats_of(matter)[0]
    accepted = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    offers.offer_accept(offer=accepted, by=ada.user)
    past = timezone.now() - dt.timedelta(minutes=1)
    Offer.objects.filter(pk=accepted.pk).update(expires_at=past)
    assert offers.offers_expire() == 0
    assert Offer.objects.get(pk=accepted.pk).status == Offer.Status.ACCEPTED
    # a filled seat brings no one forward
    assert not _next_candidate_notices(notices)


def test_an_offer_past_expiry_is_refused_even_before_the_job_runs(client_owner):
    matter, _, (ada, *_) = fe.posted_and_matched(client_owner, confidential_details="")
    offer = fe.send_offer(seat=fe.seats_of(matter)[0], lawyer=ada, by=client_owner)
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ConflictError, match="This offer expired on"):
        offers.offer_accept(offer=offer, by=ada.user)


def test_expiry_works_through_large_backlogs_in_batches(client_owner):
    matter, _, ranked = fe.posted_and_matched(client_owner, names=tuple(f"Lawyer {i}" for i in range(5)))
    seat = fe.seats_of(matter)[0]
    for lawyer in ranked:
        fe.send_offer(seat=seat, lawyer=lawyer, by=client_owner)
    Offer.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert offers.offers_expire(batch_size=2) == 5
    assert set(Offer.objects.values_list("status", flat=True)) == {"expired"}


def test_the_expiry_job_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["offers-expire"]
    assert entry["task"] == "engagements.tasks.offers_expire" and entry["schedule"] <= 15 * 60
