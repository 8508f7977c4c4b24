"""SLAs: the hours a client organisation was promised, measured from real timestamps, and the
periodic job that records each breach once and tells the talent team once.

Three clocks, each started and stopped by something that happened:

- to shortlist: the matter is posted → its first match run that stored results finishes;
- to staff: the matter is posted → its last seat is filled (the latest engagement's creation);
- to answer: an offer is sent → the lawyer accepts or declines it.

A running clock is measured up to now. A clock that stopped without its event (the matter was
cancelled, the offer withdrawn or expired unanswered) counts only if it had already run past its
target: the promise was broken before the client gave up on it.

Targets: the organisation's own row, else the network default row (organisation empty, edited by
staff in admin), else the `SLA_DEFAULT_HOURS_*` settings.
"""

import datetime as dt
import logging
import statistics
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import ClientOrganisation, Membership, User
from engagements.models import Engagement, MatchRun, Matter, Offer, Seat, SlaBreach, SlaTarget
from marketplace.errors import DomainError, NotAllowedError
from notifications.services import notify_talent_team

logger = logging.getLogger(__name__)

Kind = SlaBreach.Kind
KINDS: tuple[str, ...] = (Kind.SHORTLIST, Kind.STAFF, Kind.ANSWER)
HOUR = dt.timedelta(hours=1)
TARGET_HOURS_MAX = 24 * 365


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# --- targets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    """Hours promised for each clock, and where they come from: organisation, network or settings."""

    shortlist: int
    staff: int
    answer: int
    source: str = "settings"

    def hours(self, kind: str) -> int:
        return {Kind.SHORTLIST: self.shortlist, Kind.STAFF: self.staff, Kind.ANSWER: self.answer}[kind]

    @classmethod
    def from_row(cls, row: SlaTarget) -> "Targets":
        return cls(
            shortlist=row.hours_to_shortlist,
            staff=row.hours_to_staff,
            answer=row.hours_to_answer_offer,
            source="organisation" if row.organisation_id else "network",
        )


def targets_from_settings() -> Targets:
    """The built-in defaults (`SLA_DEFAULT_HOURS_TO_SHORTLIST`, `_TO_STAFF`, `_TO_ANSWER_OFFER`)."""
    return Targets(
        shortlist=_setting("SLA_DEFAULT_HOURS_TO_SHORTLIST", 24),
        staff=_setting("SLA_DEFAULT_HOURS_TO_STAFF", 120),
        answer=_setting("SLA_DEFAULT_HOURS_TO_ANSWER_OFFER", 48),
    )


def targets_for(organisation_id: int | None) -> Targets:
    """The targets that apply to an organisation (None: the network default), in one query."""
    rows = {
        row.organisation_id: row
        for row in SlaTarget.objects.filter(Q(organisation__isnull=True) | Q(organisation_id=organisation_id))
    }
    row = rows.get(organisation_id) if organisation_id is not None else None
    row = row or rows.get(None)
    return Targets.from_row(row) if row is not None else targets_from_settings()


@dataclass(frozen=True)
class TargetBook:
    """Every organisation's own targets and the network default, to look up per clock."""

    default: Targets
    by_organisation: dict[int, Targets]

    def for_organisation(self, organisation_id: int) -> Targets:
        return self.by_organisation.get(organisation_id, self.default)

    def lowest(self, kind: str) -> int:
        return min([self.default.hours(kind), *(t.hours(kind) for t in self.by_organisation.values())])


def target_book(organisation_ids: Iterable[int] | None = None) -> TargetBook:
    """The network default and the organisations' own targets (all, or those named), in one query."""
    rows = SlaTarget.objects.all()
    if organisation_ids is not None:
        rows = rows.filter(Q(organisation__isnull=True) | Q(organisation_id__in=list(organisation_ids)))
    default = targets_from_settings()
    own: dict[int, Targets] = {}
    for row in rows:
        if row.organisation_id is None:
            default = Targets.from_row(row)
        else:
            own[row.organisation_id] = Targets.from_row(row)
    return TargetBook(default=default, by_organisation=own)


def _require_owner(*, organisation: ClientOrganisation, by: User) -> None:
    is_owner = Membership.objects.filter(
        user=by, organisation=organisation, role=Membership.Role.OWNER, user__is_active=True
    ).exists()
    if not is_owner:
        raise NotAllowedError(
            "Only an owner of the organisation can change its SLA targets.", code="not_owner"
        )


def _hours_clean(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("Enter a whole number of hours.", field=field)
    if not 1 <= value <= TARGET_HOURS_MAX:
        raise DomainError(f"Enter between 1 and {TARGET_HOURS_MAX} hours.", field=field)
    return value


@transaction.atomic
def sla_target_set(
    *,
    organisation: ClientOrganisation,
    by: User,
    hours_to_shortlist: int,
    hours_to_staff: int,
    hours_to_answer_offer: int,
) -> SlaTarget:
    """An owner sets the organisation's own SLA targets (replacing the network default for it).

    Raises NotAllowedError unless `by` owns the organisation, DomainError for hours outside 1 to a year.
    """
    _require_owner(organisation=organisation, by=by)
    values = {
        "hours_to_shortlist": _hours_clean(hours_to_shortlist, "hours_to_shortlist"),
        "hours_to_staff": _hours_clean(hours_to_staff, "hours_to_staff"),
        "hours_to_answer_offer": _hours_clean(hours_to_answer_offer, "hours_to_answer_offer"),
    }
    target = SlaTarget.objects.select_for_update().filter(organisation=organisation).first()
    if target is None:
        target = SlaTarget(organisation=organisation, **values)
        target._history_user = by  # type: ignore[attr-defined]
        target._change_reason = "Set by the organisation"  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                target.save()
            return target
        except IntegrityError:
            # Someone else created the row at the same moment: update theirs.
            target = SlaTarget.objects.select_for_update().get(organisation=organisation)
    for name, value in values.items():
        setattr(target, name, value)
    target._history_user = by  # type: ignore[attr-defined]
    target._change_reason = "Changed by the organisation"  # type: ignore[attr-defined]
    target.save()
    return target


@transaction.atomic
def sla_target_reset(*, organisation: ClientOrganisation, by: User) -> bool:
    """An owner drops the organisation's own targets, so the network default applies again.

    Returns False when it had none. Raises NotAllowedError unless `by` owns the organisation.
    """
    _require_owner(organisation=organisation, by=by)
    target = SlaTarget.objects.select_for_update().filter(organisation=organisation).first()
    if target is None:
        return False
    target._history_user = by  # type: ignore[attr-defined]
    target._change_reason = "Back to the network default"  # type: ignore[attr-defined]
    target.delete()
    return True


# --- clocks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """One measured promise: when it started, when it stopped (None: still running), and whether it
    stopped without its event (abandoned: cancelled matter, offer withdrawn or expired)."""

    kind: str
    organisation_id: int
    matter_id: int
    start: dt.datetime
    stop: dt.datetime | None
    abandoned: bool = False
    offer_id: int | None = None

    @property
    def running(self) -> bool:
        return self.stop is None

    def hours(self, now: dt.datetime) -> Decimal:
        elapsed = max((self.stop or now) - self.start, dt.timedelta(0))
        return (Decimal(elapsed.total_seconds()) / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def breached(self, target_hours: int, now: dt.datetime) -> bool:
        """Past its target: measured (or, while running, so far) longer than promised."""
        return (self.stop or now) - self.start > target_hours * HOUR

    def counted(self, target_hours: int, now: dt.datetime) -> bool:
        """Whether the clock counts towards attainment: it stopped with its event, or (running or
        abandoned) it has already run past its target."""
        if self.stop is not None and not self.abandoned:
            return True
        return self.breached(target_hours, now)


def _first_shortlist_at() -> Subquery:
    # A run that stored results has `lawyers_considered`; superseded-before-storing runs do not.
    return Subquery(
        MatchRun.objects.filter(
            matter=OuterRef("pk"), status=MatchRun.Status.DONE, lawyers_considered__isnull=False
        )
        .order_by("finished_at")
        .values("finished_at")[:1]
    )


def _seat_count(**filters: object) -> Coalesce:
    counts = (
        Seat.objects.filter(matter=OuterRef("pk"), **filters)
        .order_by()
        .values("matter")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


def _last_engagement_at() -> Subquery:
    return Subquery(
        Engagement.objects.filter(matter=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    )


MATTER_CLOCK_FIELDS = (
    "pk",
    "organisation_id",
    "status",
    "posted_at",
    "cancelled_at",
    "updated_at",
    "first_shortlist_at",
    "seats_total",
    "seats_open",
    "staffed_at",
)


def matters_with_clocks(matters: QuerySet[Matter]) -> QuerySet[Matter]:
    """Posted matters annotated with what their clocks need: first shortlist, seat counts, staffed at."""
    return matters.filter(posted_at__isnull=False).annotate(
        first_shortlist_at=_first_shortlist_at(),
        seats_total=_seat_count(),
        seats_open=_seat_count(status=Seat.Status.OPEN),
        staffed_at=_last_engagement_at(),
    )


def matter_clocks(row: dict[str, Any]) -> tuple[Clock, Clock]:
    """The shortlist and staff clocks of one matter row (see `matters_with_clocks`)."""
    cancelled = row["status"] == Matter.Status.CANCELLED
    posted, org, pk = row["posted_at"], row["organisation_id"], row["pk"]
    if row["first_shortlist_at"] is not None:
        shortlist = Clock(Kind.SHORTLIST, org, pk, posted, row["first_shortlist_at"])
    else:
        shortlist = Clock(Kind.SHORTLIST, org, pk, posted, row["cancelled_at"], abandoned=cancelled)
    if row["seats_total"] and not row["seats_open"]:
        # Every seat filled: the clock stopped when the last one was (a seat filled without an
        # engagement row, as imported data may be, stops it at the matter's last change).
        staff = Clock(Kind.STAFF, org, pk, posted, row["staffed_at"] or row["updated_at"])
    else:
        staff = Clock(Kind.STAFF, org, pk, posted, row["cancelled_at"], abandoned=cancelled)
    return shortlist, staff


OFFER_CLOCK_FIELDS = (
    "pk",
    "seat__matter_id",
    "seat__matter__organisation_id",
    "status",
    "created_at",
    "answered_at",
    "closed_at",
)


def offer_clock(row: dict[str, Any]) -> Clock:
    """The answer clock of one offer row (values of OFFER_CLOCK_FIELDS)."""
    stop = row["answered_at"]
    abandoned = False
    if stop is None and row["status"] != Offer.Status.PENDING:
        stop, abandoned = row["closed_at"], True
    return Clock(
        Kind.ANSWER,
        row["seat__matter__organisation_id"],
        row["seat__matter_id"],
        row["created_at"],
        stop,
        abandoned=abandoned,
        offer_id=row["pk"],
    )


# --- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attainment:
    """How one kind of promise was kept: of the counted clocks, how many were within target."""

    kind: str
    label: str
    target_hours: int | None
    counted: int
    within: int
    running: int
    median_hours: Decimal | None
    worst_hours: Decimal | None

    @property
    def breached(self) -> int:
        return self.counted - self.within

    @property
    def percent(self) -> Decimal | None:
        if not self.counted:
            return None
        return (Decimal(self.within) * 100 / self.counted).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def attainment(
    kind: str,
    clocks: Iterable[Clock],
    *,
    target: Callable[[Clock], int],
    now: dt.datetime,
    target_hours: int | None = None,
) -> Attainment:
    """Attainment of one kind over `clocks`: counted, within target, still running within target,
    and the median and worst measured hours of the counted ones."""
    counted: list[Decimal] = []
    within = running = 0
    for clock in clocks:
        hours = target(clock)
        if not clock.counted(hours, now):
            running += int(clock.running)
            continue
        counted.append(clock.hours(now))
        within += int(not clock.breached(hours, now))
    median = Decimal(statistics.median(counted)).quantize(Decimal("0.1")) if counted else None
    return Attainment(
        kind=kind,
        label=Kind(kind).label,
        target_hours=target_hours,
        counted=len(counted),
        within=within,
        running=running,
        median_hours=median,
        worst_hours=max(counted) if counted else None,
    )


@dataclass(frozen=True)
class SlaReport:
    """SLA figures for one organisation (or the whole network): targets and attainment per kind."""

    targets: Targets
    kinds: list[Attainment]
    since: dt.datetime

    def by_kind(self) -> dict[str, Attainment]:
        return {a.kind: a for a in self.kinds}


def sla_report(
    *,
    organisation_id: int | None,
    now: dt.datetime | None = None,
    days: int | None = None,
    book: TargetBook | None = None,
) -> SlaReport:
    """SLA attainment for an organisation's matters and offers (None: the whole network, each clock
    against its own organisation's targets), over clocks started in the last `days` (SLA_REPORT_DAYS)
    and every one still running. Three queries whatever the number of matters and offers (two when
    the caller passes the `target_book` it already has: the organisation's, or the whole network's)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=days or _setting("SLA_REPORT_DAYS", 90))
    matters = Matter.objects.all()
    offers = Offer.objects.all()
    if organisation_id is not None:
        matters = matters.filter(organisation_id=organisation_id)
        offers = offers.filter(seat__matter__organisation_id=organisation_id)
        book = book or target_book([organisation_id])
        targets = book.for_organisation(organisation_id)
    else:
        book = book or target_book()
        targets = book.default
    recent_matters = matters_with_clocks(matters).filter(
        Q(posted_at__gte=since) | Q(status=Matter.Status.OPEN)
    )
    clocks: dict[str, list[Clock]] = {kind: [] for kind in KINDS}
    for row in recent_matters.values(*MATTER_CLOCK_FIELDS):
        shortlist, staff = matter_clocks(row)
        clocks[Kind.SHORTLIST].append(shortlist)
        clocks[Kind.STAFF].append(staff)
    recent_offers = offers.filter(Q(created_at__gte=since) | Q(status=Offer.Status.PENDING))
    clocks[Kind.ANSWER] = [offer_clock(row) for row in recent_offers.values(*OFFER_CLOCK_FIELDS)]
    # An open matter's clock that stopped before the window (shortlisted long ago) is left out.
    clocks = {kind: [c for c in found if c.running or c.start >= since] for kind, found in clocks.items()}

    def target(clock: Clock) -> int:
        return book.for_organisation(clock.organisation_id).hours(clock.kind)

    kinds = [
        attainment(
            kind,
            clocks[kind],
            target=target,
            now=now,
            target_hours=targets.hours(kind),
        )
        for kind in KINDS
    ]
    return SlaReport(targets=targets, kinds=kinds, since=since)


# --- breaches ------------------------------------------------------------------------------------


def _batches(
    queryset: QuerySet[Any], *, fields: Sequence[str], size: int, limit: int
) -> Iterator[list[dict[str, Any]]]:
    """Rows in pk order, `size` at a time, at most `limit` batches (a keyset cursor, no OFFSET)."""
    last = 0
    for _ in range(limit):
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values(*fields)[:size])
        if not rows:
            return
        yield rows
        last = rows[-1]["pk"]
        if len(rows) < size:
            return


def _breach(clock: Clock, *, targets: Targets, now: dt.datetime) -> SlaBreach | None:
    hours = targets.hours(clock.kind)
    if not clock.breached(hours, now):
        return None
    return SlaBreach(
        kind=clock.kind,
        matter_id=clock.matter_id,
        offer_id=clock.offer_id,
        organisation_id=clock.organisation_id,
        target_hours=hours,
        measured_hours=clock.hours(now),
    )


def _overdue(kind: str, book: TargetBook, *, organisation: str) -> Q:
    """Rows whose `elapsed` is past their organisation's target for `kind` (a few distinct targets,
    so a few conditions, whatever the number of organisations)."""
    by_hours: dict[int, list[int]] = {}
    for organisation_id, targets in book.by_organisation.items():
        by_hours.setdefault(targets.hours(kind), []).append(organisation_id)
    condition = Q(elapsed__gt=book.default.hours(kind) * HOUR)
    if book.by_organisation:
        condition &= ~Q(**{f"{organisation}__in": list(book.by_organisation)})
    for hours, ids in by_hours.items():
        condition |= Q(**{f"{organisation}__in": ids}, elapsed__gt=hours * HOUR)
    return condition


def _elapsed(stop: Any, start: str) -> dict[str, Any]:
    return {"stop": stop, "elapsed": ExpressionWrapper(F("stop") - F(start), output_field=DurationField())}


def overdue_matters(kind: str, *, now: dt.datetime, book: TargetBook) -> QuerySet[Matter]:
    """Posted matters whose `kind` clock (shortlist or staff) is past its target and not yet recorded
    as a breach: running, or stopped since SLA_BREACH_LOOKBACK_DAYS."""
    lookback = now - dt.timedelta(days=_setting("SLA_BREACH_LOOKBACK_DAYS", 14))
    moment = Value(now, output_field=DateTimeField())
    if kind == Kind.SHORTLIST:
        stop = Coalesce(F("first_shortlist_at"), F("cancelled_at"), moment)
    else:
        stop = Case(
            When(seats_total__gt=0, seats_open=0, then=Coalesce(F("staffed_at"), F("updated_at"))),
            When(status=Matter.Status.CANCELLED, then=F("cancelled_at")),
            default=moment,
        )
    recorded = SlaBreach.objects.filter(kind=kind, matter=OuterRef("pk"), offer__isnull=True)
    # Any clock that stopped since the lookback changed the matter (status, updated_at) since then.
    candidates = Matter.objects.filter(posted_at__lte=now - book.lowest(kind) * HOUR).filter(
        Q(status=Matter.Status.OPEN) | Q(updated_at__gte=lookback)
    )
    return (
        matters_with_clocks(candidates)
        .annotate(**_elapsed(stop, "posted_at"))
        .filter(stop__gte=lookback)
        .filter(_overdue(kind, book, organisation="organisation_id"))
        .filter(~Exists(recorded))
    )


def overdue_offers(*, now: dt.datetime, book: TargetBook) -> QuerySet[Offer]:
    """Offers whose answer clock is past its target and not yet recorded: pending, or closed since
    SLA_BREACH_LOOKBACK_DAYS."""
    lookback = now - dt.timedelta(days=_setting("SLA_BREACH_LOOKBACK_DAYS", 14))
    stop = Coalesce(F("answered_at"), F("closed_at"), Value(now, output_field=DateTimeField()))
    recorded = SlaBreach.objects.filter(kind=Kind.ANSWER, offer=OuterRef("pk"))
    return (
        Offer.objects.filter(created_at__lte=now - book.lowest(Kind.ANSWER) * HOUR)
        .filter(Q(status=Offer.Status.PENDING) | Q(closed_at__gte=lookback))
        .annotate(**_elapsed(stop, "created_at"))
        .filter(_overdue(Kind.ANSWER, book, organisation="seat__matter__organisation_id"))
        .filter(~Exists(recorded))
    )


def sla_breaches_detect(
    *, now: dt.datetime | None = None, batch_size: int | None = None, max_batches: int = 20
) -> int:
    """Periodic: record a breach for every clock past its target (running ones included) and tell
    the talent team about each new one. Returns how many breaches were recorded.

    Safe to run twice or concurrently: a breach is unique per (kind, matter, offer), inserted with
    ON CONFLICT DO NOTHING, and notified once: the notifying run claims it (`notified_at`) under a
    SKIP LOCKED row lock, and the notification carries a de-duplication key. Work is bounded: the
    database returns only clocks past their target and not yet recorded, running or stopped within
    SLA_BREACH_LOOKBACK_DAYS, in keyset batches (`batch_size`, at most `max_batches` per kind); what
    is left over is picked up by the next run.
    """
    now = now or timezone.now()
    size = batch_size or _setting("SLA_BREACH_BATCH_SIZE", 500)
    book = target_book()
    recorded = 0
    for kind in (Kind.SHORTLIST, Kind.STAFF):
        overdue = overdue_matters(kind, now=now, book=book)
        for rows in _batches(overdue, fields=MATTER_CLOCK_FIELDS, size=size, limit=max_batches):
            found = []
            for row in rows:
                shortlist, staff = matter_clocks(row)
                clock = shortlist if kind == Kind.SHORTLIST else staff
                found.append(_breach(clock, targets=book.for_organisation(clock.organisation_id), now=now))
            recorded += _record([b for b in found if b is not None])
    for rows in _batches(
        overdue_offers(now=now, book=book), fields=OFFER_CLOCK_FIELDS, size=size, limit=max_batches
    ):
        found = []
        for row in rows:
            clock = offer_clock(row)
            found.append(_breach(clock, targets=book.for_organisation(clock.organisation_id), now=now))
        recorded += _record([b for b in found if b is not None])
    _notify_new(now=now, limit=size * max_batches)
    if recorded:
        logger.info("recorded %s SLA breach(es)", recorded)
    return recorded


def _record(breaches: list[SlaBreach]) -> int:
    """Insert the breaches; one a concurrent run recorded first is skipped. Returns how many are new."""
    if not breaches:
        return 0
    batch = SlaBreach.objects.filter(matter_id__in={b.matter_id for b in breaches})
    with transaction.atomic():
        before = batch.count()
        SlaBreach.objects.bulk_create(breaches, ignore_conflicts=True)
        return batch.count() - before


def _notify_new(*, now: dt.datetime, limit: int) -> int:
    """Tell the talent team about every breach not yet notified, once each; returns how many."""
    with transaction.atomic():
        fresh = list(
            SlaBreach.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(notified_at__isnull=True)
            .select_related("matter", "offer__lawyer__user", "offer__seat", "organisation")
            .order_by("pk")[:limit]
        )
        for breach in fresh:
            _notify_breach(breach)
        SlaBreach.objects.filter(pk__in=[b.pk for b in fresh], notified_at__isnull=True).update(
            notified_at=now
        )
    return len(fresh)


def breach_dedupe_key(breach: SlaBreach) -> str:
    return f"sla-breach:{breach.kind}:{breach.matter_id or 0}:{breach.offer_id or 0}"


def _notify_breach(breach: SlaBreach) -> None:
    matter, organisation = breach.matter, breach.organisation
    subject = matter.title if matter is not None else f"offer {breach.offer_id}"
    if breach.offer is not None:
        lawyer = breach.offer.lawyer.user.full_name or "the lawyer"
        subject = f"{lawyer}'s answer to the offer for {breach.offer.seat.display_label} on {subject}"
    notify_talent_team(
        kind="sla.breached",
        title=f"SLA breached for {organisation.name}: {breach.get_kind_display().lower()}",
        body=(
            f"{breach.get_kind_display()} for {subject}: {breach.measured_hours} h against a target of "
            f"{breach.target_hours} h (measured {timezone.localtime(breach.detected_at):%-d %b %Y %H:%M})."
        ),
        url=reverse("engagements:matter-detail", args=[breach.matter_id]) if breach.matter_id else "",
        dedupe_key=breach_dedupe_key(breach),
        subject=breach,
    )
