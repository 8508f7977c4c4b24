"""The tenancy matrix: every URL pattern and API route, probed as every persona, with the status the
product must answer, and no response showing a persona what is not theirs to see.

Personas (tests/tenancy_scenario.py builds them and everything they could ask for): anonymous, the
client owner and a colleague (organisation A), an outsider (organisation B), a lawyer with an offer
on A's matter (NDA not yet accepted; engaged on another of A's matters), a lawyer without one (on the
same shortlist, offered nothing), and staff.

The rules (PRODUCT.md): deny by default; a client sees only its organisation's matters; a lawyer only
offers made to them and engagements they are on; confidential details only after the NDA. Someone
else's object is a 404, never a 200 with its data; a 403 only where the refusal is about the role and
says nothing about the object (a lawyer on a client-only endpoint, a client member on a lawyer's
action on an engagement both can see).

`ROUTES` is the table. A URL pattern without an entry fails `test_every_route_has_a_tenancy_entry`
("new route without a tenancy entry: …"), and so does an entry whose route is gone. Where the product
answers differently from the table, the case is marked xfail(strict=True) with the bug's name: the
table keeps what the product should do.

The scenario is built once for the module in a transaction rolled back at the end; each probe runs
in its own test transaction, so a state-changing POST by someone allowed to make it changes nothing
for the next probe.
"""

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from engagements import offers
from engagements.models import Offer
from tests import tenancy_scenario as ts
from tests.tenancy_scenario import PERSONAS, Scenario

pytestmark = pytest.mark.django_db

# --- the table -----------------------------------------------------------------------------------

# Logged-out visitors: pages send them to log in; the API refuses them (DRF with session
# authentication first answers 403, not 401).
LOGIN = 302
API_ANON = 403

# Admin: index and one changelist stand for the rest (staff only; Django admin's own permission model).
ADMIN_KEPT = {"admin:index", "admin:engagements_matter_changelist"}


def statuses(default: int, **by_persona: int) -> dict[str, int]:
    """`default` for every persona but those named."""
    unknown = set(by_persona) - set(PERSONAS)
    assert not unknown, f"unknown personas: {unknown}"
    return {persona: by_persona.get(persona, default) for persona in PERSONAS}


@dataclass(frozen=True)
class Probe:
    """One request to a route and the status each persona must get."""

    method: str
    expect: dict[str, int]
    # The body (or a function of the scenario giving it); None sends none.
    data: dict[str, Any] | Callable[[Scenario], dict[str, Any]] | None = None
    # Persona → why the product answers otherwise today (the case is xfail(strict=True)).
    bugs: dict[str, str] = field(default_factory=dict)
    # Text this very request legitimately shows the persona making it (e.g. accepting the NDA).
    discloses: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    kwargs: Callable[[Scenario], dict[str, Any]]
    probes: tuple[Probe, ...]
    query: Callable[[Scenario], str] = lambda s: ""
    api: bool = False
    # For an unnamed pattern, which cannot be reversed: its path.
    path: str | None = None


def _none(s: Scenario) -> dict[str, Any]:
    return {}


def _alpha(s: Scenario) -> dict[str, Any]:
    return {"pk": s.alpha.pk}


def _offer(s: Scenario) -> dict[str, Any]:
    return {"pk": s.offer.pk}


def _engagement(s: Scenario) -> dict[str, Any]:
    return {"pk": s.engagement.pk}


def _time_entry(s: Scenario) -> dict[str, Any]:
    return {"pk": s.time_entry.pk}


def _lawyer(s: Scenario) -> dict[str, Any]:
    return {"pk": s.lawyer_offer.pk}


def _owners_notification(s: Scenario) -> dict[str, Any]:
    return {"pk": s.notifications["owner"].pk}


def page(kwargs: Callable[[Scenario], dict[str, Any]], *probes: Probe, **extra: Any) -> Route:
    return Route(kwargs=kwargs, probes=probes, **extra)


def api(kwargs: Callable[[Scenario], dict[str, Any]], *probes: Probe, **extra: Any) -> Route:
    return Route(kwargs=kwargs, probes=probes, api=True, **extra)


GET, POST, PUT, PATCH, DELETE = "GET", "POST", "PUT", "PATCH", "DELETE"

# Common shapes ----------------------------------------------------------------------------------

PUBLIC = statuses(200)
# A page for anyone logged in, showing only the viewer's own things.
SIGNED_IN = statuses(200, anon=LOGIN)
# Organisation A's matter (or its engagement), seen: members and staff; acted on: members only.
A_SEES = statuses(404, anon=LOGIN, owner=200, colleague=200, staff=200)
A_ACTS_FORM = statuses(404, anon=LOGIN, owner=200, colleague=200)
A_ACTS_REDIRECT = statuses(404, anon=LOGIN, owner=302, colleague=302)
# Pages for client members about their own organisation (the outsider sees its own).
MEMBERS_OWN = statuses(404, anon=LOGIN, owner=200, colleague=200, outsider=200)
# The lawyer with an offer's own things.
LAWYER_OWN_PAGE = statuses(404, anon=LOGIN, lawyer_offer=200, staff=200)
OFFER_PAGE = statuses(404, anon=LOGIN, lawyer_offer=200)
LAWYERS_PAGE = statuses(404, anon=LOGIN, lawyer_offer=200, lawyer_none=200)
# The API: matters are for client members and staff (lawyers 403: a role-level refusal).
API_A_SEES = statuses(
    404, anon=API_ANON, owner=200, colleague=200, staff=200, lawyer_offer=403, lawyer_none=403
)
API_MEMBERS_OWN = statuses(
    403, anon=API_ANON, owner=200, colleague=200, outsider=200, staff=200
)  # lists scoped to the viewer
# The API: offers are for lawyers (clients and staff 403: a role-level refusal).
API_OFFER = statuses(403, anon=API_ANON, lawyer_offer=200, lawyer_none=404)
# The API: one's own lawyer profile (everyone without one: 404).
API_MY_PROFILE = statuses(404, anon=API_ANON, lawyer_offer=200, lawyer_none=200)
API_SIGNED_IN = statuses(200, anon=API_ANON)


def _time_body(s: Scenario, **extra: Any) -> dict[str, Any]:
    """Hours on BRAVO's engagement, the day its probe entry was logged."""
    return {
        "engagement": s.engagement.pk,
        "work_date": s.time_entry.work_date.isoformat(),
        "hours": "1",
        **extra,
    }


def _offer_create_query(s: Scenario) -> str:
    return f"?lawyer={s.lawyer_none.pk}"


ROUTES: dict[str, Route] = {
    # --- project pages -----------------------------------------------------------------------------
    "home": page(_none, Probe(GET, PUBLIC)),
    "healthz": page(_none, Probe(GET, PUBLIC)),
    "<unnamed favicon.ico>": page(_none, Probe(GET, statuses(301)), path="/favicon.ico"),
    "api-schema": page(_none, Probe(GET, PUBLIC)),
    "api-docs": page(_none, Probe(GET, PUBLIC)),
    "admin:index": page(_none, Probe(GET, statuses(302, staff=200))),
    "admin:engagements_matter_changelist": page(_none, Probe(GET, statuses(302, staff=200))),
    # --- accounts ----------------------------------------------------------------------------------
    "login": page(_none, Probe(GET, statuses(302, anon=200))),
    "logout": page(_none, Probe(POST, statuses(302))),
    "password_reset": page(_none, Probe(GET, PUBLIC)),
    "password_reset_done": page(_none, Probe(GET, PUBLIC)),
    "password_reset_confirm": page(
        lambda s: {"uidb64": "MQ", "token": "not-a-real-token"}, Probe(GET, PUBLIC)
    ),
    "password_reset_complete": page(_none, Probe(GET, PUBLIC)),
    "accounts:signup": page(_none, Probe(GET, statuses(302, anon=200))),
    "accounts:signup-client": page(_none, Probe(GET, statuses(302, anon=200))),
    "accounts:signup-lawyer": page(_none, Probe(GET, statuses(302, anon=200))),
    "accounts:signup-done": page(_none, Probe(GET, PUBLIC)),
    "accounts:verification-resend": page(_none, Probe(GET, PUBLIC)),
    "accounts:verify-email": page(lambda s: {"token": "not-a-real-token"}, Probe(GET, statuses(400))),
    "accounts:organisation": page(_none, Probe(GET, MEMBERS_OWN)),
    # A colleague is refused by the service (a message), the outsider regenerates their own.
    "accounts:organisation-join-code-regenerate": page(
        _none, Probe(POST, statuses(404, anon=LOGIN, owner=302, colleague=302, outsider=302))
    ),
    # --- jurisdictions (public reference data) -----------------------------------------------------
    "jurisdictions:list": page(_none, Probe(GET, PUBLIC)),
    "jurisdictions:practice-areas": page(_none, Probe(GET, PUBLIC)),
    "jurisdictions:detail": page(lambda s: {"code": "SG"}, Probe(GET, PUBLIC)),
    "api:jurisdiction-list": api(_none, Probe(GET, PUBLIC)),
    "api:jurisdiction-detail": api(lambda s: {"code": "SG"}, Probe(GET, PUBLIC)),
    "api:practice-area-list": api(_none, Probe(GET, PUBLIC)),
    "api:practice-area-detail": api(lambda s: {"slug": s.alpha.practice_area.slug}, Probe(GET, PUBLIC)),
    "api:exchange-rate-list": api(_none, Probe(GET, API_SIGNED_IN)),
    "api:exchange-rate-detail": api(lambda s: {"currency": "USD"}, Probe(GET, API_SIGNED_IN)),
    # --- lawyers: the portal (the lawyer with an offer's own profile) -------------------------------
    "lawyers:profile": page(_none, Probe(GET, statuses(404, anon=LOGIN, lawyer_offer=302, lawyer_none=302))),
    "lawyers:document-download": page(lambda s: {"document_pk": s.document.pk}, Probe(GET, LAWYER_OWN_PAGE)),
    "lawyers:profile-detail": page(_lawyer, Probe(GET, LAWYER_OWN_PAGE)),
    # An empty POST leaves the form unbound: the page again, not an error.
    "lawyers:basics": page(_lawyer, Probe(GET, LAWYER_OWN_PAGE), Probe(POST, LAWYER_OWN_PAGE, data={})),
    "lawyers:documents": page(_lawyer, Probe(GET, LAWYER_OWN_PAGE)),
    "lawyers:document-delete": page(
        lambda s: {"pk": s.lawyer_offer.pk, "document_pk": s.document.pk},
        Probe(POST, statuses(404, anon=LOGIN, lawyer_offer=302, staff=302)),
    ),
    "lawyers:submit": page(_lawyer, Probe(POST, statuses(404, anon=LOGIN, lawyer_offer=302, staff=302))),
    "lawyers:section": page(
        lambda s: {"pk": s.lawyer_offer.pk, "section": "languages"}, Probe(GET, LAWYER_OWN_PAGE)
    ),
    # --- lawyers: the API ----------------------------------------------------------------------------
    "api:my-lawyer-profile": api(
        _none,
        Probe(GET, API_MY_PROFILE),
        Probe(PATCH, API_MY_PROFILE, data={}),
    ),
    "api:my-availability": api(
        _none,
        Probe(GET, API_MY_PROFILE),
        Probe(PATCH, statuses(404, anon=API_ANON, lawyer_offer=400, lawyer_none=400), data={}),
    ),
    # The talent team's lawyer list: staff only, everyone else refused whatever the lawyer.
    "api:lawyer-list": api(_none, Probe(GET, statuses(403, staff=200))),
    "api:lawyer-detail": api(_lawyer, Probe(GET, statuses(403, staff=200))),
    "api:my-admission-list": api(
        _none,
        Probe(GET, API_MY_PROFILE),
        Probe(POST, statuses(404, anon=API_ANON, lawyer_offer=400, lawyer_none=400), data={}),
    ),
    "api:my-admission-detail": api(
        lambda s: {"pk": s.admission_id},
        Probe(GET, statuses(404, anon=API_ANON, lawyer_offer=200)),
        Probe(DELETE, statuses(404, anon=API_ANON, lawyer_offer=204)),
    ),
    "api:my-unavailability-list": api(
        _none,
        Probe(GET, API_MY_PROFILE),
        Probe(POST, statuses(404, anon=API_ANON, lawyer_offer=400, lawyer_none=400), data={}),
    ),
    "api:my-unavailability-detail": api(
        lambda s: {"pk": s.unavailability.pk},
        Probe(GET, statuses(404, anon=API_ANON, lawyer_offer=200)),
        Probe(DELETE, statuses(404, anon=API_ANON, lawyer_offer=204)),
    ),
    # --- notifications (the owner's notification stands for anyone's) -----------------------------
    "notifications:list": page(_none, Probe(GET, SIGNED_IN)),
    "notifications:bell": page(_none, Probe(GET, statuses(200, anon=204))),
    "notifications:read-all": page(_none, Probe(POST, statuses(302))),
    "notifications:open": page(_owners_notification, Probe(GET, statuses(404, anon=LOGIN, owner=302))),
    "notifications:read": page(_owners_notification, Probe(POST, statuses(404, anon=LOGIN, owner=302))),
    "api:notification-list": api(_none, Probe(GET, API_SIGNED_IN)),
    "api:notification-read-all": api(_none, Probe(POST, API_SIGNED_IN)),
    "api:notification-unread-count": api(_none, Probe(GET, API_SIGNED_IN)),
    "api:notification-detail": api(_owners_notification, Probe(GET, statuses(404, anon=API_ANON, owner=200))),
    "api:notification-read": api(_owners_notification, Probe(POST, statuses(404, anon=API_ANON, owner=200))),
    # --- matters: pages ------------------------------------------------------------------------------
    # Lists are scoped to the viewer: a lawyer gets an empty list, the outsider only their own.
    "engagements:matter-list": page(_none, Probe(GET, SIGNED_IN)),
    "engagements:matter-create": page(_none, Probe(GET, MEMBERS_OWN), Probe(POST, MEMBERS_OWN, data={})),
    "engagements:matter-detail": page(_alpha, Probe(GET, A_SEES)),
    "engagements:matter-update": page(_alpha, Probe(GET, A_ACTS_FORM), Probe(POST, A_ACTS_FORM, data={})),
    "engagements:matter-post": page(_alpha, Probe(POST, A_ACTS_REDIRECT)),
    "engagements:matter-cancel": page(_alpha, Probe(GET, A_ACTS_FORM), Probe(POST, A_ACTS_FORM, data={})),
    "engagements:matter-matching": page(_alpha, Probe(GET, A_SEES)),
    "engagements:matter-rerun": page(_alpha, Probe(POST, A_ACTS_REDIRECT)),
    # --- offers and engagements: client pages ----------------------------------------------------
    "engagements:offer-create": page(
        lambda s: {"pk": s.alpha.pk, "seat_pk": s.alpha_seat.pk},
        Probe(GET, A_ACTS_FORM),
        Probe(POST, A_ACTS_FORM, data={}),
        query=_offer_create_query,
    ),
    "engagements:offer-team": page(_alpha, Probe(POST, A_ACTS_REDIRECT)),
    "engagements:offer-withdraw": page(_offer, Probe(POST, A_ACTS_REDIRECT)),
    "engagements:engagement-complete": page(_engagement, Probe(POST, A_ACTS_REDIRECT)),
    "engagements:engagement-terminate": page(
        _engagement, Probe(GET, A_ACTS_FORM), Probe(POST, A_ACTS_FORM, data={})
    ),
    # --- offers and engagements: the lawyer's portal ---------------------------------------------
    "engagements:offer-inbox": page(_none, Probe(GET, LAWYERS_PAGE)),
    "engagements:offer-detail": page(_offer, Probe(GET, OFFER_PAGE)),
    "engagements:offer-accept-nda": page(_offer, Probe(POST, statuses(404, anon=LOGIN, lawyer_offer=302))),
    # Refused (NDA outstanding) with a message and a redirect.
    "engagements:offer-accept": page(_offer, Probe(POST, statuses(404, anon=LOGIN, lawyer_offer=302))),
    "engagements:offer-decline": page(
        _offer, Probe(POST, statuses(404, anon=LOGIN, lawyer_offer=400), data={})
    ),
    "engagements:lawyer-engagements": page(_none, Probe(GET, LAWYERS_PAGE)),
    # --- delivery: the engagement's lawyer logs time, the client reviews and rates, staff read ------
    "engagements:engagement-delivery": page(
        _engagement,
        Probe(GET, statuses(404, anon=LOGIN, owner=200, colleague=200, lawyer_offer=200, staff=200)),
    ),
    "engagements:time-entry-create": page(
        _engagement,
        Probe(
            POST, statuses(404, anon=LOGIN, lawyer_offer=400, owner=403, colleague=403, staff=403), data={}
        ),
    ),
    "engagements:engagement-rate": page(
        _engagement,
        Probe(
            POST, statuses(404, anon=LOGIN, owner=400, colleague=400, lawyer_offer=403, staff=403), data={}
        ),
    ),
    "engagements:time-entry-approve": page(
        _time_entry,
        Probe(POST, statuses(404, anon=LOGIN, owner=302, colleague=302, lawyer_offer=403, staff=403)),
    ),
    "engagements:time-entry-reject": page(
        _time_entry,
        Probe(GET, statuses(404, anon=LOGIN, owner=200, colleague=200, lawyer_offer=403, staff=403)),
        Probe(
            POST, statuses(404, anon=LOGIN, owner=400, colleague=400, lawyer_offer=403, staff=403), data={}
        ),
    ),
    # The viewer's own organisation's targets; only owners change them (a colleague: 403).
    "engagements:sla-targets": page(
        _none,
        Probe(GET, MEMBERS_OWN),
        Probe(POST, statuses(404, anon=LOGIN, owner=400, colleague=403, outsider=400), data={}),
    ),
    # Members only: a lawyer is refused by role (403), staff sent to their own dashboard.
    "engagements:client-dashboard": page(
        _none,
        Probe(GET, statuses(403, anon=LOGIN, owner=200, colleague=200, outsider=200, staff=302)),
    ),
    "engagements:staff-dashboard": page(_none, Probe(GET, statuses(404, anon=LOGIN, staff=200))),
    # --- matters: the API ------------------------------------------------------------------------------
    "api:matter-list": api(
        _none,
        Probe(GET, API_MEMBERS_OWN),
        Probe(POST, statuses(403, anon=API_ANON, owner=400, colleague=400, outsider=400), data={}),
    ),
    "api:matter-detail": api(
        _alpha,
        Probe(GET, API_A_SEES),
        Probe(
            PUT,
            statuses(
                404, anon=API_ANON, owner=400, colleague=400, staff=403, lawyer_offer=403, lawyer_none=403
            ),
            data={},
        ),
    ),
    "api:matter-cancel": api(
        _alpha,
        Probe(
            POST,
            statuses(
                404, anon=API_ANON, owner=400, colleague=400, staff=403, lawyer_offer=403, lawyer_none=403
            ),
            data={},
        ),
    ),
    "api:matter-post": api(
        _alpha,
        # ALPHA is already posted: a conflict for its members.
        Probe(
            POST,
            statuses(
                404, anon=API_ANON, owner=409, colleague=409, staff=403, lawyer_offer=403, lawyer_none=403
            ),
        ),
    ),
    "api:matter-rerun": api(
        _alpha,
        Probe(
            POST,
            statuses(
                404, anon=API_ANON, owner=202, colleague=202, staff=403, lawyer_offer=403, lawyer_none=403
            ),
        ),
    ),
    "api:matter-run-latest": api(_alpha, Probe(GET, API_A_SEES)),
    "api:matter-offers": api(
        _alpha,
        Probe(GET, API_A_SEES),
        Probe(
            POST,
            statuses(
                404, anon=API_ANON, owner=400, colleague=400, staff=403, lawyer_offer=403, lawyer_none=403
            ),
            data={},
        ),
    ),
    # The proposed team's lawyer already has a pending offer: a conflict for the members.
    "api:matter-offers-team": api(
        _alpha,
        Probe(
            POST,
            statuses(
                404, anon=API_ANON, owner=409, colleague=409, staff=403, lawyer_offer=403, lawyer_none=403
            ),
            data={},
        ),
    ),
    "api:matter-offer-withdraw": api(
        lambda s: {"pk": s.alpha.pk, "offer_pk": s.offer.pk},
        Probe(
            POST,
            statuses(
                404, anon=API_ANON, owner=200, colleague=200, staff=403, lawyer_offer=403, lawyer_none=403
            ),
        ),
    ),
    # --- offers: the API (lawyers) --------------------------------------------------------------------
    "api:offer-list": api(_none, Probe(GET, statuses(403, anon=API_ANON, lawyer_offer=200, lawyer_none=200))),
    "api:offer-detail": api(_offer, Probe(GET, API_OFFER)),
    "api:offer-accept-nda": api(
        _offer, Probe(POST, API_OFFER, discloses={"lawyer_offer": (ts.ALPHA_SECRET,)})
    ),
    # Refused while the NDA is outstanding.
    "api:offer-accept": api(
        _offer, Probe(POST, statuses(403, anon=API_ANON, lawyer_offer=400, lawyer_none=404))
    ),
    # With a reason: the input is checked before the offer is looked up.
    "api:offer-decline": api(
        _offer,
        Probe(
            POST, statuses(403, anon=API_ANON, lawyer_offer=200, lawyer_none=404), data={"reason": "Probe"}
        ),
    ),
    # --- engagements: the API --------------------------------------------------------------------------
    "api:engagement-list": api(_none, Probe(GET, API_SIGNED_IN)),
    "api:engagement-detail": api(
        _engagement,
        Probe(GET, statuses(404, anon=API_ANON, owner=200, colleague=200, lawyer_offer=200, staff=200)),
    ),
    "api:engagement-complete": api(
        _engagement,
        Probe(POST, statuses(404, anon=API_ANON, owner=200, colleague=200, lawyer_offer=403, staff=403)),
    ),
    # With a reason, so the answer is about who asks, not about a missing field.
    "api:engagement-terminate": api(
        _engagement,
        Probe(
            POST,
            statuses(404, anon=API_ANON, owner=200, colleague=200, lawyer_offer=403, staff=403),
            data={"reason": "Tenancy probe"},
        ),
    ),
    # --- delivery: the API ----------------------------------------------------------------------------
    # Lists are scoped to the viewer. Logging time: lawyers only (a role-level 403 for the rest), on
    # their own engagement (the other lawyer: 404).
    "api:time-entry-list": api(
        _none,
        Probe(GET, API_SIGNED_IN),
        Probe(
            POST,
            statuses(403, anon=API_ANON, lawyer_offer=201, lawyer_none=404),
            data=lambda s: _time_body(s, description="Tenancy probe"),
        ),
    ),
    "api:time-entry-detail": api(
        _time_entry,
        Probe(GET, statuses(404, anon=API_ANON, owner=200, colleague=200, lawyer_offer=200, staff=200)),
    ),
    "api:time-entry-check": api(
        _none,
        Probe(
            POST,
            statuses(404, anon=API_ANON, owner=403, colleague=403, lawyer_offer=200, staff=403),
            data=_time_body,
        ),
    ),
    "api:time-entry-approve": api(
        _time_entry,
        Probe(POST, statuses(404, anon=API_ANON, owner=200, colleague=200, lawyer_offer=403, staff=403)),
    ),
    "api:time-entry-reject": api(
        _time_entry,
        Probe(
            POST,
            statuses(404, anon=API_ANON, owner=200, colleague=200, lawyer_offer=403, staff=403),
            data={"reason": "Tenancy probe"},
        ),
    ),
    # Ratings: given by the organisation's members (CHARLIE's engagement is already rated: 409).
    "api:rating-list": api(
        _none,
        Probe(GET, API_SIGNED_IN),
        Probe(
            POST,
            statuses(403, anon=API_ANON, owner=409, colleague=409, outsider=404),
            data=lambda s: {"engagement": s.completed_engagement.pk, "score": 5},
        ),
    ),
    "api:rating-detail": api(
        lambda s: {"pk": s.rating.pk},
        Probe(GET, statuses(404, anon=API_ANON, owner=200, colleague=200, lawyer_offer=200, staff=200)),
    ),
    # SLA figures: the viewer's organisation's, the network's for staff; lawyers refused by role.
    "api:sla": api(_none, Probe(GET, statuses(200, anon=API_ANON, lawyer_offer=403, lawyer_none=403))),
}


# --- walking the URLconf --------------------------------------------------------------------------


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {route}>"
            yield (f"{namespace}:{name}" if namespace else name), route


def project_routes() -> list[tuple[str, str]]:
    """(name, route) of every pattern, but the admin's beyond the two kept, and static/debug ones."""
    routes = []
    for name, route in _walk(get_resolver().url_patterns):
        if name.startswith("admin:") and name not in ADMIN_KEPT:
            continue
        if route.startswith(("static/", "media/", "__debug__/", "^static/", "^media/")) or name.startswith(
            "djdt:"
        ):
            continue
        routes.append((name, route))
    return routes


def test_every_route_has_a_tenancy_entry():
    routes = project_routes()
    found = {name for name, _ in routes}
    problems = [f"new route without a tenancy entry: {name}" for name in sorted(found - set(ROUTES))]
    problems += [
        f"tenancy entry for a route that no longer exists: {name}" for name in sorted(set(ROUTES) - found)
    ]
    # A name on two patterns reverses to one of them only: the other would go unprobed.
    shared = sorted({name for name, _ in routes if [n for n, _ in routes].count(name) > 1})
    problems += [f"route name on more than one URL pattern (probe each): {name}" for name in shared]
    assert not problems, "\n".join(problems)


# --- the probes --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The world of tests/tenancy_scenario.py, built once and rolled back after the module."""
    media_root = str(tmp_path_factory.mktemp("tenancy-media"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root), transaction.atomic():
        from jurisdictions.services import reference_data_ensure

        reference_data_ensure()
        world = ts.build()
        world.media_root = media_root
        yield world
        transaction.set_rollback(True)


@dataclass
class Browser:
    """A persona's test client, logged in once; its cookies are put back before every request."""

    client: Client
    cookies: SimpleCookie


@pytest.fixture(scope="module")
def browsers(scenario, django_db_blocker):  # type: ignore[no-untyped-def]
    # One client per persona for the whole module: a client loads the middleware (WhiteNoise scans
    # every static file) on its first request, which would otherwise be most of the run time.
    result = {}
    with django_db_blocker.unblock():
        for persona in PERSONAS:
            client = Client(raise_request_exception=False)
            user = scenario.user(persona)
            if user is not None:
                client.force_login(user)  # the session row lives in the module's transaction
            result[persona] = Browser(client=client, cookies=copy.deepcopy(client.cookies))
    return result


# The conftest's autouse fixtures, overridden for this module: the reference data is loaded with the
# scenario, and its documents are stored in its own media root, not a fresh one per test (which, over
# some nine hundred probes, would be a good part of the run time).


@pytest.fixture(autouse=True)
def _reference_data(db):  # type: ignore[no-untyped-def]
    pass


@pytest.fixture(autouse=True)
def _media_root(settings, scenario):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = scenario.media_root


def _cases() -> Iterator[Any]:
    for name, route in ROUTES.items():
        methods = [probe.method for probe in route.probes]
        for index, probe in enumerate(route.probes):
            label = probe.method if methods.count(probe.method) == 1 else f"{probe.method}{index}"
            for persona in PERSONAS:
                marks = []
                if persona in probe.bugs:
                    marks.append(pytest.mark.xfail(strict=True, reason=probe.bugs[persona]))
                yield pytest.param(name, index, persona, id=f"{name}-{label}-{persona}", marks=marks)


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def request_as(browser: Browser, scenario: Scenario, name: str, probe: Probe) -> tuple[str, Any]:
    route = ROUTES[name]
    url = route.path or reverse(name, kwargs=route.kwargs(scenario))
    url += route.query(scenario)
    client = browser.client
    # Whatever the last request did to the cookies (logged out, left a message), start from the login.
    client.cookies = copy.deepcopy(browser.cookies)
    send = getattr(client, probe.method.lower())
    data = probe.data(scenario) if callable(probe.data) else probe.data
    if data is None:
        response = send(url)
    elif route.api:
        response = send(url, data, content_type="application/json")
    else:
        response = send(url, data)
    return url, response


@pytest.mark.parametrize(("name", "probe_index", "persona"), list(_cases()))
def test_route_answers_each_persona_as_the_rules_say(scenario, browsers, name, probe_index, persona):
    probe = ROUTES[name].probes[probe_index]
    url, response = request_as(browsers[persona], scenario, name, probe)

    expected = probe.expect[persona]
    assert response.status_code == expected, (
        f"{name} ({probe.method} {url}) as {persona}: expected {expected}, got {response.status_code}"
    )
    body = _body(response)
    allowed = set(probe.discloses.get(persona, ()))
    leaked = [text for text in ts.forbidden_text(persona) if text not in allowed and text in body]
    assert not leaked, f"{name} ({probe.method} {url}) as {persona} shows {leaked}"


# --- the NDA and other candidates, explicitly ---------------------------------------------------------


def _offer_urls(scenario: Scenario) -> list[str]:
    """The lawyer's views of their offer: the page, the inbox, and the same over the API."""
    return [
        reverse("engagements:offer-detail", args=[scenario.offer.pk]),
        reverse("engagements:offer-inbox"),
        reverse("api:offer-detail", args=[scenario.offer.pk]),
        reverse("api:offer-list"),
    ]


def _get(browser: Browser, url: str) -> str:
    browser.client.cookies = copy.deepcopy(browser.cookies)
    response = browser.client.get(url)
    assert response.status_code == 200, url
    return _body(response)


def test_confidential_details_appear_to_the_lawyer_only_after_the_nda(scenario, browsers):
    lawyer = browsers["lawyer_offer"]
    for url in _offer_urls(scenario):
        assert ts.ALPHA_SECRET not in _get(lawyer, url), (
            f"{url} shows the confidential details before the NDA"
        )

    offers.offer_accept_nda(offer=scenario.offer, by=scenario.lawyer_offer.user)

    detail_page, _inbox, detail_api, _list = _offer_urls(scenario)
    for url in (detail_page, detail_api):
        assert ts.ALPHA_SECRET in _get(lawyer, url), f"{url} hides the confidential details after the NDA"


def test_the_client_is_named_to_a_lawyer_only_after_the_nda(scenario):
    # The rival's only tie to organisation A is this offer (the lawyer with an offer also works for A).
    rival = Browser(client=Client(raise_request_exception=False), cookies=SimpleCookie())
    rival.client.force_login(scenario.rival.user)
    rival.cookies = copy.deepcopy(rival.client.cookies)
    urls = [
        reverse("engagements:offer-detail", args=[scenario.rival_offer.pk]),
        reverse("engagements:offer-inbox"),
        reverse("api:offer-detail", args=[scenario.rival_offer.pk]),
        reverse("api:offer-list"),
        reverse("notifications:list"),
        reverse("api:notification-list"),
    ]
    for url in urls:
        body = _get(rival, url)
        for hidden in (ts.ORG_A, ts.ALPHA_SECRET, ts.LAWYER_OFFER_NAME, ts.LAWYER_NONE_NAME):
            assert hidden not in body, f"{url} shows {hidden!r} to a lawyer before the NDA"

    offers.offer_accept_nda(offer=scenario.rival_offer, by=scenario.rival.user)

    for url in urls[:1] + urls[2:3]:
        body = _get(rival, url)
        assert ts.ORG_A in body and ts.ALPHA_SECRET in body, f"{url} after the NDA"


def test_a_lawyer_never_sees_another_candidate_on_their_seat(scenario, browsers):
    # The rival has a pending offer for the same seat, at a rate of their own; the third shortlisted
    # lawyer has none. Neither shows to the lawyer with an offer, before or after the NDA.
    rival_rate = "777.00"
    Offer.objects.filter(pk=scenario.rival_offer.pk).update(hourly_rate=Decimal(rival_rate))
    lawyer = browsers["lawyer_offer"]
    for nda in (False, True):
        if nda:
            offers.offer_accept_nda(offer=scenario.offer, by=scenario.lawyer_offer.user)
        for url in _offer_urls(scenario):
            body = _get(lawyer, url)
            for other in (ts.RIVAL_NAME, ts.LAWYER_NONE_NAME, rival_rate):
                assert other not in body, f"{url} shows {other!r} to the lawyer with an offer (NDA: {nda})"


@pytest.mark.parametrize(
    ("persona", "name", "kwargs", "shown"),
    [
        ("owner", "accounts:organisation", _none, (ts.ORG_A, ts.ORG_A_EMAILS)),
        ("staff", "api:lawyer-list", _none, (ts.LAWYER_EMAILS,)),
        ("owner", "engagements:matter-detail", _alpha, (ts.ALPHA_TITLE, ts.ALPHA_SECRET, ts.RIVAL_NAME)),
        ("colleague", "api:matter-detail", _alpha, (ts.ALPHA_TITLE, ts.ALPHA_SECRET, ts.ORG_A)),
        ("colleague", "api:rating-list", _none, (ts.CHARLIE_TITLE, ts.RATING_COMMENT)),
        ("outsider", "engagements:matter-list", _none, (ts.GLOBEX_TITLE,)),
        ("outsider", "accounts:organisation", _none, (ts.ORG_B,)),
        ("outsider", "api:matter-list", _none, (ts.GLOBEX_TITLE, ts.GLOBEX_SECRET)),
        ("lawyer_offer", "engagements:offer-detail", _offer, (ts.ALPHA_TITLE,)),
        ("lawyer_offer", "engagements:engagement-delivery", _engagement, (ts.BRAVO_TITLE, ts.ORG_A)),
        ("lawyer_offer", "api:engagement-list", _none, (ts.BRAVO_TITLE, ts.CHARLIE_TITLE, ts.ORG_A)),
        ("staff", "api:lawyer-list", _none, (ts.LAWYER_OFFER_NAME, ts.RIVAL_NAME, ts.LAWYER_NONE_NAME)),
        ("staff", "engagements:matter-detail", _alpha, (ts.ALPHA_TITLE, ts.ALPHA_SECRET)),
    ],
)
def test_the_markers_show_where_they_belong(scenario, browsers, persona, name, kwargs, shown):
    # The matrix looks for these markers where they must not be; here, where they must (or it could
    # never fail).
    body = _get(browsers[persona], reverse(name, kwargs=kwargs(scenario)))
    missing = [text for text in shown if text not in body]
    assert not missing, f"{name} as {persona} lacks {missing}"


def test_the_table_names_every_persona_for_every_probe():
    for name, route in ROUTES.items():
        assert route.probes, name
        for probe in route.probes:
            assert set(probe.expect) == set(PERSONAS), name
            assert set(probe.bugs) <= set(PERSONAS), name
            assert set(probe.discloses) <= set(PERSONAS), name
