"""The offers and engagements API: lawyers answer their own offers, clients send and list theirs;
tenancy as 404; refusals as 4xx with a reason; Idempotency-Key on acceptance."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from engagements.models import Engagement, IdempotencyKey, Offer
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db

CONFIDENTIAL = "Target: Initech Pte Ltd."


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staffing(client_owner):
    matter, _run, ranked = fe.posted_and_matched(client_owner)
    return matter, fe.seats_of(matter)[0], ranked


def _offer(action, offer):
    return reverse(f"api:offer-{action}", args=[offer.pk])


# --- clients --------------------------------------------------------------------------------------


def test_a_client_sends_an_offer_with_default_terms(api, client_owner, staffing):
    matter, seat, (ada, *_) = staffing
    api.force_authenticate(client_owner)
    response = api.post(
        reverse("api:matter-offers", args=[matter.pk]), {"seat": seat.pk, "lawyer": ada.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending" and body["hourly_rate"] == "250.00" and body["currency"] == "USD"
    assert body["lawyer"]["name"] == "Ada Lovelace" and body["seat_id"] == seat.pk
    assert body["start_date"] == fe.START.isoformat() and body["nda_required"] is True
    listed = api.get(reverse("api:matter-offers", args=[matter.pk])).json()
    assert listed["count"] == 1
    assert [o["id"] for o in listed["results"]] == [body["id"]]


def test_a_refused_offer_is_a_400_naming_the_field(api, client_owner, staffing):
    matter, seat, (ada, *_) = staffing
    api.force_authenticate(client_owner)
    url = reverse("api:matter-offers", args=[matter.pk])
    response = api.post(url, {"seat": seat.pk, "lawyer": ada.pk, "hourly_rate": "401"}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "hourly_rate" and "cap of USD 400" in response.json()["detail"]
    api.post(url, {"seat": seat.pk, "lawyer": ada.pk}, format="json")
    again = api.post(url, {"seat": seat.pk, "lawyer": ada.pk}, format="json")
    assert again.status_code == 409 and "already has a pending offer" in again.json()["detail"]


def test_offering_the_proposed_team(api, client_owner, staffing):
    matter, *_ = staffing
    api.force_authenticate(client_owner)
    response = api.post(reverse("api:matter-offers-team", args=[matter.pk]), {}, format="json")
    assert response.status_code == 201 and len(response.json()) == 1
    again = api.post(reverse("api:matter-offers-team", args=[matter.pk]), {}, format="json")
    assert again.status_code == 409


def test_another_organisation_can_neither_send_nor_see_offers(api, client_owner, client_outsider, staffing):
    matter, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    api.force_authenticate(client_outsider)
    url = reverse("api:matter-offers", args=[matter.pk])
    assert api.get(url).status_code == 404
    assert api.post(url, {"seat": seat.pk, "lawyer": ada.pk}, format="json").status_code == 404
    withdraw = reverse("api:matter-offer-withdraw", args=[matter.pk, offer.pk])
    assert api.post(withdraw).status_code == 404
    assert Offer.objects.count() == 1


def test_staff_see_a_matters_offers_but_cannot_send(api, client_owner, staff_user, staffing):
    matter, seat, (ada, *_) = staffing
    fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    api.force_authenticate(staff_user)
    url = reverse("api:matter-offers", args=[matter.pk])
    assert api.get(url).json()["count"] == 1
    assert api.post(url, {"seat": seat.pk, "lawyer": ada.pk}, format="json").status_code == 403


def test_a_client_withdraws_a_pending_offer(api, client_owner, staffing):
    matter, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    api.force_authenticate(client_owner)
    url = reverse("api:matter-offer-withdraw", args=[matter.pk, offer.pk])
    assert api.post(url).json()["status"] == "withdrawn"
    assert api.post(url).status_code == 409


# --- lawyers --------------------------------------------------------------------------------------


def test_a_lawyer_lists_only_their_own_offers(api, client_owner, staffing):
    _, seat, (ada, bea, _) = staffing
    mine = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    theirs = fe.send_offer(seat=seat, lawyer=bea, by=client_owner, hourly_rate=Decimal("333.33"))
    api.force_authenticate(ada.user)
    response = api.get(reverse("api:offer-list"))
    assert [o["id"] for o in response.json()["results"]] == [mine.pk]
    text = response.content.decode()
    assert "Bea Brandt" not in text and "333.33" not in text and CONFIDENTIAL not in text
    assert api.get(reverse("api:offer-detail", args=[theirs.pk])).status_code == 404
    for action in ("accept-nda", "accept", "decline"):
        assert api.post(_offer(action, theirs), {"reason": "x"}, format="json").status_code == 404
    assert Offer.objects.get(pk=theirs.pk).status == "pending"


def test_clients_do_not_use_the_lawyers_offer_endpoints(api, client_owner, staffing):
    _, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    api.force_authenticate(client_owner)
    assert api.get(reverse("api:offer-list")).status_code == 403
    assert api.post(_offer("accept", offer)).status_code == 403


def test_confidential_details_only_after_the_nda(api, client_owner, staffing):
    matter, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    api.force_authenticate(ada.user)
    before = api.get(reverse("api:offer-detail", args=[offer.pk])).json()
    assert before["matter"]["summary"] == matter.summary
    assert before["matter"]["confidential_details"] is None and before["matter"]["client"] is None
    refused = api.post(_offer("accept", offer))
    assert refused.status_code == 400 and refused.json()["code"] == "nda_required"
    after = api.post(_offer("accept-nda", offer)).json()
    assert after["nda_accepted_at"] is not None
    assert after["matter"]["confidential_details"] == CONFIDENTIAL
    assert after["matter"]["client"] == "Acme Holdings"


def test_accept_then_decline_is_a_409_with_the_reason(api, client_owner, staffing):
    matter, seat, (ada, bea, _) = staffing
    for_ada = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    for_bea = fe.send_offer(seat=seat, lawyer=bea, by=client_owner)
    api.force_authenticate(ada.user)
    api.post(_offer("accept-nda", for_ada))
    accepted = api.post(_offer("accept", for_ada))
    assert accepted.status_code == 201
    assert accepted.json()["status"] == "active" and accepted.json()["matter"]["id"] == matter.pk
    assert api.post(_offer("decline", for_ada), {"reason": "Changed my mind"}).status_code == 409
    api.force_authenticate(bea.user)
    late = api.post(_offer("decline", for_bea), {"reason": "Too late"})
    assert (
        late.status_code == 409
        and late.json()["detail"] == "This seat has just been filled by another lawyer."
    )
    assert api.get(reverse("api:offer-detail", args=[for_bea.pk])).json()["status"] == "withdrawn"


def test_declining_needs_a_reason(api, client_owner, staffing):
    _, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    api.force_authenticate(ada.user)
    assert api.post(_offer("decline", offer), {"reason": ""}, format="json").status_code == 400
    declined = api.post(_offer("decline", offer), {"reason": "On leave"}, format="json")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert declined.json()["decline_reason"] == "On leave"


def test_the_list_query_count_does_not_grow(api, client_owner, django_assert_max_num_queries):
    matter, _, (ada,) = fe.posted_and_matched(client_owner, names=("Ada Lovelace",))
    fe.send_offer(seat=fe.seats_of(matter)[0], lawyer=ada, by=client_owner)
    api.force_authenticate(ada.user)
    with django_assert_max_num_queries(20) as one:
        api.get(reverse("api:offer-list"))
    for _ in range(3):
        other = fe.matter(by=client_owner, post=True, seats=[fe.seat_input()])
        fe.run_matching(other)
        fe.send_offer(seat=fe.seats_of(other)[0], lawyer=ada, by=client_owner)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api.get(reverse("api:offer-list")).json()["results"]) == 4


# --- idempotency ------------------------------------------------------------------------------------


def test_a_repeated_acceptance_answers_the_same_and_engages_once(api, client_owner, staffing):
    _, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    api.force_authenticate(ada.user)
    api.post(_offer("accept-nda", offer))
    first = api.post(_offer("accept", offer), HTTP_IDEMPOTENCY_KEY="accept-7f3a")
    second = api.post(_offer("accept", offer), HTTP_IDEMPOTENCY_KEY="accept-7f3a")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second["Idempotent-Replayed"] == "true"
    assert Engagement.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    # without the key a repeat is simply refused
    assert api.post(_offer("accept", offer)).status_code == 409


def test_a_reused_key_with_a_different_body_is_a_422(api, client_owner, staffing):
    _, seat, (ada, _bea, _) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    api.force_authenticate(ada.user)
    api.post(_offer("accept-nda", offer))
    api.post(_offer("accept", offer), {"note": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    reused = api.post(_offer("accept", offer), {"note": "b"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"


def test_a_refusal_is_not_remembered_so_a_fixed_request_can_retry(api, client_owner, staffing):
    _, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    api.force_authenticate(ada.user)
    refused = api.post(_offer("accept", offer), HTTP_IDEMPOTENCY_KEY="k2")
    assert refused.status_code == 400 and not IdempotencyKey.objects.exists()
    api.post(_offer("accept-nda", offer))
    assert api.post(_offer("accept", offer), HTTP_IDEMPOTENCY_KEY="k2").status_code == 201


def test_keys_are_per_user(api, client_owner):
    seats = [fe.seat_input(label="Lead", hours="10"), fe.seat_input(label="Second", hours="10")]
    matter, _, (ada, bea, _) = fe.posted_and_matched(client_owner, seats=seats, confidential_details="")
    lead, second = fe.seats_of(matter)
    for_ada = fe.send_offer(seat=lead, lawyer=ada, by=client_owner)
    for_bea = fe.send_offer(seat=second, lawyer=bea, by=client_owner)
    for lawyer, offer in ((ada, for_ada), (bea, for_bea)):
        api.force_authenticate(lawyer.user)
        assert api.post(_offer("accept", offer), HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert Engagement.objects.count() == 2


# --- engagements ------------------------------------------------------------------------------------


def test_engagements_are_scoped_to_the_lawyer_and_the_organisation(
    api, client_owner, client_outsider, staffing
):
    _, seat, (ada, bea, _) = staffing
    engagement = fe.accepted(seat=seat, lawyer=ada, by=client_owner)
    detail = reverse("api:engagement-detail", args=[engagement.pk])
    api.force_authenticate(ada.user)
    assert [e["id"] for e in api.get(reverse("api:engagement-list")).json()["results"]] == [engagement.pk]
    api.force_authenticate(client_owner)
    assert api.get(detail).json()["lawyer"]["name"] == "Ada Lovelace"
    for outsider in (bea.user, client_outsider):
        api.force_authenticate(outsider)
        assert api.get(reverse("api:engagement-list")).json()["results"] == []
        assert api.get(detail).status_code == 404
        assert api.post(reverse("api:engagement-complete", args=[engagement.pk])).status_code == 404


def test_clients_complete_or_terminate_and_lawyers_cannot(api, client_owner, staffing):
    _, seat, (ada, *_) = staffing
    engagement = fe.accepted(seat=seat, lawyer=ada, by=client_owner)
    api.force_authenticate(ada.user)
    assert api.post(reverse("api:engagement-complete", args=[engagement.pk])).status_code == 403
    api.force_authenticate(client_owner)
    terminate = reverse("api:engagement-terminate", args=[engagement.pk])
    assert api.post(terminate, {"reason": ""}, format="json").status_code == 400
    ended = api.post(terminate, {"reason": "Budget cut"}, format="json")
    assert ended.status_code == 200 and ended.json()["status"] == "terminated"
    again = api.post(reverse("api:engagement-complete", args=[engagement.pk]))
    assert again.status_code == 409 and "this one is terminated" in again.json()["detail"]


def test_an_expired_offer_is_a_409(api, client_owner, staffing):
    _, seat, (ada, *_) = staffing
    offer = fe.send_offer(seat=seat, lawyer=ada, by=client_owner)
    api.force_authenticate(ada.user)
    api.post(_offer("accept-nda", offer))
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    refused = api.post(_offer("accept", offer))
    assert refused.status_code == 409 and refused.json()["detail"].startswith("This offer expired on")


def test_offers_go_only_to_lawyers_matching_put_forward(api, client_owner, staffing):
    matter, seat, _ = staffing
    elsewhere = fe.network_lawyer("Not Shortlisted", code="DE")
    api.force_authenticate(client_owner)
    response = api.post(
        reverse("api:matter-offers", args=[matter.pk]),
        {"seat": seat.pk, "lawyer": elsewhere.pk},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "not_shortlisted"
    assert not Offer.objects.exists()
