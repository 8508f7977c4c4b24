"""Staff see offers, engagements (with their history), ratings, SLA targets and breaches and
idempotency keys in admin; records of what happened are read-only."""

import pytest
from django.urls import reverse

from engagements.models import IdempotencyKey, Rating, SlaBreach, SlaTarget
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed(client_owner):
    matter, _, (ada, bea, _) = fe.posted_and_matched(client_owner, confidential_details="")
    seat = fe.seats_of(matter)[0]
    pending = fe.send_offer(seat=seat, lawyer=bea, by=client_owner)
    engagement = fe.accepted(seat=seat, lawyer=ada, by=client_owner)
    Rating.objects.create(engagement=engagement, score=5, rated_by=client_owner)
    SlaTarget.objects.create(hours_to_shortlist=24, hours_to_staff=120, hours_to_answer_offer=48)
    SlaBreach.objects.create(
        kind="answer",
        offer=pending,
        organisation=matter.organisation,
        target_hours=48,
        measured_hours="50.5",
    )
    IdempotencyKey.objects.create(
        user=ada.user, key="k", method="POST", path="/x/", fingerprint="0" * 64, response_status=201
    )
    return matter, engagement, pending


@pytest.mark.parametrize(
    "model", ["offer", "engagement", "rating", "slatarget", "slabreach", "idempotencykey"]
)
def test_staff_browse_every_staffing_record(client, staff_user, staffed, model):
    client.force_login(staff_user)
    response = client.get(reverse(f"admin:engagements_{model}_changelist"))
    assert response.status_code == 200


def test_an_engagements_history_shows_who_started_it(client, staff_user, staffed):
    _, engagement, pending = staffed
    client.force_login(staff_user)
    history = client.get(reverse("admin:engagements_engagement_history", args=[engagement.pk]))
    assert history.status_code == 200 and b"Offer accepted" in history.content
    offer_history = client.get(reverse("admin:engagements_offer_history", args=[pending.pk]))
    assert b"Withdrawn: the seat was filled" in offer_history.content


def test_records_are_read_only(client, staff_user, staffed):
    _, engagement, pending = staffed
    client.force_login(staff_user)
    assert client.get(reverse("admin:engagements_offer_add")).status_code == 403
    change = client.post(reverse("admin:engagements_engagement_change", args=[engagement.pk]), {})
    assert change.status_code == 403
    assert (
        client.post(reverse("admin:engagements_offer_delete", args=[pending.pk]), {"post": "yes"}).status_code
        == 403
    )


def test_staff_edit_sla_targets(client, staff_user, staffed):
    target = SlaTarget.objects.get()
    client.force_login(staff_user)
    assert client.get(reverse("admin:engagements_slatarget_change", args=[target.pk])).status_code == 200


def test_clients_and_lawyers_have_no_admin(client, client_owner, lawyer_user):
    for visitor in (client_owner, lawyer_user):
        client.force_login(visitor)
        response = client.get(reverse("admin:engagements_offer_changelist"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
