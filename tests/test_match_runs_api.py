"""The matching API: latest run state, shortlists with factors, funnel, team; re-run; tenancy."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from engagements.models import MatchRun
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _latest(matter):
    return reverse("api:matter-run-latest", args=[matter.pk])


def _rerun(matter):
    return reverse("api:matter-rerun", args=[matter.pk])


def test_latest_run_while_queued_has_no_results_yet(api, client_owner):
    matter = fe.matter(by=client_owner, post=True)
    api.force_authenticate(client_owner)
    body = api.get(_latest(matter)).json()
    assert body["latest_run"]["status"] == "queued" and body["results"] is None


def test_shortlists_with_factors_funnel_and_team(api, client_owner):
    ada = fe.network_lawyer("Ada Privacy", rate="250", years=12, proficiency=4, seniority=15)
    fe.network(3)
    matter = fe.matter(by=client_owner, post=True, seats=[fe.seat_input(label="Lead")], budget_total=None)
    run = fe.run_matching(matter)
    api.force_authenticate(client_owner)
    body = api.get(_latest(matter)).json()
    assert body["latest_run"]["id"] == run.pk and body["latest_run"]["status"] == "done"
    results = body["results"]
    assert results["run_id"] == run.pk and results["currency"] == "USD"
    seat = results["seats"][0]
    assert seat["label"] == "Lead" and seat["funnel"]["eligible"] == 4
    first = seat["shortlist"][0]
    assert first["rank"] == 1 and first["lawyer"] == {
        "id": ada.pk,
        "name": "Ada Privacy",
        "headline": ada.headline,
    }
    assert "email" not in str(first)
    assert sum(Decimal(f["points"]) for f in first["factors"]) == Decimal(first["score"])
    assert {"name", "label", "weight", "value", "points", "explanation"} <= set(first["factors"][0])
    assert results["team"]["status"] == "optimal"
    assert results["team_members"][0]["lawyer"]["id"] == ada.pk


def test_empty_seat_and_infeasible_team_are_explained(api, client_owner):
    fe.network(2)
    matter = fe.matter(by=client_owner, post=True, rate_cap=Decimal("100"), seats=[fe.seat_input()])
    fe.run_matching(matter)
    api.force_authenticate(client_owner)
    results = api.get(_latest(matter)).json()["results"]
    assert results["seats"][0]["shortlist"] == []
    assert results["seats"][0]["funnel"]["empty_reason"] == "within the $100/h rate cap"
    assert (
        results["team"]["status"] == "infeasible" and results["team"]["binding_constraint"] == "no_candidate"
    )


def test_rerun_is_accepted_and_idempotent_while_pending(api, client_owner):
    matter = fe.matter(by=client_owner, post=True)
    api.force_authenticate(client_owner)
    first = api.post(_rerun(matter))
    second = api.post(_rerun(matter))
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"] == MatchRun.objects.get(matter=matter).pk


def test_rerun_of_a_draft_is_a_conflict(api, client_owner):
    matter = fe.matter(by=client_owner)
    api.force_authenticate(client_owner)
    response = api.post(_rerun(matter))
    assert response.status_code == 409 and "Only an open matter is matched" in response.json()["detail"]


def test_it_checks_ownership(api, client_owner, client_outsider, lawyer_user, staff_user):
    fe.network(2)
    matter = fe.matter(by=client_owner, post=True)
    fe.run_matching(matter)
    api.force_authenticate(client_outsider)
    assert api.get(_latest(matter)).status_code == 404
    assert api.post(_rerun(matter)).status_code == 404
    api.force_authenticate(lawyer_user)
    assert api.get(_latest(matter)).status_code == 403
    assert api.post(_rerun(matter)).status_code == 403
    api.force_authenticate(staff_user)
    assert api.get(_latest(matter)).status_code == 200
    assert MatchRun.objects.filter(matter=matter).count() == 1


def test_latest_query_count_does_not_grow_with_candidates(api, client_owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.force_authenticate(client_owner)

    def queries(size, seats, code):
        fe.network(size, code=code)
        matter = fe.matter(
            by=client_owner, post=True, budget_total=None, seats=[fe.seat_input(code=code)] * seats
        )
        fe.run_matching(matter)
        with CaptureQueriesContext(connection) as captured:
            assert api.get(_latest(matter)).status_code == 200
        return len(captured.captured_queries)

    assert queries(2, 1, "SG") == queries(20, 3, "DE")
