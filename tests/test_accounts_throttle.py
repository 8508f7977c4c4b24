"""Repeated failed logins lock the email + IP pair (django-axes)."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_login_is_locked_after_too_many_failures_even_with_the_right_password(client, client_owner):
    assert settings.AXES_ENABLED
    for _ in range(settings.AXES_FAILURE_LIMIT):
        failed = client.post(reverse("login"), {"username": client_owner.email, "password": "wrong"})
        assert failed.status_code in (200, 429)

    response = client.post(reverse("login"), {"username": client_owner.email, "password": TEST_PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    content = response.content.decode()
    assert "Too many failed log-in attempts" in content
    assert "15 minutes" in content
    assert reverse("password_reset") in content


def test_a_lockout_is_per_account_not_for_everyone(client, client_owner, client_colleague):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": client_owner.email, "password": "wrong"})

    response = client.post(reverse("login"), {"username": client_colleague.email, "password": TEST_PASSWORD})

    assert response.status_code == 302


def test_changing_the_case_of_the_email_does_not_dodge_the_lockout(client, client_owner):
    for n in range(settings.AXES_FAILURE_LIMIT):
        email = client_owner.email.upper() if n % 2 else client_owner.email
        client.post(reverse("login"), {"username": email, "password": "wrong"})

    response = client.post(
        reverse("login"), {"username": client_owner.email.title(), "password": TEST_PASSWORD}
    )

    assert response.status_code == 429
