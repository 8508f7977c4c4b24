"""Admin pages for users, client organisations and memberships."""

import pytest
from django.urls import reverse

from accounts.models import ClientOrganisation, User
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:accounts_user_changelist",
    "admin:accounts_clientorganisation_changelist",
    "admin:accounts_membership_changelist",
]


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_changelists_load_for_staff(
    client, staff_user, client_owner, client_colleague, lawyer_user, url_name
):
    client.force_login(staff_user)

    response = client.get(reverse(url_name))

    assert response.status_code == 200


@pytest.mark.parametrize("url_name", CHANGELISTS)
def test_changelists_redirect_non_staff_to_admin_login(client, client_owner, url_name):
    client.force_login(client_owner)

    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_user_changelist_shows_email_name_role_and_verification(client, staff_user, client_owner):
    client.force_login(staff_user)

    response = client.get(reverse("admin:accounts_user_changelist"), {"q": "acme"})

    content = response.content.decode()
    assert client_owner.email in content
    assert client_owner.full_name in content
    assert "Owner, Acme Holdings" in content


@pytest.mark.parametrize(
    ("query", "expected", "unexpected"),
    [
        ({"role": "lawyer"}, "lawyer@counsel.test", "owner@acme.test"),
        ({"role": "client"}, "owner@acme.test", "lawyer@counsel.test"),
        ({"verified": "no"}, "new@initech.test", "owner@acme.test"),
    ],
)
def test_user_filters(client, staff_user, client_owner, lawyer_user, query, expected, unexpected):
    User.objects.create_user("new@initech.test", TEST_PASSWORD, full_name="New Person")
    client.force_login(staff_user)

    content = client.get(reverse("admin:accounts_user_changelist"), query).content.decode()

    assert expected in content
    assert unexpected not in content


def test_staff_can_add_a_user_with_a_password(client, staff_user):
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Added@Counsel.test",
            "full_name": "Added Person",
            "usable_password": "true",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="added@counsel.test")
    assert user.check_password(TEST_PASSWORD)


def test_adding_a_user_with_a_taken_email_is_a_form_error(client, staff_user, client_owner):
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "OWNER@acme.test",
            "full_name": "Dup",
            "usable_password": "true",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors


def test_user_change_and_password_pages_load(client, staff_user, client_owner):
    client.force_login(staff_user)

    change = client.get(reverse("admin:accounts_user_change", args=[client_owner.pk]))
    password = client.get(reverse("admin:auth_user_password_change", args=[client_owner.pk]))

    assert change.status_code == 200
    assert password.status_code == 200


def test_mark_verified_action(client, staff_user):
    user = User.objects.create_user("new@initech.test", TEST_PASSWORD, full_name="New Person")
    client.force_login(staff_user)

    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "mark_email_verified", "_selected_action": [user.pk]},
    )

    user.refresh_from_db()
    assert user.email_verified


def test_organisation_change_page_lists_memberships(client, staff_user, client_owner, client_colleague):
    client.force_login(staff_user)
    organisation = client_owner.membership.organisation

    response = client.get(reverse("admin:accounts_clientorganisation_change", args=[organisation.pk]))

    assert response.status_code == 200
    assert client_colleague.email in response.content.decode()


def test_organisation_add_page_proposes_a_fresh_join_code(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("admin:accounts_clientorganisation_add"))

    code = response.context["adminform"].form.initial["join_code"]
    assert len(code) == 12
    assert not ClientOrganisation.objects.filter(join_code=code).exists()
