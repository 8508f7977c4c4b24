import pytest

pytestmark = pytest.mark.django_db


def test_home_page_renders_for_anonymous_visitor(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Counsel" in response.content


def test_unknown_page_shows_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_personas_are_distinct(client_owner, client_colleague, client_outsider, lawyer_user, staff_user):
    assert client_owner.membership.organisation == client_colleague.membership.organisation
    assert client_outsider.membership.organisation != client_owner.membership.organisation
    assert lawyer_user.is_lawyer and not client_owner.is_lawyer
    assert staff_user.is_staff
