"""Navigation for the visitor's role, built once per request for the base layout."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

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


def navigation(request: HttpRequest) -> dict[str, object]:
    role = visitor_role(request.user)
    items = []
    for label, name in NAVIGATION[role]:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items, "visitor_role": role}


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
