"""The delivery API: time entries (lawyers log, clients review), ratings, SLA figures. Tenancy as 404,
roles as 403, refusals as 4xx with a reason, Idempotency-Key on logging time."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from engagements.models import Engagement, IdempotencyKey, Rating, SlaBreach, TimeEntry
from notifications.models import Notification
from tests import factories_delivery as fd
from tests import factories_engagements as fe
from tests.test_sla_measurement import at, posted, shortlisted

pytestmark = pytest.mark.django_db

LIST = "/api/v1/time-entries/"


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    return APIClient()


@pytest.fixture
def engagement(client_owner):  # type: ignore[no-untyped-def]
    matter = fd.posted_matter(by=client_owner, budget_total=Decimal("1000"))
    return fd.engage(matter=matter, rate="100", hours_per_week="10")


def entry_body(engagement: Engagement, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "engagement": engagement.pk,
        "work_date": (fd.today() - dt.timedelta(days=1)).isoformat(),
        "hours": "2.50",
        "description": "Reviewed the processing records",
    }
    body.update(overrides)
    return body


def test_routes():
    assert reverse("api:time-entry-list") == LIST
    assert reverse("api:time-entry-approve", args=[1]) == "/api/v1/time-entries/1/approve/"
    assert reverse("api:time-entry-reject", args=[1]) == "/api/v1/time-entries/1/reject/"
    assert reverse("api:time-entry-check") == "/api/v1/time-entries/check/"
    assert reverse("api:rating-list") == "/api/v1/ratings/"
    assert reverse("api:sla") == "/api/v1/sla/"


# --- logging time --------------------------------------------------------------------------------


def test_the_lawyer_logs_time_and_sees_the_flags(api, engagement):
    api.force_authenticate(engagement.lawyer.user)
    response = api.post(LIST, entry_body(engagement), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["hours"], body["amount"]) == ("submitted", "2.50", "250.00")
    assert body["engagement"]["id"] == engagement.pk and body["engagement"]["currency"] == "USD"
    outlook = body["outlook"]
    assert outlook["committed_before"] == "0.00" and outlook["committed_after"] == "250.00"
    assert outlook["budget"] == "1000.00" and outlook["over_budget"] is False
    assert outlook["week_hours_after"] == "2.50" and outlook["warnings"] == []
    assert api.get(f"{LIST}{body['id']}/").json()["outlook"] is None


def test_going_over_the_weeks_hours_is_logged_with_a_warning(api, client_owner):
    engagement = fd.engage(matter=fd.posted_matter(by=client_owner, budget_total=None), hours_per_week="10")
    fd.entry(engagement, hours="9", days_ago=0)
    api.force_authenticate(engagement.lawyer.user)
    response = api.post(
        LIST, entry_body(engagement, work_date=fd.today().isoformat(), hours="2"), format="json"
    )
    assert response.status_code == 201
    assert response.json()["outlook"]["over_weekly_hours"] is True
    assert "over the engagement's 10 h a week" in response.json()["outlook"]["warnings"][0]


def test_going_over_budget_is_a_409_until_confirmed(api, engagement):
    fd.entry(engagement, hours="9", days_ago=3)
    api.force_authenticate(engagement.lawyer.user)
    response = api.post(LIST, entry_body(engagement, hours="2"), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "over_budget" and response.json()["field"] == "confirm_over_budget"
    assert TimeEntry.objects.count() == 1
    confirmed = api.post(LIST, entry_body(engagement, hours="2", confirm_over_budget=True), format="json")
    assert confirmed.status_code == 201 and confirmed.json()["outlook"]["over_budget"] is True


def test_check_answers_the_flags_without_logging(api, engagement):
    fd.entry(engagement, hours="9", days_ago=0)
    api.force_authenticate(engagement.lawyer.user)
    body = {"engagement": engagement.pk, "work_date": fd.today().isoformat(), "hours": "2"}
    response = api.post(reverse("api:time-entry-check"), body, format="json")
    assert response.status_code == 200
    assert response.json()["over_budget"] is True and response.json()["over_weekly_hours"] is True
    assert len(response.json()["warnings"]) == 2
    assert TimeEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"hours": "0"}, "hours"), ({"hours": "25"}, "hours"), ({"description": ""}, "description")],
)
def test_bad_input_is_a_400_naming_the_field(api, engagement, overrides, field):
    api.force_authenticate(engagement.lawyer.user)
    response = api.post(LIST, entry_body(engagement, **overrides), format="json")
    assert response.status_code == 400 and field in response.json()
    assert not TimeEntry.objects.exists()


def test_a_future_day_is_a_400_from_the_service(api, engagement):
    api.force_authenticate(engagement.lawyer.user)
    tomorrow = (fd.today() + dt.timedelta(days=1)).isoformat()
    response = api.post(LIST, entry_body(engagement, work_date=tomorrow), format="json")
    assert response.status_code == 400 and response.json()["field"] == "work_date"


def test_idempotency_key_answers_a_repeat_with_the_first_result(api, engagement):
    api.force_authenticate(engagement.lawyer.user)
    headers = {"Idempotency-Key": "entry-7f3a"}
    first = api.post(LIST, entry_body(engagement), format="json", headers=headers)
    again = api.post(LIST, entry_body(engagement), format="json", headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert TimeEntry.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    # the same key with a different body is refused, a new key logs again
    other = api.post(LIST, entry_body(engagement, hours="1"), format="json", headers=headers)
    assert other.status_code == 422
    api.post(LIST, entry_body(engagement), format="json", headers={"Idempotency-Key": "entry-8b1c"})
    assert TimeEntry.objects.count() == 2


def test_a_refused_entry_is_not_remembered_under_its_key(api, engagement):
    fd.entry(engagement, hours="10", days_ago=3)
    api.force_authenticate(engagement.lawyer.user)
    headers = {"Idempotency-Key": "over-budget-1"}
    assert api.post(LIST, entry_body(engagement), format="json", headers=headers).status_code == 409
    confirmed = entry_body(engagement, confirm_over_budget=True)
    assert (
        api.post(LIST, confirmed, format="json", headers={"Idempotency-Key": "over-budget-2"}).status_code
        == 201
    )
    assert not IdempotencyKey.objects.filter(key="over-budget-1").exists()


# --- ownership -----------------------------------------------------------------------------------


def test_another_lawyers_engagement_and_entries_are_404(api, engagement):
    entry = fd.entry(engagement)
    other = fe.network_lawyer("Other Lawyer").user
    api.force_authenticate(other)
    assert api.post(LIST, entry_body(engagement), format="json").status_code == 404
    assert api.get(f"{LIST}{entry.pk}/").status_code == 404
    assert api.get(LIST).json()["results"] == []
    check = {"engagement": engagement.pk, "work_date": fd.today().isoformat(), "hours": "1"}
    assert api.post(reverse("api:time-entry-check"), check, format="json").status_code == 404
    assert not TimeEntry.objects.exclude(pk=entry.pk).exists()


def test_another_organisations_entries_are_404(api, engagement, client_outsider):
    entry = fd.entry(engagement)
    api.force_authenticate(client_outsider)
    assert api.get(f"{LIST}{entry.pk}/").status_code == 404
    assert api.post(reverse("api:time-entry-approve", args=[entry.pk])).status_code == 404
    assert api.post(reverse("api:time-entry-reject", args=[entry.pk]), {"reason": "x"}).status_code == 404
    assert api.get(LIST).json()["results"] == []
    entry.refresh_from_db()
    assert entry.status == TimeEntry.Status.SUBMITTED


def test_clients_cannot_log_time(api, engagement, client_owner, staff_user):
    for user in (client_owner, staff_user):
        api.force_authenticate(user)
        assert api.post(LIST, entry_body(engagement), format="json").status_code == 403
    assert not TimeEntry.objects.exists()


def test_the_client_lists_its_entries_filtered(api, engagement, client_colleague, client_owner):
    other = fd.engage(matter=fd.posted_matter(by=client_owner))
    submitted = fd.entry(engagement)
    fd.entry(engagement, status=TimeEntry.Status.APPROVED, days_ago=2)
    fd.entry(other)
    api.force_authenticate(client_colleague)
    assert api.get(LIST).json()["count"] == 3
    filtered = api.get(LIST, {"engagement": engagement.pk, "status": "submitted"}).json()
    assert [e["id"] for e in filtered["results"]] == [submitted.pk]


def test_the_lawyer_lists_only_their_own(api, engagement, client_owner):
    mine = fd.entry(engagement)
    fd.entry(fd.engage(matter=fd.posted_matter(by=client_owner)))
    api.force_authenticate(engagement.lawyer.user)
    assert [e["id"] for e in api.get(LIST).json()["results"]] == [mine.pk]


def test_list_query_count_does_not_grow(api, engagement, django_assert_max_num_queries):
    fd.entry(engagement)
    api.force_authenticate(engagement.lawyer.user)
    with django_assert_max_num_queries(6) as baseline:
        api.get(LIST)
    for days_ago in range(2, 12):
        fd.entry(engagement, hours="1", days_ago=days_ago)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        assert api.get(LIST).json()["count"] == 11


# --- approve and reject --------------------------------------------------------------------------


def test_the_client_approves_and_rejects(api, engagement, client_colleague):
    first, second = fd.entry(engagement), fd.entry(engagement, days_ago=2)
    api.force_authenticate(client_colleague)
    approved = api.post(reverse("api:time-entry-approve", args=[first.pk]))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["reviewed_by"] == client_colleague.full_name
    missing = api.post(reverse("api:time-entry-reject", args=[second.pk]), {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    rejected = api.post(
        reverse("api:time-entry-reject", args=[second.pk]), {"reason": "Duplicate"}, format="json"
    )
    assert rejected.json()["status"] == "rejected" and rejected.json()["rejection_reason"] == "Duplicate"
    again = api.post(reverse("api:time-entry-approve", args=[first.pk]))
    assert again.status_code == 409 and "Only a submitted entry" in again.json()["detail"]
    kinds = set(Notification.objects.filter(recipient=engagement.lawyer.user).values_list("kind", flat=True))
    assert kinds == {"time_entry.approved", "time_entry.rejected"}


def test_the_lawyer_cannot_approve_their_own_time(api, engagement, staff_user):
    entry = fd.entry(engagement)
    for user in (engagement.lawyer.user, staff_user):
        api.force_authenticate(user)
        assert api.post(reverse("api:time-entry-approve", args=[entry.pk])).status_code == 403
    entry.refresh_from_db()
    assert entry.status == TimeEntry.Status.SUBMITTED


# --- ratings -------------------------------------------------------------------------------------


@pytest.fixture
def completed(client_owner):  # type: ignore[no-untyped-def]
    return fd.engage(matter=fd.posted_matter(by=client_owner), status=Engagement.Status.COMPLETED)


def test_a_client_rates_a_completed_engagement_once(api, completed, client_colleague):
    api.force_authenticate(client_colleague)
    url = reverse("api:rating-list")
    response = api.post(url, {"engagement": completed.pk, "score": 5, "comment": "Superb"}, format="json")
    assert response.status_code == 201 and response.json()["score"] == 5
    assert response.json()["engagement"]["lawyer"] == completed.lawyer.user.full_name
    again = api.post(url, {"engagement": completed.pk, "score": 1}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_rated"
    assert [r["id"] for r in api.get(url).json()["results"]] == [response.json()["id"]]


def test_rating_refusals(api, engagement, completed, client_owner, client_outsider):
    url = reverse("api:rating-list")
    api.force_authenticate(client_owner)
    active = api.post(url, {"engagement": engagement.pk, "score": 4}, format="json")
    assert active.status_code == 409 and active.json()["code"] == "engagement_not_completed"
    assert api.post(url, {"engagement": completed.pk, "score": 6}, format="json").status_code == 400
    api.force_authenticate(client_outsider)
    assert api.post(url, {"engagement": completed.pk, "score": 4}, format="json").status_code == 404
    api.force_authenticate(completed.lawyer.user)
    assert api.post(url, {"engagement": completed.pk, "score": 5}, format="json").status_code == 403
    assert not Rating.objects.exists()


def test_ratings_are_listed_to_their_organisation_and_lawyer_only(
    api, completed, client_owner, client_outsider
):
    rating = Rating.objects.create(engagement=completed, score=4, rated_by=client_owner)
    url = reverse("api:rating-list")
    for user, expected in (
        (client_owner, [rating.pk]),
        (completed.lawyer.user, [rating.pk]),
        (client_outsider, []),
    ):
        api.force_authenticate(user)
        assert [r["id"] for r in api.get(url).json()["results"]] == expected
    api.force_authenticate(client_outsider)
    assert api.get(f"{url}{rating.pk}/").status_code == 404


# --- SLAs ----------------------------------------------------------------------------------------


def test_sla_for_a_client_is_its_organisations(api, client_owner, client_outsider):
    mine = posted(client_owner)
    shortlisted(mine, 30)
    theirs = posted(client_outsider)
    SlaBreach.objects.create(
        kind="shortlist",
        matter=mine,
        organisation_id=mine.organisation_id,
        target_hours=24,
        measured_hours=30,
    )
    SlaBreach.objects.create(
        kind="shortlist",
        matter=theirs,
        organisation_id=theirs.organisation_id,
        target_hours=24,
        measured_hours=99,
    )
    api.force_authenticate(client_owner)
    with time_machine.travel(at(40), tick=False):
        body = api.get(reverse("api:sla")).json()
    assert body["scope"] == "organisation" and body["organisation"] == "Acme Holdings"
    assert body["targets"] == {
        "hours_to_shortlist": 24,
        "hours_to_staff": 120,
        "hours_to_answer_offer": 48,
        "source": "settings",
    }
    shortlist = next(f for f in body["figures"] if f["promise"] == "shortlist")
    assert (shortlist["counted"], shortlist["within"], shortlist["percent"]) == (1, 0, "0.0")
    assert [b["matter_id"] for b in body["breaches"]] == [mine.pk]


def test_sla_for_staff_is_the_networks(api, client_owner, client_outsider, staff_user):
    for owner in (client_owner, client_outsider):
        matter = posted(owner)
        SlaBreach.objects.create(
            kind="staff",
            matter=matter,
            organisation_id=matter.organisation_id,
            target_hours=120,
            measured_hours=130,
        )
    api.force_authenticate(staff_user)
    body = api.get(reverse("api:sla")).json()
    assert body["scope"] == "network" and body["organisation"] is None and len(body["breaches"]) == 2


def test_sla_is_not_for_lawyers_or_anonymous(api, lawyer_user):
    assert api.get(reverse("api:sla")).status_code == 403
    api.force_authenticate(lawyer_user)
    assert api.get(reverse("api:sla")).status_code == 403


def test_roles_are_checked_before_the_input(api, engagement, client_owner):
    entry = fd.entry(engagement)
    api.force_authenticate(engagement.lawyer.user)
    assert api.post(reverse("api:time-entry-reject", args=[entry.pk]), {}, format="json").status_code == 403
    api.force_authenticate(client_owner)
    assert api.post(LIST, {}, format="json").status_code == 403
    check = {"engagement": engagement.pk, "work_date": fd.today().isoformat(), "hours": "1"}
    assert api.post(reverse("api:time-entry-check"), check, format="json").status_code == 403
