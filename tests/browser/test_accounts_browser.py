"""Sign-up, email verification, log-in and the admin, driven in a real browser."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from tests.factories import TEST_PASSWORD, StaffUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _verification_link_for(email: str) -> str:
    messages = [m for m in mail.outbox if email in m.to]
    assert messages, f"no email sent to {email}"
    return re.search(r"https?://\S+", messages[-1].body).group(0)


def test_client_signs_up_creating_an_organisation_verifies_and_logs_in(page):
    mail.outbox.clear()
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_role("link", name="Sign up as a client").click()

    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill("ada@initech.test")
    page.get_by_label("Password:", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Password again").fill(TEST_PASSWORD)
    page.get_by_label("Register a new organisation").check()
    # The join-code field is only shown for the "join" option.
    expect(page.get_by_label("Join code:")).to_be_hidden()
    page.get_by_label("Organisation name").fill("Initech Legal")
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("ada@initech.test")).to_be_visible()

    # Logging in before confirming the address is refused, with a way to get the link again.
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("ada@initech.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("confirm your email address first")).to_be_visible()
    expect(page.get_by_role("button", name="Resend the verification email")).to_be_visible()

    page.goto(_verification_link_for("ada@initech.test"))
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("ada@initech.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.locator(".nav-user")).to_have_text("Ada")
    page.get_by_role("link", name="Organisation").click()
    expect(page.get_by_role("heading", name="Initech Legal")).to_be_visible()
    join_code = User.objects.get(email="ada@initech.test").membership.organisation.join_code
    expect(page.locator("#join-code")).to_have_text(join_code)


def test_colleague_joins_with_a_bad_then_a_good_join_code(page, client_owner):
    page.goto("/accounts/signup/client/?join_code=WRONGCODE")
    page.get_by_label("Full name").fill("Bob Colleague")
    page.get_by_label("Email address").fill("bob@acme.test")
    page.get_by_label("Password:", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Password again").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(page.locator("#id_join_code_error")).to_contain_text("No organisation has this join code")
    page.get_by_label("Join code:").fill(client_owner.membership.organisation.join_code)
    page.get_by_label("Password:", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Password again").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert (
        User.objects.get(email="bob@acme.test").membership.organisation
        == client_owner.membership.organisation
    )


def test_lawyer_signs_up(page):
    page.goto("/accounts/signup/")
    page.get_by_role("link", name="Apply as a lawyer").click()
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Email address").fill("grace@chambers.test")
    page.get_by_label("Password:", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Password again").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert User.objects.get(email="grace@chambers.test").is_lawyer
    assert _verification_link_for("grace@chambers.test")


def test_staff_logs_in_to_admin_and_sees_users_and_organisations(page):
    StaffUserFactory(email="staff@counsel.test", full_name="Sam Staff")

    page.goto("/admin/")
    page.get_by_label("Email address").fill("staff@counsel.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("link", name="Users", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Client organisations", exact=True)).to_be_visible()
    page.get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("link", name="staff@counsel.test")).to_be_visible()


def test_small_screens_get_a_nav_toggle(page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/accounts/login/")

    toggle = page.locator(".nav-toggle-label")
    nav = page.get_by_role("navigation", name="Main")
    expect(toggle).to_be_visible()
    expect(nav.get_by_role("link", name="Sign up")).to_be_hidden()
    toggle.click()
    expect(nav.get_by_role("link", name="Sign up")).to_be_visible()
    # The form fits the narrow screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
