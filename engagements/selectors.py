"""Reads scoped to the viewer. Matters: client members see their organisation's, staff all. Offers: a
lawyer sees only those made to them; clients those on their organisation's matters. Engagements: the
lawyer's own, the organisation's, or all for staff."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import Membership, User
from engagements.models import (
    Engagement,
    MatchCandidate,
    MatchRun,
    Matter,
    Offer,
    ProposedTeamMember,
    Seat,
    SeatFunnel,
    TimeEntry,
)
from jurisdictions.selectors import exchange_rates_current
from lawyers.models import LawyerProfile


def currencies_with_exchange_rates() -> list[str]:
    """ISO 4217 codes staff keep an exchange rate for: the currencies a matter may be priced in."""
    return sorted(exchange_rates_current())


def _organisation_id(user: User) -> int | None:
    try:
        return user.membership.organisation_id
    except Membership.DoesNotExist:
        return None


def matters_visible_to(user: User) -> QuerySet[Matter]:
    """Matters the viewer may see: their organisation's (client members), all (staff), none otherwise."""
    if not user.is_authenticated or not user.is_active:
        return Matter.objects.none()
    if user.is_staff:
        return Matter.objects.all()
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return Matter.objects.none()
    return Matter.objects.filter(organisation_id=organisation_id)


def matters_editable_by(user: User) -> QuerySet[Matter]:
    """Matters the viewer may change: only their own organisation's (staff look, clients act)."""
    if not user.is_authenticated or not user.is_active:
        return Matter.objects.none()
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return Matter.objects.none()
    return Matter.objects.filter(organisation_id=organisation_id)


def seats_prefetch() -> Prefetch:
    return Prefetch(
        "seats",
        queryset=Seat.objects.select_related("jurisdiction", "practice_area__parent").order_by(
            "position", "pk"
        ),
    )


def matter_list_for_user(user: User, *, seat_count: bool = True) -> QuerySet[Matter]:
    """The viewer's matters, newest first, with what the list shows (no query per row).

    `seat_count` is a correlated count per row (not a join grouped over every matter), so the
    paginator's `count()` leaves it out and counts the matters alone.
    """
    matters = (
        matters_visible_to(user)
        .select_related("organisation", "practice_area__parent")
        .order_by("-created_at", "-id")
    )
    if seat_count:
        seats = (
            Seat.objects.filter(matter_id=OuterRef("pk"))
            .order_by()
            .values("matter_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        matters = matters.annotate(seat_count=Coalesce(Subquery(seats), 0))
    return matters


MATTER_LIST_COLUMNS = (
    "id",
    "title",
    "start_date",
    "end_date",
    "status",
    "created_at",
    "organisation__name",
    "practice_area__name",
    "practice_area__parent_id",
    "practice_area__parent__name",
)


def matter_list_page_for_user(user: User) -> QuerySet[Matter]:
    """The matter list page's rows: only the columns it shows."""
    return matter_list_for_user(user).only(*MATTER_LIST_COLUMNS)


def matter_api_list_for_user(user: User) -> QuerySet[Matter]:
    """The viewer's matters for the API list: newest first, with their seats and what the items show
    (codes, slugs and names; no seat count, no practice-area parents)."""
    seats = (
        Seat.objects.select_related("jurisdiction", "practice_area")
        .only(
            "id",
            "matter_id",
            "position",
            "label",
            "min_seniority_years",
            "hours_per_week",
            "status",
            "jurisdiction__code",
            "jurisdiction__name",
            "practice_area__slug",
            "practice_area__name",
        )
        .order_by("position", "pk")
    )
    return (
        matters_visible_to(user)
        .select_related("organisation", "practice_area")
        .defer(
            "counterparties_normalised", "created_by", "practice_area__parent", "practice_area__description"
        )
        .prefetch_related(Prefetch("seats", queryset=seats))
        .order_by("-created_at", "-id")
    )


def matter_get_for_user(user: User, pk: int) -> Matter:
    """One matter the viewer may see, with its seats. Raises Http404 outside the viewer's scope."""
    matter = (
        matters_visible_to(user)
        .select_related("organisation", "created_by", "practice_area__parent")
        .prefetch_related(seats_prefetch())
        .filter(pk=pk)
        .first()
    )
    if matter is None:
        raise Http404("No such matter.")
    return matter


def matter_get_editable(user: User, pk: int) -> Matter:
    """One matter the viewer may change, with its seats. Raises Http404 outside the viewer's scope."""
    matter = (
        matters_editable_by(user)
        .select_related("organisation", "practice_area__parent")
        .prefetch_related(seats_prefetch())
        .filter(pk=pk)
        .first()
    )
    if matter is None:
        raise Http404("No such matter.")
    return matter


@dataclass(frozen=True)
class SeatResult:
    """One seat of a run's results: how its funnel went, its ranked shortlist, who the team puts there."""

    seat: Seat
    funnel: SeatFunnel | None
    candidates: list[MatchCandidate]
    member: ProposedTeamMember | None


@dataclass(frozen=True)
class MatchingView:
    """What the matter page shows of matching: the latest run's state and the current results."""

    latest: MatchRun | None
    current: MatchRun | None
    seats: list[SeatResult]
    team: list[ProposedTeamMember]

    @property
    def pending(self) -> bool:
        return self.latest is not None and self.latest.is_pending

    @property
    def outdated(self) -> bool:
        """The results shown are from before the inputs of the run in progress."""
        return bool(
            self.pending and self.current and self.current.input_fingerprint != self.latest.input_fingerprint  # type: ignore[union-attr]
        )


def match_run_latest(matter: Matter) -> MatchRun | None:
    """The matter's most recently requested run that is still wanted (not superseded)."""
    return MatchRun.objects.filter(matter_id=matter.pk, superseded=False).order_by("-pk").first()


def match_run_current(matter: Matter) -> MatchRun | None:
    """The latest completed, not superseded run: the results the matter page shows."""
    return (
        MatchRun.objects.filter(matter_id=matter.pk, status=MatchRun.Status.DONE, superseded=False)
        .order_by("-pk")
        .first()
    )


# What the matching shows of a shortlisted lawyer (the page and the API's LawyerRef): no wide profile.
LAWYER_REF_COLUMNS = ("lawyer__id", "lawyer__headline", "lawyer__user__id", "lawyer__user__full_name")


def matching_view(matter: Matter, seats: list[Seat]) -> MatchingView:
    """The matter's matching state and results, in a fixed number of queries whatever their size."""
    latest = match_run_latest(matter)
    current = (
        latest if latest is not None and latest.status == MatchRun.Status.DONE else match_run_current(matter)
    )
    if current is None:
        return MatchingView(latest=latest, current=None, seats=[], team=[])
    funnels = {f.seat_id: f for f in SeatFunnel.objects.filter(run=current)}
    candidates: dict[int, list[MatchCandidate]] = {}
    for candidate in (
        MatchCandidate.objects.filter(run=current)
        .select_related("lawyer__user")
        .only(*(f.attname for f in MatchCandidate._meta.concrete_fields), *LAWYER_REF_COLUMNS)
        .order_by("seat_id", "rank")
    ):
        candidates.setdefault(candidate.seat_id, []).append(candidate)
    team = list(
        ProposedTeamMember.objects.filter(run=current)
        .select_related("lawyer__user")
        .only(*(f.attname for f in ProposedTeamMember._meta.concrete_fields), *LAWYER_REF_COLUMNS)
    )
    members = {m.seat_id: m for m in team}
    by_seat = {seat.pk: seat for seat in seats}
    results = [
        SeatResult(
            seat=seat,
            funnel=funnels.get(seat.pk),
            candidates=candidates.get(seat.pk, []),
            member=members.get(seat.pk),
        )
        for seat in seats
        if seat.pk in funnels
    ]
    for member in team:
        if member.seat_id in by_seat:
            member.seat = by_seat[member.seat_id]
    return MatchingView(latest=latest, current=current, seats=results, team=team)


# --- offers and engagements ----------------------------------------------------------------------


_NOT_LOADED = object()


def _lawyer_profile_loaded(user: User) -> object:
    """The user's lawyer profile if this request already read it (the layout and the lawyer checks
    do): the profile, None for a user without one, or _NOT_LOADED."""
    state = getattr(user, "_state", None)
    if state is None:
        return _NOT_LOADED
    return state.fields_cache.get("lawyer_profile", _NOT_LOADED)


def _lawyer_id(user: User) -> int | None:
    if not user.is_authenticated or not user.is_active:
        return None
    loaded = _lawyer_profile_loaded(user)
    if loaded is not _NOT_LOADED:
        return loaded.pk if loaded is not None else None  # type: ignore[attr-defined]
    return LawyerProfile.objects.filter(user=user).values_list("pk", flat=True).first()


def offers_for_lawyer(user: User) -> QuerySet[Offer]:
    """Offers made to the viewer (a lawyer), newest first; none for anyone else, staff included."""
    lawyer_id = _lawyer_id(user)
    if lawyer_id is None:
        return Offer.objects.none()
    # Six tables joined at most: PostgreSQL takes ~25 ms to plan the eight-table join (and about 1 ms
    # for six), so the practice areas come in two small prefetches instead.
    return (
        Offer.objects.filter(lawyer_id=lawyer_id)
        .select_related("seat__jurisdiction", "seat__matter__organisation", "engagement")
        .prefetch_related("seat__practice_area", "seat__matter__practice_area")
        .order_by("-created_at", "-pk")
    )


def offer_get_for_lawyer(user: User, pk: int) -> Offer:
    """One offer made to the viewer. Raises Http404 for anyone else's."""
    offer = offers_for_lawyer(user).filter(pk=pk).first()
    if offer is None:
        raise Http404("No such offer.")
    return offer


def offers_of_matter(matter: Matter) -> list[Offer]:
    """Every offer on the matter's seats (the caller has checked the viewer may see the matter)."""
    return list(
        Offer.objects.filter(seat__matter_id=matter.pk)
        .select_related("lawyer__user", "sent_by")
        .only(
            *(f.attname for f in Offer._meta.concrete_fields),
            *LAWYER_REF_COLUMNS,
            "sent_by__id",
            "sent_by__full_name",
        )
        .order_by("seat__position", "seat_id", "-created_at", "-pk")
    )


def offers_visible_to_client(user: User) -> QuerySet[Offer]:
    """Offers on matters of the viewer's organisation (client members), all for staff, none otherwise."""
    return Offer.objects.filter(seat__matter__in=matters_visible_to(user)).select_related(
        "lawyer__user", "sent_by", "seat"
    )


def offer_get_for_client(user: User, pk: int) -> Offer:
    """One offer on a matter the viewer may act on (their organisation's). Raises Http404 otherwise."""
    offer = (
        Offer.objects.filter(seat__matter__in=matters_editable_by(user))
        .select_related("lawyer__user", "seat__matter")
        .filter(pk=pk)
        .first()
    )
    if offer is None:
        raise Http404("No such offer.")
    return offer


def engagements_visible_to(user: User) -> QuerySet[Engagement]:
    """Engagements the viewer may see: their own (lawyers), their organisation's (clients), all (staff)."""
    # Six tables joined at most (see `offers_for_lawyer`): the seat's references are prefetched.
    engagements = (
        Engagement.objects.select_related("matter__organisation", "seat", "lawyer__user")
        .prefetch_related("seat__jurisdiction", "seat__practice_area")
        .order_by("-created_at", "-pk")
    )
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


def engagement_get_for_client(user: User, pk: int) -> Engagement:
    """One engagement on a matter of the viewer's organisation. Raises Http404 otherwise."""
    engagement = (
        engagements_visible_to(user).filter(matter__in=matters_editable_by(user)).filter(pk=pk).first()
    )
    if engagement is None:
        raise Http404("No such engagement.")
    return engagement


def engagements_of_matter(matter: Matter) -> dict[int, Engagement]:
    """The matter's engagements by seat id, with their lawyers (one query)."""
    engagements = (
        Engagement.objects.filter(matter_id=matter.pk)
        .select_related("lawyer__user")
        .only(*(f.attname for f in Engagement._meta.concrete_fields), *LAWYER_REF_COLUMNS)
    )
    return {e.seat_id: e for e in engagements}


@dataclass(frozen=True)
class WeekCapacity:
    """One coming week of a lawyer's capacity: what their active engagements book, and what is free."""

    week_start: dt.date
    booked: Decimal
    free: Decimal


@dataclass(frozen=True)
class LawyerEngagements:
    """The lawyer's engagements page: their engagements, coming weeks' capacity, earnings to date."""

    engagements: list[Engagement]
    weekly_capacity: int
    weeks: list[WeekCapacity]
    earnings: list[tuple[str, Decimal]]


def lawyer_capacity_weeks(
    *, engagements: list[Engagement], weekly_capacity: int, today: dt.date, weeks: int = 8
) -> list[WeekCapacity]:
    """Capacity week by week (from this Monday): active engagements running that week take their hours."""
    monday = today - dt.timedelta(days=today.weekday())
    active = [e for e in engagements if e.status == Engagement.Status.ACTIVE]
    result = []
    for index in range(weeks):
        start = monday + dt.timedelta(weeks=index)
        end = start + dt.timedelta(days=6)
        booked = sum(
            (e.hours_per_week for e in active if e.start_date <= end and e.end_date >= start), Decimal(0)
        )
        result.append(WeekCapacity(week_start=start, booked=booked, free=Decimal(weekly_capacity) - booked))
    return result


def lawyer_engagements_overview(user: User, *, today: dt.date, weeks: int = 8) -> LawyerEngagements:
    """What the lawyer's engagements page shows, in a fixed number of queries."""
    loaded = _lawyer_profile_loaded(user) if user.is_authenticated else None
    if loaded is _NOT_LOADED:
        loaded = LawyerProfile.objects.filter(user=user).first()
    profile: LawyerProfile | None = loaded  # type: ignore[assignment]
    if profile is None:
        raise Http404("Engagements are for lawyers.")
    engagements = list(engagements_visible_to(user)[:200])
    earnings = list(
        TimeEntry.objects.filter(engagement__lawyer=profile, status=TimeEntry.Status.APPROVED)
        .values("engagement__currency")
        .annotate(total=Sum("amount"))
        .order_by("engagement__currency")
        .values_list("engagement__currency", "total")
    )
    capacity = profile.weekly_capacity_hours or 0
    return LawyerEngagements(
        engagements=engagements,
        weekly_capacity=capacity,
        weeks=lawyer_capacity_weeks(
            engagements=engagements, weekly_capacity=capacity, today=today, weeks=weeks
        ),
        earnings=earnings,
    )
