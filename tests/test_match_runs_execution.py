"""A match run end to end through the database: who is eligible, the ranking, the team, the funnel."""

import datetime as dt
from decimal import Decimal

import pytest

from engagements import match_runs, services
from engagements.models import MatchCandidate, MatchRun, Matter, ProposedTeamMember, SeatFunnel
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


def _shortlisted(run, seat=None):
    rows = MatchCandidate.objects.filter(run=run)
    if seat is not None:
        rows = rows.filter(seat=seat)
    return set(rows.values_list("lawyer__user__full_name", flat=True))


def _one_seat_matter(owner, **overrides):
    fields = {"rate_cap": Decimal("400"), "budget_total": None, "counterparties": ["Initech Pte. Ltd."]}
    fields.update(overrides)
    return fe.matter(
        by=owner, post=True, seats=[fe.seat_input(label="Privacy counsel", hours="20")], **fields
    )


def test_full_run_ranks_each_seat_and_proposes_a_team(client_owner):
    # given a small network in Singapore and one in Germany
    best = fe.network_lawyer("Best Fit", rate="250", years=12, proficiency=4, seniority=15)
    fe.network(4, code="SG")
    fe.network_lawyer("German Counsel", code="DE", rate="300")
    matter = fe.matter(
        by=client_owner,
        post=True,
        seats=[fe.seat_input(code="SG", label="Lead"), fe.seat_input(code="DE", label="Germany")],
    )
    # when
    run = fe.run_matching(matter)
    # then
    assert run.status == MatchRun.Status.DONE and not run.superseded and run.error == ""
    lead, germany = fe.seats_of(matter)
    assert len(_shortlisted(run, lead)) == 5 and _shortlisted(run, germany) == {"German Counsel"}
    top = MatchCandidate.objects.get(run=run, seat=lead, rank=1)
    assert top.lawyer == best
    assert sum(Decimal(f["points"]) for f in top.factors) == top.score
    assert {f["name"] for f in top.factors} >= {"practice_depth", "rate_value"}
    team = {m.seat_id: m.lawyer for m in ProposedTeamMember.objects.filter(run=run)}
    assert team[lead.pk] == best and team[germany.pk].user.full_name == "German Counsel"
    assert run.team_status == "optimal" and run.team_total_cost <= run.team_budget
    assert run.duration_ms is not None and run.lawyers_considered == 6
    funnel = SeatFunnel.objects.get(run=run, seat=germany)
    assert funnel.eligible == 1 and funnel.steps[1] == {
        "filter": "admitted",
        "label": "admitted in DE",
        "remaining": 1,
        "removed": 5,
    }


def test_unverified_admission_is_excluded(client_owner):
    fe.network_lawyer("Verified")
    fe.network_lawyer("Unverified", verified=False)
    run = fe.run_matching(_one_seat_matter(client_owner))
    assert _shortlisted(run) == {"Verified"}


def test_suspended_and_unvetted_lawyers_are_excluded(client_owner):
    fe.network_lawyer("Vetted")
    fe.network_lawyer("Suspended", status="suspended")
    fe.network_lawyer("Applied", status="applied")
    run = fe.run_matching(_one_seat_matter(client_owner))
    assert _shortlisted(run) == {"Vetted"}
    steps = SeatFunnel.objects.get(run=run).steps
    assert steps[0]["label"] == "vetted & active" and steps[0]["remaining"] == 1 and steps[0]["removed"] == 2


def test_rate_cap_compares_rates_in_usd_at_the_stored_exchange_rates(client_owner):
    # EUR 350 = USD 378 (under the USD 400 cap); EUR 380 = USD 410.40 (over it); GBP 300 = USD 381
    fe.network_lawyer("Euro Under", rate="350", currency="EUR")
    fe.network_lawyer("Euro Over", rate="380", currency="EUR")
    fe.network_lawyer("Sterling Under", rate="300", currency="GBP")
    run = fe.run_matching(_one_seat_matter(client_owner, rate_cap=Decimal("400"), currency="USD"))
    assert _shortlisted(run) == {"Euro Under", "Sterling Under"}
    under = MatchCandidate.objects.get(run=run, lawyer__user__full_name="Euro Under")
    assert under.rate_usd == Decimal("378.00") and under.rate == Decimal("378.00")


def test_rate_cap_in_another_currency_and_rates_shown_in_it(client_owner):
    # a EUR 360 cap is USD 388.80: USD 380 passes, USD 390 does not
    fe.network_lawyer("Dollar 380", rate="380")
    fe.network_lawyer("Dollar 390", rate="390")
    run = fe.run_matching(_one_seat_matter(client_owner, rate_cap=Decimal("360"), currency="EUR"))
    assert _shortlisted(run) == {"Dollar 380"}
    candidate = MatchCandidate.objects.get(run=run)
    assert candidate.rate == Decimal("351.85")  # 380 / 1.08, in the matter's currency
    assert run.currency == "EUR"


def test_unavailability_overlapping_the_dates_excludes(client_owner):
    from lawyers.models import Unavailability

    away = fe.network_lawyer("Away in April")
    back = fe.network_lawyer("Away before")
    fe.network_lawyer("Always here")
    Unavailability.objects.create(profile=away, start=dt.date(2030, 4, 1), end=dt.date(2030, 4, 10))
    Unavailability.objects.create(
        profile=back, start=dt.date(2030, 1, 1), end=fe.START - dt.timedelta(days=1)
    )
    run = fe.run_matching(_one_seat_matter(client_owner))
    assert _shortlisted(run) == {"Away before", "Always here"}


def test_weekly_capacity_below_the_seat_hours_excludes(client_owner):
    fe.network_lawyer("Ten hours a week", capacity=10)
    fe.network_lawyer("Full time", capacity=40)
    run = fe.run_matching(_one_seat_matter(client_owner))
    assert _shortlisted(run) == {"Full time"}


def _engaged(lawyer, owner, *, hours, start=fe.START, end=fe.END, status="active", **matter_fields):
    """An engagement for `lawyer` on another matter of the client's, as an accepted offer leaves it."""
    from engagements.models import Engagement, Offer

    other = fe.matter(
        by=owner, post=True, seats=[fe.seat_input(label="Elsewhere", hours=str(hours))], **matter_fields
    )
    seat = other.seats.get()
    offer = Offer.objects.create(
        seat=seat,
        lawyer=lawyer,
        sent_by=owner,
        hourly_rate=Decimal("300"),
        currency="USD",
        hours_per_week=Decimal(hours),
        start_date=start,
        end_date=end,
        expires_at=fe.now(),
        status="accepted",
    )
    return Engagement.objects.create(
        offer=offer,
        seat=seat,
        matter=other,
        lawyer=lawyer,
        hourly_rate=offer.hourly_rate,
        currency="USD",
        hours_per_week=offer.hours_per_week,
        start_date=start,
        end_date=end,
        status=status,
    )


def test_capacity_already_taken_by_live_engagements_excludes(client_owner):
    # given three lawyers with 40 h a week: one booked 30 h over the dates, one booked outside them,
    # one whose 30 h engagement is completed
    booked = fe.network_lawyer("Booked 30 hours")
    before = fe.network_lawyer("Booked last year")
    done = fe.network_lawyer("Finished early")
    _engaged(booked, client_owner, hours=30, counterparties=[])
    _engaged(
        before,
        client_owner,
        hours=30,
        start=fe.START - dt.timedelta(days=90),
        end=fe.START - dt.timedelta(days=1),
        counterparties=[],
        start_date=fe.START - dt.timedelta(days=90),
        end_date=fe.START - dt.timedelta(days=1),
    )
    _engaged(done, client_owner, hours=30, status="completed", counterparties=[])
    # when a 20 h seat is matched
    run = fe.run_matching(_one_seat_matter(client_owner))
    # then only the lawyer with 10 h left is excluded, and the funnel says capacity did it
    assert _shortlisted(run) == {"Booked last year", "Finished early"}
    steps = {s["filter"]: s for s in SeatFunnel.objects.get(run=run).steps}
    assert steps["capacity"]["removed"] == 1


def test_a_live_engagement_for_or_against_a_counterparty_is_a_conflict(client_owner, client_outsider):
    from accounts.models import ClientOrganisation

    # given one lawyer working now against Initech, one working now for Initech (the client
    # organisation is Initech), one working on an unrelated matter
    against = fe.network_lawyer("Acting against Initech")
    for_initech = fe.network_lawyer("Acting for Initech")
    unrelated = fe.network_lawyer("Unrelated work")
    fe.network_lawyer("Free")
    _engaged(against, client_owner, hours=5, counterparties=["INITECH PTE LTD"])
    ClientOrganisation.objects.filter(pk=client_outsider.membership.organisation_id).update(
        name="Initech Pte. Ltd."
    )
    _engaged(for_initech, client_outsider, hours=5, counterparties=["Someone else"])
    _engaged(unrelated, client_owner, hours=5, counterparties=["Globex"])
    # when a matter against Initech is matched
    run = fe.run_matching(_one_seat_matter(client_owner, counterparties=["Initech Pte. Ltd."]))
    # then both lawyers working for or against Initech are conflicted out
    assert _shortlisted(run) == {"Unrelated work", "Free"}


def test_declared_conflict_with_a_counterparty_excludes(client_owner):
    from lawyers.models import DeclaredConflict

    conflicted = fe.network_lawyer("Conflicted")
    fe.network_lawyer("Clear")
    DeclaredConflict.objects.create(
        profile=conflicted, organisation="INITECH PTE LTD", organisation_normalised="initech pte ltd"
    )
    run = fe.run_matching(_one_seat_matter(client_owner, counterparties=["Initech Pte. Ltd."]))
    assert _shortlisted(run) == {"Clear"}


def test_recent_employer_is_a_conflict_and_an_old_one_is_not(client_owner):
    from lawyers.models import Experience

    recent = fe.network_lawyer("Left Initech last year")
    old = fe.network_lawyer("Left Initech long ago")
    # (the services store the normalised name; matching compares it, in SQL)
    Experience.objects.create(
        profile=recent,
        organisation="Initech Pte Ltd",
        organisation_normalised="initech pte ltd",
        role="Counsel",
        start_date=dt.date(2015, 1, 1),
        end_date=dt.date.today() - dt.timedelta(days=365),
    )
    Experience.objects.create(
        profile=old,
        organisation="Initech Pte Ltd",
        organisation_normalised="initech pte ltd",
        role="Counsel",
        start_date=dt.date(2005, 1, 1),
        end_date=dt.date(2010, 1, 1),
    )
    run = fe.run_matching(_one_seat_matter(client_owner, counterparties=["initech pte. ltd."]))
    assert _shortlisted(run) == {"Left Initech long ago"}


def test_practice_area_or_its_parent_qualifies(client_owner):
    regulatory = fe.practice_area().parent
    fe.network_lawyer("Privacy specialist")
    fe.network_lawyer("Regulatory generalist", area=regulatory)
    fe.network_lawyer("M&A lawyer", area=fe.practice_area("M&A", "Corporate"))
    run = fe.run_matching(_one_seat_matter(client_owner))
    assert _shortlisted(run) == {"Privacy specialist", "Regulatory generalist"}


def test_languages_and_seniority_filter(client_owner):
    fe.network_lawyer("Speaks German", languages=("en", "de"), seniority=10)
    fe.network_lawyer("English only", languages=("en",), seniority=10)
    fe.network_lawyer("Junior German", languages=("de",), seniority=1)
    matter = fe.matter(
        by=client_owner,
        post=True,
        required_languages=["de"],
        seats=[fe.seat_input(seniority=5)],
    )
    run = fe.run_matching(matter)
    assert _shortlisted(run) == {"Speaks German"}


def test_an_empty_seat_says_which_filter_emptied_it(client_owner):
    fe.network(3, code="SG")  # rates 200-214 USD
    fe.network_lawyer("Elsewhere", code="DE")
    run = fe.run_matching(_one_seat_matter(client_owner, rate_cap=Decimal("150")))
    funnel = SeatFunnel.objects.get(run=run)
    assert funnel.eligible == 0
    assert funnel.explanation == "4 vetted & active → 3 admitted in SG → 0 within the $150/h rate cap"
    assert funnel.empty_reason == "within the $150/h rate cap"
    assert run.team_status == "infeasible" and "no eligible candidate" in run.team_message
    assert not ProposedTeamMember.objects.filter(run=run).exists()


def test_budget_too_small_names_the_binding_constraint(client_owner):
    fe.network(2)
    run = fe.run_matching(_one_seat_matter(client_owner, budget_total=Decimal("1000")))
    assert run.team_status == "infeasible" and run.team_binding == "budget"
    assert "over the" in run.team_message and "budget" in run.team_message


def test_a_currency_without_an_exchange_rate_fails_the_run_readably(client_owner):
    from jurisdictions.models import ExchangeRate

    fe.network(2)
    matter = _one_seat_matter(client_owner, currency="CHF")
    ExchangeRate.objects.filter(currency="CHF").delete()
    run = fe.run_matching(matter)
    assert run.status == MatchRun.Status.FAILED
    assert "No exchange rate for CHF" in run.error


def test_the_team_uses_distinct_lawyers_across_seats(client_owner):
    fe.network(3)
    matter = fe.matter(
        by=client_owner,
        post=True,
        budget_total=None,
        seats=[fe.seat_input(label=f"Seat {i}") for i in range(3)],
    )
    run = fe.run_matching(matter)
    lawyers = list(ProposedTeamMember.objects.filter(run=run).values_list("lawyer_id", flat=True))
    assert len(lawyers) == 3 == len(set(lawyers))


def test_cancelled_matter_is_not_matched(client_owner):
    matter = fe.matter(by=client_owner, post=True)
    services.matter_cancel(matter=matter, by=client_owner, reason="Gone")
    from marketplace.errors import ConflictError

    with pytest.raises(ConflictError, match="Only an open matter is matched"):
        match_runs.match_run_request(matter=matter, by=client_owner)


def test_draft_matter_has_no_run_until_posted(client_owner):
    matter = fe.matter(by=client_owner)
    assert not MatchRun.objects.filter(matter=matter).exists()
    services.matter_post(matter=matter, by=client_owner)
    assert MatchRun.objects.filter(matter=matter, status=MatchRun.Status.QUEUED).count() == 1
    assert Matter.objects.get(pk=matter.pk).status == Matter.Status.OPEN
