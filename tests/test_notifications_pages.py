"""The notifications page, opening one, marking read, and the bell with its unread count in the nav."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import services
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _notify(user, title="New offer", url="/lawyers/", **kwargs):
    (notification,) = services.notify(
        recipients=[user], kind="offer.received", title=title, url=url, email=False, **kwargs
    )
    return notification


def _queries_on(table: str, queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if f'"{table}"' in q["sql"]]


def test_the_list_shows_own_notifications_newest_first(client, client_owner, client_colleague):
    _notify(client_owner, title="Older offer")
    _notify(client_owner, title="Newer offer")
    _notify(client_colleague, title="Colleague's offer")
    client.force_login(client_owner)

    response = client.get("/notifications/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Newer offer") < html.index("Older offer")
    assert "Colleague&#x27;s offer" not in html
    assert html.count('class="notification unread"') == 2


def test_read_notifications_are_not_highlighted(client, client_owner):
    notification = _notify(client_owner)
    services.notification_mark_read(notification=notification, by=client_owner)
    client.force_login(client_owner)

    html = client.get("/notifications/").content.decode()

    assert 'data-testid="notification"' in html
    assert 'class="notification unread"' not in html


def test_the_list_can_show_unread_only(client, client_owner):
    read = _notify(client_owner, title="Already seen")
    services.notification_mark_read(notification=read, by=client_owner)
    _notify(client_owner, title="Still new")
    client.force_login(client_owner)

    html = client.get("/notifications/?unread=1").content.decode()

    assert "Still new" in html and "Already seen" not in html


def test_the_list_is_paginated(client, client_owner):
    for n in range(30):
        _notify(client_owner, title=f"Offer {n}")
    client.force_login(client_owner)

    first = client.get("/notifications/").content.decode()
    second = client.get("/notifications/?page=2").content.decode()

    assert first.count('data-testid="notification"') == 25
    assert second.count('data-testid="notification"') == 5
    assert "Offer 29" in first and "Offer 0<" in second


def test_the_list_page_query_count_does_not_grow_with_notifications(client, client_owner):
    client.force_login(client_owner)
    _notify(client_owner)
    with CaptureQueriesContext(connection) as one:
        client.get("/notifications/")
    for n in range(20):
        _notify(client_owner, title=f"Offer {n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/notifications/")

    assert len(many) == len(one)
    # the page's count and rows, plus the nav's unread count
    assert len(_queries_on("notifications_notification", many)) == 3


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, client_owner):
    notification = _notify(client_owner, url="/lawyers/?from=notification")
    client.force_login(client_owner)

    response = client.get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == "/lawyers/?from=notification"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize(
    "stored_url",
    ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)", "/\\evil.example", ""],
)
def test_opening_never_leaves_the_site(client, client_owner, stored_url):
    # a link that is not a path on this site (stored by a bug or by hand) is not followed
    notification = Notification.objects.create(
        recipient=client_owner, kind="offer.received", title="New offer", url=stored_url
    )
    client.force_login(client_owner)

    response = client.get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")


@pytest.mark.parametrize(
    "method, path",
    [("get", "/notifications/{pk}/open/"), ("post", "/notifications/{pk}/read/")],
)
def test_it_checks_ownership(
    client, client_owner, client_colleague, client_outsider, staff_user, method, path
):
    notification = _notify(client_owner)
    url = path.format(pk=notification.pk)
    # outsiders, colleagues and even the talent team get 404 for someone else's notification
    for viewer in [client_colleague, client_outsider, staff_user]:
        client.force_login(viewer)
        assert getattr(client, method)(url).status_code == 404, viewer.email
    notification.refresh_from_db()
    assert notification.read_at is None

    client.force_login(client_owner)
    assert getattr(client, method)(url).status_code == 302


@pytest.mark.parametrize("path", ["/notifications/", "/notifications/1/open/"])
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_mark_read_returns_to_the_list(client, client_owner):
    notification = _notify(client_owner)
    client.force_login(client_owner)

    response = client.post(f"/notifications/{notification.pk}/read/", {"next": "/notifications/?page=2"})

    assert response.status_code == 302 and response["Location"] == "/notifications/?page=2"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_read_does_not_follow_an_external_next(client, client_owner):
    notification = _notify(client_owner)
    client.force_login(client_owner)

    response = client.post(f"/notifications/{notification.pk}/read/", {"next": "https://evil.example/"})

    assert response["Location"] == "/notifications/"


def test_mark_all_read_marks_only_own(client, client_owner, client_colleague):
    _notify(client_owner)
    _notify(client_owner)
    theirs = _notify(client_colleague)
    client.force_login(client_owner)

    response = client.post("/notifications/read-all/", follow=True)

    assert "Marked 2 notifications as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=client_owner, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_needs_a_post(client, client_owner):
    notification = _notify(client_owner)
    client.force_login(client_owner)

    assert client.get("/notifications/read-all/").status_code == 405
    assert client.get(f"/notifications/{notification.pk}/read/").status_code == 405


def test_the_nav_shows_the_unread_count(client, client_owner, client_colleague):
    for _ in range(3):
        _notify(client_owner)
    _notify(client_colleague)
    client.force_login(client_owner)

    html = client.get("/").content.decode()

    assert 'data-testid="nav-bell"' in html
    assert 'data-testid="unread-count">3<' in html
    assert 'aria-label="Notifications, 3 unread"' in html


def test_the_nav_count_is_capped(client, client_owner):
    Notification.objects.bulk_create(
        Notification(recipient=client_owner, kind="offer.received", title=f"Offer {n}") for n in range(100)
    )
    client.force_login(client_owner)

    html = client.get("/").content.decode()

    assert 'data-testid="unread-count">99+<' in html
    assert 'aria-label="Notifications, 100 unread"' in html


def test_the_nav_shows_no_count_when_all_is_read(client, client_owner):
    _notify(client_owner)
    services.notifications_mark_all_read(user=client_owner)
    client.force_login(client_owner)

    html = client.get("/").content.decode()

    assert 'data-testid="nav-bell"' in html and 'data-testid="unread-count"' not in html


def test_the_nav_count_is_one_query_however_many_notifications(client, client_owner):
    client.force_login(client_owner)
    _notify(client_owner)
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for _ in range(15):
        _notify(client_owner)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/").content.decode()

    assert 'data-testid="unread-count">16<' in html
    assert len(many) == len(one)
    assert len(_queries_on("notifications_notification", many)) == 1


def test_anonymous_visitors_see_no_bell_and_cost_no_query(client):
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()

    assert 'data-testid="nav-bell"' not in html
    assert _queries_on("notifications_notification", queries) == []


def test_the_bell_refreshes_on_its_own(client, client_owner):
    client.force_login(client_owner)
    _notify(client_owner)

    response = client.get("/notifications/bell/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-trigger="every 30s"' in html and 'data-testid="unread-count">1<' in html
    assert "<nav" not in html


def test_the_bell_has_nothing_to_swap_once_logged_out(client):
    assert client.get("/notifications/bell/").status_code == 204
