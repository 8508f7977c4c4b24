"""The matters API: create, read, edit, post, cancel; validation as 400s with reasons; tenancy as 404."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from engagements.models import Matter
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _list():
    return reverse("api:matter-list")


def _detail(matter, action=None):
    name = f"api:matter-{action}" if action else "api:matter-detail"
    return reverse(name, args=[matter.pk])


def _payload(**overrides):
    fe.exchange_rates()
    payload = {
        "title": "Privacy programme",
        "summary": "Records of processing and transfer assessments.",
        "confidential_details": "Client: Initech.",
        "practice_area": fe.practice_area().slug,
        "start_date": fe.START.isoformat(),
        "end_date": fe.END.isoformat(),
        "engagement_model": "team",
        "rate_cap": "400.00",
        "budget_total": "200000.00",
        "currency": "USD",
        "required_languages": ["en"],
        "counterparties": ["Initech Pte Ltd"],
        "seats": [
            {
                "label": "Lead",
                "jurisdiction": "SG",
                "practice_area": fe.practice_area().slug,
                "hours_per_week": "20",
            },
            {"jurisdiction": "SG", "practice_area": fe.practice_area().slug, "hours_per_week": "10"},
        ],
    }
    payload.update(overrides)
    return payload


def test_create_a_draft_and_read_it_back(api, client_owner):
    fe.jurisdiction("SG")
    api.force_authenticate(client_owner)
    response = api.post(_list(), _payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["organisation"] == "Acme Holdings"
    assert [s["label"] for s in body["seats"]] == ["Lead", ""]
    assert body["seats"][0]["jurisdiction"]["code"] == "SG"
    again = api.get(_detail(Matter.objects.get()))
    assert again.json() == body


def test_create_and_post_at_once(api, client_owner, django_capture_on_commit_callbacks):
    fe.network(3)
    api.force_authenticate(client_owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(_list(), _payload(post=True), format="json")
    assert response.status_code == 201 and response.json()["status"] == "open"
    matter = Matter.objects.get()
    latest = api.get(_detail(matter, "run-latest")).json()
    assert latest["latest_run"]["status"] == "done"
    assert len(latest["results"]["seats"]) == 2


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": "2030-01-01"}, "end_date", "The end date must be on or after the start date."),
        ({"currency": "XYZ"}, "currency", "XYZ is not an ISO 4217 currency code"),
        ({"required_languages": ["en", "qq"]}, "required_languages", "Not ISO 639-1 language codes: qq"),
        ({"seats": []}, "seats", "Add at least one seat"),
    ],
)
def test_invalid_input_is_a_400_with_the_reason(api, client_owner, overrides, field, message):
    api.force_authenticate(client_owner)
    response = api.post(_list(), _payload(**overrides), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field and message in body["detail"]
    assert not Matter.objects.exists()


def test_negative_hours_are_a_field_error(api, client_owner):
    api.force_authenticate(client_owner)
    payload = _payload()
    payload["seats"][1]["hours_per_week"] = "-2"
    response = api.post(_list(), payload, format="json")
    assert response.status_code == 400
    assert "Hours per week must be more than 0" in response.json()["detail"]


def test_unknown_jurisdiction_is_a_field_error(api, client_owner):
    api.force_authenticate(client_owner)
    payload = _payload()
    payload["seats"][0]["jurisdiction"] = "XX-YY"
    response = api.post(_list(), payload, format="json")
    assert response.status_code == 400
    assert response.json()["seats"]["0"]["jurisdiction"] == ["Object with code=XX-YY does not exist."]


def test_edit_post_and_cancel(api, client_owner, client_colleague):
    matter = fe.matter(by=client_owner)
    lead = fe.seats_of(matter)[0]
    api.force_authenticate(client_colleague)
    payload = _payload(title="Edited")
    payload["seats"] = [
        {
            "id": lead.pk,
            "label": "Lead",
            "jurisdiction": "SG",
            "practice_area": lead.practice_area.slug,
            "hours_per_week": "30",
        }
    ]
    edited = api.put(_detail(matter), payload, format="json")
    assert edited.status_code == 200, edited.json()
    assert edited.json()["title"] == "Edited" and [s["id"] for s in edited.json()["seats"]] == [lead.pk]

    posted = api.post(_detail(matter, "post"))
    assert posted.status_code == 200 and posted.json()["status"] == "open"
    twice = api.post(_detail(matter, "post"))
    assert twice.status_code == 409 and twice.json()["code"] == "not_draft"

    no_reason = api.post(_detail(matter, "cancel"), {"reason": ""}, format="json")
    assert no_reason.status_code == 400
    cancelled = api.post(_detail(matter, "cancel"), {"reason": "Settled"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "Settled"


def test_it_checks_ownership(api, client_owner, client_outsider, lawyer_user, staff_user):
    matter = fe.matter(by=client_owner)
    api.force_authenticate(client_outsider)
    assert api.get(_detail(matter)).status_code == 404
    assert api.put(_detail(matter), _payload(), format="json").status_code == 404
    assert api.post(_detail(matter, "post")).status_code == 404
    assert api.post(_detail(matter, "cancel"), {"reason": "x"}, format="json").status_code == 404
    assert api.get(_list()).json()["results"] == []

    api.force_authenticate(lawyer_user)
    assert api.get(_list()).status_code == 403
    assert api.get(_detail(matter)).status_code == 403
    assert api.post(_list(), _payload(), format="json").status_code == 403

    api.force_authenticate(staff_user)
    assert api.get(_detail(matter)).status_code == 200
    assert api.post(_detail(matter, "post")).status_code == 403
    assert api.post(_list(), _payload(), format="json").status_code == 403

    api.force_authenticate(None)
    assert api.get(_list()).status_code in {401, 403}
    matter.refresh_from_db()
    assert matter.status == Matter.Status.DRAFT


def test_list_query_count_does_not_grow(api, client_owner, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.force_authenticate(client_owner)
    fe.matter(by=client_owner)
    with CaptureQueriesContext(connection) as one:
        api.get(_list())
    for _ in range(4):
        fe.matter(by=client_owner, seats=[fe.seat_input() for _ in range(3)])
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = api.get(_list())
    assert response.json()["count"] == 5
