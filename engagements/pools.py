"""The database side of matching: gather each seat's candidates into the matching core's plain data.

A fixed number of indexed queries per matter, whatever the number of seats or lawyers: the cheap
filters (vetted and active, admitted in the seat's jurisdiction) run in SQL and are reported to the
core as pre-filtered counts; the rest are columns the core filters on, built from a few bulk reads
of the admitted lawyers' practice areas, languages, unavailability, conflicts and employers, their
active engagements (hours already booked, and live work for or against a counterparty), their
ratings and how fast they answer offers.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet, Sum

from engagements.matching import CandidatePool, Filter, SeatSpec, normalise_party_name, rates_to_usd
from engagements.models import Engagement, Matter, Offer, Rating, Seat
from lawyers.models import (
    BarAdmission,
    DeclaredConflict,
    Experience,
    LanguageSkill,
    LawyerProfile,
    PracticeAreaExperience,
    Unavailability,
)


@dataclass(frozen=True)
class SeatPool:
    """One seat ready for the core: its spec, its candidates, and the counts of the SQL filters."""

    seat: Seat
    spec: SeatSpec
    pool: CandidatePool
    prefiltered: Mapping[Filter, int]
    considered: int


def lawyers_active(currencies: Sequence[str]) -> QuerySet[LawyerProfile]:
    """Vetted lawyers (suspended ones are not) with a rate in a currency we can convert and capacity."""
    return LawyerProfile.objects.filter(
        status=LawyerProfile.Status.VETTED,
        hourly_rate__isnull=False,
        rate_currency__in=list(currencies),
        weekly_capacity_hours__isnull=False,
    )


def _to_usd(amount: Decimal | None, currency: str, usd_per_unit: Mapping[str, Decimal]) -> Decimal | None:
    if amount is None:
        return None
    rate = Decimal(1) if currency == "USD" else usd_per_unit[currency]
    return (amount * rate).quantize(Decimal("0.01"))


def seat_pools(
    *, matter: Matter, seats: Sequence[Seat], usd_per_unit: Mapping[str, Decimal], today: dt.date
) -> list[SeatPool]:
    """Every seat's candidate pool, built with a fixed number of queries (see the module docstring)."""
    active = lawyers_active([*usd_per_unit, "USD"])
    considered = LawyerProfile.objects.count()
    active_count = active.count()
    jurisdiction_ids = sorted({seat.jurisdiction_id for seat in seats})
    admitted = BarAdmission.objects.filter(
        jurisdiction_id__in=jurisdiction_ids, verified_at__isnull=False, profile__in=active.values("pk")
    )
    # (jurisdiction, lawyer) pairs, one query; the per-jurisdiction counts come from the same rows.
    admitted_in: dict[int, list[int]] = defaultdict(list)
    for jurisdiction_id, profile_id in admitted.order_by("profile_id").values_list(
        "jurisdiction_id", "profile_id"
    ):
        admitted_in[jurisdiction_id].append(profile_id)
    pool_ids = admitted.values("profile_id")

    profiles = {
        row["pk"]: row
        for row in active.filter(pk__in=pool_ids).values(
            "pk", "hourly_rate", "rate_currency", "weekly_capacity_hours", "seniority_years"
        )
    }
    area_ids = {seat.practice_area_id for seat in seats} | {
        seat.practice_area.parent_id for seat in seats if seat.practice_area.parent_id
    }
    experience: dict[tuple[int, int], tuple[int, int]] = {
        (profile_id, area_id): (years, proficiency)
        for profile_id, area_id, years, proficiency in PracticeAreaExperience.objects.filter(
            profile__in=pool_ids, practice_area_id__in=area_ids
        ).values_list("profile_id", "practice_area_id", "years", "proficiency")
    }
    required = set(matter.required_languages)
    speaks: dict[int, set[str]] = defaultdict(set)
    if required:
        for profile_id, code in LanguageSkill.objects.filter(
            profile__in=pool_ids, code__in=required
        ).values_list("profile_id", "code"):
            speaks[profile_id].add(code)
    unavailable = set(
        Unavailability.objects.filter(
            profile__in=pool_ids, start__lte=matter.end_date, end__gte=matter.start_date
        ).values_list("profile_id", flat=True)
    )
    conflicted = _conflicted(matter=matter, pool_ids=pool_ids, today=today)
    booked = _booked_hours(matter=matter, pool_ids=pool_ids)
    ratings = _ratings(pool_ids=pool_ids)
    response_hours = _response_hours(pool_ids=pool_ids, today=today)

    ordered_ids = sorted(profiles)
    usd = rates_to_usd(
        [float(profiles[pk]["hourly_rate"]) for pk in ordered_ids],
        [profiles[pk]["rate_currency"] for pk in ordered_ids],
        usd_per_unit,
    )
    rate_usd = dict(zip(ordered_ids, usd.tolist(), strict=True))
    rate_cap_usd = _to_usd(matter.rate_cap, matter.currency, usd_per_unit)
    counterparties = frozenset(normalise_party_name(name) for name in matter.counterparties)

    result = []
    for seat in seats:
        ids = [pk for pk in admitted_in.get(seat.jurisdiction_id, []) if pk in profiles]
        area, parent = seat.practice_area_id, seat.practice_area.parent_id

        def depth(pk: int, area: int = area, parent: int | None = parent) -> tuple[int, int] | None:
            return experience.get((pk, area)) or (experience.get((pk, parent)) if parent else None)

        spec = SeatSpec(
            seat_id=seat.pk,
            jurisdiction_code=seat.jurisdiction.code,
            practice_area_id=area,
            practice_area_name=seat.practice_area.name,
            practice_area_parent_id=parent,
            min_seniority_years=seat.min_seniority_years,
            hours_per_week=seat.hours_per_week,
            start=matter.start_date,
            end=matter.end_date,
            rate_cap_usd=rate_cap_usd,
            required_languages=frozenset(required),
            counterparties=counterparties,
            label=seat.display_label,
        )
        pool = CandidatePool(
            lawyer_id=np.array(ids, dtype=np.int64),
            seniority_years=[profiles[pk]["seniority_years"] for pk in ids],
            depth_years=[(depth(pk) or (0, 0))[0] for pk in ids],
            proficiency=[(depth(pk) or (0, 1))[1] for pk in ids],
            weekly_capacity_hours=[profiles[pk]["weekly_capacity_hours"] for pk in ids],
            booked_hours_per_week=[booked.get(pk, 0.0) for pk in ids],
            rate_usd=[rate_usd[pk] for pk in ids],
            practice_match=[depth(pk) is not None for pk in ids],
            unavailable_overlap=[pk in unavailable for pk in ids],
            languages_ok=[required <= speaks[pk] for pk in ids],
            conflicted=[pk in conflicted for pk in ids],
            avg_rating=[ratings[pk][0] if pk in ratings else np.nan for pk in ids],
            rating_count=[ratings[pk][1] if pk in ratings else 0 for pk in ids],
            response_hours=[response_hours.get(pk, np.nan) for pk in ids],
        )
        result.append(
            SeatPool(
                seat=seat,
                spec=spec,
                pool=pool,
                prefiltered={Filter.ACTIVE: active_count, Filter.ADMITTED: len(ids)},
                considered=considered,
            )
        )
    return result


def _booked_hours(*, matter: Matter, pool_ids: QuerySet) -> dict[int, float]:
    """Hours a week each lawyer's active engagements overlapping the matter's dates take (one query)."""
    rows = (
        Engagement.objects.filter(
            status=Engagement.Status.ACTIVE,
            lawyer__in=pool_ids,
            start_date__lte=matter.end_date,
            end_date__gte=matter.start_date,
        )
        .values("lawyer_id")
        .annotate(hours=Sum("hours_per_week"))
        .values_list("lawyer_id", "hours")
    )
    return {lawyer_id: float(hours) for lawyer_id, hours in rows}


def _ratings(*, pool_ids: QuerySet) -> dict[int, tuple[float, int]]:
    """(average score, number of ratings) per lawyer, from clients' ratings of their engagements."""
    rows = (
        Rating.objects.filter(engagement__lawyer__in=pool_ids)
        .values("engagement__lawyer_id")
        .annotate(average=Avg("score"), count=Count("pk"))
        .values_list("engagement__lawyer_id", "average", "count")
    )
    return {lawyer_id: (float(average), count) for lawyer_id, average, count in rows}


def _response_hours(*, pool_ids: QuerySet, today: dt.date) -> dict[int, float]:
    """Median hours each lawyer took to answer an offer (accept or decline), over the last year."""
    since = today - dt.timedelta(days=365)
    answered: dict[int, list[float]] = defaultdict(list)
    for lawyer_id, created, answered_at in Offer.objects.filter(
        lawyer__in=pool_ids, answered_at__isnull=False, created_at__date__gte=since
    ).values_list("lawyer_id", "created_at", "answered_at"):
        answered[lawyer_id].append(max((answered_at - created).total_seconds(), 0.0) / 3600)
    return {lawyer_id: float(np.median(hours)) for lawyer_id, hours in answered.items()}


def _conflicted(*, matter: Matter, pool_ids: QuerySet, today: dt.date) -> set[int]:
    """Lawyers who declared a counterparty as a conflict, worked for one within the lookback, or are
    engaged now on another matter for or against one of them."""
    parties = {normalise_party_name(name) for name in matter.counterparties}
    parties.discard("")
    if not parties:
        return set()
    lookback_years = int(getattr(settings, "MATCHING_CONFLICT_LOOKBACK_YEARS", 3))
    since = today - dt.timedelta(days=round(365.25 * lookback_years))
    conflicted: set[int] = set()
    for profile_id, organisation in DeclaredConflict.objects.filter(profile__in=pool_ids).values_list(
        "profile_id", "organisation"
    ):
        if normalise_party_name(organisation) in parties:
            conflicted.add(profile_id)
    for profile_id, organisation in Experience.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=since), profile__in=pool_ids
    ).values_list("profile_id", "organisation"):
        if normalise_party_name(organisation) in parties:
            conflicted.add(profile_id)
    for profile_id, client, their_parties in (
        Engagement.objects.filter(status=Engagement.Status.ACTIVE, lawyer__in=pool_ids)
        .exclude(matter_id=matter.pk)
        .values_list("lawyer_id", "matter__organisation__name", "matter__counterparties_normalised")
    ):
        if normalise_party_name(client) in parties or parties.intersection(their_parties or ()):
            conflicted.add(profile_id)
    return conflicted
