"""Builders for matters, seats and a small lawyer network to match them against.

Reference data (jurisdictions, practice areas, exchange rates) comes from the autouse fixture; the
helpers here fetch it by code and create what is missing, so they also work on an empty database.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from engagements import services
from engagements.models import Matter, Seat
from jurisdictions.models import ExchangeRate, Jurisdiction, PracticeArea
from tests.factories import TEST_PASSWORD

RATES_TO_USD = {"USD": "1", "EUR": "1.08", "GBP": "1.27", "SGD": "0.74", "CHF": "1.12"}

START = dt.date(2030, 3, 2)
END = dt.date(2030, 6, 28)


def exchange_rates() -> None:
    """The exchange rates the tests price in (kept as the reference data has them when present)."""
    for currency, rate in RATES_TO_USD.items():
        ExchangeRate.objects.get_or_create(currency=currency, defaults={"rate_to_usd": Decimal(rate)})


def jurisdiction(code: str, name: str | None = None) -> Jurisdiction:
    """The active jurisdiction with this code, created when the reference data lacks it."""
    obj, _ = Jurisdiction.objects.get_or_create(
        code=code,
        defaults={
            "name": name or code,
            "kind": Jurisdiction.Kind.SUBDIVISION if "-" in code else Jurisdiction.Kind.COUNTRY,
            "is_active": True,
        },
    )
    if not obj.is_active:
        obj.is_active = True
        obj.save(update_fields=["is_active"])
    return obj


def practice_area(name: str = "Data privacy", parent: str = "Regulatory") -> PracticeArea:
    """A second-level practice area (reference data or created)."""
    top = PracticeArea.objects.filter(name=parent, parent=None).first()
    if top is None:
        top = PracticeArea.objects.create(name=parent, slug=slugify(parent))
    area = PracticeArea.objects.filter(name=name, parent=top).first()
    return area or PracticeArea.objects.create(name=name, parent=top, slug=slugify(f"{parent}-{name}"))


def seat_input(
    *,
    code: str = "SG",
    area: PracticeArea | None = None,
    hours: str = "20",
    seniority: int = 0,
    label: str = "",
) -> services.SeatInput:
    return services.SeatInput(
        jurisdiction=jurisdiction(code),
        practice_area=area or practice_area(),
        hours_per_week=Decimal(hours),
        min_seniority_years=seniority,
        label=label,
    )


def matter_input(**overrides: Any) -> services.MatterInput:
    values: dict[str, Any] = {
        "title": "GDPR remediation for the APAC subsidiaries",
        "summary": "Review processing records and draft the transfer assessments.",
        "confidential_details": "Target: Initech Pte Ltd.",
        "practice_area": practice_area(),
        "start_date": START,
        "end_date": END,
        "engagement_model": Matter.EngagementModel.TEAM,
        "currency": "USD",
        "rate_cap": Decimal("400"),
        "budget_total": Decimal("200000"),
        "required_languages": ["en"],
        "counterparties": ["Initech Pte. Ltd."],
    }
    values.update(overrides)
    exchange_rates()
    return services.MatterInput(**values)


def matter(
    *,
    by: User,
    post: bool = False,
    seats: list[services.SeatInput] | None = None,
    **overrides: Any,
) -> Matter:
    """A matter made through the service, as a client would (draft unless `post`)."""
    return services.matter_create(
        by=by,
        data=matter_input(**overrides),
        seats=seats if seats is not None else [seat_input(label="Lead"), seat_input(label="Associate")],
        post=post,
    )


def matter_form_data(*, seats: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    """POST data for the matter form with its seats formset."""
    exchange_rates()
    area = practice_area()
    data: dict[str, Any] = {
        "title": "Data privacy review",
        "summary": "Map processing and update notices.",
        "confidential_details": "",
        "practice_area": str(area.pk),
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "engagement_model": Matter.EngagementModel.TEAM,
        "rate_cap": "350",
        "budget_total": "150000",
        "currency": "USD",
        "required_languages": "en",
        "counterparties": "Initech Pte Ltd\nGlobex",
        "action": "post",
    }
    data.update(overrides)
    rows = (
        seats
        if seats is not None
        else [{"jurisdiction": jurisdiction("SG").pk, "practice_area": area.pk, "hours_per_week": "20"}]
    )
    data.update(
        {
            "seats-TOTAL_FORMS": str(len(rows)),
            "seats-INITIAL_FORMS": "0",
            "seats-MIN_NUM_FORMS": "0",
            "seats-MAX_NUM_FORMS": "1000",
        }
    )
    for index, row in enumerate(rows):
        row = {"min_seniority_years": "0", "label": "", **row}
        for key, value in row.items():
            data[f"seats-{index}-{key}"] = str(value)
    return data


def seats_of(matter: Matter) -> list[Seat]:
    return list(matter.seats.select_related("jurisdiction", "practice_area").order_by("position"))


def now() -> dt.datetime:
    return timezone.now()


def network_lawyer(
    name: str,
    *,
    code: str = "SG",
    area: PracticeArea | None = None,
    rate: str = "300",
    currency: str = "USD",
    capacity: int = 40,
    seniority: int = 8,
    status: str = "vetted",
    verified: bool = True,
    languages: tuple[str, ...] = ("en",),
    years: int = 8,
    proficiency: int = 3,
    headline: str = "Data privacy counsel",
) -> Any:
    """A lawyer in the network, built with the lawyers app's models directly (vetted by default)."""
    from lawyers.models import BarAdmission, LanguageSkill, LawyerProfile, PracticeAreaExperience

    email = f"{slugify(name)}-{User.objects.count()}@lawyers.test"
    user = User.objects.create_user(
        email=email, password=TEST_PASSWORD, full_name=name, email_verified_at=timezone.now()
    )
    profile = LawyerProfile.objects.create(
        user=user,
        status=status,
        headline=headline,
        hourly_rate=Decimal(rate),
        rate_currency=currency,
        weekly_capacity_hours=capacity,
    )
    # Seniority is derived by the lawyers app from admissions and experience; set it as the result.
    LawyerProfile.objects.filter(pk=profile.pk).update(seniority_years=seniority)
    profile.seniority_years = seniority
    BarAdmission.objects.create(
        profile=profile,
        jurisdiction=jurisdiction(code),
        registration_number=f"REG{profile.pk:06d}",
        year_admitted=2030 - seniority - 1,
        verified_at=timezone.now() if verified else None,
    )
    PracticeAreaExperience.objects.create(
        profile=profile, practice_area=area or practice_area(), years=years, proficiency=proficiency
    )
    for language in languages:
        LanguageSkill.objects.create(profile=profile, code=language)
    return profile


def network(size: int, *, code: str = "SG", **fields: Any) -> list[Any]:
    """`size` interchangeable lawyers with rates spread between 200 and 390 USD."""
    return [
        network_lawyer(f"Lawyer {code} {i:03d}", code=code, rate=str(200 + (i * 7) % 191), **fields)
        for i in range(size)
    ]


def run_matching(matter: Matter) -> Any:
    """Request a match run and execute it here, as the worker would; the run as it ended."""
    from engagements import match_runs

    run = match_runs.match_run_request(matter=matter, by=None)
    match_runs.match_run_execute(run_id=run.pk, attempt_key="test")
    run.refresh_from_db()
    return run


def posted_and_matched(
    owner: User, *, names: tuple[str, ...] = ("Ada Lovelace", "Bea Brandt", "Cy Young"), **overrides: Any
) -> tuple[Matter, Any, list[Any]]:
    """A posted one-seat matter, a small network whose best-ranked lawyer is `names[0]`, and the
    finished match run: (matter, run, lawyers in rank order)."""
    for index, name in enumerate(names):
        network_lawyer(name, rate=str(250 + 10 * index), years=20 - 3 * index, proficiency=4 - index % 3)
    fields: dict[str, Any] = {"budget_total": None, "counterparties": []}
    fields.update(overrides)
    seats = fields.pop("seats", None) or [seat_input(label="Privacy counsel", hours="20")]
    matter_ = matter(by=owner, post=True, seats=seats, **fields)
    run = run_matching(matter_)
    from engagements.models import MatchCandidate

    ranked = [
        c.lawyer
        for c in MatchCandidate.objects.filter(run=run, seat=seats_of(matter_)[0])
        .select_related("lawyer__user")
        .order_by("rank")
    ]
    return matter_, run, ranked


def send_offer(*, seat: Seat, lawyer: Any, by: User, **overrides: Any) -> Any:
    """An offer sent through the service, on the default terms unless overridden."""
    from engagements import offers

    seat = Seat.objects.select_related("matter").get(pk=seat.pk)
    terms = offers.offer_terms_default(seat=seat, lawyer=lawyer)
    values: dict[str, Any] = {
        "hourly_rate": terms.hourly_rate,
        "hours_per_week": terms.hours_per_week,
        "start": terms.start,
        "end": terms.end,
        "expires_at": terms.expires_at,
    }
    values.update(overrides)
    return offers.offer_send(seat=seat, lawyer=lawyer, by=by, **values)


def accepted(*, seat: Seat, lawyer: Any, by: User, **overrides: Any) -> Any:
    """An offer sent and accepted (NDA first when needed): the engagement."""
    from engagements import offers

    offer = send_offer(seat=seat, lawyer=lawyer, by=by, **overrides)
    if offer.nda_required:
        offers.offer_accept_nda(offer=offer, by=lawyer.user)
    return offers.offer_accept(offer=offer, by=lawyer.user)


def capture_notices(monkeypatch: Any) -> list[dict[str, Any]]:
    """Record what the staffing services tell people (and still tell them): one dict per notice."""
    from engagements import offers

    sent: list[dict[str, Any]] = []
    original = offers._notify

    def capture(**kwargs: Any) -> None:
        sent.append({**kwargs, "recipients": [u for u in kwargs["recipients"] if u is not None]})
        original(**kwargs)

    monkeypatch.setattr(offers, "_notify", capture)
    return sent


def matched(*, by: User, **fields: Any) -> Matter:
    """A posted matter whose matching has run (so its shortlist can be offered seats)."""
    posted = matter(by=by, post=True, **fields)
    run_matching(posted)
    return posted
