"""Log in by email address, land on the right page, log out."""

import contextlib

import pytest
from django.urls import NoReverseMatch, reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_renders_with_labelled_fields(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    content = response.content.decode()
    assert '<label for="id_username">Email address' in content
    assert '<label for="id_password">Password' in content
    assert reverse("password_reset") in content


def test_verified_user_logs_in_by_email_in_any_case_and_lands_on_start_page(client, client_owner):
    response = client.post(reverse("login"), {"username": "  OWNER@Acme.test ", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(client_owner.pk)
    assert response["Location"] != reverse("login")


def test_login_follows_a_safe_next_and_ignores_an_unsafe_one(client, client_owner):
    credentials = {"username": client_owner.email, "password": TEST_PASSWORD}

    safe = client.post(reverse("login"), {**credentials, "next": "/jurisdictions/"})
    client.logout()
    unsafe = client.post(reverse("login"), {**credentials, "next": "https://evil.example/"})

    assert safe["Location"] == "/jurisdictions/"
    assert not unsafe["Location"].startswith("https://evil.example")


def test_wrong_password_shows_a_clear_error(client, client_owner):
    response = client.post(reverse("login"), {"username": client_owner.email, "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "don&#x27;t match an account" in response.content.decode()


def test_logged_in_nav_shows_the_users_name_and_organisation_link(client, client_owner):
    client.force_login(client_owner)

    response = client.get("/")

    content = response.content.decode()
    assert client_owner.get_short_name() in content
    assert reverse("accounts:organisation") in content


def test_logout_ends_the_session(client, client_owner):
    client.force_login(client_owner)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_log_in(client, client_owner):
    client_owner.is_active = False
    client_owner.save()

    response = client.post(reverse("login"), {"username": client_owner.email, "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("persona", "start_pages"),
    [
        ("client_owner", ["engagements:client-dashboard", "engagements:matter-list"]),
        ("lawyer_user", ["lawyers:profile"]),
        ("staff_user", ["engagements:staff-dashboard", "admin:index"]),
    ],
)
def test_each_role_lands_on_its_start_page(client, request, persona, start_pages):
    user = request.getfixturevalue(persona)

    response = client.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD})

    assert response.status_code == 302
    # The first of the role's pages that exists (the dashboards are being built in parallel).
    existing = []
    for name in start_pages:
        with contextlib.suppress(NoReverseMatch):
            existing.append(reverse(name))
    assert response["Location"] == existing[0]


def test_logged_in_visitor_on_login_page_with_next_pointing_back_is_not_an_error(client, client_owner):
    client.force_login(client_owner)

    response = client.get(reverse("login") + "?next=" + reverse("login"))

    assert response.status_code == 302
    assert response["Location"] != reverse("login")
