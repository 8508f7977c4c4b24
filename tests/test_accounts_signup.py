"""Sign-up as a client member (new organisation or join code) and as a lawyer applicant."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import ClientOrganisation, Membership, User
from lawyers.models import LawyerProfile
from marketplace.errors import DomainError
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _client_signup_data(**overrides):
    data = {
        "full_name": "Ada Lovelace",
        "email": "Ada@Initech.test",
        "password": TEST_PASSWORD,
        "password_confirm": TEST_PASSWORD,
        "organisation_choice": "create",
        "organisation_name": "Initech Legal",
        "join_code": "",
    }
    data.update(overrides)
    return data


def test_signup_page_offers_both_roles(client):
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 200
    assert reverse("accounts:signup-client").encode() in response.content
    assert reverse("accounts:signup-lawyer").encode() in response.content


def test_client_signup_creating_organisation_makes_the_user_its_owner(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup-client"), _client_signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup-done")
    user = User.objects.get(email="ada@initech.test")
    assert user.full_name == "Ada Lovelace"
    assert user.check_password(TEST_PASSWORD)
    assert not user.email_verified
    assert user.membership.role == Membership.Role.OWNER
    organisation = user.membership.organisation
    assert organisation.name == "Initech Legal"
    assert organisation.slug == "initech-legal"
    assert len(organisation.join_code) == services.JOIN_CODE_LENGTH
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@initech.test"]
    assert "/accounts/verify-email/" in mail.outbox[0].body
    # Not logged in: the address must be confirmed first.
    assert "_auth_user_id" not in client.session
    done = client.get(response["Location"])
    assert b"ada@initech.test" in done.content


def test_client_signup_with_join_code_makes_the_user_a_member(client, client_owner):
    organisation = client_owner.membership.organisation
    typed_code = organisation.join_code.lower()[:4] + " " + organisation.join_code.lower()[4:]
    data = _client_signup_data(
        email="bob@acme.test", organisation_choice="join", organisation_name="", join_code=typed_code
    )

    response = client.post(reverse("accounts:signup-client"), data)

    assert response.status_code == 302
    user = User.objects.get(email="bob@acme.test")
    assert user.membership.organisation == organisation
    assert user.membership.role == Membership.Role.MEMBER
    assert ClientOrganisation.objects.count() == 1


def test_client_signup_with_unknown_join_code_shows_error_on_the_field_and_saves_nothing(
    client, client_owner
):
    users_before = User.objects.count()
    data = _client_signup_data(organisation_choice="join", join_code="NOSUCHCODE99")

    response = client.post(reverse("accounts:signup-client"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert "No organisation has this join code" in form.errors["join_code"][0]
    assert list(form.errors) == ["join_code"]
    assert b'id="id_join_code_error"' in response.content
    assert User.objects.count() == users_before
    assert Membership.objects.count() == 1
    assert ClientOrganisation.objects.count() == 1
    assert mail.outbox == []


def test_client_signup_needs_an_organisation_name_when_creating(client):
    response = client.post(reverse("accounts:signup-client"), _client_signup_data(organisation_name=" "))

    assert response.status_code == 200
    assert "organisation_name" in response.context["form"].errors
    assert not User.objects.exists()


def test_client_signup_refuses_an_organisation_name_already_registered(client, client_owner):
    response = client.post(
        reverse("accounts:signup-client"), _client_signup_data(organisation_name="acme holdings")
    )

    assert response.status_code == 200
    assert "already registered" in response.context["form"].errors["organisation_name"][0]
    assert not User.objects.filter(email="ada@initech.test").exists()


def test_signup_refuses_an_email_already_registered_whatever_its_case(client, client_owner):
    response = client.post(reverse("accounts:signup-client"), _client_signup_data(email="OWNER@acme.test"))

    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["email"][0]
    assert not ClientOrganisation.objects.filter(name="Initech Legal").exists()


def test_signup_refuses_weak_and_mismatched_passwords(client):
    response = client.post(
        reverse("accounts:signup-client"),
        _client_signup_data(password="12345678", password_confirm="12345679"),
    )

    errors = response.context["form"].errors
    assert response.status_code == 200
    assert "password" in errors
    assert "don't match" in errors["password_confirm"][0]
    assert not User.objects.exists()


def test_signup_with_garbage_input_is_a_form_error_not_a_crash(client):
    response = client.post(
        reverse("accounts:signup-client"),
        {"email": "not-an-email", "organisation_choice": "something-else", "full_name": "x" * 500},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"email", "organisation_choice", "full_name", "password"} <= set(errors)
    assert not User.objects.exists()


def test_invitation_link_prefills_the_join_code(client):
    response = client.get(reverse("accounts:signup-client") + "?join_code=JOIN000001")

    form = response.context["form"]
    assert form.initial == {"organisation_choice": "join", "join_code": "JOIN000001"}
    assert b'value="JOIN000001"' in response.content


def test_lawyer_signup_creates_user_and_draft_profile(client, django_capture_on_commit_callbacks):
    data = {
        "full_name": "Grace Hopper",
        "email": "grace@chambers.test",
        "password": TEST_PASSWORD,
        "password_confirm": TEST_PASSWORD,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup-lawyer"), data)

    assert response.status_code == 302
    user = User.objects.get(email="grace@chambers.test")
    assert user.is_lawyer
    assert user.lawyer_profile.status == LawyerProfile.Status.DRAFT
    assert not hasattr(user, "membership")
    assert len(mail.outbox) == 1


def test_lawyer_signup_with_a_taken_email_saves_nothing(client, lawyer_user):
    data = {
        "full_name": "Someone Else",
        "email": "lawyer@counsel.test",
        "password": TEST_PASSWORD,
        "password_confirm": TEST_PASSWORD,
    }

    response = client.post(reverse("accounts:signup-lawyer"), data)

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert LawyerProfile.objects.count() == 1


def test_client_signup_service_rolls_back_the_user_when_the_organisation_is_refused(client_owner):
    # The form checks the name first; the service must hold even when a race slips past the form.
    with pytest.raises(DomainError) as refused:
        services.client_signup(
            email="late@initech.test",
            full_name="Late Comer",
            password=TEST_PASSWORD,
            organisation_name="ACME   Holdings",
            site_url="http://testserver",
        )

    assert refused.value.field == "organisation_name"
    assert not User.objects.filter(email="late@initech.test").exists()


def test_client_signup_service_needs_exactly_one_way_to_join(client_owner):
    for organisation_name, join_code in [("", ""), ("New Org", "JOIN000001")]:
        with pytest.raises(DomainError):
            services.client_signup(
                email="x@y.test",
                full_name="X",
                password=TEST_PASSWORD,
                organisation_name=organisation_name,
                join_code=join_code,
                site_url="http://testserver",
            )
    assert not User.objects.filter(email="x@y.test").exists()


def test_organisations_whose_names_slugify_alike_get_distinct_slugs(client_owner):
    first = services.client_signup(
        email="a@a.test",
        full_name="A",
        password=TEST_PASSWORD,
        organisation_name="Acme, Holdings!",
        site_url="http://testserver",
    )

    assert first.membership.organisation.slug == "acme-holdings-2"


def test_signed_in_users_are_sent_home_from_signup(client, client_owner):
    client.force_login(client_owner)

    response = client.get(reverse("accounts:signup-client"))

    assert response.status_code == 302
