"""The talent team can look through every notification in admin, but not write them."""

import pytest

from notifications import services

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/notification/"


@pytest.fixture
def notifications(client_owner, settings):
    settings.TALENT_TEAM_EMAIL = "talent@counsel.example"
    services.notify(recipients=[client_owner], kind="offer.received", title="New offer", email=False)
    return services.notify_talent_team(kind="sla.breached", title="SLA breached", dedupe_key="sla-breach:1")


@pytest.mark.parametrize(
    "query",
    ["", "?kind=sla.breached", "?read_at__isempty=1", "?emailed_at__isempty=0", "?q=owner%40acme.test"],
)
def test_the_changelist_loads_with_filters(client, staff_user, notifications, query):
    client.force_login(staff_user)

    response = client.get(CHANGELIST + query)

    assert response.status_code == 200


def test_the_changelist_shows_recipients_and_the_mailbox(client, staff_user, notifications):
    client.force_login(staff_user)

    html = client.get(CHANGELIST).content.decode()

    assert "owner@acme.test" in html and "talent@counsel.example (mailbox)" in html


def test_notifications_are_read_only_in_admin(client, staff_user, notifications):
    client.force_login(staff_user)
    notification = notifications[0]

    assert client.get(CHANGELIST + "add/").status_code == 403
    detail = client.get(f"{CHANGELIST}{notification.pk}/change/")
    assert detail.status_code == 200
    assert 'name="title"' not in detail.content.decode()


def test_people_outside_the_talent_team_cannot_see_them(client, client_owner, notifications):
    client.force_login(client_owner)

    assert client.get(CHANGELIST).status_code == 302
