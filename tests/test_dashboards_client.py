"""The client dashboard: the organisation's live matters (staffing, spend against budget), active
engagements (hours this week), SLA attainment, with chart data; members only; a fixed query count."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from engagements import dashboards
from engagements.models import Matter, TimeEntry
from tests import factories_delivery as fd
from tests import factories_engagements as fe
from tests.test_sla_measurement import at, posted, shortlisted

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


def organisation_id(user) -> int:  # type: ignore[no-untyped-def]
    return user.membership.organisation_id


def test_the_url_is_the_navigations(client_owner):
    assert reverse("engagements:client-dashboard") == URL


# --- figures -------------------------------------------------------------------------------------


def test_staffing_and_spend_per_live_matter(client_owner, client_outsider):
    # given a two-seat matter with one seat filled and time approved and pending
    matter = fd.posted_matter(by=client_owner, seats=2, budget_total=Decimal("2000"))
    engagement = fd.engage(matter=matter, rate="100")
    fd.entry(engagement, hours="5", status=TimeEntry.Status.APPROVED, days_ago=3)
    fd.entry(engagement, hours="3", days_ago=2)
    fd.entry(engagement, hours="9", status=TimeEntry.Status.REJECTED, days_ago=2)
    # and a draft, a cancelled matter and another organisation's matter, none of them shown
    fe.matter(by=client_owner)
    cancelled = fd.posted_matter(by=client_owner)
    Matter.objects.filter(pk=cancelled.pk).update(status=Matter.Status.CANCELLED)
    fd.posted_matter(by=client_outsider)
    # when
    board = dashboards.client_dashboard(organisation_id=organisation_id(client_owner))
    # then
    [row] = board.matters
    assert row.matter == matter
    assert (row.seats_filled, row.seats_total, row.seats_open) == (1, 2, 1)
    assert (row.spend.approved, row.spend.pending, row.spend.remaining) == (
        Decimal(500),
        Decimal(300),
        Decimal(1200),
    )
    assert row.spend.percent_used == Decimal("40.0")
    assert board.entries_to_approve == 1


def test_hours_this_week_per_active_engagement(client_owner):
    matter = fd.posted_matter(by=client_owner, budget_total=None)
    engagement = fd.engage(matter=matter, hours_per_week="10")
    monday = dt.date(2026, 3, 2)
    with time_machine.travel(dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC), tick=False):
        for day, hours, status in (
            (monday, "4", TimeEntry.Status.APPROVED),
            (monday + dt.timedelta(days=2), "7", TimeEntry.Status.SUBMITTED),
            (monday + dt.timedelta(days=2), "3", TimeEntry.Status.REJECTED),
            (monday - dt.timedelta(days=1), "8", TimeEntry.Status.APPROVED),  # last week
        ):
            TimeEntry.objects.create(
                engagement=engagement,
                work_date=day,
                hours=Decimal(hours),
                description="x",
                status=status,
                amount=0,
            )
        board = dashboards.client_dashboard(organisation_id=organisation_id(client_owner))
    [row] = board.engagements
    assert row.logged == Decimal(11) and row.over
    assert board.week_start == monday


def test_sla_attainment_is_the_organisations(client_owner, client_outsider):
    shortlisted(posted(client_owner), 10)
    shortlisted(posted(client_owner), 30)
    shortlisted(posted(client_outsider), 50)
    board = dashboards.client_dashboard(organisation_id=organisation_id(client_owner), now=at(100))
    shortlist = board.sla.by_kind()["shortlist"]
    assert (shortlist.counted, shortlist.within, shortlist.percent) == (2, 1, Decimal("50.0"))


def test_chart_data(client_owner):
    matter = fd.posted_matter(by=client_owner, seats=2, budget_total=Decimal("1000"), title="Privacy audit")
    engagement = fd.engage(matter=matter, rate="100")
    fd.entry(engagement, hours="2", status=TimeEntry.Status.APPROVED)
    fd.entry(engagement, hours="1")
    fd.posted_matter(by=client_owner, budget_total=None, title="No budget")
    charts = dashboards.client_dashboard(organisation_id=organisation_id(client_owner)).chart_data()
    assert charts["staffing"]["labels"] == ["No budget", "Privacy audit"]
    assert [d["data"] for d in charts["staffing"]["datasets"]] == [[0, 1], [1, 1]]
    assert charts["spend"]["labels"] == ["Privacy audit"]  # only matters with a budget
    assert [d["data"] for d in charts["spend"]["datasets"]] == [[20.0], [10.0]]
    assert charts["sla"]["labels"] == ["Time to shortlist", "Time to staff", "Time to answer an offer"]
    json.dumps(charts)  # plain JSON, ready for json_script


def test_query_count_does_not_grow_with_rows(client_owner, django_assert_max_num_queries):
    org = organisation_id(client_owner)
    with django_assert_max_num_queries(8):
        dashboards.client_dashboard(organisation_id=org)
    for index in range(4):
        matter = fd.posted_matter(by=client_owner, seats=2, title=f"Matter {index}")
        for _ in range(2):
            engagement = fd.engage(matter=matter)
            fd.entry(engagement, hours="1", status=TimeEntry.Status.APPROVED)
            fd.entry(engagement, hours="1", days_ago=2)
        shortlisted(matter, 3)
    with django_assert_max_num_queries(8):
        board = dashboards.client_dashboard(organisation_id=org)
    assert len(board.matters) == 4 and len(board.engagements) == 8


# --- the page ------------------------------------------------------------------------------------


def test_it_checks_ownership(client, client_owner, client_colleague, lawyer_user, staff_user):
    for user, status in {client_owner: 200, client_colleague: 200, lawyer_user: 403}.items():
        client.force_login(user)
        assert client.get(URL).status_code == status, user.email
    client.force_login(staff_user)
    assert client.get(URL)["Location"] == reverse("engagements:staff-dashboard")


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_page_shows_the_organisations_figures_only(client, client_owner, client_outsider):
    mine = fd.posted_matter(by=client_owner, title="Our privacy review", budget_total=Decimal("1000"))
    fd.entry(fd.engage(matter=mine, rate="100"), hours="2.5", status=TimeEntry.Status.APPROVED)
    fd.posted_matter(by=client_outsider, title="Their secret deal")
    client.force_login(client_owner)
    html = client.get(URL).content.decode()
    assert "Our privacy review" in html and "Their secret deal" not in html
    assert f'<a href="{reverse("engagements:matter-detail", args=[mine.pk])}">Our privacy review</a>' in html
    assert "USD 250.00" in html and "USD 750.00" in html and "25.0%" in html
    assert "1 of 1 seat filled" in html


def test_charts_are_drawn_from_static_files_and_json_only(client, client_owner):
    fd.posted_matter(by=client_owner)
    client.force_login(client_owner)
    html = client.get(URL).content.decode()
    assert '<script id="dashboard-charts" type="application/json">' in html
    assert 'src="/static/vendor/chart-4.6.1.umd.min.js"' in html and 'src="/static/js/dashboards.js"' in html
    assert 'data-chart="staffing"' in html and 'data-chart="spend"' in html and 'data-chart="sla"' in html
    assert "<script>" not in html and " onclick=" not in html


def test_the_page_query_count_does_not_grow_with_rows(client, client_owner, django_assert_max_num_queries):
    fd.entry(fd.engage(matter=fd.posted_matter(by=client_owner)), hours="1")
    client.force_login(client_owner)
    client.get(URL)
    with django_assert_max_num_queries(14) as baseline:
        client.get(URL)
    for index in range(3):
        matter = fd.posted_matter(by=client_owner, seats=2, title=f"Matter {index}")
        fd.entry(fd.engage(matter=matter), hours="1")
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get(URL)
