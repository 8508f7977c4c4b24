"""The engagement page: the lawyer logs time (flags before saving), the client approves or rejects it
and rates the lawyer after completion. Ownership: outsiders and other lawyers get 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from engagements.models import Engagement, Rating, TimeEntry
from tests import factories_delivery as fd
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(client_owner):  # type: ignore[no-untyped-def]
    matter = fd.posted_matter(by=client_owner, budget_total=Decimal("1000"))
    return fd.engage(matter=matter, rate="100", hours_per_week="10")


def page_url(engagement: Engagement) -> str:
    return reverse("engagements:engagement-delivery", args=[engagement.pk])


def log_url(engagement: Engagement) -> str:
    return reverse("engagements:time-entry-create", args=[engagement.pk])


def time_data(**overrides: str) -> dict[str, str]:
    data = {
        "work_date": (fd.today() - dt.timedelta(days=1)).isoformat(),
        "hours": "2",
        "description": "Drafted the transfer assessment",
    }
    data.update(overrides)
    return data


# --- ownership -----------------------------------------------------------------------------------


def test_it_checks_ownership(client, engagement, client_owner, client_colleague, client_outsider, staff_user):
    other_lawyer = fe.network_lawyer("Other Lawyer").user
    expected = {
        engagement.lawyer.user: 200,
        client_owner: 200,
        client_colleague: 200,
        staff_user: 200,
        client_outsider: 404,
        other_lawyer: 404,
    }
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(page_url(engagement)).status_code == status, user.email


def test_anonymous_visitors_are_sent_to_log_in(client, engagement):
    response = client.get(page_url(engagement))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the lawyer ----------------------------------------------------------------------------------


def test_the_lawyer_sees_remaining_budget_and_hours_before_logging(client, engagement):
    fd.entry(engagement, hours="3", status=TimeEntry.Status.APPROVED, days_ago=0)
    client.force_login(engagement.lawyer.user)
    response = client.get(page_url(engagement))
    html = response.content.decode()
    assert 'id="time-entry-form"' in html
    assert "USD 700.00" in html  # remaining of the 1,000 budget
    assert 'data-rate="100.00"' in html and 'data-committed="300.00"' in html
    assert "3 h</strong> of 10 h logged" in html
    assert 'src="/static/js/time_entry.js"' in html
    assert "<script>" not in html  # no inline script: data goes in data-* and json_script


def test_the_day_field_starts_on_a_day_the_date_picker_can_show(client, engagement):
    # today (within the engagement), in ISO: en-gb's 27/11/2026 would leave the picker empty
    client.force_login(engagement.lawyer.user)
    html = client.get(page_url(engagement)).content.decode()
    day = min(max(fd.today(), engagement.start_date), engagement.end_date)
    assert f'name="work_date" value="{day.isoformat()}"' in html


def test_the_lawyer_logs_time(client, engagement):
    client.force_login(engagement.lawyer.user)
    response = client.post(log_url(engagement), time_data(hours="2.5"))
    assert response.status_code == 302 and response["Location"] == page_url(engagement)
    entry = TimeEntry.objects.get()
    assert (entry.hours, entry.amount, entry.status) == (Decimal("2.5"), Decimal("250"), "submitted")


def test_bad_hours_show_next_to_the_field_and_nothing_is_saved(client, engagement):
    client.force_login(engagement.lawyer.user)
    response = client.post(log_url(engagement), time_data(hours="30", description=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="field-hours"' in html and "less than or equal to 24" in html
    assert 'id="field-description"' in html and "This field is required" in html
    assert not TimeEntry.objects.exists()


def test_a_future_day_is_refused_next_to_the_day(client, engagement):
    client.force_login(engagement.lawyer.user)
    tomorrow = (fd.today() + dt.timedelta(days=1)).isoformat()
    response = client.post(log_url(engagement), time_data(work_date=tomorrow))
    assert response.status_code == 400
    assert response.context["time_form"].errors["work_date"] == [
        "You cannot log time for a day that has not come yet."
    ]
    assert not TimeEntry.objects.exists()


def test_going_over_the_weeks_hours_asks_for_confirmation_first(client, client_owner):
    engagement = fd.engage(matter=fd.posted_matter(by=client_owner, budget_total=None), hours_per_week="10")
    client.force_login(engagement.lawyer.user)
    day = fd.today()
    fd.entry(engagement, hours="9", days_ago=0)
    # when 2 more hours would make 11 of the week's 10
    response = client.post(log_url(engagement), time_data(work_date=day.isoformat(), hours="2"))
    # then the page flags it and saves nothing
    assert response.status_code == 400
    assert "over the engagement&#x27;s 10 h a week" in response.content.decode()
    assert 'name="confirm_over_week"' in response.content.decode()
    assert TimeEntry.objects.count() == 1
    # and once confirmed it is logged
    confirmed = time_data(work_date=day.isoformat(), hours="2", confirm_over_week="on")
    assert client.post(log_url(engagement), confirmed).status_code == 302
    assert TimeEntry.objects.count() == 2


def test_going_over_the_budget_asks_for_confirmation_first(client, engagement):
    client.force_login(engagement.lawyer.user)
    fd.entry(engagement, hours="9", days_ago=10)
    response = client.post(log_url(engagement), time_data(hours="2"))
    assert response.status_code == 400
    assert (
        response.context["time_form"].errors["confirm_over_budget"][0].startswith("This entry (USD 200.00)")
    )
    assert 'name="confirm_over_budget"' in response.content.decode()
    assert TimeEntry.objects.count() == 1
    confirmed = time_data(hours="2", confirm_over_budget="on")
    assert client.post(log_url(engagement), confirmed).status_code == 302
    assert TimeEntry.objects.count() == 2


def test_no_log_form_once_the_engagement_has_ended(client, client_owner):
    ended = fd.engage(matter=fd.posted_matter(by=client_owner), status=Engagement.Status.COMPLETED)
    client.force_login(ended.lawyer.user)
    assert 'id="time-entry-form"' not in client.get(page_url(ended)).content.decode()
    response = client.post(log_url(ended), time_data(), follow=True)
    assert "Time is logged on active engagements; this one is completed." in response.content.decode()
    assert not TimeEntry.objects.exists()


def test_only_the_engagements_lawyer_may_post_time(client, engagement, client_owner):
    client.force_login(client_owner)
    assert client.post(log_url(engagement), time_data()).status_code == 403
    client.force_login(fe.network_lawyer("Other Lawyer").user)
    assert client.post(log_url(engagement), time_data()).status_code == 404
    assert not TimeEntry.objects.exists()


# --- the client ----------------------------------------------------------------------------------


def test_the_client_sees_entries_to_approve(client, engagement, client_colleague):
    entry = fd.entry(engagement, hours="2")
    client.force_login(client_colleague)
    html = client.get(page_url(engagement)).content.decode()
    assert f'data-approve="{entry.pk}"' in html
    assert reverse("engagements:time-entry-reject", args=[entry.pk]) in html
    assert 'id="time-entry-form"' not in html


def test_approve_from_the_page(client, engagement, client_colleague):
    entry = fd.entry(engagement, hours="2")
    client.force_login(client_colleague)
    response = client.post(reverse("engagements:time-entry-approve", args=[entry.pk]))
    assert response.status_code == 302 and response["Location"] == page_url(engagement)
    entry.refresh_from_db()
    assert entry.status == TimeEntry.Status.APPROVED


def test_approving_twice_says_why_not(client, engagement, client_owner):
    entry = fd.entry(engagement, hours="2", status=TimeEntry.Status.APPROVED)
    client.force_login(client_owner)
    response = client.post(reverse("engagements:time-entry-approve", args=[entry.pk]), follow=True)
    assert "Only a submitted entry can be approved" in response.content.decode()


def test_approve_checks_ownership(client, engagement, client_outsider):
    entry = fd.entry(engagement, hours="2")
    url = reverse("engagements:time-entry-approve", args=[entry.pk])
    client.force_login(client_outsider)
    assert client.post(url).status_code == 404
    client.force_login(engagement.lawyer.user)
    assert client.post(url).status_code == 403
    entry.refresh_from_db()
    assert entry.status == TimeEntry.Status.SUBMITTED


def test_reject_needs_a_reason_next_to_the_field(client, engagement, client_owner):
    entry = fd.entry(engagement, hours="2")
    url = reverse("engagements:time-entry-reject", args=[entry.pk])
    client.force_login(client_owner)
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and 'id="field-reason"' in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == TimeEntry.Status.SUBMITTED
    assert client.post(url, {"reason": "Duplicate of Monday"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.rejection_reason) == ("rejected", "Duplicate of Monday")


def test_reject_checks_ownership(client, engagement, client_outsider):
    entry = fd.entry(engagement, hours="2")
    url = reverse("engagements:time-entry-reject", args=[entry.pk])
    client.force_login(client_outsider)
    assert client.get(url).status_code == 404
    client.force_login(engagement.lawyer.user)
    assert client.post(url, {"reason": "x"}).status_code == 403


# --- rating --------------------------------------------------------------------------------------


def test_rate_after_completion_once(client, client_owner):
    completed = fd.engage(matter=fd.posted_matter(by=client_owner), status=Engagement.Status.COMPLETED)
    url = reverse("engagements:engagement-rate", args=[completed.pk])
    client.force_login(client_owner)
    assert 'id="rate"' in client.get(page_url(completed)).content.decode()
    response = client.post(url, {"score": "4", "comment": "Thorough and quick."})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.score, rating.comment, rating.rated_by) == (4, "Thorough and quick.", client_owner)
    html = client.get(page_url(completed)).content.decode()
    assert 'id="rating"' in html and 'id="rate"' not in html
    response = client.post(url, {"score": "1"}, follow=True)
    assert "already been rated" in response.content.decode()
    assert Rating.objects.count() == 1


def test_no_rating_while_the_engagement_is_active(client, engagement, client_owner):
    client.force_login(client_owner)
    assert 'id="rate"' not in client.get(page_url(engagement)).content.decode()
    url = reverse("engagements:engagement-rate", args=[engagement.pk])
    response = client.post(url, {"score": "5"}, follow=True)
    assert "Only a completed engagement can be rated" in response.content.decode()
    assert not Rating.objects.exists()


def test_a_missing_score_shows_next_to_the_field(client, client_owner):
    completed = fd.engage(matter=fd.posted_matter(by=client_owner), status=Engagement.Status.COMPLETED)
    client.force_login(client_owner)
    response = client.post(reverse("engagements:engagement-rate", args=[completed.pk]), {"score": ""})
    assert response.status_code == 400 and 'id="field-score"' in response.content.decode()


def test_rating_checks_ownership(client, client_owner, client_outsider):
    completed = fd.engage(matter=fd.posted_matter(by=client_owner), status=Engagement.Status.COMPLETED)
    url = reverse("engagements:engagement-rate", args=[completed.pk])
    client.force_login(client_outsider)
    assert client.post(url, {"score": "5"}).status_code == 404
    client.force_login(completed.lawyer.user)
    assert client.post(url, {"score": "5"}).status_code == 403
    assert not Rating.objects.exists()


def test_page_query_count_does_not_grow_with_entries(client, engagement, django_assert_max_num_queries):
    client.force_login(engagement.lawyer.user)
    fd.entry(engagement, hours="1")
    client.get(page_url(engagement))  # warm caches (content types, session)
    with django_assert_max_num_queries(16) as few:
        client.get(page_url(engagement))
    for days_ago in range(2, 30):
        fd.entry(engagement, hours="1", days_ago=days_ago)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(page_url(engagement))


def test_both_flags_are_asked_for_at_once(client, engagement):
    # given 9 of the week's 10 hours and 900 of the 1,000 budget used today
    fd.entry(engagement, hours="9", days_ago=0)
    client.force_login(engagement.lawyer.user)
    day = fd.today().isoformat()
    # when 2 more hours go over both
    response = client.post(log_url(engagement), time_data(work_date=day, hours="2"))
    # then both confirmations are asked for, and nothing is saved
    assert response.status_code == 400
    assert set(response.context["time_form"].errors) == {"confirm_over_week", "confirm_over_budget"}
    assert TimeEntry.objects.count() == 1
    both = time_data(work_date=day, hours="2", confirm_over_week="on", confirm_over_budget="on")
    assert client.post(log_url(engagement), both).status_code == 302
    assert TimeEntry.objects.count() == 2
