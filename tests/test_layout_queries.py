"""What the layout costs every page: the visitor's session and user, then one query for the nav's role
and the bell's unread count together; nothing for anonymous visitors."""

import pytest
from django.utils import timezone

from notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_cache")]

# A plain page whose own content comes from the reference-data cache: what is left is the layout.
PLAIN_PAGE = "/jurisdictions/practice-areas/"


def _user(role, client_owner, lawyer_user, staff_user):  # type: ignore[no-untyped-def]
    return {"client": client_owner, "lawyer": lawyer_user, "staff": staff_user}[role]


def test_an_anonymous_visitor_costs_no_query(client, django_assert_num_queries):
    client.get(PLAIN_PAGE)
    with django_assert_num_queries(0):
        response = client.get(PLAIN_PAGE)
    assert "Log in" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "nav_entry"),
    [("client", "Post a matter"), ("lawyer", "My application"), ("staff", "Staff dashboard")],
)
def test_a_signed_in_visitor_costs_three_queries(
    client, client_owner, lawyer_user, staff_user, django_assert_num_queries, role, nav_entry
):
    user = _user(role, client_owner, lawyer_user, staff_user)
    client.force_login(user)
    client.get(PLAIN_PAGE)

    # 1 session, 2 user, 3 the role (for client and lawyer) with the unread count.
    with django_assert_num_queries(3):
        response = client.get(PLAIN_PAGE)

    html = response.content.decode()
    assert nav_entry in html
    assert 'data-testid="unread-count"' not in html


@pytest.mark.parametrize("role", ["client", "lawyer", "staff"])
def test_the_bell_counts_only_the_visitors_unread(client, client_owner, lawyer_user, staff_user, role):
    user = _user(role, client_owner, lawyer_user, staff_user)
    for n in range(3):
        Notification.objects.create(recipient=user, kind="offer.received", title=f"Offer {n}")
    Notification.objects.create(recipient=user, kind="offer.received", title="Read", read_at=timezone.now())
    for other in {client_owner, lawyer_user, staff_user} - {user}:
        Notification.objects.create(recipient=other, kind="offer.received", title="Not yours")
    client.force_login(user)

    page = client.get(PLAIN_PAGE).content.decode()
    bell = client.get("/notifications/bell/").content.decode()

    assert 'data-testid="unread-count">3</span>' in page
    assert 'data-testid="unread-count">3</span>' in bell
    assert "3 unread" in client.get("/notifications/").content.decode()


def test_the_bell_alone_costs_one_query_after_the_user(client, lawyer_user, django_assert_num_queries):
    client.force_login(lawyer_user)
    with django_assert_num_queries(3):
        response = client.get("/notifications/bell/")
    assert response.status_code == 200


def test_the_notifications_page_costs_five_queries(client, lawyer_user, django_assert_num_queries):
    for n in range(30):
        Notification.objects.create(recipient=lawyer_user, kind="offer.received", title=f"Offer {n}")
    client.force_login(lawyer_user)

    # 1 session, 2 user, 3 role and unread count, 4 the paginator's count, 5 the page of notifications.
    with django_assert_num_queries(5):
        response = client.get("/notifications/")

    html = response.content.decode()
    assert html.count('data-testid="notification"') == 25
    newest = Notification.objects.filter(recipient=lawyer_user).latest("created_at", "id")
    assert f'href="/notifications/{newest.pk}/open/"' in html
    assert f'action="/notifications/{newest.pk}/read/"' in html
