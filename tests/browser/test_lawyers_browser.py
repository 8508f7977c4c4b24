"""A lawyer fills in and submits an application in a real browser; staff approve it in the admin."""

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from lawyers.models import LawyerProfile
from tests.browser.helpers import log_in
from tests.factories import LawyerUserFactory, StaffUserFactory
from tests.factories_lawyers import MINIMAL_PDF, jurisdiction, practice_area

pytestmark = pytest.mark.django_db(transaction=True)


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()


def _edit(page: Page, section: str) -> None:
    page.locator("section", has=page.get_by_role("heading", name=section)).get_by_role(
        "link", name="Edit"
    ).click()
    expect(page.get_by_role("heading", name=section, level=1)).to_be_visible()


def test_lawyer_applies_and_staff_approve(page: Page):
    mail.outbox.clear()
    lawyer = LawyerUserFactory(email="grace@counsel.test", full_name="Grace Hopper")
    staff = StaffUserFactory(email="talent@counsel.test", full_name="Talent Team")
    new_york = jurisdiction("US-NY", "New York")
    m_and_a = practice_area("M&A", "Corporate")

    log_in(page, lawyer.email)
    page.get_by_role("link", name="My application").click()
    expect(page.get_by_role("heading", name="My application")).to_be_visible()
    expect(page.locator("#missing-list")).to_contain_text("at least one bar admission")

    # An incomplete submission says what is missing.
    page.get_by_role("button", name="Submit application").click()
    expect(page.locator(".message-error")).to_contain_text("Still missing")

    _edit(page, "Basics")
    page.get_by_label("Headline").fill("Cross-border M&A counsel")
    page.get_by_label("Hourly rate").fill("-5")
    page.get_by_role("button", name="Save basics").click()
    expect(page.locator("#id_hourly_rate_error")).to_be_visible()  # the error is next to the field
    page.get_by_label("Hourly rate").fill("275")
    page.get_by_label("Currency").select_option("USD")
    page.get_by_label("Weekly capacity (hours)").fill("20")
    page.get_by_role("button", name="Save basics").click()
    expect(page.locator(".message-success")).to_contain_text("Basics saved.")

    _edit(page, "Bar admissions")
    page.locator("#id_admissions-0-jurisdiction").select_option(str(new_york.pk))
    page.locator("#id_admissions-0-registration_number").fill("123 4567")
    page.locator("#id_admissions-0-year_admitted").fill("2012")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".message-success")).to_contain_text("Bar admissions saved.")

    _edit(page, "Practice areas")
    page.locator("#id_practice-areas-0-practice_area").select_option(str(m_and_a.pk))
    page.locator("#id_practice-areas-0-years").fill("10")
    page.locator("#id_practice-areas-0-proficiency").select_option("3")
    page.get_by_role("button", name="Save", exact=True).click()

    _edit(page, "Languages")
    page.locator("#id_languages-0-code").select_option("en")
    page.get_by_role("button", name="Save", exact=True).click()

    _edit(page, "Experience")
    page.locator("#id_experience-0-organisation").fill("Cravath & Partners")
    page.locator("#id_experience-0-role").fill("Senior associate")
    page.locator("#id_experience-0-start_date").fill("2012-09-01")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("seniority")).not_to_have_text("0 years")

    _edit(page, "Documents")
    for kind, name in (("cv", "cv.pdf"), ("bar_certificate", "certificate.pdf")):
        page.get_by_label("Document").select_option(kind)
        page.get_by_label("File").set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
        )
        page.get_by_role("button", name="Upload").click()
        expect(page.locator(".message-success")).to_contain_text("Document uploaded.")
    expect(page.get_by_role("link", name="certificate.pdf")).to_be_visible()
    page.get_by_role("link", name="Back to your application").click()

    expect(page.locator("#checklist")).to_contain_text("Complete")
    page.get_by_role("button", name="Submit application").click()
    expect(page.locator(".message-success")).to_contain_text("Application submitted")
    # The checks ran (in-process here, a worker in production) and moved the application to review.
    expect(page.get_by_test_id("profile-status")).to_have_text("In review")
    expect(page.locator("#checks")).to_contain_text("Registration number format")
    expect(page.locator('#checks tr[data-check="registration_format"]')).to_contain_text("Pass")
    _log_out(page)

    # The talent team verifies the admission and approves, in the admin.
    log_in(page, staff.email)
    page.goto("/admin/lawyers/lawyerprofile/?status__exact=in_review")
    page.get_by_role("link", name="Grace Hopper").click()
    expect(page.locator("body")).to_contain_text("1234567")
    page.locator("input[name=admissions-0-verify]").check()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("Verified 1 admission")
    page.get_by_role("link", name="Approve").click()
    page.get_by_label("Reason (optional):").fill("References confirmed.")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messagelist")).to_contain_text("approve done")
    _log_out(page)

    profile = LawyerProfile.objects.get(user=lawyer)
    assert profile.status == LawyerProfile.Status.VETTED
    assert profile.decisions.filter(to_status="vetted", by=staff).exists()
    assert any(m.subject.startswith("You are vetted") for m in mail.outbox if lawyer.email in m.to)

    log_in(page, lawyer.email)
    page.get_by_role("link", name="My application").click()
    expect(page.get_by_test_id("profile-status")).to_have_text("Vetted")
    expect(page.locator("#decision-notice")).to_contain_text("References confirmed.")
