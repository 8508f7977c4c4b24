"""Password reset by emailed link, with our templates."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 77"


def _reset_link(client, email):
    client.post(reverse("password_reset"), {"email": email})
    return re.search(r"https?://testserver(\S+)", mail.outbox[-1].body).group(1)


def test_reset_form_renders(client):
    response = client.get(reverse("password_reset"))

    assert response.status_code == 200
    assert b'<label for="id_email">' in response.content


def test_reset_email_is_sent_and_its_link_sets_a_new_password(client, client_owner):
    response = client.post(reverse("password_reset"), {"email": "Owner@Acme.test"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@acme.test"]
    assert message.subject == "Reset your Counsel Network password"
    link = re.search(r"https?://testserver(\S+)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    client_owner.refresh_from_db()
    assert client_owner.check_password(NEW_PASSWORD)
    assert not client_owner.check_password(TEST_PASSWORD)
    login = client.post(reverse("login"), {"username": client_owner.email, "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_reset_link_works_only_once(client, client_owner):
    link = _reset_link(client, client_owner.email)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert not again.context["validlink"]
    assert "This reset link no longer works" in again.content.decode()


def test_reset_for_an_unknown_address_sends_nothing_but_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@nowhere.test"}, follow=True)

    assert response.status_code == 200
    assert mail.outbox == []
    assert "Check your email" in response.content.decode()


def test_resetting_the_password_also_confirms_the_email_address(client):
    user = UserFactory(email="unverified@initech.test", email_verified_at=None)
    link = _reset_link(client, user.email)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    user.refresh_from_db()
    assert user.email_verified


def test_weak_new_password_is_refused_next_to_the_field(client, client_owner):
    link = _reset_link(client, client_owner.email)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": "123", "new_password2": "123"})

    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
