"""Reads for matters, scoped to the viewer: client members see their organisation's, staff see all."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from accounts.models import Membership, User
from engagements.models import MatchCandidate, MatchRun, Matter, ProposedTeamMember, Seat, SeatFunnel
from jurisdictions.selectors import exchange_rates_current


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


def matter_list_for_user(user: User) -> QuerySet[Matter]:
    """The viewer's matters, newest first, with what the list shows (no query per row)."""
    return (
        matters_visible_to(user)
        .select_related("organisation", "practice_area__parent")
        .annotate(seat_count=Count("seats"))
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
        MatchCandidate.objects.filter(run=current).select_related("lawyer__user").order_by("seat_id", "rank")
    ):
        candidates.setdefault(candidate.seat_id, []).append(candidate)
    team = list(ProposedTeamMember.objects.filter(run=current).select_related("lawyer__user"))
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
