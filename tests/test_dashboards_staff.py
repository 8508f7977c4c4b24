"""The staff dashboard: applications by status, the vetting backlog and its age, open seats, offers out,
SLA breaches (recent, by kind and day), network SLA attainment; staff only; a fixed query count."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from engagements import dashboards
from engagements.models import Offer, SlaBreach
from lawyers.models import LawyerProfile
from tests import factories_delivery as fd
from tests import factories_engagements as fe
from tests.test_sla_measurement import at, offer, posted

pytestmark = pytest.mark.django_db

URL = "/staff/dashboard/"
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)


def applicant(status: str, submitted_days_ago: float | None) -> LawyerProfile:
    profile = fe.network_lawyer(f"Applicant {LawyerProfile.objects.count()}", status=status)
    submitted = None if submitted_days_ago is None else NOW - dt.timedelta(days=submitted_days_ago)
    LawyerProfile.objects.filter(pk=profile.pk).update(submitted_at=submitted)
    return profile


def breach(matter, kind: str, detected: dt.datetime, offer_: Offer | None = None) -> SlaBreach:  # type: ignore[no-untyped-def]
    with time_machine.travel(detected, tick=False):
        return SlaBreach.objects.create(
            kind=kind,
            matter=matter,
            offer=offer_,
            organisation_id=matter.organisation_id,
            target_hours=24,
            measured_hours=Decimal("30.5"),
        )


def test_the_url_is_the_navigations():
    assert reverse("engagements:staff-dashboard") == URL


def test_applications_by_status_and_the_vetting_backlog_by_age():
    for days in (0.5, 2, 2.5, 5, 10):
        applicant(LawyerProfile.Status.APPLIED, days)
    applicant(LawyerProfile.Status.IN_REVIEW, 20)
    applicant(LawyerProfile.Status.VETTED, 30)
    applicant(LawyerProfile.Status.DRAFT, None)
    board = dashboards.staff_dashboard(now=NOW)
    counts = {status: n for status, _, n in board.applications}
    assert counts == {"draft": 1, "applied": 5, "in_review": 1, "vetted": 1, "rejected": 0, "suspended": 0}
    assert board.backlog_total == 6
    assert board.backlog_oldest == NOW - dt.timedelta(days=20) and board.backlog_oldest_days == 20
    assert board.backlog_buckets == [("Under a day", 1), ("1–3 days", 2), ("3–7 days", 1), ("Over a week", 2)]


def test_open_seats_and_offers_out(client_owner):
    two_seats = fd.posted_matter(by=client_owner, seats=2)
    fd.engage(matter=two_seats)  # one of the two filled
    fd.posted_matter(by=client_owner, seats=2)
    fe.matter(by=client_owner)  # a draft's seats are not open for staffing
    with time_machine.travel(NOW, tick=False):
        pending = offer(two_seats, 0)
        Offer.objects.filter(pk=pending.pk).update(expires_at=NOW + dt.timedelta(hours=3))
        later = offer(two_seats, 0)
        Offer.objects.filter(pk=later.pk).update(expires_at=NOW + dt.timedelta(hours=72))
        offer(two_seats, 0, answered=1, status="declined")
    board = dashboards.staff_dashboard(now=NOW)
    assert (board.matters_open, board.seats_open) == (2, 3)
    assert (board.offers_out, board.offers_expiring) == (2, 1)


def test_breaches_recent_by_kind_and_by_day(client_owner):
    matter = posted(client_owner)
    other = posted(client_owner)
    breach(matter, "shortlist", NOW - dt.timedelta(days=1))
    breach(matter, "staff", NOW - dt.timedelta(hours=1))
    breach(other, "shortlist", NOW - dt.timedelta(hours=2))
    breach(other, "staff", NOW - dt.timedelta(days=40))  # too old for the chart, still in the list
    board = dashboards.staff_dashboard(now=NOW)
    assert [(kind, n) for kind, _, n in board.breaches_by_kind] == [
        ("shortlist", 2),
        ("staff", 1),
        ("answer", 0),
    ]
    assert board.breaches_by_day == {
        "2026-03-19": {"shortlist": 1},
        "2026-03-20": {"staff": 1, "shortlist": 1},
    }
    assert [(b.kind, b.matter_id) for b in board.breaches_recent] == [
        ("staff", matter.pk),
        ("shortlist", other.pk),
        ("shortlist", matter.pk),
        ("staff", other.pk),
    ]
    chart = board.chart_data()["breaches"]
    assert len(chart["labels"]) == 14 and chart["labels"][-1] == "20 Mar"
    assert [d["data"][-2:] for d in chart["datasets"]] == [[1, 1], [0, 1], [0, 0]]


def test_network_sla_attainment(client_owner, client_outsider):
    from tests.test_sla_measurement import shortlisted

    shortlisted(posted(client_owner), 10)
    shortlisted(posted(client_outsider), 30)
    board = dashboards.staff_dashboard(now=at(50))
    assert board.sla.by_kind()["shortlist"].percent == Decimal("50.0")


def test_query_count_does_not_grow_with_rows(client_owner, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        dashboards.staff_dashboard(now=NOW)
    for index in range(3):
        applicant(LawyerProfile.Status.APPLIED, index)
        matter = posted(client_owner)
        pending = offer(matter, 1)
        breach(matter, "shortlist", NOW - dt.timedelta(hours=index))
        breach(matter, "answer", NOW - dt.timedelta(hours=index), offer_=pending)
    with django_assert_max_num_queries(9):
        board = dashboards.staff_dashboard(now=NOW)
    assert len(board.breaches_recent) == 6
    for row in board.breaches_recent:  # related rows came with the list: no query per row
        assert row.organisation.name and (row.offer is None or row.offer.lawyer.user.full_name)


# --- the page ------------------------------------------------------------------------------------


def test_it_checks_ownership(client, client_owner, lawyer_user, staff_user):
    for user, status in {staff_user: 200, client_owner: 404, lawyer_user: 404}.items():
        client.force_login(user)
        assert client.get(URL).status_code == status, user.email


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_page_shows_the_pipeline_and_breaches(client, client_owner, staff_user):
    applicant(LawyerProfile.Status.APPLIED, 3.5)
    matter = posted(client_owner, title="Late shortlist matter")
    breach(matter, "shortlist", NOW)
    client.force_login(staff_user)
    with time_machine.travel(NOW, tick=False):
        html = client.get(URL).content.decode()
    assert 'id="backlog-total">1<' in html
    assert "Late shortlist matter" in html and "30.5 h" in html
    assert '<script id="dashboard-charts" type="application/json">' in html
    for chart in ("applications", "backlog", "breaches", "sla"):
        assert f'data-chart="{chart}"' in html
    assert "<script>" not in html


def test_the_page_query_count_does_not_grow_with_rows(
    client, client_owner, staff_user, django_assert_max_num_queries
):
    client.force_login(staff_user)
    client.get(URL)
    with django_assert_max_num_queries(16) as baseline:
        client.get(URL)
    for index in range(3):
        matter = posted(client_owner)
        breach(matter, "shortlist", NOW - dt.timedelta(hours=index))
        breach(matter, "answer", NOW, offer_=offer(matter, 1))
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get(URL)
