"""`make bench`: match-run speed at network scale, printed as one line per figure with its target.

Runs against the database in DATABASE_URL (PostgreSQL, seeded with `seed_demo --lawyers 100000`).
Each figure is timed end to end inside the job (`match_run_execute`: queries + scoring + storing),
and compared with two references on the same data and seat:
  (a) the floor: one hand-written SQL query doing the same eligibility and a comparable score;
  (b) a naive reference: every vetted lawyer loaded as model objects and scored in a Python loop.
Exits non-zero when a target is missed.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")
# As a worker runs the job: without DEBUG, under which Django also formats and keeps every query.
os.environ.setdefault("DEBUG", "false")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Prefetch  # noqa: E402

from accounts.models import ClientOrganisation, Membership, User  # noqa: E402
from engagements import match_runs, services  # noqa: E402
from engagements.models import Engagement, MatchCandidate, MatchRun, Matter  # noqa: E402
from jurisdictions.models import ExchangeRate, Jurisdiction, PracticeArea  # noqa: E402
from lawyers.models import LawyerProfile  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "20"))
NAIVE_RUNS = int(os.environ.get("BENCH_NAIVE_RUNS", "3"))
START = dt.date.today() + dt.timedelta(days=30)
END = START + dt.timedelta(days=120)
failures: list[str] = []


def line(name: str, value: float, unit: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("PASS" if ok else "FAIL")
    if ok is False:
        failures.append(name)
    print(f"{name:<44} {value:>10.1f} {unit:<4} {('target ' + target) if target else '':<18} {verdict}")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_client() -> User:
    org, _ = ClientOrganisation.objects.get_or_create(
        name="Bench Client", defaults={"join_code": "BENCH0001"}
    )
    user, created = User.objects.get_or_create(
        email="bench@bench.test", defaults={"full_name": "Bench Client"}
    )
    if created:
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, organisation=org, role=Membership.Role.OWNER)
    return user


def area(parent: str, name: str) -> PracticeArea:
    return PracticeArea.objects.get(parent__name=parent, name=name)


def matter(by: User, title: str, seats: list[tuple[str, str, str, int, str]], **extra: object) -> Matter:
    data = services.MatterInput(
        title=title,
        summary="Benchmark matter.",
        practice_area=area(seats[0][1], seats[0][2]),
        start_date=START,
        end_date=END,
        engagement_model=Matter.EngagementModel.TEAM if len(seats) > 1 else Matter.EngagementModel.ONE_EXPERT,
        currency="USD",
        **extra,  # type: ignore[arg-type]
    )
    seat_inputs = [
        services.SeatInput(
            jurisdiction=Jurisdiction.objects.get(code=code),
            practice_area=area(parent, name),
            hours_per_week=Decimal(hours),
            min_seniority_years=seniority,
        )
        for code, parent, name, seniority, hours in seats
    ]
    return services.matter_create(by=by, data=data, seats=seat_inputs, post=True)


def time_runs(m: Matter, runs: int) -> tuple[list[float], MatchRun]:
    """Each run timed around `match_run_execute` (claim, gather, compute, store); the last run as stored."""
    durations = []
    result = None
    for _ in range(runs):
        run = MatchRun.objects.create(
            matter=m, input_fingerprint=match_runs.matter_fingerprint(m), currency=m.currency
        )
        started = time.perf_counter()
        result = match_runs.match_run_execute(run_id=run.pk)
        durations.append((time.perf_counter() - started) * 1000)
        assert result is not None and result.status == MatchRun.Status.DONE, result and result.error
    assert result is not None
    return durations, result


# The same eligibility as a match run, in one hand-written query: vetted, admitted (verified) in the
# seat's jurisdiction, experience in the area or its parent, seniority, free capacity after active
# engagements over the dates, rate cap in USD, available, speaks English, and no conflict (declared,
# a recent employer, or live work on a matter against a counterparty). The score has the core's
# first four factors (same saturations); ratings and responsiveness are left out.
FLOOR_SQL = """
SELECT p.id,
       (0.25 * (0.5 * LEAST(e.years, 10) / 10.0 + 0.5 * (LEAST(GREATEST(e.proficiency, 1), 4) - 1) / 3.0)
      + 0.20 * LEAST(GREATEST(p.seniority_years - %(min_seniority)s, 0), 10) / 10.0
      + 0.20 * GREATEST(1 - (p.hourly_rate * r.rate_to_usd) / %(cap)s, 0)
      + 0.10 * GREATEST((p.weekly_capacity_hours - COALESCE(b.hours, 0) - %(hours)s)
                        / p.weekly_capacity_hours, 0)) AS score
  FROM lawyers_lawyerprofile p
  JOIN lawyers_baradmission a
    ON a.profile_id = p.id AND a.jurisdiction_id = %(jurisdiction)s AND a.verified_at IS NOT NULL
  JOIN (SELECT DISTINCT ON (x.profile_id) x.profile_id, x.years, x.proficiency
          FROM lawyers_practiceareaexperience x
         WHERE x.practice_area_id IN (%(area)s, %(parent)s)
         ORDER BY x.profile_id, x.practice_area_id = %(area)s DESC) e ON e.profile_id = p.id
  JOIN jurisdictions_exchangerate r ON r.currency = p.rate_currency
  LEFT JOIN (SELECT g.lawyer_id, SUM(g.hours_per_week) AS hours FROM engagements_engagement g
              WHERE g.status = 'active' AND g.start_date <= %(end)s AND g.end_date >= %(start)s
              GROUP BY g.lawyer_id) b ON b.lawyer_id = p.id
 WHERE p.status = 'vetted'
   AND p.seniority_years >= %(min_seniority)s
   AND p.weekly_capacity_hours - COALESCE(b.hours, 0) >= %(hours)s
   AND p.hourly_rate * r.rate_to_usd <= %(cap)s
   AND NOT EXISTS (SELECT 1 FROM lawyers_unavailability u
                    WHERE u.profile_id = p.id AND u.start <= %(end)s AND u."end" >= %(start)s)
   AND EXISTS (SELECT 1 FROM lawyers_languageskill l WHERE l.profile_id = p.id AND l.code = 'en')
   AND NOT EXISTS (SELECT 1 FROM lawyers_declaredconflict c
                    WHERE c.profile_id = p.id AND c.organisation_normalised = ANY(%(parties)s))
   AND NOT EXISTS (SELECT 1 FROM lawyers_experience x
                    WHERE x.profile_id = p.id AND x.organisation_normalised = ANY(%(parties)s)
                      AND (x.end_date IS NULL OR x.end_date >= %(since)s))
   AND NOT EXISTS (SELECT 1 FROM engagements_engagement g JOIN engagements_matter m ON m.id = g.matter_id
                    WHERE g.lawyer_id = p.id AND g.status = 'active'
                      AND m.counterparties_normalised ?| %(parties)s)
 ORDER BY score DESC, p.id
 LIMIT 20
"""


def floor(params: dict[str, object], runs: int) -> list[float]:
    durations = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(FLOOR_SQL, params)
            cursor.fetchall()
            durations.append((time.perf_counter() - started) * 1000)
    return durations


def naive(params: dict[str, object], runs: int) -> list[float]:
    """Every vetted lawyer as model objects with their related rows, filtered and scored in Python."""
    rates = {r.currency: r.rate_to_usd for r in ExchangeRate.objects.all()}
    parties = set(params["parties"])
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        scored = []
        lawyers = LawyerProfile.objects.filter(status=LawyerProfile.Status.VETTED).prefetch_related(
            "admissions",
            "practice_areas",
            "languages",
            "unavailabilities",
            "declared_conflicts",
            "experiences",
            Prefetch(
                "engagements",
                queryset=Engagement.objects.filter(status=Engagement.Status.ACTIVE).select_related("matter"),
            ),
        )
        for lawyer in lawyers:
            if not any(
                a.jurisdiction_id == params["jurisdiction"] and a.verified_at for a in lawyer.admissions.all()
            ):
                continue
            areas = {e.practice_area_id: e for e in lawyer.practice_areas.all()}
            depth = areas.get(params["area"]) or areas.get(params["parent"])
            if depth is None or (lawyer.seniority_years or 0) < params["min_seniority"]:
                continue
            engagements = lawyer.engagements.all()
            booked = sum(
                (
                    g.hours_per_week
                    for g in engagements
                    if g.start_date <= params["end"] and g.end_date >= params["start"]
                ),
                Decimal(0),
            )
            if lawyer.weekly_capacity_hours is None or lawyer.hourly_rate is None:
                continue
            if lawyer.weekly_capacity_hours - booked < params["hours"]:
                continue
            rate_usd = lawyer.hourly_rate * rates.get(lawyer.rate_currency, Decimal(0))
            if not rate_usd or rate_usd > params["cap"]:
                continue
            if any(
                u.start <= params["end"] and u.end >= params["start"] for u in lawyer.unavailabilities.all()
            ):
                continue
            if not any(lang.code == "en" for lang in lawyer.languages.all()):
                continue
            if any(c.organisation_normalised in parties for c in lawyer.declared_conflicts.all()):
                continue
            if any(
                x.organisation_normalised in parties and (x.end_date is None or x.end_date >= params["since"])
                for x in lawyer.experiences.all()
            ):
                continue
            if any(parties.intersection(g.matter.counterparties_normalised or ()) for g in engagements):
                continue
            capacity = lawyer.weekly_capacity_hours
            score = (
                0.25 * (0.5 * min(depth.years, 10) / 10 + 0.5 * (min(max(depth.proficiency, 1), 4) - 1) / 3)
                + 0.20 * min(max(lawyer.seniority_years - params["min_seniority"], 0), 10) / 10
                + 0.20 * max(1 - float(rate_usd) / float(params["cap"]), 0)
                + 0.10 * max(float(capacity - booked - params["hours"]) / capacity, 0)
            )
            scored.append((-score, lawyer.pk))
        scored.sort()
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def main() -> int:
    if connection.vendor != "postgresql":
        print("make bench needs DATABASE_URL pointing at PostgreSQL", file=sys.stderr)
        return 2
    lawyers = LawyerProfile.objects.count()
    vetted = LawyerProfile.objects.filter(status=LawyerProfile.Status.VETTED).count()
    print(f"network: {lawyers:,} lawyers ({vetted:,} vetted); {RUNS} runs per figure\n")
    by = bench_client()
    with transaction.atomic():
        one = matter(
            by,
            "Bench: one seat",
            [("US-NY", "Corporate", "M&A", 5, "20")],
            rate_cap=Decimal("900"),
            required_languages=["en"],
            counterparties=["Globex Corporation"],
        )
        ten = matter(
            by,
            "Bench: ten seats in five jurisdictions",
            [
                ("US-NY", "Corporate", "M&A", 8, "20"),
                ("US-NY", "Corporate", "M&A", 3, "30"),
                ("US-CA", "Disputes", "Commercial litigation", 5, "20"),
                ("US-CA", "Intellectual property", "Patents", 5, "15"),
                ("GB-ENG", "Corporate", "M&A", 5, "20"),
                ("GB-ENG", "Finance", "Banking", 4, "20"),
                ("DE", "Corporate", "M&A", 5, "15"),
                ("DE", "Regulatory", "Data privacy", 3, "10"),
                ("SG", "Disputes", "International arbitration", 5, "20"),
                ("SG", "Finance", "Banking", 3, "15"),
            ],
            budget_total=Decimal("1500000"),
            required_languages=["en"],
            counterparties=["Globex Corporation", "Initech"],
        )
    # warm-up (connection, caches), not counted
    time_runs(one, 2)
    one_ms, one_run = time_runs(one, RUNS)
    time_runs(ten, 1)
    ten_ms, ten_run = time_runs(ten, RUNS)
    shortlisted = MatchCandidate.objects.filter(run=one_run).count()

    seat = one.seats.select_related("practice_area").get()
    params = {
        "jurisdiction": seat.jurisdiction_id,
        "area": seat.practice_area_id,
        "parent": seat.practice_area.parent_id,
        "min_seniority": seat.min_seniority_years,
        "hours": int(seat.hours_per_week),
        "cap": one.rate_cap,
        "start": one.start_date,
        "end": one.end_date,
        "parties": list(one.counterparties_normalised),
        "since": dt.date.today()
        - dt.timedelta(days=round(365.25 * int(getattr(settings, "MATCHING_CONFLICT_LOOKBACK_YEARS", 3)))),
    }
    floor(params, 2)
    floor_ms = floor(params, RUNS)
    naive_ms = naive(params, NAIVE_RUNS)

    print(f"one seat: {shortlisted} shortlisted; ten seats team: {ten_run.team_status or '-'}\n")
    line(
        "match run, 1 seat, p50",
        statistics.median(one_ms),
        "ms",
        "<= 150 ms",
        statistics.median(one_ms) <= 150,
    )
    line("match run, 1 seat, p95", pct(one_ms, 95), "ms")
    line(
        "match run, 10 seats / 5 jurisdictions, p50",
        statistics.median(ten_ms),
        "ms",
        "<= 1000 ms",
        statistics.median(ten_ms) <= 1000,
    )
    line("match run, 10 seats / 5 jurisdictions, p95", pct(ten_ms, 95), "ms")
    line("floor: raw SQL, 1 seat, p50", statistics.median(floor_ms), "ms")
    line("floor: raw SQL, 1 seat, p95", pct(floor_ms, 95), "ms")
    line(f"naive: model objects + loop, 1 seat, p50/{NAIVE_RUNS}", statistics.median(naive_ms), "ms")
    line("ours / floor (1 seat, p50)", statistics.median(one_ms) / statistics.median(floor_ms), "x")
    line("naive / ours (1 seat, p50)", statistics.median(naive_ms) / statistics.median(one_ms), "x")
    # Leave the network as we found it: the bench matters are cancelled, their runs kept for inspection.
    for m in (one, ten):
        services.matter_cancel(matter=m, by=by, reason="Benchmark finished.")
    if failures:
        print(f"\nFAIL: {', '.join(failures)}")
        return 1
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
