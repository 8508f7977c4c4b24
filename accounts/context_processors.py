"""Navigation for the visitor's role, built once per request for the base layout."""

import functools
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
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
    from lawyers.models import LawyerProfile
    from notifications.models import Notification
    from notifications.selectors import unread_count

    if not user.is_authenticated:
        return LayoutFacts(role="anonymous", unread=0)
    if user.is_staff or user.__class__.lawyer_profile.related.is_cached(user):
        # The role is known without a query (the view read the profile already, or staff).
        return LayoutFacts(role=visitor_role(user), unread=unread_count(user))
    if not user.is_active:
        return LayoutFacts(role=visitor_role(user), unread=0)
    # A lawyer or a client, and the unread count: one query for both.
    row = (
        user.__class__._default_manager.filter(pk=user.pk)
        .annotate(
            is_lawyer=Exists(LawyerProfile.objects.filter(user_id=OuterRef("pk"))),
            unread=Coalesce(
                Subquery(
                    Notification.objects.filter(recipient_id=OuterRef("pk"), read_at__isnull=True)
                    .order_by()
                    .values("recipient_id")
                    .annotate(count=Count("*"))
                    .values("count")
                ),
                0,
            ),
        )
        .values_list("is_lawyer", "unread")
        .first()
    )
    is_lawyer, unread = row if row is not None else (False, 0)
    return LayoutFacts(role="lawyer" if is_lawyer else "client", unread=unread)


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
