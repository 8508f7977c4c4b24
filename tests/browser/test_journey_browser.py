"""The whole journey in a real browser: a client posts a matter, waits for the shortlist and sends an
offer; the lawyer (in a browser of their own) accepts the NDA and the offer and logs time; the client
approves it and sees the spend on the dashboard."""

import datetime as dt

import pytest
from django.utils import timezone

from engagements.models import Engagement, MatchCandidate, Matter, TimeEntry
from tests import factories_engagements as fe
from tests.browser.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_post_match_offer_accept_log_time_approve_and_see_the_spend(
    page, _playwright_browser, live_server, client_owner
):
    # given a small vetted network in Singapore
    fe.exchange_rates()
    fe.network_lawyer("Ada Lovelace", rate="250", years=20, proficiency=4)
    fe.network_lawyer("Bea Brandt", rate="300", years=6, proficiency=2)
    area, singapore = fe.practice_area(), fe.jurisdiction("SG")
    today = timezone.localdate()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # when the client logs in and posts a one-seat matter that started last week
    log_in(page, client_owner.email)
    page.goto("/matters/new/")
    page.fill("#id_title", "Singapore privacy remediation")
    page.fill("#id_summary", "Update the records of processing and the transfer assessments.")
    page.fill("#id_confidential_details", "Target: Initech Pte Ltd.")
    page.select_option("#id_practice_area", value=str(area.pk))
    page.select_option("#id_engagement_model", value="one_expert")
    page.fill("#id_start_date", (today - dt.timedelta(days=7)).isoformat())
    page.fill("#id_end_date", (today + dt.timedelta(days=60)).isoformat())
    page.fill("#id_rate_cap", "400")
    page.fill("#id_budget_total", "20000")
    page.fill("#id_currency", "USD")
    page.fill("#id_required_languages", "en")
    page.fill("#id_seats-0-label", "Privacy counsel")
    page.select_option("#id_seats-0-jurisdiction", value=str(singapore.pk))
    page.select_option("#id_seats-0-practice_area", value=str(area.pk))
    page.fill("#id_seats-0-hours_per_week", "20")
    page.click("button[value=post]")

    # then the shortlist arrives on the matter page
    page.wait_for_selector("#run-state[data-state=done]", timeout=30_000)
    matter = Matter.objects.get(title="Singapore privacy remediation")
    seat = matter.seats.get()
    best = MatchCandidate.objects.select_related("lawyer__user").get(run__matter=matter, seat=seat, rank=1)
    assert best.lawyer.user.full_name == "Ada Lovelace"

    # and the client sends the best-ranked lawyer an offer on the default terms
    page.locator(f'#seat-{seat.pk} .candidate[data-lawyer="{best.lawyer_id}"] a.send-offer').click()
    assert page.input_value("#id_hourly_rate") == "250.00"
    page.click("#offer-form button[type=submit]")
    page.wait_for_selector(f'#offers .offer-row[data-lawyer="{best.lawyer_id}"] [data-status=pending]')

    # when the lawyer logs in, in a browser of their own, accepts the NDA and the offer
    lawyer_context = _playwright_browser.new_context(base_url=live_server.url)
    lawyer_context.set_default_timeout(15_000)
    lawyer = lawyer_context.new_page()
    lawyer.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        log_in(lawyer, best.lawyer.user.email)
        lawyer.goto("/offers/")
        lawyer.locator(".offer-row a").first.click()
        lawyer.click("#accept-nda")
        lawyer.wait_for_selector("#confidential-details")
        lawyer.click("#accept-offer")
        lawyer.wait_for_selector(".offer-status[data-status=accepted]")
        engagement = Engagement.objects.get(matter=matter)

        # and logs three and a half hours for yesterday, seeing what it does before submitting
        lawyer.goto(f"/engagements/{engagement.pk}/delivery/")
        assert "USD 20,000.00" in lawyer.inner_text("#budget")
        lawyer.fill("#id_work_date", (today - dt.timedelta(days=1)).isoformat())
        lawyer.fill("#id_hours", "3.5")
        lawyer.fill("#id_description", "Mapped the processing activities of the APAC entities.")
        outlook = lawyer.inner_text("#time-entry-outlook")
        assert "This entry comes to USD 875.00" in outlook and "USD 19,125.00 of the budget" in outlook
        lawyer.click("#time-entry-form button[type=submit]")
        lawyer.wait_for_selector(".time-entry[data-status=submitted]")
        assert "Logged 3.5 h" in lawyer.inner_text(".messages")
    finally:
        lawyer_context.close()
    entry = TimeEntry.objects.get()

    # then the client finds it from the dashboard and approves it
    page.goto("/dashboard/")
    assert page.inner_text("#entries-to-approve") == "1"
    page.locator(f'.engagement-row[data-engagement="{engagement.pk}"] a').click()
    page.click(f'[data-approve="{entry.pk}"]')
    page.wait_for_selector(f'.time-entry[data-entry="{entry.pk}"][data-status=approved]')

    # and the dashboard shows the approved spend against the budget, charted
    page.goto("/dashboard/")
    row = page.locator(f'.matter-row[data-matter="{matter.pk}"]')
    assert row.locator(".spend-approved").inner_text() == "USD 875.00"
    assert row.locator(".spend-remaining").inner_text() == "USD 19,125.00"
    assert "1 of 1 seat filled" in row.locator(".staffing").inner_text()
    assert page.inner_text("#entries-to-approve") == "0"
    page.wait_for_selector("canvas[data-chart=spend][data-drawn=true]")
    assert errors == []
