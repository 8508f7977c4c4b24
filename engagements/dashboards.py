"""Dashboards: what a client organisation and the talent team see at a glance, with chart data.

Each dashboard is a fixed number of aggregate queries whatever the number of matters, offers,
entries or lawyers behind it (lists are capped); the figures are plain dataclasses the pages render
and hand to Chart.js as JSON (`chart_data`).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from engagements import delivery, sla
from engagements.models import Engagement, Matter, Offer, Seat, SlaBreach, TimeEntry
from lawyers.models import LawyerProfile

LIST_LIMIT = 50
CHART_LABEL_LENGTH = 32


def _short(text: str) -> str:
    return text if len(text) <= CHART_LABEL_LENGTH else text[: CHART_LABEL_LENGTH - 1] + "…"


def _number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


# --- the client's dashboard ----------------------------------------------------------------------


@dataclass(frozen=True)
class MatterProgress:
    """One live matter: how far it is staffed and what it has spent against its budget."""

    matter: Matter
    seats_total: int
    seats_filled: int
    spend: delivery.Spend

    @property
    def seats_open(self) -> int:
        return self.seats_total - self.seats_filled


@dataclass(frozen=True)
class EngagementWeek:
    """One active engagement: the hours logged this week against the agreed hours a week."""

    engagement: Engagement
    logged: Decimal

    @property
    def over(self) -> bool:
        return self.logged > self.engagement.hours_per_week


@dataclass(frozen=True)
class ClientDashboard:
    matters: list[MatterProgress]
    engagements: list[EngagementWeek]
    entries_to_approve: int
    offers_out: int
    sla: sla.SlaReport
    week_start: dt.date

    def chart_data(self) -> dict[str, Any]:
        """Chart.js input for the staffing, spend and SLA charts (see static/js/dashboards.js)."""
        budgeted = [row for row in self.matters if row.spend.budget]
        return {
            "staffing": {
                "type": "bar",
                "horizontal": True,
                "stacked": True,
                "labels": [_short(row.matter.title) for row in self.matters],
                "datasets": [
                    {
                        "label": "Seats filled",
                        "data": [row.seats_filled for row in self.matters],
                        "tone": "ok",
                    },
                    {
                        "label": "Seats open",
                        "data": [row.seats_open for row in self.matters],
                        "tone": "muted",
                    },
                ],
            },
            "spend": {
                "type": "bar",
                "horizontal": True,
                "stacked": True,
                "percent": True,
                "labels": [_short(row.matter.title) for row in budgeted],
                "datasets": [
                    {
                        "label": "Approved, % of budget",
                        "data": [_number(row.spend.percent_approved) for row in budgeted],
                        "tone": "brand",
                    },
                    {
                        "label": "Awaiting approval, % of budget",
                        "data": [_number(_percent(row.spend.pending, row.spend.budget)) for row in budgeted],
                        "tone": "warn",
                    },
                ],
            },
            "sla": _sla_chart(self.sla),
        }


def _percent(part: Decimal, whole: Decimal | None) -> Decimal | None:
    return None if not whole else (part * 100 / whole).quantize(Decimal("0.1"))


def _sla_chart(report: sla.SlaReport) -> dict[str, Any]:
    return {
        "type": "bar",
        "percent": True,
        "labels": [row.label for row in report.kinds],
        "datasets": [
            {
                "label": "Within target, %",
                "data": [_number(row.percent) for row in report.kinds],
                "tone": "ok",
            }
        ],
    }


# What the client dashboard shows of a live matter and an active engagement (and the spend needs).
LIVE_MATTER_COLUMNS = ("id", "title", "status", "currency", "budget_total", "posted_at")
ACTIVE_ENGAGEMENT_COLUMNS = (
    "id",
    "hours_per_week",
    "hourly_rate",
    "currency",
    "status",
    "matter__id",
    "matter__title",
    "lawyer__id",
    "lawyer__user__id",
    "lawyer__user__full_name",
    "seat__id",
    "seat__label",
    "seat__position",
    "seat__jurisdiction__id",
    "seat__jurisdiction__name",
    "seat__jurisdiction__code",
    "seat__practice_area__id",
    "seat__practice_area__name",
)


def _seat_count(**filters: object) -> Coalesce:
    """The matter's seats (those matching `filters`), counted per row: no join grouped over matters."""
    counts = (
        Seat.objects.filter(matter_id=OuterRef("pk"), **filters)
        .order_by()
        .values("matter_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


def _week_logged(monday: dt.date, sunday: dt.date) -> Coalesce:
    """Hours counted (submitted or approved) on the engagement in the week, per row."""
    hours = (
        TimeEntry.objects.filter(
            engagement_id=OuterRef("pk"),
            status__in=delivery.COUNTED,
            work_date__gte=monday,
            work_date__lte=sunday,
        )
        .order_by()
        .values("engagement_id")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Coalesce(Subquery(hours), Decimal(0))


def client_dashboard(
    *, organisation_id: int, now: dt.datetime | None = None, limit: int = LIST_LIMIT
) -> ClientDashboard:
    """An organisation's live matters (staffing, spend), active engagements (hours this week),
    time and offers awaiting an answer, and SLA attainment. Eight queries at most, whatever the size
    (nine when a matter has engagements priced in another currency)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    monday, sunday = delivery.week_of(today)
    matters = list(
        Matter.objects.filter(
            organisation_id=organisation_id, status__in=[Matter.Status.OPEN, Matter.Status.STAFFED]
        )
        .only(*LIVE_MATTER_COLUMNS)
        .annotate(seats_total=_seat_count(), seats_filled=_seat_count(status=Seat.Status.FILLED))
        .order_by("-posted_at", "-pk")[:limit]
    )
    spend = delivery.matters_spend(matters)
    engagements = list(
        Engagement.objects.filter(matter__organisation_id=organisation_id, status=Engagement.Status.ACTIVE)
        .select_related("matter", "lawyer__user", "seat__jurisdiction", "seat__practice_area")
        .only(*ACTIVE_ENGAGEMENT_COLUMNS)
        .annotate(week_logged=_week_logged(monday, sunday))
        .order_by("matter__title", "seat__position", "pk")[:limit]
    )
    waiting = TimeEntry.objects.filter(
        engagement__matter__organisation_id=organisation_id, status=TimeEntry.Status.SUBMITTED
    ).aggregate(entries=Count("pk"))
    offers_out = Offer.objects.filter(
        seat__matter__organisation_id=organisation_id, status=Offer.Status.PENDING
    ).count()
    return ClientDashboard(
        matters=[
            MatterProgress(
                matter=m,
                seats_total=m.seats_total,  # type: ignore[attr-defined]
                seats_filled=m.seats_filled,  # type: ignore[attr-defined]
                spend=spend[m.pk],
            )
            for m in matters
        ],
        engagements=[EngagementWeek(engagement=e, logged=e.week_logged) for e in engagements],  # type: ignore[attr-defined]
        entries_to_approve=waiting["entries"],
        offers_out=offers_out,
        sla=sla.sla_report(organisation_id=organisation_id, now=now),
        week_start=monday,
    )


# --- the talent team's dashboard -----------------------------------------------------------------

VETTING_BACKLOG = (LawyerProfile.Status.APPLIED, LawyerProfile.Status.IN_REVIEW)
# Age buckets of the vetting backlog: (label, lower bound in days, upper bound in days or None).
BACKLOG_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("Under a day", 0, 1),
    ("1–3 days", 1, 3),
    ("3–7 days", 3, 7),
    ("Over a week", 7, None),
)
BREACH_DAYS = 14


@dataclass(frozen=True)
class StaffDashboard:
    applications: list[tuple[str, str, int]]  # (status, label, count), in the status order
    backlog_total: int
    backlog_oldest: dt.datetime | None
    backlog_buckets: list[tuple[str, int]]
    matters_open: int
    seats_open: int
    offers_out: int
    offers_expiring: int
    breaches_by_kind: list[tuple[str, str, int]]  # (kind, label, count) over BREACH_DAYS
    breaches_by_day: dict[str, dict[str, int]]  # ISO day → kind → count
    breaches_recent: list[SlaBreach]
    sla: sla.SlaReport
    now: dt.datetime
    days: list[dt.date] = field(default_factory=list)

    @property
    def backlog_oldest_days(self) -> int | None:
        if self.backlog_oldest is None:
            return None
        return (self.now - self.backlog_oldest).days

    def chart_data(self) -> dict[str, Any]:
        """Chart.js input for the pipeline, backlog, breach and SLA charts."""
        tones = {sla.Kind.SHORTLIST: "brand", sla.Kind.STAFF: "warn", sla.Kind.ANSWER: "bad"}
        return {
            "applications": {
                "type": "doughnut",
                "aspect": 1.6,
                "labels": [label for _, label, _ in self.applications],
                "datasets": [{"label": "Lawyers", "data": [n for _, _, n in self.applications]}],
            },
            "backlog": {
                "type": "bar",
                "labels": [label for label, _ in self.backlog_buckets],
                "datasets": [
                    {
                        "label": "Applications waiting",
                        "data": [n for _, n in self.backlog_buckets],
                        "tone": "warn",
                    }
                ],
            },
            "breaches": {
                "type": "bar",
                "stacked": True,
                "aspect": 3.5,
                "labels": [day.strftime("%-d %b") for day in self.days],
                "datasets": [
                    {
                        "label": label,
                        "data": [
                            self.breaches_by_day.get(day.isoformat(), {}).get(kind, 0) for day in self.days
                        ],
                        "tone": tones[kind],
                    }
                    for kind, label, _ in self.breaches_by_kind
                ],
            },
            "sla": _sla_chart(self.sla),
        }


def staff_dashboard(*, now: dt.datetime | None = None, recent: int = 10) -> StaffDashboard:
    """The network's pipeline: applications by status, the vetting backlog and its age, open seats,
    offers out, SLA breaches (recent, by kind and day) and network SLA attainment. Nine queries."""
    now = now or timezone.now()
    # COUNT(*), not COUNT(id): the planner then reads the narrow status index alone.
    counts = dict(
        LawyerProfile.objects.order_by().values("status").annotate(n=Count("*")).values_list("status", "n")
    )
    applications = [(status, label, counts.get(status, 0)) for status, label in LawyerProfile.Status.choices]
    backlog = LawyerProfile.objects.filter(status__in=VETTING_BACKLOG).aggregate(
        total=Count("pk"),
        oldest=Min("submitted_at"),
        **{
            f"bucket{index}": Count(
                "pk",
                filter=Q(submitted_at__lte=now - dt.timedelta(days=low))
                & (Q() if high is None else Q(submitted_at__gt=now - dt.timedelta(days=high))),
            )
            for index, (_, low, high) in enumerate(BACKLOG_BUCKETS)
        },
    )
    pipeline = Matter.objects.filter(status=Matter.Status.OPEN).aggregate(
        matters=Count("pk", distinct=True),
        seats=Count("seats", filter=Q(seats__status=Seat.Status.OPEN)),
    )
    offers = Offer.objects.filter(status=Offer.Status.PENDING).aggregate(
        out=Count("pk"), expiring=Count("pk", filter=Q(expires_at__lte=now + dt.timedelta(hours=24)))
    )
    today = timezone.localdate(now)
    days = [today - dt.timedelta(days=offset) for offset in range(BREACH_DAYS - 1, -1, -1)]
    since = timezone.make_aware(dt.datetime.combine(days[0], dt.time.min))
    by_day: dict[str, dict[str, int]] = {}
    by_kind = dict.fromkeys(sla.KINDS, 0)
    for day, kind, n in (
        SlaBreach.objects.filter(detected_at__gte=since)
        .annotate(day=TruncDate("detected_at"))
        .order_by()
        .values("day", "kind")
        .annotate(n=Count("pk"))
        .values_list("day", "kind", "n")
    ):
        by_day.setdefault(day.isoformat(), {})[kind] = n
        by_kind[kind] += n
    breaches_recent = list(
        SlaBreach.objects.select_related("matter", "organisation", "offer__lawyer__user").order_by(
            "-detected_at", "-pk"
        )[:recent]
    )
    return StaffDashboard(
        applications=applications,
        backlog_total=backlog["total"],
        backlog_oldest=backlog["oldest"],
        backlog_buckets=[(label, backlog[f"bucket{i}"]) for i, (label, _, _) in enumerate(BACKLOG_BUCKETS)],
        matters_open=pipeline["matters"],
        seats_open=pipeline["seats"],
        offers_out=offers["out"],
        offers_expiring=offers["expiring"],
        breaches_by_kind=[(kind, sla.Kind(kind).label, by_kind[kind]) for kind in sla.KINDS],
        breaches_by_day=by_day,
        breaches_recent=breaches_recent,
        sla=sla.sla_report(organisation_id=None, now=now),
        now=now,
        days=days,
    )
