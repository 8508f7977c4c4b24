"""The Organisation page: the viewer's own organisation, its members, and the join code for the owner."""

import pytest
from django.urls import reverse

from tests.factories import ClientMemberFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:organisation")


def test_it_checks_ownership(client, client_owner, client_colleague, client_outsider):
    acme_code = client_owner.membership.organisation.join_code

    client.force_login(client_outsider)
    response = client.get(URL)

    # The outsider sees only their own organisation: nothing of Acme.
    content = response.content.decode()
    assert response.status_code == 200
    assert "Globex Corporation" in content
    assert "Acme Holdings" not in content
    assert client_owner.email not in content and client_colleague.email not in content
    assert acme_code not in content


def test_owner_sees_members_with_roles_and_the_join_code(client, client_owner, client_colleague):
    client.force_login(client_owner)

    response = client.get(URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Acme Holdings" in content
    assert client_owner.email in content and client_colleague.email in content
    assert "Owner" in content and "Member" in content
    organisation = client_owner.membership.organisation
    assert organisation.join_code in content
    assert f"?join_code={organisation.join_code}" in content


def test_plain_member_sees_members_but_not_the_join_code(client, client_owner, client_colleague):
    client.force_login(client_colleague)

    response = client.get(URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert client_owner.email in content
    assert client_owner.membership.organisation.join_code not in content
    assert reverse("accounts:organisation-join-code-regenerate") not in content


@pytest.mark.parametrize("persona", ["lawyer_user", "staff_user"])
def test_users_without_an_organisation_get_404(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_query_count_does_not_grow_with_members(client, client_owner, django_assert_num_queries):
    organisation = client_owner.membership.organisation
    for n in range(5):
        ClientMemberFactory(organisation=organisation, email=f"extra{n}@acme.test")
    client.force_login(client_owner)

    # 1 session, 2 user, 3 membership with its organisation, 4 the members with their users,
    # 5 the nav's role (lawyer or client) and the bell's unread count, together.
    with django_assert_num_queries(5):
        response = client.get(URL)

    assert response.content.decode().count("@acme.test</td>") == 6


def test_owner_can_replace_the_join_code(client, client_owner):
    organisation = client_owner.membership.organisation
    old_code = organisation.join_code
    client.force_login(client_owner)

    response = client.post(reverse("accounts:organisation-join-code-regenerate"), follow=True)

    organisation.refresh_from_db()
    assert organisation.join_code != old_code
    assert organisation.join_code in response.content.decode()
    assert "The old code no longer works" in response.content.decode()


def test_member_cannot_replace_the_join_code(client, client_owner, client_colleague):
    organisation = client_owner.membership.organisation
    old_code = organisation.join_code
    client.force_login(client_colleague)

    response = client.post(reverse("accounts:organisation-join-code-regenerate"), follow=True)

    organisation.refresh_from_db()
    assert organisation.join_code == old_code
    assert "Only the organisation&#x27;s owner" in response.content.decode()


def test_replacing_the_join_code_needs_a_post(client, client_owner):
    client.force_login(client_owner)

    assert client.get(reverse("accounts:organisation-join-code-regenerate")).status_code == 405
