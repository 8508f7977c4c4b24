"""Navigation for the visitor's role, built once per request for the base layout."""

import functools
from dataclasses import dataclass

from django.db import connection
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

# (label, url name) per role; entries whose URL does not exist (yet) are left out.
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    "anonymous": [
        ("Jurisdictions", "jurisdictions:list"),
        ("Practice areas", "jurisdictions:practice-areas"),
    ],
    "client": [
        ("Dashboard", "engagements:client-dashboard"),
        ("Matters", "engagements:matter-list"),
        ("Post a matter", "engagements:matter-create"),
        ("Organisation", "accounts:organisation"),
        ("Jurisdictions", "jurisdictions:list"),
    ],
    "lawyer": [
        ("My application", "lawyers:profile"),
        ("Offers", "engagements:offer-inbox"),
        ("Engagements", "engagements:lawyer-engagements"),
        ("Jurisdictions", "jurisdictions:list"),
    ],
    "staff": [
        ("Staff dashboard", "engagements:staff-dashboard"),
        ("Vetting queue", "admin:lawyers_lawyerprofile_changelist"),
        ("Admin", "admin:index"),
        ("Jurisdictions", "jurisdictions:list"),
    ],
}


def visitor_role(user) -> str:  # type: ignore[no-untyped-def]
    if not user.is_authenticated:
        return "anonymous"
    if user.is_staff:
        return "staff"
    if hasattr(user, "lawyer_profile"):
        return "lawyer"
    return "client"


@dataclass(frozen=True)
class LayoutFacts:
    """What the layout shows about the visitor: their role (for the nav) and unread notifications."""

    role: str
    unread: int


def _layout_facts_load(user) -> LayoutFacts:  # type: ignore[no-untyped-def]
    from notifications.selectors import unread_count

    if not user.is_authenticated:
        return LayoutFacts(role="anonymous", unread=0)
    if user.is_staff or user.__class__.lawyer_profile.related.is_cached(user):
        # The role is known without a query (the view read the profile already, or staff).
        return LayoutFacts(role=visitor_role(user), unread=unread_count(user))
    if not user.is_active:
        return LayoutFacts(role=visitor_role(user), unread=0)
    # A lawyer or a client, and the unread count: one query for both (plain SQL: the ORM's compiling of
    # two subqueries cost more than running them).
    with connection.cursor() as cursor:
        cursor.execute(_role_and_unread_sql(), [user.pk, user.pk])
        row = cursor.fetchone()
    is_lawyer, unread = row if row is not None else (False, 0)
    return LayoutFacts(role="lawyer" if is_lawyer else "client", unread=int(unread))


@functools.cache
def _role_and_unread_sql() -> str:
    from lawyers.models import LawyerProfile
    from notifications.models import Notification

    quote = connection.ops.quote_name
    profiles, notifications = LawyerProfile._meta, Notification._meta
    profile_user = quote(profiles.get_field("user").column)
    recipient, read_at = (quote(notifications.get_field(name).column) for name in ("recipient", "read_at"))
    return (
        f"SELECT EXISTS (SELECT 1 FROM {quote(profiles.db_table)} WHERE {profile_user} = %s), "  # noqa: S608
        f"(SELECT COUNT(*) FROM {quote(notifications.db_table)} WHERE {recipient} = %s AND {read_at} IS NULL)"
    )


def layout_facts(request: HttpRequest) -> LayoutFacts:
    """The visitor's `LayoutFacts`, loaded once per request, when a template first asks."""
    facts: LayoutFacts | None = getattr(request, "_layout_facts", None)
    if facts is None:
        facts = _layout_facts_load(request.user)
        request._layout_facts = facts  # type: ignore[attr-defined]
    return facts


@functools.cache
def _role_urls(role: str, urlconf: str | None, prefix: str) -> tuple[tuple[str, str], ...]:
    """(label, url) of the role's entries whose URL exists, for one URLconf and script prefix."""
    urls = []
    for label, name in NAVIGATION[role]:
        try:
            urls.append((label, reverse(name, urlconf=urlconf)))
        except NoReverseMatch:
            continue
    return tuple(urls)


def _nav_items(request: HttpRequest) -> list[dict[str, object]]:
    urls = _role_urls(layout_facts(request).role, get_urlconf(), get_script_prefix())
    return [
        {"label": label, "url": url, "active": request.path.startswith(url) and url != "/"}
        for label, url in urls
    ]


def navigation(request: HttpRequest) -> dict[str, object]:
    """`nav_items` and `visitor_role`, lazy: a partial that shows neither asks the database nothing."""
    return {
        "nav_items": SimpleLazyObject(lambda: _nav_items(request)),
        "visitor_role": SimpleLazyObject(lambda: layout_facts(request).role),
    }


# Where each role lands after logging in when no `next` page was asked for: the first that exists.
START_PAGES: dict[str, list[str]] = {
    "client": ["engagements:client-dashboard", "engagements:matter-list"],
    "lawyer": ["lawyers:profile"],
    "staff": ["engagements:staff-dashboard", "admin:index"],
}


def start_page_url(user) -> str:  # type: ignore[no-untyped-def]
    """The role's start page, or the home page while no page for that role exists yet."""
    for name in START_PAGES.get(visitor_role(user), []):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return reverse("home")
