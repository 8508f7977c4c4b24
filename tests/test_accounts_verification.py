"""Email verification: the emailed link confirms the address; unverified accounts cannot log in."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts import services
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_resend_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unverified_user():
    return UserFactory(email="new@initech.test", full_name="New Person", email_verified_at=None)


def _link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def _send_link(user, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        services.email_verification_send(user=user, site_url="http://testserver")
    return _link_in(mail.outbox[-1])


def test_login_of_unverified_user_is_refused_with_a_resend_option(client, unverified_user):
    response = client.post(reverse("login"), {"username": "new@initech.test", "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "confirm your email address first" in response.content.decode()
    assert reverse("accounts:verification-resend").encode() in response.content
    assert b"Resend the verification email" in response.content


def test_verification_link_confirms_the_address_and_asks_to_log_in(
    client, unverified_user, django_capture_on_commit_callbacks
):
    link = _send_link(unverified_user, django_capture_on_commit_callbacks)

    response = client.get(link, follow=True)

    unverified_user.refresh_from_db()
    assert unverified_user.email_verified_at is not None
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "your email address is confirmed" in response.content.decode()
    assert response.context["form"]["username"].value() == "new@initech.test"
    login = client.post(reverse("login"), {"username": "new@initech.test", "password": TEST_PASSWORD})
    assert login.status_code == 302
    assert client.session["_auth_user_id"] == str(unverified_user.pk)


def test_verification_link_can_be_opened_twice(client, unverified_user, django_capture_on_commit_callbacks):
    link = _send_link(unverified_user, django_capture_on_commit_callbacks)
    client.get(link)
    first = unverified_user.__class__.objects.get(pk=unverified_user.pk).email_verified_at

    response = client.get(link)

    assert response.status_code == 302
    assert unverified_user.__class__.objects.get(pk=unverified_user.pk).email_verified_at == first


def test_expired_verification_link_is_refused_with_a_message(
    client, settings, unverified_user, django_capture_on_commit_callbacks
):
    link = _send_link(unverified_user, django_capture_on_commit_callbacks)

    later = timezone.now() + timedelta(seconds=settings.EMAIL_VERIFICATION_MAX_AGE + 60)
    with time_machine.travel(later):
        response = client.get(link)

    assert response.status_code == 400
    assert "This verification link has expired" in response.content.decode()
    # The page offers a new link.
    assert reverse("accounts:verification-resend").encode() in response.content
    unverified_user.refresh_from_db()
    assert unverified_user.email_verified_at is None


def test_tampered_verification_link_is_refused_with_a_message(
    client, unverified_user, django_capture_on_commit_callbacks
):
    link = _send_link(unverified_user, django_capture_on_commit_callbacks)
    other = UserFactory(email="other@initech.test", email_verified_at=None)
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged_payload = services.email_verification_token(user=other).split(":")[0]
    tampered = link.replace(token, forged_payload + token[token.index(":") :])

    response = client.get(tampered)

    assert response.status_code == 400
    assert "This verification link is not valid" in response.content.decode()
    other.refresh_from_db()
    unverified_user.refresh_from_db()
    assert other.email_verified_at is None and unverified_user.email_verified_at is None


def test_link_for_an_address_the_account_no_longer_has_is_refused(
    client, unverified_user, django_capture_on_commit_callbacks
):
    link = _send_link(unverified_user, django_capture_on_commit_callbacks)
    unverified_user.email = "changed@initech.test"
    unverified_user.save()

    response = client.get(link)

    assert response.status_code == 400
    unverified_user.refresh_from_db()
    assert unverified_user.email_verified_at is None


def test_resend_sends_a_new_link_to_an_unverified_account(
    client, unverified_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:verification-resend"), {"email": "NEW@initech.test"})

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@initech.test"]
    client.get(_link_in(mail.outbox[0]))
    unverified_user.refresh_from_db()
    assert unverified_user.email_verified


def test_resend_is_honoured_once_a_minute(client, unverified_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:verification-resend"), {"email": "new@initech.test"})
        client.post(reverse("accounts:verification-resend"), {"email": "new@initech.test"})

    assert len(mail.outbox) == 1


def test_resend_says_the_same_and_sends_nothing_for_unknown_or_verified_addresses(
    client, client_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(
            reverse("accounts:verification-resend"), {"email": "nobody@nowhere.test"}, follow=True
        )
        verified = client.post(
            reverse("accounts:verification-resend"), {"email": client_owner.email}, follow=True
        )

    assert mail.outbox == []
    assert unknown.status_code == verified.status_code == 200
    assert "If an account with that address still needs confirming" in unknown.content.decode()
    assert "If an account with that address still needs confirming" in verified.content.decode()


def test_resend_page_shows_a_field_error_for_a_bad_address(client):
    response = client.post(reverse("accounts:verification-resend"), {"email": "nope"})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_superusers_are_created_verified(db):
    from accounts.models import User

    staff = User.objects.create_superuser("Boss@Counsel.test", "pw-unused-123", full_name="Boss")

    assert staff.email == "boss@counsel.test"
    assert staff.email_verified
