"""A client posts a matter with two seats in a real browser and watches the shortlist and team arrive."""

import pytest

from engagements.models import Matter
from tests import factories_engagements as fe
from tests.browser.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_client_posts_a_matter_and_sees_the_shortlist_and_team(page, client_owner):
    # given a small network in Singapore and Germany
    fe.exchange_rates()
    fe.network(4, code="SG")
    fe.network_lawyer("Greta Datenschutz", code="DE", rate="280", currency="EUR")
    area = fe.practice_area()
    singapore, germany = fe.jurisdiction("SG"), fe.jurisdiction("DE")

    # when the client logs in
    log_in(page, client_owner.email)

    # and posts a matter with two seats
    page.goto("/matters/new/")
    page.fill("#id_title", "APAC and EU privacy programme")
    page.fill("#id_summary", "Update records of processing and transfer assessments.")
    page.select_option("#id_practice_area", value=str(area.pk))
    page.select_option("#id_engagement_model", value="team")
    page.fill("#id_start_date", fe.START.isoformat())
    page.fill("#id_end_date", fe.END.isoformat())
    page.fill("#id_rate_cap", "400")
    page.fill("#id_budget_total", "250000")
    page.fill("#id_currency", "USD")
    page.fill("#id_required_languages", "en")
    page.fill("#id_counterparties", "Initech Pte Ltd")
    page.fill("#id_seats-0-label", "Singapore lead")
    page.select_option("#id_seats-0-jurisdiction", value=str(singapore.pk))
    page.select_option("#id_seats-0-practice_area", value=str(area.pk))
    page.fill("#id_seats-0-hours_per_week", "20")
    page.click("#add-seat")
    page.fill("#id_seats-1-label", "Germany counsel")
    page.select_option("#id_seats-1-jurisdiction", value=str(germany.pk))
    page.select_option("#id_seats-1-practice_area", value=str(area.pk))
    page.fill("#id_seats-1-hours_per_week", "10")
    page.click("button[value=post]")

    # then the matter page shows the run finishing, the ranked shortlists and the proposed team
    page.wait_for_selector("#run-state[data-state=done]", timeout=30_000)
    matter = Matter.objects.get(title="APAC and EU privacy programme")
    assert matter.status == Matter.Status.OPEN and matter.seats.count() == 2
    assert page.locator(".seat-result").count() == 2
    assert (
        page.locator("#seat-{} .candidate".format(matter.seats.get(label="Singapore lead").pk)).count() == 4
    )
    team = page.locator("#proposed-team").inner_text()
    assert "Greta Datenschutz" in team and "Singapore lead" in team
    assert "Optimal" in team
    # "why this lawyer" opens to show each factor with its weight and points
    first = page.locator(".candidate details").first
    first.locator("summary").click()
    assert "Practice-area depth" in first.inner_text()


def test_the_matter_page_updates_itself_when_the_run_finishes(page, client_owner, monkeypatch):
    from engagements import match_runs
    from engagements.models import MatchRun

    # given a posted matter whose job has not run yet
    monkeypatch.setattr(match_runs, "_enqueue", lambda run_id: None)
    fe.network(3, code="SG")
    matter = fe.matter(by=client_owner, post=True, seats=[fe.seat_input(label="Lead")])
    run = MatchRun.objects.get(matter=matter)
    log_in(page, client_owner.email)
    page.goto(f"/matters/{matter.pk}/")
    assert page.locator("#run-state").get_attribute("data-state") == "queued"

    # when the worker finishes the run
    match_runs.match_run_execute(run_id=run.pk, attempt_key="browser")

    # then the page shows the results without a reload (htmx polls the matching section)
    page.wait_for_selector("#run-state[data-state=done]", timeout=15_000)
    assert page.locator(".candidate").count() == 3
    assert "Lead" in page.locator("#proposed-team").inner_text()


def test_editing_a_matter_keeps_its_dates_and_the_conflict_check_drops_the_counterpartys_lawyer(
    page, client_owner
):
    from lawyers.models import DeclaredConflict
    from lawyers.rules import normalise_organisation_name

    # given a posted matter matched against three lawyers, one of whom declared Initech a conflict
    fe.network(2, code="SG")
    conflicted = fe.network_lawyer("Ivo Initech", code="SG")
    DeclaredConflict.objects.create(
        profile=conflicted,
        organisation="Initech",
        organisation_normalised=normalise_organisation_name("Initech"),
    )
    matter = fe.matter(by=client_owner, post=True, counterparties=[], seats=[fe.seat_input(label="Lead")])
    log_in(page, client_owner.email)
    page.goto(f"/matters/{matter.pk}/")
    page.wait_for_selector("#run-state[data-state=done]", timeout=15_000)
    assert "Ivo Initech" in page.locator("#matching").inner_text()

    # when the client adds Initech as a counterparty and saves, leaving the dates as the form shows them
    page.goto(f"/matters/{matter.pk}/edit/")
    assert page.input_value("#id_start_date") == matter.start_date.isoformat()
    assert page.input_value("#id_end_date") == matter.end_date.isoformat()
    page.fill("#id_counterparties", "INITECH")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()

    # then the matter keeps its dates, is matched again, and the conflicted lawyer is gone
    assert page.url.endswith(f"/matters/{matter.pk}/")
    matter.refresh_from_db()
    assert (matter.start_date, matter.end_date) == (fe.START, fe.END)
    assert matter.counterparties == ["INITECH"]
    page.wait_for_selector("#run-state[data-state=done]", timeout=15_000)
    matching = page.locator("#matching").inner_text()
    assert "Ivo Initech" not in matching
    assert "no conflict" in matching
