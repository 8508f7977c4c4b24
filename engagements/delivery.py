"""Delivery: time entries (log, approve, reject), spend against budget, and the client's rating.

Every write checks the current state under row locks, taken in one fixed order shared with the
staffing services: matter, then engagement, then the lawyer profile, then time entries (by pk).
Logging locks the matter so two lawyers on one matter cannot both spend its last budget; approving
locks it so the budget alerts (80% and 100% approved) see every approval that came before.

The audit trail of a time entry is its history (django-simple-history), with who and why. A rating
is written once and never changed: the row itself says who gave it and when. Notifications are
written in the same transaction and emailed only after it commits (`notifications.services.notify`).
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from engagements.models import Engagement, Matter, Rating, TimeEntry
from jurisdictions.money import convert
from jurisdictions.selectors import exchange_rates_current
from lawyers.models import LawyerProfile
from marketplace.errors import ConflictError, DomainError, NotAllowedError
from notifications.services import notify

CENT = Decimal("0.01")
HOURS_PER_DAY_MAX = Decimal(24)
# Approved spend, in per cent of the matter's budget, at which the organisation's owners are told.
BUDGET_ALERT_PERCENTS = (80, 100)
# Submitted and approved hours count against budgets and daily limits; rejected ones do not.
COUNTED = (TimeEntry.Status.SUBMITTED, TimeEntry.Status.APPROVED)


# --- money and hours -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Spend:
    """A matter's spend in its own currency: approved, submitted (pending), and what is left."""

    currency: str
    budget: Decimal | None
    approved: Decimal = Decimal(0)
    pending: Decimal = Decimal(0)

    @property
    def committed(self) -> Decimal:
        """Approved plus still pending: what the matter will cost if every entry is approved."""
        return self.approved + self.pending

    @property
    def remaining(self) -> Decimal | None:
        """Budget left after everything committed (negative when over), None without a budget."""
        return None if self.budget is None else self.budget - self.committed

    @property
    def percent_approved(self) -> Decimal | None:
        return _percent(self.approved, self.budget)

    @property
    def percent_used(self) -> Decimal | None:
        """Committed spend in per cent of the budget (approved and pending)."""
        return _percent(self.committed, self.budget)

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.committed > self.budget


def _percent(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def matters_spend(
    matters: Sequence[Matter], *, rates: Mapping[str, Decimal] | None = None
) -> dict[int, Spend]:
    """Each matter's spend by id, in its currency, in one query (two when an engagement is priced in
    another currency than its matter, converted at the stored exchange rates).

    Raises DomainError when such a currency has no exchange rate.
    """
    spend = {m.pk: Spend(currency=m.currency, budget=m.budget_total) for m in matters}
    if not spend:
        return {}
    rows = (
        TimeEntry.objects.filter(engagement__matter_id__in=list(spend), status__in=COUNTED)
        .values_list("engagement__matter_id", "engagement__currency", "status")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    by_matter = {m.pk: m for m in matters}
    for matter_id, currency, status, total in rows:
        matter = by_matter[matter_id]
        if currency != matter.currency:
            rates = exchange_rates_current() if rates is None else rates
            total = convert(total, currency, matter.currency, rates).quantize(CENT)
        current = spend[matter_id]
        if status == TimeEntry.Status.APPROVED:
            current = Spend(current.currency, current.budget, current.approved + total, current.pending)
        else:
            current = Spend(current.currency, current.budget, current.approved, current.pending + total)
        spend[matter_id] = current
    return spend


def matter_spend(matter: Matter) -> Spend:
    """The matter's spend against its budget, in its currency (see `matters_spend`)."""
    return matters_spend([matter])[matter.pk]


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday and Sunday of the week `day` falls in."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def engagements_week_hours(engagement_ids: Iterable[int], *, day: dt.date) -> dict[int, Decimal]:
    """Hours logged (submitted or approved) on each engagement in the week of `day`, in one query."""
    ids = list(engagement_ids)
    monday, sunday = week_of(day)
    hours = dict.fromkeys(ids, Decimal(0))
    rows = (
        TimeEntry.objects.filter(
            engagement_id__in=ids, status__in=COUNTED, work_date__gte=monday, work_date__lte=sunday
        )
        .values_list("engagement_id")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    for engagement_id, total in rows:
        hours[engagement_id] = total
    return hours


def _lawyer_day_hours(*, lawyer_id: int, day: dt.date) -> Decimal:
    total = TimeEntry.objects.filter(
        engagement__lawyer_id=lawyer_id, work_date=day, status__in=COUNTED
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)


@dataclass(frozen=True)
class TimeEntryOutlook:
    """What logging `hours` on a day would do, before it is done: the budget and weekly-hours flags."""

    hours: Decimal
    amount: Decimal
    spend: Spend
    week_start: dt.date
    week_logged: Decimal
    hours_per_week: Decimal
    day_logged: Decimal

    @property
    def spend_after(self) -> Decimal:
        return self.spend.committed + self.amount

    @property
    def over_budget(self) -> bool:
        return self.spend.budget is not None and self.spend_after > self.spend.budget

    @property
    def week_after(self) -> Decimal:
        return self.week_logged + self.hours

    @property
    def over_week(self) -> bool:
        return self.week_after > self.hours_per_week

    @property
    def over_day(self) -> bool:
        return self.day_logged + self.hours > HOURS_PER_DAY_MAX

    def budget_message(self) -> str:
        spend = self.spend
        remaining = max(spend.remaining or Decimal(0), Decimal(0))
        return (
            f"This entry ({spend.currency} {self.amount:,.2f}) would take the matter's committed spend "
            f"to {spend.currency} {self.spend_after:,.2f}, over its budget of {spend.currency} "
            f"{spend.budget:,.2f} ({spend.currency} {remaining:,.2f} left)."
        )

    def week_message(self) -> str:
        return (
            f"This takes the week of {self.week_start:%-d %b} to {hours_text(self.week_after)} h, over "
            f"the engagement's {hours_text(self.hours_per_week)} h a week "
            f"({hours_text(self.week_logged)} h logged so far)."
        )

    def day_message(self, day: dt.date) -> str:
        left = max(HOURS_PER_DAY_MAX - self.day_logged, Decimal(0))
        return (
            f"You have already logged {hours_text(self.day_logged)} h on {day:%-d %b %Y} across your "
            f"engagements; a day has at most 24 h ({hours_text(left)} h left)."
        )


def hours_text(hours: Decimal) -> str:
    """Hours for people: 7.5, 8, 0.25."""
    return f"{hours.normalize():f}"


def time_entry_outlook(*, engagement: Engagement, work_date: dt.date, hours: Decimal) -> TimeEntryOutlook:
    """The budget, weekly and daily figures an entry of `hours` on `work_date` would produce
    (three queries; the matter is `engagement.matter`)."""
    matter = engagement.matter
    amount = (hours * engagement.hourly_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    if engagement.currency != matter.currency:
        amount = convert(amount, engagement.currency, matter.currency, exchange_rates_current()).quantize(
            CENT
        )
    monday, _ = week_of(work_date)
    return TimeEntryOutlook(
        hours=hours,
        amount=amount,
        spend=matter_spend(matter),
        week_start=monday,
        week_logged=engagements_week_hours([engagement.pk], day=work_date)[engagement.pk],
        hours_per_week=engagement.hours_per_week,
        day_logged=_lawyer_day_hours(lawyer_id=engagement.lawyer_id, day=work_date),
    )


# --- who may do what -----------------------------------------------------------------------------


def _organisation_id(user: User) -> int | None:
    try:
        return user.membership.organisation_id
    except Membership.DoesNotExist:
        return None


def _lawyer_id(user: User) -> int | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return LawyerProfile.objects.filter(user=user).values_list("pk", flat=True).first()


def _require_client_member(*, matter: Matter, by: User, action: str) -> None:
    if not by.is_active or _organisation_id(by) != matter.organisation_id:
        raise NotAllowedError(f"Only members of the matter's organisation can {action}.", code="not_a_member")


def _require_engagement_lawyer(*, engagement: Engagement, by: User) -> None:
    if not by.is_active or engagement.lawyer.user_id != by.pk:
        raise NotAllowedError(
            "Only the lawyer on this engagement can log time on it.", code="not_your_engagement"
        )


def _audit(obj: models.Model, *, by: User | None, reason: str) -> None:
    obj._history_user = by  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]


def _lock_matter(matter_id: int) -> Matter:
    return Matter.objects.select_for_update().get(pk=matter_id)


def _lock_engagement(engagement_id: int) -> Engagement:
    return (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("lawyer__user", "seat")
        .get(pk=engagement_id)
    )


def _lock_entry(entry_id: int) -> TimeEntry:
    return TimeEntry.objects.select_for_update().get(pk=entry_id)


def engagement_url(engagement: Engagement | int) -> str:
    """The engagement's delivery page (time entries, approval, rating)."""
    pk = engagement if isinstance(engagement, int) else engagement.pk
    return reverse("engagements:engagement-delivery", args=[pk])


# --- reads, scoped to the viewer -----------------------------------------------------------------


def engagements_for_delivery(user: User) -> QuerySet[Engagement]:
    """Engagements whose delivery the viewer may see: the lawyer's own, their organisation's (client
    members), every one (staff, read-only); none for anyone else."""
    engagements = Engagement.objects.select_related(
        "matter__organisation", "seat__jurisdiction", "seat__practice_area", "lawyer__user"
    ).order_by("-created_at", "-pk")
    if not user.is_authenticated or not user.is_active:
        return engagements.none()
    if user.is_staff:
        return engagements
    lawyer_id = _lawyer_id(user)
    if lawyer_id is not None:
        return engagements.filter(lawyer_id=lawyer_id)
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return engagements.none()
    return engagements.filter(matter__organisation_id=organisation_id)


def engagement_get_for_delivery(user: User, pk: int) -> Engagement:
    """One engagement the viewer may see (see `engagements_for_delivery`). Raises Http404 otherwise."""
    engagement = engagements_for_delivery(user).filter(pk=pk).first()
    if engagement is None:
        raise Http404("No such engagement.")
    return engagement


def time_entries_visible_to(user: User) -> QuerySet[TimeEntry]:
    """Time entries the viewer may see: on their own engagements (lawyers), on their organisation's
    matters (client members), all (staff); none otherwise. Newest work first."""
    entries = TimeEntry.objects.select_related(
        "engagement__matter", "engagement__lawyer__user", "engagement__seat", "reviewed_by"
    ).order_by("-work_date", "-pk")
    if not user.is_authenticated or not user.is_active:
        return entries.none()
    if user.is_staff:
        return entries
    lawyer_id = _lawyer_id(user)
    if lawyer_id is not None:
        return entries.filter(engagement__lawyer_id=lawyer_id)
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return entries.none()
    return entries.filter(engagement__matter__organisation_id=organisation_id)


def ratings_visible_to(user: User) -> QuerySet[Rating]:
    """Ratings the viewer may see: given by their organisation (client members), received (lawyers),
    all (staff); none otherwise."""
    ratings = Rating.objects.select_related(
        "engagement__matter", "engagement__lawyer__user", "engagement__seat", "rated_by"
    ).order_by("-created_at", "-pk")
    if not user.is_authenticated or not user.is_active:
        return ratings.none()
    if user.is_staff:
        return ratings
    lawyer_id = _lawyer_id(user)
    if lawyer_id is not None:
        return ratings.filter(engagement__lawyer_id=lawyer_id)
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return ratings.none()
    return ratings.filter(engagement__matter__organisation_id=organisation_id)


def can_review(user: User, engagement: Engagement) -> bool:
    """Whether the viewer may approve, reject and rate on this engagement (a member of its client)."""
    return user.is_active and _organisation_id(user) == engagement.matter.organisation_id


# --- time entries --------------------------------------------------------------------------------


def _hours_clean(hours: Decimal | str | float | int) -> Decimal:
    try:
        value = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        raise DomainError("Enter the hours as a number, e.g. 1.5.", field="hours") from None
    if not value.is_finite() or value <= 0:
        raise DomainError("Log more than 0 hours.", field="hours")
    if value > HOURS_PER_DAY_MAX:
        raise DomainError("A day has at most 24 hours.", field="hours")
    if value != value.quantize(CENT):
        raise DomainError("Log hours to two decimal places at most (e.g. 1.25).", field="hours")
    return value.quantize(CENT)


@transaction.atomic
def time_entry_log(
    *,
    engagement: Engagement,
    by: User,
    work_date: dt.date,
    hours: Decimal,
    description: str,
    confirm_over_budget: bool = False,
    today: dt.date | None = None,
) -> TimeEntry:
    """The engagement's lawyer logs hours on a day (a submitted entry, amount = hours × rate).

    Raises DomainError for bad input: hours not above 0 or above 24, no description, a day outside
    the engagement or in the future, a day already at 24 hours across the lawyer's engagements.
    Raises NotAllowedError for anyone but the engagement's lawyer, ConflictError unless the
    engagement is active, and ConflictError (code `over_budget`) when the entry would push the
    matter's committed spend (approved + pending) over its budget, unless `confirm_over_budget`.
    """
    hours = _hours_clean(hours)
    description = (description or "").strip()
    if not description:
        raise DomainError("Describe the work done.", field="description")
    matter = _lock_matter(engagement.matter_id)
    locked = _lock_engagement(engagement.pk)
    locked.matter = matter
    _require_engagement_lawyer(engagement=locked, by=by)
    if locked.status != Engagement.Status.ACTIVE:
        raise ConflictError(
            f"Time is logged on active engagements; this one is {locked.get_status_display().lower()}.",
            code="engagement_not_active",
        )
    today = today or timezone.localdate()
    if work_date > today:
        raise DomainError("You cannot log time for a day that has not come yet.", field="work_date")
    if not (locked.start_date <= work_date <= locked.end_date):
        raise DomainError(
            f"The day must fall within the engagement, {locked.start_date:%-d %b %Y} to "
            f"{locked.end_date:%-d %b %Y}.",
            field="work_date",
        )
    # The daily limit spans the lawyer's engagements: their profile row serialises their logging.
    LawyerProfile.objects.select_for_update().filter(pk=locked.lawyer_id).first()
    outlook = time_entry_outlook(engagement=locked, work_date=work_date, hours=hours)
    if outlook.over_day:
        raise DomainError(outlook.day_message(work_date), field="hours", code="over_day")
    if outlook.over_budget and not confirm_over_budget:
        raise ConflictError(
            outlook.budget_message() + " Confirm to log it anyway; the client decides whether to approve it.",
            field="confirm_over_budget",
            code="over_budget",
        )
    entry = TimeEntry(
        engagement=locked,
        work_date=work_date,
        hours=hours,
        description=description,
        amount=(hours * locked.hourly_rate).quantize(CENT, rounding=ROUND_HALF_UP),
        created_by=by,
    )
    _audit(entry, by=by, reason="Logged over budget (confirmed)" if outlook.over_budget else "Logged")
    entry.save()
    _notify_submitted(engagement=locked, entry=entry, outlook=outlook)
    return entry


def _notify_submitted(*, engagement: Engagement, entry: TimeEntry, outlook: TimeEntryOutlook) -> None:
    """The matter's poster hears once a week per engagement that time awaits approval; its owners
    hear about every entry that goes over budget."""
    matter = engagement.matter
    lawyer = engagement.lawyer.user.full_name or "The lawyer"
    label = engagement.seat.display_label
    poster = User.objects.filter(pk=matter.created_by_id, is_active=True).first()
    if poster is not None:
        notify(
            recipients=[poster],
            kind="time_entry.submitted",
            title=f"Time to approve: {lawyer} on {matter.title}",
            body=f"{lawyer} ({label}) logged time for the week of {outlook.week_start:%-d %b %Y}.",
            url=engagement_url(engagement),
            dedupe_key=f"time-entries-submitted:{engagement.pk}:{outlook.week_start.isoformat()}",
            subject=engagement,
        )
    if outlook.over_budget:
        notify(
            recipients=_owners(matter.organisation_id),
            kind="time_entry.over_budget",
            title=f"Over budget: {lawyer} logged time past the budget of {matter.title}",
            body=outlook.budget_message().replace("This entry", f"{lawyer}'s entry of {entry.hours} h")
            + " Approve or reject it on the engagement page.",
            url=engagement_url(engagement),
            dedupe_key=f"time-entry-over-budget:{entry.pk}",
            subject=entry,
        )


def _owners(organisation_id: int) -> list[User]:
    return list(
        User.objects.filter(
            membership__organisation_id=organisation_id,
            membership__role=Membership.Role.OWNER,
            is_active=True,
        ).order_by("pk")
    )


def _review_locks(entry: TimeEntry) -> tuple[Matter, Engagement, TimeEntry]:
    engagement = Engagement.objects.only("pk", "matter_id").get(pk=entry.engagement_id)
    matter = _lock_matter(engagement.matter_id)
    locked_engagement = _lock_engagement(engagement.pk)
    locked_engagement.matter = matter
    locked = _lock_entry(entry.pk)
    locked.engagement = locked_engagement
    return matter, locked_engagement, locked


def _require_submitted(entry: TimeEntry, action: str) -> None:
    if entry.status != TimeEntry.Status.SUBMITTED:
        raise ConflictError(
            f"Only a submitted entry can be {action}; this one is already "
            f"{entry.get_status_display().lower()}.",
            code=f"time_entry_{entry.status}",
        )


def entry_label(entry: TimeEntry) -> str:
    return f"{hours_text(entry.hours)} h on {entry.work_date:%-d %b %Y}"


@transaction.atomic
def time_entry_approve(*, entry: TimeEntry, by: User) -> TimeEntry:
    """A member of the matter's organisation approves a submitted entry (submitted → approved).

    The lawyer is told; the organisation's owners are told when approved spend passes 80% and
    100% of the matter's budget (once each). Raises NotAllowedError outside the organisation and
    ConflictError unless the entry is submitted.
    """
    matter, engagement, locked = _review_locks(entry)
    _require_client_member(matter=matter, by=by, action="approve time")
    _require_submitted(locked, "approved")
    locked.status = TimeEntry.Status.APPROVED
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    _audit(locked, by=by, reason="Approved")
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    notify(
        recipients=[engagement.lawyer.user],
        kind="time_entry.approved",
        title=f"Time approved: {entry_label(locked)} on {matter.title}",
        body=f"{by.full_name or 'The client'} approved {entry_label(locked)}: "
        f"{engagement.currency} {locked.amount:,.2f}.",
        url=engagement_url(engagement),
        dedupe_key=f"time-entry-approved:{locked.pk}",
        subject=locked,
    )
    _budget_alert(matter=matter, engagement=engagement, entry=locked)
    return locked


def _budget_alert(*, matter: Matter, engagement: Engagement, entry: TimeEntry) -> None:
    """Tell the owners when this approval took approved spend past a threshold (the highest one)."""
    if matter.budget_total is None:
        return
    spend = matter_spend(matter)
    amount = entry.amount
    if engagement.currency != matter.currency:
        amount = convert(amount, engagement.currency, matter.currency, exchange_rates_current())
    before = spend.approved - amount
    crossed = [
        p for p in BUDGET_ALERT_PERCENTS if before * 100 < matter.budget_total * p <= spend.approved * 100
    ]
    if not crossed:
        return
    percent = crossed[-1]
    currency = matter.currency
    notify(
        recipients=_owners(matter.organisation_id),
        kind="matter.budget",
        title=f"{matter.title}: {percent}% of the budget approved"
        if percent < 100
        else f"{matter.title}: the budget is used up",
        body=(
            f"Approved time now comes to {currency} {spend.approved:,.2f} of the {currency} "
            f"{matter.budget_total:,.2f} budget ({spend.percent_approved}%), with {currency} "
            f"{spend.pending:,.2f} more awaiting approval."
        ),
        url=reverse("engagements:client-dashboard"),
        dedupe_key=f"matter-budget-{percent}:{matter.pk}",
        subject=matter,
    )


@transaction.atomic
def time_entry_reject(*, entry: TimeEntry, by: User, reason: str) -> TimeEntry:
    """A member of the matter's organisation rejects a submitted entry, with the reason
    (submitted → rejected); the lawyer is told and may log a corrected entry.

    Raises DomainError without a reason, NotAllowedError outside the organisation and ConflictError
    unless the entry is submitted.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the time is rejected, so the lawyer can correct it.", field="reason")
    matter, engagement, locked = _review_locks(entry)
    _require_client_member(matter=matter, by=by, action="reject time")
    _require_submitted(locked, "rejected")
    locked.status = TimeEntry.Status.REJECTED
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    locked.rejection_reason = reason
    _audit(locked, by=by, reason=f"Rejected: {reason}")
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason"])
    notify(
        recipients=[engagement.lawyer.user],
        kind="time_entry.rejected",
        title=f"Time rejected: {entry_label(locked)} on {matter.title}",
        body=f"{by.full_name or 'The client'} rejected {entry_label(locked)}. Their reason: {reason}",
        url=engagement_url(engagement),
        dedupe_key=f"time-entry-rejected:{locked.pk}",
        subject=locked,
    )
    return locked


# --- rating --------------------------------------------------------------------------------------

RATING_MIN, RATING_MAX = 1, 5


@transaction.atomic
def engagement_rate(*, engagement: Engagement, by: User, score: int, comment: str = "") -> Rating:
    """A member of the matter's organisation rates the lawyer (1–5) on a completed engagement, once.
    The rating feeds future matching; the lawyer is told.

    Raises DomainError for a score outside 1–5, NotAllowedError outside the organisation, and
    ConflictError unless the engagement is completed or when it is already rated.
    """
    if isinstance(score, bool) or not isinstance(score, int) or not RATING_MIN <= score <= RATING_MAX:
        raise DomainError(f"Rate from {RATING_MIN} to {RATING_MAX}.", field="score")
    locked = _lock_engagement(engagement.pk)
    matter = Matter.objects.get(pk=locked.matter_id)
    locked.matter = matter
    _require_client_member(matter=matter, by=by, action="rate lawyers")
    if locked.status != Engagement.Status.COMPLETED:
        raise ConflictError(
            f"Only a completed engagement can be rated; this one is {locked.get_status_display().lower()}.",
            code="engagement_not_completed",
        )
    if Rating.objects.filter(engagement=locked).exists():
        raise ConflictError("This engagement has already been rated.", code="already_rated")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                engagement=locked, score=score, comment=(comment or "").strip(), rated_by=by
            )
    except IntegrityError:
        raise ConflictError("This engagement has already been rated.", code="already_rated") from None
    notify(
        recipients=[locked.lawyer.user],
        kind="engagement.rated",
        title=f"You were rated {score}/5 on {matter.title}",
        body=rating.comment or "The client rated your work on this engagement.",
        url=engagement_url(locked),
        dedupe_key=f"engagement-rated:{locked.pk}",
        subject=rating,
    )
    return rating
