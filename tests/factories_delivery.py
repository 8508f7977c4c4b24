"""Builders for delivery tests: a live engagement on a posted matter, without going through matching.

The staffing flow (offers, acceptance) has its own tests; here an accepted offer and its engagement
are written directly, as `offer_accept` leaves them, so time, ratings, SLAs and dashboards can be
tested on their own.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from engagements.models import Engagement, Matter, Offer, Seat, TimeEntry
from tests import factories_engagements as fe


def today() -> dt.date:
    return timezone.localdate()


def posted_matter(*, by: User, seats: int = 1, **overrides: Any) -> Matter:
    """A posted matter running from 60 days ago to 60 days ahead (its match run is never executed)."""
    fields: dict[str, Any] = {
        "start_date": today() - dt.timedelta(days=60),
        "end_date": today() + dt.timedelta(days=60),
        "budget_total": Decimal("10000"),
        "rate_cap": None,
        "counterparties": [],
        "engagement_model": Matter.EngagementModel.TEAM if seats > 1 else Matter.EngagementModel.ONE_EXPERT,
    }
    fields.update(overrides)
    return fe.matter(
        by=by,
        post=True,
        seats=[fe.seat_input(label=f"Seat {i + 1}", hours="20") for i in range(seats)],
        **fields,
    )


def engage(
    *,
    matter: Matter,
    seat: Seat | None = None,
    lawyer: Any = None,
    rate: str = "100",
    hours_per_week: str = "20",
    status: str = Engagement.Status.ACTIVE,
    created_at: dt.datetime | None = None,
) -> Engagement:
    """The seat's accepted offer and engagement, as an acceptance leaves them (seat filled)."""
    seat = seat or matter.seats.filter(status=Seat.Status.OPEN).order_by("position").first()
    assert seat is not None, "no open seat left"
    lawyer = lawyer or fe.network_lawyer(f"Lawyer for seat {seat.pk}")
    now = created_at or timezone.now()
    offer = Offer.objects.create(
        seat=seat,
        lawyer=lawyer,
        sent_by=matter.created_by,
        hourly_rate=Decimal(rate),
        currency=matter.currency,
        hours_per_week=Decimal(hours_per_week),
        start_date=matter.start_date,
        end_date=matter.end_date,
        expires_at=now + dt.timedelta(hours=72),
        status=Offer.Status.ACCEPTED,
    )
    # Answered the moment it was made: its answer clock reads zero.
    Offer.objects.filter(pk=offer.pk).update(answered_at=offer.created_at, closed_at=offer.created_at)
    engagement = Engagement.objects.create(
        offer=offer,
        seat=seat,
        matter=matter,
        lawyer=lawyer,
        hourly_rate=offer.hourly_rate,
        currency=offer.currency,
        hours_per_week=offer.hours_per_week,
        start_date=offer.start_date,
        end_date=offer.end_date,
        status=status,
        completed_at=now if status == Engagement.Status.COMPLETED else None,
    )
    if created_at is not None:
        Engagement.objects.filter(pk=engagement.pk).update(created_at=created_at)
        engagement.created_at = created_at
    Seat.objects.filter(pk=seat.pk).update(status=Seat.Status.FILLED)
    if not matter.seats.filter(status=Seat.Status.OPEN).exists():
        Matter.objects.filter(pk=matter.pk).update(status=Matter.Status.STAFFED)
    return Engagement.objects.select_related("matter", "lawyer__user", "seat").get(pk=engagement.pk)


def entry(
    engagement: Engagement,
    *,
    hours: str = "5",
    days_ago: int = 1,
    status: str = TimeEntry.Status.SUBMITTED,
    description: str = "Drafting",
) -> TimeEntry:
    """A time entry written directly (the services have their own tests), amount = hours × rate."""
    value = Decimal(hours)
    return TimeEntry.objects.create(
        engagement=engagement,
        work_date=today() - dt.timedelta(days=days_ago),
        hours=value,
        description=description,
        status=status,
        amount=(value * engagement.hourly_rate).quantize(Decimal("0.01")),
        created_by=engagement.lawyer.user,
    )
