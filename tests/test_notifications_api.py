"""/api/v1/notifications/: a signed-in user's own notifications, filter unread, mark read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from notifications import services
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def _notify(user, title="New offer"):
    (notification,) = services.notify(
        recipients=[user], kind="offer.received", title=title, url="/lawyers/", email=False
    )
    return notification


def test_it_lists_own_notifications_newest_first(api, client_owner, client_colleague):
    _notify(client_owner, title="Older")
    _notify(client_owner, title="Newer")
    _notify(client_colleague, title="Theirs")
    api.force_authenticate(client_owner)

    response = api.get("/api/v1/notifications/")

    assert response.status_code == 200
    assert [n["title"] for n in response.json()["results"]] == ["Newer", "Older"]
    first = response.json()["results"][0]
    assert first["kind"] == "offer.received" and first["url"] == "/lawyers/" and first["is_read"] is False


def test_it_filters_unread(api, client_owner):
    seen = _notify(client_owner, title="Seen")
    services.notification_mark_read(notification=seen, by=client_owner)
    _notify(client_owner, title="New")
    api.force_authenticate(client_owner)

    unread = api.get("/api/v1/notifications/?unread=true").json()["results"]
    read = api.get("/api/v1/notifications/?unread=false").json()["results"]

    assert [n["title"] for n in unread] == ["New"]
    assert [n["title"] for n in read] == ["Seen"]


def test_the_list_query_count_does_not_grow(api, client_owner):
    api.force_authenticate(client_owner)
    _notify(client_owner)
    with CaptureQueriesContext(connection) as one:
        api.get("/api/v1/notifications/")
    for n in range(10):
        _notify(client_owner, title=f"Offer {n}")
    with CaptureQueriesContext(connection) as many:
        api.get("/api/v1/notifications/")

    assert len(many) == len(one)


def test_mark_one_read(api, client_owner):
    notification = _notify(client_owner)
    api.force_authenticate(client_owner)

    response = api.post(f"/api/v1/notifications/{notification.pk}/read/")

    assert response.status_code == 200
    assert response.json()["is_read"] is True and response.json()["read_at"]
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read_and_the_unread_count(api, client_owner, client_colleague):
    _notify(client_owner)
    _notify(client_owner)
    theirs = _notify(client_colleague)
    api.force_authenticate(client_owner)

    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    response = api.post("/api/v1/notifications/read-all/")

    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.parametrize(
    "method, path", [("get", "/api/v1/notifications/{pk}/"), ("post", "/api/v1/notifications/{pk}/read/")]
)
def test_it_checks_ownership(api, client_owner, client_colleague, client_outsider, staff_user, method, path):
    notification = _notify(client_owner)
    url = path.format(pk=notification.pk)
    for viewer in [client_colleague, client_outsider, staff_user]:
        api.force_authenticate(viewer)
        assert getattr(api, method)(url).status_code == 404, viewer.email
    assert Notification.objects.get(pk=notification.pk).read_at is None

    api.force_authenticate(client_owner)
    assert getattr(api, method)(url).status_code == 200


def test_anonymous_callers_are_refused(api):
    assert api.get("/api/v1/notifications/").status_code in (401, 403)
    assert api.post("/api/v1/notifications/read-all/").status_code in (401, 403)
