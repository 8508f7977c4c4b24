"""Staffing: offers to lawyers, their answers, and the engagements an accepted offer becomes.

Every transition checks the current state under row locks and refuses an illegal move with a
DomainError (bad input, not allowed) or ConflictError (the state no longer allows it). Locks are
taken in one fixed order so two transactions never wait on each other: matter, then seat, then the
seat's offers (by pk), then the lawyer profile. Two acceptances of one seat at the same moment queue
on the matter row; the second then finds the seat filled. The conditional unique constraint "one
accepted offer per seat" backs this in the database.

The audit trail is each row's history (django-simple-history), with who and why. Notifications are
written in the same transaction (a rolled-back action notifies no one) and their emails are enqueued
only once it commits (`notifications.services.notify` does that with `transaction.on_commit`).
"""

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import Membership, User
from engagements.models import (
    Engagement,
    MatchCandidate,
    MatchRun,
    Matter,
    Offer,
    ProposedTeamMember,
    Seat,
)
from jurisdictions.money import convert
from jurisdictions.selectors import exchange_rates_current
from lawyers.models import LawyerProfile
from lawyers.selectors import lawyers_matchable
from marketplace.errors import ConflictError, DomainError, NotAllowedError

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
DEFAULT_EXPIRY = dt.timedelta(hours=72)
SEAT_FILLED = "This seat has just been filled by another lawyer."


# --- helpers -------------------------------------------------------------------------------------


def _audit(obj: models.Model, *, by: User | None, reason: str) -> None:
    obj._history_user = by  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]


def _notify(
    *, recipients: Iterable[User | None], kind: str, title: str, body: str, url: str, dedupe_key: str
) -> None:
    """Tell people in the app and by email (after commit); logged only while notifications are absent."""
    people = [user for user in dict.fromkeys(recipients) if user is not None]
    if not people:
        return
    if not apps.is_installed("notifications"):
        logger.info("notification %s (%s) for %s", kind, title, [user.pk for user in people])
        return
    from notifications.services import notify

    notify(recipients=people, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key)


def _organisation_id(user: User) -> int | None:
    try:
        return user.membership.organisation_id
    except Membership.DoesNotExist:
        return None


def _require_client_member(*, matter: Matter, by: User, action: str) -> None:
    if not by.is_active or _organisation_id(by) != matter.organisation_id:
        raise NotAllowedError(f"Only members of the matter's organisation can {action}.", code="not_a_member")


def _require_offer_lawyer(*, offer: Offer, by: User) -> None:
    if not by.is_active or offer.lawyer.user_id != by.pk:
        raise NotAllowedError("Only the lawyer this offer was made to can answer it.", code="not_your_offer")


def _lock_matter(matter_id: int) -> Matter:
    return Matter.objects.select_for_update().get(pk=matter_id)


def _lock_seat(seat_id: int) -> Seat:
    return (
        Seat.objects.select_for_update(of=("self",))
        .select_related("jurisdiction", "practice_area")
        .get(pk=seat_id)
    )


def _lock_offer(offer_id: int) -> Offer:
    return Offer.objects.select_for_update(of=("self",)).select_related("lawyer__user").get(pk=offer_id)


def _client_recipients(*, matter: Matter, offer: Offer | None = None) -> list[User | None]:
    """Who hears about a matter's staffing: whoever sent the offer and whoever posted the matter."""
    people = [offer.sent_by if offer is not None else None, matter.created_by]
    return list(dict.fromkeys(user for user in people if user is not None and user.is_active))


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %b %Y %H:%M")


def _hours(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def _offer_url(offer: Offer) -> str:
    return reverse("engagements:offer-detail", args=[offer.pk])


def _matter_url(matter_id: int) -> str:
    return reverse("engagements:matter-detail", args=[matter_id])


def _send_offer_url(seat: Seat, lawyer_id: int) -> str:
    base = reverse("engagements:offer-create", args=[seat.matter_id, seat.pk])
    return f"{base}?{urlencode({'lawyer': lawyer_id})}"


def booked_hours_per_week(*, lawyer_id: int, start: dt.date, end: dt.date) -> Decimal:
    """Hours a week the lawyer's active engagements overlapping [start, end] already take (one query)."""
    total = Engagement.objects.filter(
        lawyer_id=lawyer_id, status=Engagement.Status.ACTIVE, start_date__lte=end, end_date__gte=start
    ).aggregate(total=Sum("hours_per_week"))["total"]
    return total or Decimal(0)


def _current_run_id(matter_id: int) -> int | None:
    return (
        MatchRun.objects.filter(matter_id=matter_id, status=MatchRun.Status.DONE, superseded=False)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


# --- terms ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferTerms:
    """What an offer proposes. Money is in the matter's currency."""

    hourly_rate: Decimal
    hours_per_week: Decimal
    start: dt.date
    end: dt.date
    expires_at: dt.datetime


def offer_terms_default(
    *,
    seat: Seat,
    lawyer: LawyerProfile,
    rates: dict[str, Decimal] | None = None,
    now: dt.datetime | None = None,
) -> OfferTerms:
    """The terms a "Send offer" form starts from: the lawyer's rate in the matter's currency (at most
    the rate cap), the seat's hours, the matter's dates, and an expiry 72 hours from now.

    Raises DomainError when the lawyer's currency has no exchange rate.
    """
    matter = seat.matter
    rate = Decimal(0)
    if lawyer.hourly_rate is not None and lawyer.rate_currency:
        rates = exchange_rates_current() if rates is None else rates
        rate = convert(lawyer.hourly_rate, lawyer.rate_currency, matter.currency, rates).quantize(CENT)
    if matter.rate_cap is not None and rate > matter.rate_cap:
        rate = matter.rate_cap
    return OfferTerms(
        hourly_rate=rate,
        hours_per_week=seat.hours_per_week,
        start=matter.start_date,
        end=matter.end_date,
        expires_at=(now or timezone.now()) + DEFAULT_EXPIRY,
    )


def _validate_terms(*, matter: Matter, terms: OfferTerms, now: dt.datetime) -> None:
    if terms.hourly_rate is None or terms.hourly_rate <= 0:
        raise DomainError("Offer an hourly rate above zero.", field="hourly_rate")
    if matter.rate_cap is not None and terms.hourly_rate > matter.rate_cap:
        raise DomainError(
            f"The rate is above the matter's cap of {matter.currency} {matter.rate_cap}/h.",
            field="hourly_rate",
            code="over_rate_cap",
        )
    if terms.hours_per_week is None or not (0 < terms.hours_per_week <= 60):
        raise DomainError("Hours per week must be more than 0 and at most 60.", field="hours_per_week")
    if terms.end < terms.start:
        raise DomainError("The end date must be on or after the start date.", field="end_date")
    if terms.start < matter.start_date or terms.end > matter.end_date:
        raise DomainError(
            f"The dates must fall within the matter's, {matter.start_date:%-d %b %Y} to "
            f"{matter.end_date:%-d %b %Y}.",
            field="start_date" if terms.start < matter.start_date else "end_date",
        )
    if terms.expires_at <= now:
        raise DomainError("The offer must expire in the future.", field="expires_at")


# --- sending -------------------------------------------------------------------------------------


@transaction.atomic
def offer_send(
    *,
    seat: Seat,
    lawyer: LawyerProfile,
    by: User,
    hourly_rate: Decimal,
    hours_per_week: Decimal,
    start: dt.date,
    end: dt.date,
    expires_at: dt.datetime,
    match_candidate: MatchCandidate | None = None,
) -> Offer:
    """Offer an open seat of an open matter to a matchable lawyer, and tell them.

    Raises NotAllowedError unless `by` is a member of the matter's organisation; DomainError for bad
    terms (rate above the cap, dates outside the matter's, expiry in the past) or a lawyer who cannot
    be matched or is not on the seat's current shortlist or proposed team; ConflictError when the
    matter is not open, the seat is filled, the lawyer already has a pending offer for it or is
    already engaged on the matter.
    """
    now = timezone.now()
    matter = _lock_matter(seat.matter_id)
    _require_client_member(matter=matter, by=by, action="send offers")
    if matter.status != Matter.Status.OPEN:
        raise ConflictError(
            f"Offers go out on open matters; this one is {matter.get_status_display().lower()}.",
            code="matter_not_open",
        )
    locked_seat = _lock_seat(seat.pk)
    if locked_seat.matter_id != matter.pk:
        raise DomainError("This seat is not on the matter.", field="seat")
    if locked_seat.status != Seat.Status.OPEN:
        raise ConflictError(f"{locked_seat.display_label} is already filled.", code="seat_filled")
    profile = lawyers_matchable().filter(pk=lawyer.pk).first()
    if profile is None:
        raise DomainError(
            "This lawyer cannot be offered work: they are not vetted or have no verified bar admission.",
            field="lawyer",
            code="not_matchable",
        )
    terms = OfferTerms(
        hourly_rate=hourly_rate, hours_per_week=hours_per_week, start=start, end=end, expires_at=expires_at
    )
    _validate_terms(matter=matter, terms=terms, now=now)
    name = profile.user.full_name or "This lawyer"
    if Offer.objects.filter(seat=locked_seat, lawyer=profile, status=Offer.Status.PENDING).exists():
        raise ConflictError(
            f"{name} already has a pending offer for {locked_seat.display_label}.", code="already_offered"
        )
    if Engagement.objects.filter(matter=matter, lawyer=profile, status=Engagement.Status.ACTIVE).exists():
        raise ConflictError(f"{name} is already engaged on this matter.", code="already_engaged")
    if match_candidate is None:
        # Clients offer seats to the lawyers matching put forward for them, not to anyone by id.
        run_id = _current_run_id(matter.pk)
        match_candidate = MatchCandidate.objects.filter(
            run_id=run_id, seat=locked_seat, lawyer=profile
        ).first()
        proposed = ProposedTeamMember.objects.filter(run_id=run_id, seat=locked_seat, lawyer=profile)
        if match_candidate is None and not proposed.exists():
            raise DomainError(
                f"{name} is not on the current shortlist for {locked_seat.display_label}; "
                "offers go to the lawyers matching puts forward.",
                field="lawyer",
                code="not_shortlisted",
            )
    offer = Offer(
        seat=locked_seat,
        lawyer=profile,
        match_candidate=match_candidate,
        sent_by=by,
        hourly_rate=terms.hourly_rate,
        currency=matter.currency,
        hours_per_week=terms.hours_per_week,
        start_date=terms.start,
        end_date=terms.end,
        expires_at=terms.expires_at,
        nda_required=bool(matter.confidential_details.strip()),
    )
    _audit(offer, by=by, reason="Sent")
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError:
        raise ConflictError(
            f"{name} already has a pending offer for {locked_seat.display_label}.", code="already_offered"
        ) from None
    _notify(
        recipients=[profile.user],
        kind="offer.received",
        title=f"New offer: {locked_seat.display_label} on {matter.title}",
        body=(
            f"{matter.currency} {offer.hourly_rate}/h, {offer.hours_per_week} h a week, "
            f"{offer.start_date:%-d %b %Y} to {offer.end_date:%-d %b %Y}. "
            f"Answer by {_when(offer.expires_at)}."
        ),
        url=_offer_url(offer),
        dedupe_key=f"offer-received:{offer.pk}",
    )
    return offer


@transaction.atomic
def offers_send_team(*, run: MatchRun, by: User, expires_in: dt.timedelta = DEFAULT_EXPIRY) -> list[Offer]:
    """Send the run's proposed team in one go: one offer per open seat, on the shortlist's rate.

    Seats already filled, or already offered to the proposed lawyer, are skipped. All or nothing: a
    refusal for one member (see `offer_send`) sends none. Raises ConflictError when the run's results
    are no longer the matter's current ones, or when there is nothing left to send.
    """
    matter = _lock_matter(run.matter_id)
    _require_client_member(matter=matter, by=by, action="send offers")
    if _current_run_id(matter.pk) != run.pk:
        raise ConflictError(
            "These matching results are out of date; reload the matter to see the current team.",
            code="run_outdated",
        )
    if expires_in <= dt.timedelta(0):
        raise DomainError("The offers must expire in the future.", field="expires_in")
    members = list(
        ProposedTeamMember.objects.filter(run=run)
        .select_related("seat__matter", "seat__jurisdiction", "seat__practice_area", "lawyer")
        .order_by("seat__position", "seat_id")
    )
    candidates = {
        (c.seat_id, c.lawyer_id): c
        for c in MatchCandidate.objects.filter(
            run=run, lawyer_id__in=[m.lawyer_id for m in members], seat_id__in=[m.seat_id for m in members]
        )
    }
    pending = set(
        Offer.objects.filter(seat__matter=matter, status=Offer.Status.PENDING).values_list(
            "seat_id", "lawyer_id"
        )
    )
    expires_at = timezone.now() + expires_in
    sent = []
    for member in members:
        if member.seat.status != Seat.Status.OPEN or (member.seat_id, member.lawyer_id) in pending:
            continue
        candidate = candidates.get((member.seat_id, member.lawyer_id))
        rate = candidate.rate if candidate is not None else None
        if rate is None:
            rate = offer_terms_default(seat=member.seat, lawyer=member.lawyer).hourly_rate
        if matter.rate_cap is not None and rate > matter.rate_cap:
            rate = matter.rate_cap
        sent.append(
            offer_send(
                seat=member.seat,
                lawyer=member.lawyer,
                by=by,
                hourly_rate=rate,
                hours_per_week=member.seat.hours_per_week,
                start=matter.start_date,
                end=matter.end_date,
                expires_at=expires_at,
                match_candidate=candidate,
            )
        )
    if not sent:
        raise ConflictError(
            "Every seat of the proposed team is already filled or offered to its lawyer.",
            code="nothing_to_send",
        )
    return sent


@transaction.atomic
def offer_withdraw(*, offer: Offer, by: User, reason: str = "") -> Offer:
    """The client takes back a pending offer (pending → withdrawn) and the lawyer is told.

    Raises NotAllowedError for anyone outside the matter's organisation and ConflictError unless the
    offer is pending.
    """
    seat = _lock_seat(offer.seat_id)
    matter = Matter.objects.get(pk=seat.matter_id)
    _require_client_member(matter=matter, by=by, action="withdraw offers")
    locked = _lock_offer(offer.pk)
    if locked.status != Offer.Status.PENDING:
        raise ConflictError(
            f"Only a pending offer can be withdrawn; this one is {locked.get_status_display().lower()}.",
            code="offer_not_pending",
        )
    _close(locked, status=Offer.Status.WITHDRAWN, by=by, reason=f"Withdrawn: {reason}".strip(": "))
    _notify(
        recipients=[locked.lawyer.user],
        kind="offer.withdrawn",
        title=f"Offer withdrawn: {seat.display_label} on {matter.title}",
        body=reason or "The client withdrew this offer.",
        url=_offer_url(locked),
        dedupe_key=f"offer-withdrawn:{locked.pk}",
    )
    return locked


def offers_withdraw_for_matter(*, matter: Matter, by: User | None, reason: str) -> int:
    """Withdraw every pending offer on the matter (it was cancelled) and tell the lawyers; how many.

    Call inside the transaction that holds the matter's lock (as `matter_cancel` does).
    """
    pending = list(
        Offer.objects.select_for_update(of=("self",))
        .select_related("lawyer__user")
        .filter(seat__matter_id=matter.pk, status=Offer.Status.PENDING)
        .order_by("pk")
    )
    for offer in pending:
        _close(offer, status=Offer.Status.WITHDRAWN, by=by, reason=f"Withdrawn: {reason}")
        _notify(
            recipients=[offer.lawyer.user],
            kind="offer.withdrawn",
            title=f"Offer withdrawn: {matter.title}",
            body=f"The client cancelled the matter. Their reason: {reason}",
            url=_offer_url(offer),
            dedupe_key=f"offer-withdrawn:{offer.pk}",
        )
    return len(pending)


def _close(offer: Offer, *, status: str, by: User | None, reason: str, answered: bool = False) -> None:
    now = timezone.now()
    offer.status = status
    offer.closed_at = now
    fields = ["status", "closed_at"]
    if answered:
        offer.answered_at = now
        fields.append("answered_at")
    _audit(offer, by=by, reason=reason)
    offer.save(update_fields=fields)


# --- the lawyer's answers ------------------------------------------------------------------------


@transaction.atomic
def offer_accept_nda(*, offer: Offer, by: User) -> Offer:
    """The lawyer accepts the matter's NDA, which shows them its confidential details. Repeatable.

    Raises NotAllowedError for anyone but the lawyer, ConflictError unless the offer is pending and
    DomainError when the offer needs no NDA.
    """
    locked = _lock_offer(offer.pk)
    _require_offer_lawyer(offer=locked, by=by)
    if not locked.nda_required:
        raise DomainError("This offer has no NDA to accept.", code="no_nda")
    if locked.nda_accepted_at is not None:
        return locked
    if locked.status != Offer.Status.PENDING:
        raise ConflictError(
            f"This offer is {locked.get_status_display().lower()}; there is nothing left to accept.",
            code="offer_not_pending",
        )
    locked.nda_accepted_at = timezone.now()
    _audit(locked, by=by, reason="NDA accepted")
    locked.save(update_fields=["nda_accepted_at"])
    return locked


def _not_pending_message(offer: Offer, seat: Seat) -> str:
    if offer.status == Offer.Status.ACCEPTED:
        return "You have already accepted this offer."
    if offer.status == Offer.Status.DECLINED:
        return "You have declined this offer."
    if offer.status == Offer.Status.EXPIRED:
        return f"This offer expired on {_when(offer.expires_at)}."
    if seat.status == Seat.Status.FILLED:
        return SEAT_FILLED
    return "The client has withdrawn this offer."


def _check_answerable(*, matter: Matter, seat: Seat, offer: Offer, now: dt.datetime) -> None:
    if offer.status != Offer.Status.PENDING:
        raise ConflictError(_not_pending_message(offer, seat), code=f"offer_{offer.status}")
    if seat.status != Seat.Status.OPEN:
        raise ConflictError(SEAT_FILLED, code="seat_filled")
    if matter.status != Matter.Status.OPEN:
        raise ConflictError(
            f"This matter is {matter.get_status_display().lower()}; the offer no longer stands.",
            code="matter_not_open",
        )
    if offer.expires_at <= now:
        raise ConflictError(f"This offer expired on {_when(offer.expires_at)}.", code="offer_expired")


@transaction.atomic
def offer_accept(*, offer: Offer, by: User) -> Engagement:
    """The lawyer accepts: exactly one acceptance fills the seat and becomes the engagement.

    The seat's other pending offers are withdrawn (their lawyers told), the matter is staffed when
    its last seat fills, and the client is told. Raises NotAllowedError for anyone but the lawyer;
    DomainError while the NDA is unaccepted; ConflictError when the seat is filled, the offer is no
    longer pending or has expired, the matter is not open, or the lawyer lacks the free weekly hours.
    """
    now = timezone.now()
    matter = _lock_matter(offer.seat.matter_id)
    seat = _lock_seat(offer.seat_id)
    offers = list(
        Offer.objects.select_for_update(of=("self",))
        .select_related("lawyer__user", "sent_by")
        .filter(models.Q(pk=offer.pk) | models.Q(seat=seat, status=Offer.Status.PENDING))
        .order_by("pk")
    )
    locked = next(o for o in offers if o.pk == offer.pk)
    _require_offer_lawyer(offer=locked, by=by)
    _check_answerable(matter=matter, seat=seat, offer=locked, now=now)
    if locked.nda_outstanding:
        raise DomainError("Accept the NDA before accepting the offer.", code="nda_required")
    profile = LawyerProfile.objects.select_for_update().get(pk=locked.lawyer_id)
    booked = booked_hours_per_week(lawyer_id=profile.pk, start=locked.start_date, end=locked.end_date)
    free = Decimal(profile.weekly_capacity_hours or 0) - booked
    if free < locked.hours_per_week:
        raise ConflictError(
            f"This offer needs {_hours(locked.hours_per_week)} hours a week, but you have "
            f"{_hours(max(free, Decimal(0)))} free between {locked.start_date:%-d %b %Y} and "
            f"{locked.end_date:%-d %b %Y} ({profile.weekly_capacity_hours or 0} a week, "
            f"{_hours(booked)} already booked). Raise your weekly capacity or decline.",
            code="over_capacity",
        )
    _close(locked, status=Offer.Status.ACCEPTED, by=by, reason="Accepted", answered=True)
    engagement = Engagement(
        offer=locked,
        seat=seat,
        matter=matter,
        lawyer=profile,
        hourly_rate=locked.hourly_rate,
        currency=locked.currency,
        hours_per_week=locked.hours_per_week,
        start_date=locked.start_date,
        end_date=locked.end_date,
    )
    _audit(engagement, by=by, reason="Offer accepted")
    try:
        with transaction.atomic():
            engagement.save()
    except IntegrityError:
        # The database's guarantee (one engagement per seat), should the locks ever be bypassed.
        raise ConflictError(SEAT_FILLED, code="seat_filled") from None
    seat.status = Seat.Status.FILLED
    _audit(seat, by=by, reason=f"Filled by offer {locked.pk}")
    seat.save(update_fields=["status"])
    withdrawn = [o for o in offers if o.pk != locked.pk and o.status == Offer.Status.PENDING]
    for other in withdrawn:
        _close(other, status=Offer.Status.WITHDRAWN, by=None, reason="Withdrawn: the seat was filled")
    staffed = not Seat.objects.filter(matter=matter, status=Seat.Status.OPEN).exists()
    if staffed:
        matter.status = Matter.Status.STAFFED
        _audit(matter, by=by, reason="Staffed: every seat filled")
        matter.save(update_fields=["status", "updated_at"])

    lawyer_name = profile.user.full_name or "The lawyer"
    for other in withdrawn:
        _notify(
            recipients=[other.lawyer.user],
            kind="offer.withdrawn",
            title=f"Seat filled: {seat.display_label} on {matter.title}",
            body="Another lawyer accepted first, so this offer is withdrawn. Thank you for your time.",
            url=_offer_url(other),
            dedupe_key=f"offer-withdrawn:{other.pk}",
        )
    _notify(
        recipients=_client_recipients(matter=matter, offer=locked),
        kind="offer.accepted",
        title=f"{lawyer_name} accepted: {seat.display_label} on {matter.title}",
        body=(
            f"{seat.display_label} is filled at {locked.currency} {locked.hourly_rate}/h."
            + (" Every seat is now filled: the matter is staffed." if staffed else "")
        ),
        url=_matter_url(matter.pk),
        dedupe_key=f"offer-accepted:{locked.pk}",
    )
    return engagement


@transaction.atomic
def offer_decline(*, offer: Offer, by: User, reason: str) -> Offer:
    """The lawyer declines, with a reason; the client hears who is next on the shortlist.

    Raises NotAllowedError for anyone but the lawyer, DomainError without a reason and ConflictError
    unless the offer is pending.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why you are declining; it helps the client staff the seat.", field="reason")
    seat = _lock_seat(offer.seat_id)
    locked = _lock_offer(offer.pk)
    _require_offer_lawyer(offer=locked, by=by)
    if locked.status != Offer.Status.PENDING:
        raise ConflictError(_not_pending_message(locked, seat), code=f"offer_{locked.status}")
    locked.decline_reason = reason
    locked.status = Offer.Status.DECLINED
    now = timezone.now()
    locked.answered_at = locked.closed_at = now
    _audit(locked, by=by, reason=f"Declined: {reason}")
    locked.save(update_fields=["status", "decline_reason", "answered_at", "closed_at"])
    matter = Matter.objects.select_related("created_by").get(pk=seat.matter_id)
    who = locked.lawyer.user.full_name or "The lawyer"
    _bring_next_forward(
        matter=matter,
        seat=seat,
        offers=[locked],
        headline=f"{who} declined: {seat.display_label} on {matter.title}",
        detail=f"Their reason: {reason}",
    )
    return locked


# --- expiry and the next candidate ---------------------------------------------------------------


def next_candidate(*, seat: Seat) -> MatchCandidate | None:
    """The best-ranked lawyer on the seat's current shortlist who has had no offer for it yet."""
    run_id = _current_run_id(seat.matter_id)
    if run_id is None:
        return None
    return (
        MatchCandidate.objects.filter(run_id=run_id, seat_id=seat.pk)
        .exclude(lawyer_id__in=Offer.objects.filter(seat_id=seat.pk).values("lawyer_id"))
        .filter(lawyer__status=LawyerProfile.Status.VETTED)
        .select_related("lawyer__user")
        .order_by("rank")
        .first()
    )


def _bring_next_forward(
    *, matter: Matter, seat: Seat, offers: Sequence[Offer], headline: str, detail: str
) -> MatchCandidate | None:
    """Tell the client who is next for an open seat (a link to offer them the seat); never send it."""
    if seat.status != Seat.Status.OPEN or matter.status != Matter.Status.OPEN:
        return None
    candidate = next_candidate(seat=seat)
    if candidate is not None:
        name = candidate.lawyer.user.full_name or "the next candidate"
        body = (
            f"{detail}\n\nNext best on the shortlist for {seat.display_label}: {name} (#{candidate.rank}, "
            f"score {candidate.score}, {matter.currency} {candidate.rate}/h). "
            "Follow the link to send them an offer."
        )
        url = _send_offer_url(seat, candidate.lawyer_id)
    else:
        body = (
            f"{detail}\n\nEveryone on the shortlist for {seat.display_label} has had an offer; "
            "re-run matching to widen the search."
        )
        url = _matter_url(matter.pk)
    recipients: list[User | None] = []
    for offer in offers:
        recipients += _client_recipients(matter=matter, offer=offer)
    _notify(
        recipients=recipients,
        kind="offer.next_candidate",
        title=headline,
        body=body,
        url=url,
        dedupe_key=f"offer-next:{min(o.pk for o in offers)}",
    )
    return candidate


def offers_expire(*, now: dt.datetime | None = None, batch_size: int = 200, max_batches: int = 50) -> int:
    """Periodic: mark pending offers past their expiry as expired, tell the lawyers, and bring each
    seat's next candidate forward to the client. Returns how many expired.

    Safe to run twice or alongside an acceptance: each batch claims rows with SKIP LOCKED (an offer
    being answered right now is left alone) and expires them with a conditional update (pending and
    past expiry), so nothing expires twice and notifications are de-duplicated per offer.
    """
    now = now or timezone.now()
    total = 0
    for _ in range(max_batches):
        with transaction.atomic():
            batch = list(
                Offer.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=Offer.Status.PENDING, expires_at__lte=now)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                break
            Offer.objects.filter(pk__in=batch, status=Offer.Status.PENDING, expires_at__lte=now).update(
                status=Offer.Status.EXPIRED, closed_at=now
            )
            expired = list(
                Offer.objects.filter(pk__in=batch, status=Offer.Status.EXPIRED, closed_at=now)
                .select_related("lawyer__user", "sent_by", "seat__matter__created_by")
                .select_related("seat__jurisdiction", "seat__practice_area")
                .order_by("pk")
            )
            Offer.history.bulk_history_create(expired, update=True, default_change_reason="Expired")
            _expiry_notify(expired)
            total += len(expired)
        if len(batch) < batch_size:
            break
    if total:
        logger.info("expired %s offer(s)", total)
    return total


def _expiry_notify(expired: Sequence[Offer]) -> None:
    by_seat: dict[int, list[Offer]] = {}
    for offer in expired:
        matter = offer.seat.matter
        _notify(
            recipients=[offer.lawyer.user],
            kind="offer.expired",
            title=f"Offer expired: {offer.seat.display_label} on {matter.title}",
            body=f"The offer was not answered by {_when(offer.expires_at)}, so it has lapsed.",
            url=_offer_url(offer),
            dedupe_key=f"offer-expired:{offer.pk}",
        )
        by_seat.setdefault(offer.seat_id, []).append(offer)
    for offers in by_seat.values():
        seat, matter = offers[0].seat, offers[0].seat.matter
        names = ", ".join(o.lawyer.user.full_name or "a lawyer" for o in offers)
        _bring_next_forward(
            matter=matter,
            seat=seat,
            offers=offers,
            headline=f"Offer expired unanswered: {seat.display_label} on {matter.title}",
            detail=f"No answer in time from {names}.",
        )


# --- engagements ---------------------------------------------------------------------------------


def _lock_engagement(engagement: Engagement) -> Engagement:
    return (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("matter", "lawyer__user", "seat")
        .get(pk=engagement.pk)
    )


def _require_active(engagement: Engagement, action: str) -> None:
    if engagement.status != Engagement.Status.ACTIVE:
        raise ConflictError(
            f"Only an active engagement can be {action}; this one is "
            f"{engagement.get_status_display().lower()}.",
            code="engagement_not_active",
        )


@transaction.atomic
def engagement_complete(*, engagement: Engagement, by: User) -> Engagement:
    """The client marks an active engagement completed (active → completed); the lawyer is told.

    Raises NotAllowedError outside the matter's organisation and ConflictError unless it is active.
    """
    locked = _lock_engagement(engagement)
    _require_client_member(matter=locked.matter, by=by, action="complete engagements")
    _require_active(locked, "completed")
    locked.status = Engagement.Status.COMPLETED
    locked.completed_at = timezone.now()
    _audit(locked, by=by, reason="Completed")
    locked.save(update_fields=["status", "completed_at"])
    _notify(
        recipients=[locked.lawyer.user],
        kind="engagement.completed",
        title=f"Engagement completed: {locked.seat.display_label} on {locked.matter.title}",
        body="The client marked the engagement completed. Thank you.",
        url=reverse("engagements:lawyer-engagements"),
        dedupe_key=f"engagement-completed:{locked.pk}",
    )
    return locked


@transaction.atomic
def engagement_terminate(*, engagement: Engagement, by: User, reason: str) -> Engagement:
    """The client ends an active engagement early, with the reason (active → terminated).

    Raises DomainError without a reason, NotAllowedError outside the matter's organisation and
    ConflictError unless it is active.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the engagement is ending early.", field="reason")
    locked = _lock_engagement(engagement)
    _require_client_member(matter=locked.matter, by=by, action="terminate engagements")
    _require_active(locked, "terminated")
    locked.status = Engagement.Status.TERMINATED
    locked.terminated_at = timezone.now()
    locked.terminated_reason = reason
    _audit(locked, by=by, reason=f"Terminated: {reason}")
    locked.save(update_fields=["status", "terminated_at", "terminated_reason"])
    _notify(
        recipients=[locked.lawyer.user],
        kind="engagement.terminated",
        title=f"Engagement ended: {locked.seat.display_label} on {locked.matter.title}",
        body=f"The client ended the engagement early. Their reason: {reason}",
        url=reverse("engagements:lawyer-engagements"),
        dedupe_key=f"engagement-terminated:{locked.pk}",
    )
    return locked
