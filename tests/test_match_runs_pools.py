"""The database side of matching against a brute force: a random network, every seat's funnel counts
and eligible lawyers as a plain Python loop over model objects finds them."""

import datetime as dt
import random
from decimal import Decimal

import numpy as np
import pytest
from django.conf import settings
from django.utils import timezone

from engagements.matching import Filter, match_seat, normalise_party_name
from engagements.models import SeatFunnel
from engagements.pools import seat_pools
from jurisdictions.selectors import exchange_rates_current
from lawyers.models import (
    BarAdmission,
    DeclaredConflict,
    Experience,
    LawyerProfile,
    PracticeAreaExperience,
    Unavailability,
)
from lawyers.rules import normalise_organisation_name
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db

COUNTERPARTIES = ["Initech Pte. Ltd.", "Müller AG"]
# Spelled as lawyers might write them: the same parties once normalised, and others.
ORGANISATIONS = ["INITECH PTE LTD", "Muller AG", "MÜLLER  A.G.", "Initech", "Globex", "Hooli GmbH"]


def _random_network(rng: random.Random, size: int) -> None:
    privacy = fe.practice_area()
    areas = [privacy, privacy.parent, fe.practice_area("M&A", "Corporate")]
    today = timezone.localdate()
    for i in range(size):
        code = rng.choice(["SG", "DE"])
        profile = fe.network_lawyer(
            f"Random {i}",
            code=code,
            area=rng.choice(areas),
            rate=str(rng.randint(150, 500)),
            currency=rng.choice(["USD", "USD", "EUR", "GBP", "SGD", "MNT"]),  # MNT: no exchange rate
            capacity=rng.choice([10, 20, 40]),
            seniority=rng.randint(0, 12),
            status=rng.choice(["vetted"] * 6 + ["suspended", "applied"]),
            verified=rng.random() < 0.9,
            languages=tuple(rng.sample(["en", "de", "fr"], rng.randint(0, 2))),
            years=rng.randint(0, 15),
            proficiency=rng.randint(1, 4),
        )
        if rng.random() < 0.25:  # admitted in the other jurisdiction too
            other = "DE" if code == "SG" else "SG"
            BarAdmission.objects.create(
                profile=profile,
                jurisdiction=fe.jurisdiction(other),
                registration_number=f"X{profile.pk:06d}",
                year_admitted=2015,
                verified_at=timezone.now() if rng.random() < 0.8 else None,
            )
        if rng.random() < 0.3:  # a second area
            area = rng.choice(areas)
            if not profile.practice_areas.filter(practice_area=area).exists():
                PracticeAreaExperience.objects.create(
                    profile=profile,
                    practice_area=area,
                    years=rng.randint(0, 15),
                    proficiency=rng.randint(1, 4),
                )
        if rng.random() < 0.3:
            start = fe.START + dt.timedelta(days=rng.randint(-60, 140))
            Unavailability.objects.create(profile=profile, start=start, end=start + dt.timedelta(days=10))
        if rng.random() < 0.3:
            organisation = rng.choice(ORGANISATIONS)
            DeclaredConflict.objects.create(
                profile=profile,
                organisation=organisation,
                organisation_normalised=normalise_organisation_name(organisation),
            )
        if rng.random() < 0.4:
            organisation = rng.choice(ORGANISATIONS)
            ended = rng.choice([None, today - dt.timedelta(days=200), today - dt.timedelta(days=3000)])
            Experience.objects.create(
                profile=profile,
                organisation=organisation,
                organisation_normalised=normalise_organisation_name(organisation),
                role="Counsel",
                kind=Experience.Kind.IN_HOUSE,
                start_date=dt.date(2005, 1, 1),
                end_date=ended,
            )
        if rng.random() < 0.05:
            LawyerProfile.objects.filter(pk=profile.pk).update(weekly_capacity_hours=None)


def _brute_force(matter, seat, today):
    """(filter, remaining) for every step, and the eligible lawyers, from model objects in a loop."""
    rates = exchange_rates_current()
    usd = {"USD": Decimal(1), **rates}
    lookback = int(getattr(settings, "MATCHING_CONFLICT_LOOKBACK_YEARS", 3))
    since = today - dt.timedelta(days=round(365.25 * lookback))
    parties = {normalise_party_name(name) for name in matter.counterparties} - {""}
    required = set(matter.required_languages)
    cap = matter.rate_cap * usd[matter.currency]
    lawyers = LawyerProfile.objects.prefetch_related(
        "admissions", "practice_areas", "languages", "unavailabilities", "declared_conflicts", "experiences"
    )
    steps = []
    left = [
        p
        for p in lawyers
        if p.status == "vetted"
        and p.hourly_rate is not None
        and p.rate_currency in usd
        and p.weekly_capacity_hours is not None
    ]
    steps.append(("active", len(left)))

    def keep(name, test):
        nonlocal left
        left = [p for p in left if test(p)]
        steps.append((name, len(left)))

    keep(
        "admitted",
        lambda p: any(
            a.jurisdiction_id == seat.jurisdiction_id and a.verified_at for a in p.admissions.all()
        ),
    )
    areas = {seat.practice_area_id, seat.practice_area.parent_id}
    keep("practice_area", lambda p: any(e.practice_area_id in areas for e in p.practice_areas.all()))
    keep("seniority", lambda p: p.seniority_years >= seat.min_seniority_years)
    keep("capacity", lambda p: p.weekly_capacity_hours >= seat.hours_per_week)
    keep(
        "available",
        lambda p: (
            not any(
                u.start <= matter.end_date and u.end >= matter.start_date for u in p.unavailabilities.all()
            )
        ),
    )
    keep("rate_cap", lambda p: p.hourly_rate * usd[p.rate_currency] <= cap)
    if required:  # the funnel has no languages step when the matter requires none
        keep("languages", lambda p: required <= {language.code for language in p.languages.all()})
    keep(
        "no_conflict",
        lambda p: (
            not parties
            & (
                {normalise_party_name(c.organisation) for c in p.declared_conflicts.all()}
                | {
                    normalise_party_name(e.organisation)
                    for e in p.experiences.all()
                    if e.end_date is None or e.end_date >= since
                }
            )
        ),
    )
    return steps, {p.pk for p in left}


def _two_jurisdictions():  # type: ignore[no-untyped-def]
    m_and_a = fe.practice_area("M&A", "Corporate")
    return {
        "rate_cap": Decimal("350"),
        "required_languages": ["en"],
        "counterparties": COUNTERPARTIES,
        "seats": [
            fe.seat_input(code="SG", seniority=3, hours="20", label="Privacy, Singapore"),
            fe.seat_input(code="DE", area=m_and_a, hours="10", label="M&A, Germany"),
            fe.seat_input(code="DE", seniority=6, hours="30", label="Privacy, Germany"),
        ],
    }


def _one_jurisdiction_no_languages_or_counterparties():  # type: ignore[no-untyped-def]
    # one jurisdiction: the pool skips sorting and searching (its lawyers are already distinct)
    m_and_a = fe.practice_area("M&A", "Corporate")
    return {
        "rate_cap": Decimal("400"),
        "required_languages": [],
        "counterparties": [],
        "seats": [
            fe.seat_input(code="DE", seniority=2, hours="10", label="Privacy, Germany"),
            fe.seat_input(code="DE", area=m_and_a, hours="20", label="M&A, Germany"),
        ],
    }


@pytest.mark.parametrize(
    ("seed", "matter_fields"),
    [
        (1, _two_jurisdictions),
        (2, _two_jurisdictions),
        (3, _two_jurisdictions),
        (4, _one_jurisdiction_no_languages_or_counterparties),
        (5, _one_jurisdiction_no_languages_or_counterparties),
    ],
)
def test_every_seat_matches_a_brute_force_over_the_models(client_owner, seed, matter_fields):
    rng = random.Random(seed)
    _random_network(rng, 45)
    matter = fe.matter(by=client_owner, post=True, budget_total=None, **matter_fields())
    _assert_every_seat_matches_the_brute_force(matter)


def _assert_every_seat_matches_the_brute_force(matter):
    today = timezone.localdate()
    seats = fe.seats_of(matter)
    pools = seat_pools(matter=matter, seats=seats, usd_per_unit=exchange_rates_current(), today=today)
    run = fe.run_matching(matter)

    for seat, pool in zip(seats, pools, strict=True):
        steps, eligible = _brute_force(matter, seat, today)
        match = match_seat(pool.spec, pool.pool, prefiltered=pool.prefiltered, considered=pool.considered)
        assert [(s.filter.value, s.remaining) for s in match.funnel.steps] == steps, seat.label
        assert set(match.scored.lawyer_id.tolist()) == eligible, seat.label
        stored = SeatFunnel.objects.get(run=run, seat=seat)
        assert [(s["filter"], s["remaining"]) for s in stored.steps] == steps
        assert stored.considered == LawyerProfile.objects.count()
        # every lawyer admitted there, once, in id order
        assert np.array_equal(pool.pool.lawyer_id, np.sort(pool.pool.lawyer_id))


def test_conflicts_compare_stored_normalised_names(client_owner):
    clear, declared, employed, old_employer = (
        fe.network_lawyer(name) for name in ("Clear", "Declared", "Employed", "Old employer")
    )
    DeclaredConflict.objects.create(
        profile=declared,
        organisation="Müller AG.",
        organisation_normalised=normalise_organisation_name("Müller AG."),
    )
    for profile, ended in ((employed, None), (old_employer, dt.date(2001, 1, 1))):
        Experience.objects.create(
            profile=profile,
            organisation="müller  ag",
            organisation_normalised=normalise_organisation_name("müller  ag"),
            role="Counsel",
            start_date=dt.date(2000, 1, 1),
            end_date=ended,
        )
    matter = fe.matter(by=client_owner, post=True, counterparties=["MULLER AG"], seats=[fe.seat_input()])
    (pool,) = seat_pools(
        matter=matter,
        seats=fe.seats_of(matter),
        usd_per_unit=exchange_rates_current(),
        today=timezone.localdate(),
    )
    conflicted = dict(zip(pool.pool.lawyer_id.tolist(), pool.pool.conflicted.tolist(), strict=True))
    assert conflicted == {clear.pk: False, declared.pk: True, employed.pk: True, old_employer.pk: False}


def test_the_lookups_follow_the_funnel_order():
    # pools reads profile columns only for lawyers in the practice area, and the flags only for
    # those who also pass seniority and capacity: right as long as the funnel keeps this order.

    order = list(Filter)
    assert order[:5] == [
        Filter.ACTIVE,
        Filter.ADMITTED,
        Filter.PRACTICE_AREA,
        Filter.SENIORITY,
        Filter.CAPACITY,
    ]
    assert {Filter.AVAILABLE, Filter.LANGUAGES, Filter.NO_CONFLICT} <= set(order[5:])


def test_a_seat_where_nobody_is_admitted_has_an_empty_pool(client_owner):
    fe.network_lawyer("Singapore only", code="SG")
    matter = fe.matter(
        by=client_owner,
        post=True,
        counterparties=["Initech"],
        seats=[fe.seat_input(code="DE", label="Germany"), fe.seat_input(code="SG", label="Singapore")],
    )
    germany, singapore = seat_pools(
        matter=matter,
        seats=fe.seats_of(matter),
        usd_per_unit=exchange_rates_current(),
        today=timezone.localdate(),
    )
    assert len(germany.pool) == 0 and germany.prefiltered[Filter.ADMITTED] == 0
    assert len(singapore.pool) == 1 and germany.prefiltered[Filter.ACTIVE] == 1
    run = fe.run_matching(matter)
    assert (
        SeatFunnel.objects.get(run=run, seat=germany.seat).explanation
        == "1 vetted & active → 0 admitted in DE"
    )


def test_experience_years_and_proficiency_reach_the_pool_the_area_before_its_parent(client_owner):
    privacy = fe.practice_area()
    deep = fe.network_lawyer("Deep expert", years=23, proficiency=4)
    novice = fe.network_lawyer("Novice", years=1, proficiency=1)
    generalist = fe.network_lawyer("Parent area only", area=privacy.parent, years=12, proficiency=2)
    # a lawyer with both: the seat's own area counts, not the parent's
    both = fe.network_lawyer("Both", years=3, proficiency=2)
    PracticeAreaExperience.objects.create(profile=both, practice_area=privacy.parent, years=30, proficiency=4)
    matter = fe.matter(by=client_owner, post=True, seats=[fe.seat_input()])
    (pool,) = seat_pools(
        matter=matter,
        seats=fe.seats_of(matter),
        usd_per_unit=exchange_rates_current(),
        today=timezone.localdate(),
    )
    experience = {
        int(lawyer): (float(years), float(proficiency), bool(matched))
        for lawyer, years, proficiency, matched in zip(
            pool.pool.lawyer_id,
            pool.pool.depth_years,
            pool.pool.proficiency,
            pool.pool.practice_match,
            strict=True,
        )
    }
    assert experience == {
        deep.pk: (23.0, 4.0, True),
        novice.pk: (1.0, 1.0, True),
        generalist.pk: (12.0, 2.0, True),
        both.pk: (3.0, 2.0, True),
    }
