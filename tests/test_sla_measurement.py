"""SLA measurement from real timestamps, with a frozen clock: targets (organisation, network default,
settings), the three clocks, and the attainment figures."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from engagements import sla
from engagements.models import MatchRun, Matter, Offer, SlaTarget
from tests import factories
from tests import factories_delivery as fd
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def posted(owner, *, seats: int = 1, hours: float = 0, **fields):  # type: ignore[no-untyped-def]
    """A matter posted at T0 + `hours` (its queued run is never executed)."""
    with time_machine.travel(at(hours), tick=False):
        return fd.posted_matter(by=owner, seats=seats, **fields)


def shortlisted(matter: Matter, hours: float, *, stored: bool = True) -> MatchRun:
    """A finished match run at T0 + `hours`; `stored=False`: superseded before storing results."""
    return MatchRun.objects.create(
        matter=matter,
        status=MatchRun.Status.DONE,
        input_fingerprint="x",
        superseded=not stored,
        finished_at=at(hours),
        lawyers_considered=12 if stored else None,
    )


def offer(matter: Matter, hours: float, *, answered: float | None = None, status: str = "pending") -> Offer:
    seat = matter.seats.order_by("position").first()
    lawyer = fe.network_lawyer(f"Lawyer {Offer.objects.count()}")
    with time_machine.travel(at(hours), tick=False):
        made = Offer.objects.create(
            seat=seat,
            lawyer=lawyer,
            hourly_rate=Decimal(100),
            currency=matter.currency,
            hours_per_week=Decimal(10),
            start_date=matter.start_date,
            end_date=matter.end_date,
            expires_at=at(hours + 72),
            status=status,
        )
    closed = at(answered) if answered is not None else None
    Offer.objects.filter(pk=made.pk).update(
        answered_at=closed if status in ("accepted", "declined") else None,
        closed_at=closed if status != "pending" else None,
    )
    return made


def clocks_of(matter: Matter) -> tuple[sla.Clock, sla.Clock]:
    row = sla.matters_with_clocks(Matter.objects.filter(pk=matter.pk)).values(*sla.MATTER_CLOCK_FIELDS).get()
    return sla.matter_clocks(row)


def answer_clock(made: Offer) -> sla.Clock:
    return sla.offer_clock(Offer.objects.filter(pk=made.pk).values(*sla.OFFER_CLOCK_FIELDS).get())


# --- targets -------------------------------------------------------------------------------------


def test_targets_come_from_settings_without_rows(settings, organisation):
    settings.SLA_DEFAULT_HOURS_TO_SHORTLIST = 12
    targets = sla.targets_for(organisation.pk)
    assert (targets.shortlist, targets.staff, targets.answer, targets.source) == (12, 120, 48, "settings")


def test_the_network_row_overrides_settings_and_an_organisations_row_overrides_both(organisation):
    SlaTarget.objects.create(hours_to_shortlist=30, hours_to_staff=200, hours_to_answer_offer=72)
    other = factories.ClientOrganisationFactory(name="Initech")
    SlaTarget.objects.create(
        organisation=other, hours_to_shortlist=6, hours_to_staff=48, hours_to_answer_offer=24
    )
    assert sla.targets_for(organisation.pk) == sla.Targets(30, 200, 72, "network")
    assert sla.targets_for(other.pk) == sla.Targets(6, 48, 24, "organisation")
    assert sla.targets_for(None) == sla.Targets(30, 200, 72, "network")


# --- clocks --------------------------------------------------------------------------------------


def test_shortlist_clock_runs_from_posting_to_the_first_stored_results(client_owner):
    matter = posted(client_owner)
    shortlisted(matter, 3, stored=False)  # superseded before storing: no shortlist yet
    shortlisted(matter, 30)
    shortlisted(matter, 40)  # a later re-run does not move the first shortlist
    shortlist, _ = clocks_of(matter)
    assert (shortlist.start, shortlist.stop) == (T0, at(30))
    assert shortlist.hours(at(100)) == Decimal("30.00")
    assert shortlist.breached(24, at(100)) and not shortlist.breached(30, at(100))


def test_a_running_clock_counts_once_past_its_target(client_owner):
    matter = posted(client_owner)
    shortlist, _ = clocks_of(matter)
    assert shortlist.running
    assert not shortlist.counted(24, at(23.9)) and shortlist.hours(at(23.9)) == Decimal("23.90")
    assert shortlist.counted(24, at(24.5)) and shortlist.breached(24, at(24.5))


def test_staff_clock_stops_when_the_last_seat_is_filled(client_owner):
    matter = posted(client_owner, seats=2)
    seats = list(matter.seats.order_by("position"))
    fd.engage(matter=matter, seat=seats[0], created_at=at(50))
    _, staff = clocks_of(matter)
    assert staff.running
    fd.engage(matter=matter, seat=seats[1], created_at=at(100))
    _, staff = clocks_of(matter)
    assert staff.stop == at(100) and staff.hours(at(500)) == Decimal("100.00")


def test_a_cancelled_matter_counts_only_if_already_late(client_owner):
    matter = posted(client_owner)
    Matter.objects.filter(pk=matter.pk).update(status=Matter.Status.CANCELLED, cancelled_at=at(10))
    shortlist, staff = clocks_of(matter)
    assert shortlist.abandoned and not shortlist.counted(24, at(1000))
    Matter.objects.filter(pk=matter.pk).update(cancelled_at=at(30))
    shortlist, staff = clocks_of(matter)
    assert shortlist.counted(24, at(1000)) and shortlist.breached(24, at(1000))
    assert not staff.counted(120, at(1000))


def test_answer_clock_runs_from_the_offer_to_the_answer(client_owner):
    matter = posted(client_owner)
    answered = answer_clock(offer(matter, 1, answered=6, status="accepted"))
    assert (answered.start, answered.stop, answered.abandoned) == (at(1), at(6), False)
    assert answered.hours(at(1000)) == Decimal("5.00")
    pending = answer_clock(offer(matter, 2))
    assert pending.running and pending.hours(at(52)) == Decimal("50.00")
    withdrawn = answer_clock(offer(matter, 3, answered=5, status="withdrawn"))
    assert withdrawn.abandoned and not withdrawn.counted(48, at(1000))
    expired = answer_clock(offer(matter, 4, answered=76, status="expired"))
    assert expired.counted(48, at(1000)) and expired.breached(48, at(1000))


# --- figures -------------------------------------------------------------------------------------


def test_report_for_an_organisation(client_owner, client_outsider):
    # given three matters: shortlisted in 10 h, in 30 h, and one still waiting 5 h after posting
    quick = posted(client_owner)
    shortlisted(quick, 10)
    slow = posted(client_owner)
    shortlisted(slow, 30)
    posted(client_owner, hours=100)
    shortlisted(posted(client_outsider), 99)  # another organisation's: not in the figures
    # when
    with time_machine.travel(at(105), tick=False):
        report = sla.sla_report(organisation_id=client_owner.membership.organisation_id)
    # then
    shortlist = report.by_kind()[sla.Kind.SHORTLIST]
    assert (shortlist.counted, shortlist.within, shortlist.breached, shortlist.running) == (2, 1, 1, 1)
    assert shortlist.percent == Decimal("50.0")
    assert shortlist.median_hours == Decimal("20.0") and shortlist.worst_hours == Decimal("30.00")
    assert shortlist.target_hours == 24
    staff = report.by_kind()[sla.Kind.STAFF]
    assert (staff.counted, staff.running) == (0, 3) and staff.percent is None


def test_network_report_measures_each_clock_against_its_own_organisations_targets(
    client_owner, client_outsider
):
    SlaTarget.objects.create(
        organisation_id=client_outsider.membership.organisation_id,
        hours_to_shortlist=48,
        hours_to_staff=200,
        hours_to_answer_offer=48,
    )
    shortlisted(posted(client_owner), 30)  # late against the default 24 h
    shortlisted(posted(client_outsider), 30)  # on time against its own 48 h
    with time_machine.travel(at(200), tick=False):
        report = sla.sla_report(organisation_id=None)
    shortlist = report.by_kind()[sla.Kind.SHORTLIST]
    assert (shortlist.counted, shortlist.within) == (2, 1)
    assert report.targets.source == "settings"


def test_report_leaves_out_old_finished_clocks(client_owner, settings):
    settings.SLA_REPORT_DAYS = 30
    old = posted(client_owner)
    shortlisted(old, 2)
    with time_machine.travel(at(24 * 40), tick=False):
        report = sla.sla_report(organisation_id=client_owner.membership.organisation_id)
    assert report.by_kind()[sla.Kind.SHORTLIST].counted == 0
    assert report.since == timezone.make_aware(dt.datetime(2026, 3, 12, 9, 0), dt.UTC)


def test_report_runs_a_fixed_number_of_queries(client_owner, django_assert_num_queries):
    organisation_id = client_owner.membership.organisation_id
    matter = posted(client_owner)
    offer(matter, 1)
    with django_assert_num_queries(3):  # targets, matters with their clocks, offers
        sla.sla_report(organisation_id=organisation_id, now=at(10))
    for _ in range(5):
        more = posted(client_owner)
        shortlisted(more, 5)
        offer(more, 2, answered=3, status="declined")
    with django_assert_num_queries(3):
        report = sla.sla_report(organisation_id=organisation_id, now=at(10))
    assert report.by_kind()[sla.Kind.ANSWER].counted == 5
