"""Matters and offers for the proof runs, made through the services a client would use.

Deterministic (matter i is always the same matter) and idempotent: matters carry a `[prove]` title
prefix, so a second run counts them and only tops up. Posting a matter runs its matching job (eagerly,
in-process, when no broker is configured), so each posted matter has a real match run and shortlist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.utils import timezone

from accounts.models import User
from engagements import services
from engagements.models import Matter
from jurisdictions.models import Jurisdiction, PracticeArea
from lawyers.management.seeding import tables_analyze

PREFIX = "[prove] "
CLIENT_EMAILS = ("client@demo.test", "globex@demo.test")
LAWYER_EMAIL = "lawyer@demo.test"
CURRENCIES = ("USD", "EUR", "GBP")


@dataclass(frozen=True)
class Seeded:
    matters: int
    created: int
    offers: int


def _offerable(i: int, post_every: int) -> bool:
    """Every other posted matter has a New York M&A seat and no rate cap (similar shortlists)."""
    return i % post_every == 0 and (i // post_every) % 2 == 0


def _matter_input(
    i: int, *, offerable: bool, jurisdictions: list[Jurisdiction], areas: list[PracticeArea], today: dt.date
):
    team = i % 3 == 0 and not offerable
    start = today + dt.timedelta(days=14 + i % 60)
    first_area = next(a for a in areas if a.slug == "m-and-a") if offerable else areas[i % len(areas)]
    seats = [
        services.SeatInput(
            jurisdiction=next(j for j in jurisdictions if j.code == "US-NY")
            if offerable
            else jurisdictions[i % len(jurisdictions)],
            practice_area=first_area,
            hours_per_week=Decimal(10 + (i % 4) * 5),
            min_seniority_years=(i % 4) * 2,
            label="Lead",
        )
    ]
    if team:
        seats.append(
            services.SeatInput(
                jurisdiction=jurisdictions[(i * 7 + 3) % len(jurisdictions)],
                practice_area=areas[(i * 5 + 1) % len(areas)],
                hours_per_week=Decimal(20),
                min_seniority_years=1,
                label="Support",
            )
        )
    currency = "USD" if offerable else CURRENCIES[i % len(CURRENCIES)]
    data = services.MatterInput(
        title=f"{PREFIX}Matter {i:04d}: {first_area.name} in {seats[0].jurisdiction.name}",
        summary="A generated matter for the proof runs (load and fuzzing).",
        practice_area=first_area,
        start_date=start,
        end_date=start + dt.timedelta(days=90 + i % 120),
        engagement_model=Matter.EngagementModel.TEAM if team else Matter.EngagementModel.ONE_EXPERT,
        currency=currency,
        confidential_details="Counterparty names under NDA." if i % 4 == 0 else "",
        rate_cap=None if offerable or i % 5 == 0 else Decimal(400 + (i % 8) * 100),
        budget_total=None if i % 2 else Decimal(250_000 + (i % 10) * 50_000),
        counterparties=[f"Counterparty {i % 37}"],
        required_languages=["en"],
    )
    return data, seats


def matters_ensure(*, count: int, post_every: int = 1, offers: int = 0, progress: bool = False) -> Seeded:
    """At least `count` `[prove]` matters, alternately Acme's and Globex's; every `post_every`-th one is
    posted (its matching runs), the rest stay drafts. Then up to `offers` pending offers to the demo
    lawyer on offerable open seats.
    """
    clients = [User.objects.get(email=email) for email in CLIENT_EMAILS]
    jurisdictions = list(Jurisdiction.objects.filter(is_active=True).order_by("code"))
    areas = list(PracticeArea.objects.filter(parent__isnull=False).order_by("slug"))
    today = timezone.localdate()
    existing = {
        int(title[len(PREFIX) + 7 : len(PREFIX) + 11])
        for title in Matter.objects.filter(title__startswith=f"{PREFIX}Matter ").values_list(
            "title", flat=True
        )
    }
    created = 0
    for i in range(count):
        if i in existing:
            continue
        data, seats = _matter_input(
            i, offerable=_offerable(i, post_every), jurisdictions=jurisdictions, areas=areas, today=today
        )
        services.matter_create(by=clients[i % 2], data=data, seats=seats, post=i % post_every == 0)
        created += 1
        if progress and created % 100 == 0:
            print(f"  seeded {created} matters", flush=True)
    seeded = Seeded(matters=len(existing) + created, created=created, offers=_offers_ensure(offers))
    _statistics_refresh()
    return seeded


def _statistics_refresh() -> None:
    """Planner statistics for the tables the matters went into: the load runs right after seeding,
    and autovacuum may be late or off (it is off on this machine)."""
    tables_analyze(
        model
        for app in ("accounts", "engagements", "notifications", "outbox")
        for model in apps.get_app_config(app).get_models()
    )


def _shortlisted_seats() -> dict[int, list[tuple[int, int]]]:
    """{lawyer id: [(seat id, candidate id)]} over the current shortlists of open `[prove]` seats."""
    from engagements.models import MatchCandidate, Seat
    from engagements.selectors import match_run_current

    found: dict[int, list[tuple[int, int]]] = {}
    matters = Matter.objects.filter(title__startswith=PREFIX, status=Matter.Status.OPEN).order_by("pk")
    for matter in matters:
        run = match_run_current(matter)
        if run is None:
            continue
        candidates = MatchCandidate.objects.filter(
            run=run, seat__status=Seat.Status.OPEN, seat__matter=matter
        ).values_list("lawyer_id", "seat_id", "pk")
        for lawyer_id, seat_id, candidate_id in candidates:
            found.setdefault(lawyer_id, []).append((seat_id, candidate_id))
    return found


def offer_lawyer_email() -> str:
    """The lawyer persona: whoever holds the most offers on `[prove]` matters (the demo lawyer if none)."""
    try:
        from engagements.models import Offer
    except ImportError:
        return LAWYER_EMAIL
    top = (
        Offer.objects.filter(seat__matter__title__startswith=PREFIX)
        .values("lawyer__user__email")
        .annotate(n=models.Count("pk"))
        .order_by("-n", "lawyer__user__email")
        .first()
    )
    return top["lawyer__user__email"] if top else LAWYER_EMAIL


def _offers_ensure(wanted: int) -> int:
    """Pending offers, up to `wanted`, to the lawyer on the most current shortlists of open `[prove]`
    seats (offers only go to shortlisted lawyers), each on the seat's shortlist terms. Returns how many
    that lawyer holds; 0 when offers are not in this checkout.
    """
    if wanted <= 0:
        return 0
    try:
        from engagements import offers as offer_services
        from engagements.models import MatchCandidate, Offer, Seat
    except ImportError:
        return 0
    from lawyers.models import LawyerProfile

    email = offer_lawyer_email()
    lawyer = LawyerProfile.objects.select_related("user").get(user__email=email)
    have = Offer.objects.filter(lawyer=lawyer, seat__matter__title__startswith=PREFIX).count()
    if have >= wanted:
        return have
    shortlisted = _shortlisted_seats()
    if email == LAWYER_EMAIL and lawyer.pk not in shortlisted and shortlisted:
        # Nobody has offers yet: the persona is the lawyer on most shortlists.
        lawyer_id = min(shortlisted, key=lambda pk: (-len(shortlisted[pk]), pk))
        lawyer = LawyerProfile.objects.select_related("user").get(pk=lawyer_id)
    offered = set(Offer.objects.filter(lawyer=lawyer).values_list("seat_id", flat=True))
    for seat_id, candidate_id in shortlisted.get(lawyer.pk, []):
        if have >= wanted:
            break
        if seat_id in offered:
            continue
        seat = Seat.objects.select_related("matter__created_by").get(pk=seat_id)
        candidate = MatchCandidate.objects.get(pk=candidate_id)
        terms = offer_services.offer_terms_default(seat=seat, lawyer=lawyer)
        offer_services.offer_send(
            seat=seat,
            lawyer=lawyer,
            by=seat.matter.created_by,
            hourly_rate=candidate.rate,
            hours_per_week=terms.hours_per_week,
            start=terms.start,
            end=terms.end,
            expires_at=timezone.now() + dt.timedelta(days=3650),
            match_candidate=candidate,
        )
        have += 1
    return have
