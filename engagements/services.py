"""Writes for matters and seats: create, edit, post, cancel. Every state change is audited.

The audit trail is the matter's history (django-simple-history): each save records who made it and,
for transitions, why (`_change_reason`).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import ClientOrganisation, Membership, User
from engagements import match_runs, rules
from engagements.models import MatchRun, Matter, Seat
from engagements.selectors import currencies_with_exchange_rates
from jurisdictions.models import Jurisdiction, PracticeArea
from marketplace.errors import ConflictError, DomainError


@dataclass(frozen=True)
class SeatInput:
    """One seat as entered. `seat_id` names an existing seat of the matter being edited."""

    jurisdiction: Jurisdiction
    practice_area: PracticeArea
    hours_per_week: Decimal
    min_seniority_years: int = 0
    label: str = ""
    seat_id: int | None = None


@dataclass(frozen=True)
class MatterInput:
    """A matter's fields as entered (everything a client can edit)."""

    title: str
    summary: str
    practice_area: PracticeArea
    start_date: dt.date
    end_date: dt.date
    engagement_model: str
    currency: str
    confidential_details: str = ""
    is_pilot: bool = False
    rate_cap: Decimal | None = None
    budget_total: Decimal | None = None
    required_languages: Sequence[str] = ()
    counterparties: Sequence[str] = ()


def _client_organisation(*, user: User) -> ClientOrganisation:
    try:
        membership = Membership.objects.select_related("organisation").get(user=user)
    except Membership.DoesNotExist:
        raise DomainError(
            "Only members of a client organisation can post matters.", code="not_a_client"
        ) from None
    return membership.organisation


def _raise_first(problems: Sequence[rules.Problem]) -> None:
    if problems:
        raise DomainError(problems[0].message, field=problems[0].field)


def _validated_fields(data: MatterInput) -> dict[str, object]:
    """The matter's columns from the input, or DomainError naming the first wrong field."""
    if not data.title.strip():
        raise DomainError("Give the matter a title.", field="title")
    if data.engagement_model not in Matter.EngagementModel.values:
        raise DomainError("Choose an engagement model.", field="engagement_model")
    _raise_first(
        rules.matter_problems(
            start_date=data.start_date,
            end_date=data.end_date,
            rate_cap=data.rate_cap,
            budget_total=data.budget_total,
            currency=data.currency,
            known_currencies=currencies_with_exchange_rates(),
        )
    )
    try:
        languages = rules.language_codes_clean(data.required_languages)
    except ValueError as exc:
        raise DomainError(str(exc), field="required_languages") from None
    counterparties, normalised = rules.counterparties_clean(data.counterparties)
    return {
        "title": data.title.strip(),
        "summary": data.summary.strip(),
        "confidential_details": data.confidential_details.strip(),
        "practice_area": data.practice_area,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "engagement_model": data.engagement_model,
        "is_pilot": data.is_pilot,
        "rate_cap": data.rate_cap,
        "budget_total": data.budget_total,
        "currency": data.currency.strip().upper(),
        "required_languages": languages,
        "counterparties": counterparties,
        "counterparties_normalised": normalised,
    }


def _validate_seats(*, seats: Sequence[SeatInput], engagement_model: str) -> None:
    problem = rules.seat_count_problem(engagement_model=engagement_model, seat_count=len(seats))
    if problem:
        raise DomainError(problem.message, field="seats")
    for index, seat in enumerate(seats, start=1):
        problems = rules.seat_problems(
            hours_per_week=seat.hours_per_week,
            min_seniority_years=seat.min_seniority_years,
            jurisdiction_is_active=seat.jurisdiction.is_active,
        )
        if problems:
            raise DomainError(f"Seat {index}: {problems[0].message}", field="seats")


def _seats_store(*, matter: Matter, seats: Sequence[SeatInput]) -> None:
    """Make the matter's seats exactly `seats`: update those named, add the new, delete the rest."""
    existing = {
        seat.pk: seat for seat in Seat.objects.select_for_update().filter(matter=matter).order_by("pk")
    }
    unknown = [s.seat_id for s in seats if s.seat_id is not None and s.seat_id not in existing]
    if unknown:
        raise DomainError("A seat being edited is not on this matter.", field="seats")
    kept = {s.seat_id for s in seats if s.seat_id is not None}
    for seat_id, seat in existing.items():
        if seat_id not in kept:
            if seat.status == Seat.Status.FILLED:
                raise ConflictError(f"{seat.display_label} is filled and cannot be removed.", field="seats")
            seat.delete()
    for position, data in enumerate(seats):
        values = {
            "position": position,
            "label": data.label.strip(),
            "jurisdiction": data.jurisdiction,
            "practice_area": data.practice_area,
            "min_seniority_years": data.min_seniority_years,
            "hours_per_week": data.hours_per_week,
        }
        if data.seat_id is None:
            Seat.objects.create(matter=matter, **values)
        else:
            seat = existing[data.seat_id]
            for name, value in values.items():
                setattr(seat, name, value)
            seat.save()


def _audit(matter: Matter, *, by: User | None, reason: str) -> None:
    matter._history_user = by  # type: ignore[attr-defined]
    matter._change_reason = reason  # type: ignore[attr-defined]


def _lock(matter: Matter) -> Matter:
    return Matter.objects.select_for_update().get(pk=matter.pk)


@transaction.atomic
def matter_create(*, by: User, data: MatterInput, seats: Sequence[SeatInput], post: bool = False) -> Matter:
    """Create a matter with its seats for the author's organisation, as a draft or posted at once.

    Raises DomainError for invalid input (nothing is saved) or when `by` is not a client member.
    """
    organisation = _client_organisation(user=by)
    fields = _validated_fields(data)
    _validate_seats(seats=seats, engagement_model=data.engagement_model)
    matter = Matter(organisation=organisation, created_by=by, **fields)
    _audit(matter, by=by, reason="Created")
    matter.save()
    _seats_store(matter=matter, seats=seats)
    if post:
        matter = matter_post(matter=matter, by=by)
    return matter


@transaction.atomic
def matter_update(*, matter: Matter, by: User, data: MatterInput, seats: Sequence[SeatInput]) -> Matter:
    """Edit a draft or open matter and its seats; a material change to an open matter re-runs matching.

    Raises DomainError for invalid input and ConflictError when the matter is staffed or cancelled.
    """
    locked = _lock(matter)
    if not locked.is_editable:
        raise ConflictError(
            f"This matter is {locked.get_status_display().lower()} and can no longer be edited."
        )
    fields = _validated_fields(data)
    _validate_seats(seats=seats, engagement_model=data.engagement_model)
    before = match_runs.matter_fingerprint(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    _audit(locked, by=by, reason="Edited")
    locked.save()
    _seats_store(matter=locked, seats=seats)
    if locked.status == Matter.Status.OPEN and match_runs.matter_fingerprint(locked) != before:
        _matching_request(matter=locked, by=by)
    return locked


@transaction.atomic
def matter_post(*, matter: Matter, by: User) -> Matter:
    """Post a draft matter (draft → open) and queue matching for it.

    Raises ConflictError unless the matter is a draft, DomainError when it has no seat.
    """
    locked = _lock(matter)
    if locked.status != Matter.Status.DRAFT:
        raise ConflictError(
            f"Only a draft can be posted; this matter is {locked.get_status_display().lower()}.",
            code="not_draft",
        )
    seat_count = Seat.objects.filter(matter=locked).count()
    problem = rules.seat_count_problem(engagement_model=locked.engagement_model, seat_count=seat_count)
    if problem:
        raise DomainError(problem.message, field="seats")
    locked.status = Matter.Status.OPEN
    locked.posted_at = timezone.now()
    _audit(locked, by=by, reason="Posted")
    locked.save(update_fields=["status", "posted_at", "updated_at"])
    _matching_request(matter=locked, by=by)
    return locked


@transaction.atomic
def matter_cancel(*, matter: Matter, by: User, reason: str) -> Matter:
    """Cancel a draft or open matter, with the reason (draft/open → cancelled).

    Raises DomainError without a reason and ConflictError when it is staffed or already cancelled.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the matter is cancelled.", field="reason")
    locked = _lock(matter)
    if locked.status not in {Matter.Status.DRAFT, Matter.Status.OPEN}:
        raise ConflictError(
            f"This matter is {locked.get_status_display().lower()} and cannot be cancelled.",
            code="not_cancellable",
        )
    locked.status = Matter.Status.CANCELLED
    locked.cancel_reason = reason
    locked.cancelled_at = timezone.now()
    _audit(locked, by=by, reason=f"Cancelled: {reason}")
    locked.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
    # Runs still pending are no longer wanted: they finish as superseded without doing the work.
    MatchRun.objects.filter(
        matter=locked, status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING]
    ).update(superseded=True)
    from engagements.offers import offers_withdraw_for_matter

    offers_withdraw_for_matter(matter=locked, by=by, reason=reason)
    return locked


def _matching_request(*, matter: Matter, by: User | None) -> None:
    match_runs.match_run_request(matter=matter, by=by)
