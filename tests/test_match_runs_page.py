"""The matter page's matching section: run state, shortlists with reasons, funnel, team, re-run."""

from decimal import Decimal

import pytest
from django.urls import reverse

from engagements.models import MatchRun
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


def _detail(matter):
    return reverse("engagements:matter-detail", args=[matter.pk])


def _fragment(matter):
    return reverse("engagements:matter-matching", args=[matter.pk])


def _rerun(matter):
    return reverse("engagements:matter-rerun", args=[matter.pk])


def test_a_queued_run_polls_until_it_is_done(client, client_owner):
    fe.network(3)
    matter = fe.matter(by=client_owner, post=True)
    client.force_login(client_owner)
    # while queued the section asks for itself every 2 seconds
    page = client.get(_detail(matter)).content.decode()
    assert 'data-state="queued"' in page and 'hx-trigger="every 2s"' in page
    assert _fragment(matter) in page
    # once done the fragment no longer polls and shows the results
    fe.run_matching(matter)
    fragment = client.get(_fragment(matter), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-state="done"' in fragment and "every 2s" not in fragment
    assert "<html" not in fragment
    assert "Proposed team" in fragment and "Why this lawyer" in fragment


def test_shortlist_shows_why_this_lawyer_and_converted_rates_without_contact_details(client, client_owner):
    lawyer = fe.network_lawyer("Ada Privacy", rate="300", currency="EUR", headline="GDPR counsel, SG and EU")
    matter = fe.matter(
        by=client_owner,
        post=True,
        currency="GBP",
        rate_cap=Decimal("300"),
        seats=[fe.seat_input(label="Lead")],
    )
    fe.run_matching(matter)
    client.force_login(client_owner)
    page = client.get(_detail(matter)).content.decode()
    assert "Ada Privacy" in page and "GDPR counsel, SG and EU" in page
    assert "GBP 255.12/h" in page  # EUR 300 = USD 324 = GBP 255.12
    assert "Practice-area depth" in page and "25%" in page
    assert lawyer.user.email not in page
    assert "In the proposed team" in page


def test_an_empty_seat_shows_the_funnel_and_the_binding_constraint(client, client_owner):
    fe.network(3)
    fe.network_lawyer("Admitted elsewhere", code="DE")
    matter = fe.matter(
        by=client_owner, post=True, rate_cap=Decimal("150"), seats=[fe.seat_input(label="Lead")]
    )
    fe.run_matching(matter)
    client.force_login(client_owner)
    page = client.get(_detail(matter)).content.decode()
    assert "4 vetted &amp; active → 3 admitted in SG → 0 within the $150/h rate cap" in page
    assert "No eligible lawyer for this seat" in page
    assert "No team is possible" in page and "no eligible candidate" in page


def test_failed_run_shows_its_error(client, client_owner):
    matter = fe.matter(by=client_owner, post=True)
    run = MatchRun.objects.get(matter=matter)
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.FAILED, error="No exchange rate for XXX."
    )
    client.force_login(client_owner)
    page = client.get(_detail(matter)).content.decode()
    assert 'data-state="failed"' in page and "No exchange rate for XXX." in page


def test_rerun_button_queues_a_new_run(client, client_owner, django_capture_on_commit_callbacks):
    fe.network(2)
    matter = fe.matter(by=client_owner, post=True)
    fe.run_matching(matter)
    client.force_login(client_owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_rerun(matter), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="matching"' in response.content.decode()
    assert MatchRun.objects.filter(matter=matter).count() == 2
    latest = MatchRun.objects.filter(matter=matter).order_by("-pk").first()
    assert latest.status == MatchRun.Status.DONE  # jobs run in-process in tests


def test_it_checks_ownership(
    client, client_owner, client_colleague, client_outsider, lawyer_user, staff_user
):
    fe.network(2)
    matter = fe.matter(by=client_owner, post=True)
    fe.run_matching(matter)
    client.force_login(client_outsider)
    assert client.get(_fragment(matter)).status_code == 404
    assert client.post(_rerun(matter)).status_code == 404
    client.force_login(lawyer_user)
    assert client.get(_fragment(matter)).status_code == 404
    assert client.post(_rerun(matter)).status_code == 404
    assert MatchRun.objects.filter(matter=matter).count() == 1
    client.force_login(staff_user)
    assert client.get(_fragment(matter)).status_code == 200
    client.force_login(client_colleague)
    assert client.post(_rerun(matter)).status_code == 302
    assert MatchRun.objects.filter(matter=matter).count() == 2


def test_matter_page_query_count_does_not_grow_with_candidates_or_seats(
    client, client_owner, django_assert_max_num_queries
):
    def page_queries(size, seats, code):
        fe.network(size, code=code)
        matter = fe.matter(
            by=client_owner, post=True, budget_total=None, seats=[fe.seat_input(code=code)] * seats
        )
        fe.run_matching(matter)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(_detail(matter))
        assert response.status_code == 200
        return len(captured.captured_queries), response.content.decode().count('class="candidate"')

    client.force_login(client_owner)
    small, small_rows = page_queries(3, 1, "SG")
    large, large_rows = page_queries(30, 4, "DE")
    assert small_rows == 3 and large_rows == 40  # shortlists of 10 per seat
    assert small == large
