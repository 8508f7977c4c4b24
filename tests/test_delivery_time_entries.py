"""Time entries: logging (who, when, how much), the state machine (submitted → approved / rejected),
the budget and weekly-hours flags before they happen, and who hears about what."""

import datetime as dt
from decimal import Decimal

import pytest

from engagements import delivery
from engagements.models import Engagement, TimeEntry
from marketplace.errors import ConflictError, DomainError
from notifications.models import Notification
from tests import factories_delivery as fd
from tests import factories_engagements as fe

pytestmark = pytest.mark.django_db


def yesterday() -> dt.date:
    return fd.today() - dt.timedelta(days=1)


@pytest.fixture
def engagement(client_owner):  # type: ignore[no-untyped-def]
    matter = fd.posted_matter(by=client_owner, budget_total=Decimal("1000"))
    return fd.engage(matter=matter, rate="100", hours_per_week="10")


def log(engagement: Engagement, hours: str = "2", **kwargs):  # type: ignore[no-untyped-def]
    values = {"work_date": yesterday(), "description": "Reviewed the data map"}
    values.update(kwargs)
    return delivery.time_entry_log(
        engagement=engagement, by=engagement.lawyer.user, hours=Decimal(hours), **values
    )


# --- logging -------------------------------------------------------------------------------------


def test_the_lawyer_logs_hours_at_the_engagement_rate(engagement):
    entry = log(engagement, "2.5")
    assert entry.status == TimeEntry.Status.SUBMITTED
    assert entry.amount == Decimal("250.00")
    assert entry.created_by == engagement.lawyer.user
    latest = entry.history.latest()
    assert latest.history_user == engagement.lawyer.user and latest.history_change_reason == "Logged"


def test_the_client_hears_once_a_week_that_time_awaits_approval(engagement, client_owner):
    log(engagement, "1")
    log(engagement, "1")
    notices = Notification.objects.filter(kind="time_entry.submitted", recipient=client_owner)
    assert notices.count() == 1
    assert notices.get().url == f"/engagements/{engagement.pk}/delivery/"


@pytest.mark.parametrize(
    ("hours", "message"),
    [("0", "more than 0"), ("-1", "more than 0"), ("24.5", "at most 24"), ("1.234", "two decimal places")],
)
def test_hours_out_of_range_are_refused(engagement, hours, message):
    with pytest.raises(DomainError, match=message) as refused:
        log(engagement, hours)
    assert refused.value.field == "hours"
    assert not TimeEntry.objects.exists()


def test_a_description_is_required(engagement):
    with pytest.raises(DomainError, match="Describe the work") as refused:
        log(engagement, description="  ")
    assert refused.value.field == "description"


def test_no_time_for_a_day_that_has_not_come(engagement):
    with pytest.raises(DomainError, match="not come yet") as refused:
        log(engagement, work_date=fd.today() + dt.timedelta(days=1))
    assert refused.value.field == "work_date"


def test_today_is_fine(engagement):
    assert log(engagement, work_date=fd.today()).work_date == fd.today()


def test_no_time_outside_the_engagement(engagement):
    with pytest.raises(DomainError, match="within the engagement") as refused:
        log(engagement, work_date=engagement.start_date - dt.timedelta(days=1))
    assert refused.value.field == "work_date"


def test_only_the_engagements_lawyer_logs_time(engagement, client_owner):
    other_lawyer = fe.network_lawyer("Someone Else")
    for person in (client_owner, other_lawyer.user):
        with pytest.raises(delivery.NotAllowedError):
            delivery.time_entry_log(
                engagement=engagement,
                by=person,
                work_date=yesterday(),
                hours=Decimal(1),
                description="x",
            )
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize("status", [Engagement.Status.COMPLETED, Engagement.Status.TERMINATED])
def test_no_time_on_an_engagement_that_has_ended(client_owner, status):
    matter = fd.posted_matter(by=client_owner)
    ended = fd.engage(matter=matter, status=status)
    with pytest.raises(ConflictError, match="active engagements"):
        log(ended)


def test_a_day_has_at_most_24_hours_across_the_lawyers_engagements(client_owner):
    # given one lawyer on two matters, with 20 hours already on one of them that day
    lawyer = fe.network_lawyer("Busy Lawyer")
    first = fd.engage(matter=fd.posted_matter(by=client_owner, budget_total=None), lawyer=lawyer)
    second = fd.engage(matter=fd.posted_matter(by=client_owner, budget_total=None), lawyer=lawyer)
    log(first, "20")
    # when / then: 5 more on the other is refused, 4 is fine
    with pytest.raises(DomainError, match="already logged 20 h") as refused:
        log(second, "5")
    assert refused.value.field == "hours"
    log(second, "4")


def test_rejected_hours_do_not_count_towards_the_day(engagement, client_owner):
    entry = log(engagement, "9")
    delivery.time_entry_reject(entry=entry, by=client_owner, reason="Wrong matter")
    assert log(engagement, "9").hours == Decimal("9.00")


# --- flags before they happen --------------------------------------------------------------------


def test_outlook_shows_what_is_left_before_logging(engagement):
    fd.entry(engagement, hours="3", status=TimeEntry.Status.APPROVED)
    fd.entry(engagement, hours="2")
    outlook = delivery.time_entry_outlook(engagement=engagement, work_date=yesterday(), hours=Decimal("1"))
    assert outlook.spend.approved == Decimal("300.00")
    assert outlook.spend.pending == Decimal("200.00")
    assert outlook.spend.remaining == Decimal("500.00")
    assert outlook.amount == Decimal("100.00")
    assert not outlook.over_budget


def test_an_entry_that_would_pass_the_budget_is_refused_until_confirmed(engagement, client_owner):
    # given 800 of the 1000 budget committed (approved + pending)
    fd.entry(engagement, hours="5", status=TimeEntry.Status.APPROVED, days_ago=3)
    fd.entry(engagement, hours="3", days_ago=2)
    # when the lawyer logs 3 h (300) more
    with pytest.raises(ConflictError, match=r"over its budget of USD 1,000\.00") as refused:
        log(engagement, "3")
    # then nothing is saved, and the refusal says what is left and how to go ahead
    assert refused.value.code == "over_budget"
    assert "USD 200.00 left" in refused.value.message
    assert TimeEntry.objects.count() == 2
    # and with the confirmation it is logged, and the owners hear about it
    entry = log(engagement, "3", confirm_over_budget=True)
    assert entry.history.latest().history_change_reason == "Logged over budget (confirmed)"
    assert Notification.objects.filter(kind="time_entry.over_budget", recipient=client_owner).count() == 1


def test_an_entry_that_exactly_uses_the_budget_needs_no_confirmation(engagement):
    fd.entry(engagement, hours="8", days_ago=3)
    assert log(engagement, "2").amount == Decimal("200.00")


def test_the_week_over_its_hours_is_flagged_before_logging(engagement):
    # given 8 of the engagement's 10 hours logged in the week of the work date
    monday = delivery.week_of(yesterday())[0]
    days_ago = (fd.today() - monday).days
    fd.entry(engagement, hours="8", days_ago=days_ago)
    # when / then: 2 more fits the week, 3 more is flagged
    assert not delivery.time_entry_outlook(
        engagement=engagement, work_date=monday, hours=Decimal(2)
    ).over_week
    outlook = delivery.time_entry_outlook(engagement=engagement, work_date=monday, hours=Decimal(3))
    assert outlook.over_week
    assert "to 11 h, over the engagement's 10 h a week (8 h logged so far)" in outlook.week_message()


def test_a_matter_without_budget_never_flags_spend(client_owner):
    engagement = fd.engage(matter=fd.posted_matter(by=client_owner, budget_total=None))
    fd.entry(engagement, hours="20", days_ago=3)
    outlook = delivery.time_entry_outlook(engagement=engagement, work_date=yesterday(), hours=Decimal(8))
    assert not outlook.over_budget and outlook.spend.remaining is None


# --- approve and reject --------------------------------------------------------------------------


def test_a_colleague_approves_and_the_lawyer_is_told(engagement, client_colleague):
    entry = log(engagement, "2")
    approved = delivery.time_entry_approve(entry=entry, by=client_colleague)
    assert approved.status == TimeEntry.Status.APPROVED
    assert approved.reviewed_by == client_colleague and approved.reviewed_at is not None
    assert approved.history.latest().history_change_reason == "Approved"
    notice = Notification.objects.get(kind="time_entry.approved")
    assert notice.recipient == engagement.lawyer.user
    assert "2 h on" in notice.title


def test_rejecting_needs_a_reason_and_tells_the_lawyer_why(engagement, client_owner):
    entry = log(engagement, "2")
    with pytest.raises(DomainError, match="Say why") as refused:
        delivery.time_entry_reject(entry=entry, by=client_owner, reason=" ")
    assert refused.value.field == "reason"
    rejected = delivery.time_entry_reject(entry=entry, by=client_owner, reason="Not in scope")
    assert rejected.status == TimeEntry.Status.REJECTED and rejected.rejection_reason == "Not in scope"
    notice = Notification.objects.get(kind="time_entry.rejected")
    assert notice.recipient == engagement.lawyer.user and "Not in scope" in notice.body


@pytest.mark.parametrize("first", ["approve", "reject"])
def test_a_reviewed_entry_cannot_be_reviewed_again(engagement, client_owner, first):
    entry = log(engagement, "2")
    if first == "approve":
        delivery.time_entry_approve(entry=entry, by=client_owner)
    else:
        delivery.time_entry_reject(entry=entry, by=client_owner, reason="No")
    with pytest.raises(ConflictError, match="Only a submitted entry"):
        delivery.time_entry_approve(entry=entry, by=client_owner)
    with pytest.raises(ConflictError, match="Only a submitted entry"):
        delivery.time_entry_reject(entry=entry, by=client_owner, reason="Again")
    assert (
        Notification.objects.filter(kind__startswith="time_entry.", recipient=engagement.lawyer.user).count()
        == 1
    )


def test_only_the_clients_members_review_time(engagement, client_outsider, staff_user):
    entry = log(engagement, "2")
    for person in (client_outsider, staff_user, engagement.lawyer.user):
        with pytest.raises(delivery.NotAllowedError):
            delivery.time_entry_approve(entry=entry, by=person)
        with pytest.raises(delivery.NotAllowedError):
            delivery.time_entry_reject(entry=entry, by=person, reason="No")
    entry.refresh_from_db()
    assert entry.status == TimeEntry.Status.SUBMITTED
    assert not Notification.objects.filter(recipient=engagement.lawyer.user).exists()


def test_a_stale_copy_is_reviewed_on_its_current_state(engagement, client_owner, client_colleague):
    entry = log(engagement, "2")
    stale = TimeEntry.objects.get(pk=entry.pk)
    delivery.time_entry_approve(entry=entry, by=client_owner)
    with pytest.raises(ConflictError):
        delivery.time_entry_reject(entry=stale, by=client_colleague, reason="Late")


# --- budget alerts on approval -------------------------------------------------------------------


def budget_alerts(user):  # type: ignore[no-untyped-def]
    return list(
        Notification.objects.filter(kind="matter.budget", recipient=user)
        .order_by("pk")
        .values_list("dedupe_key", flat=True)
    )


def test_owners_hear_when_approved_spend_passes_80_and_100_percent_once_each(
    engagement, client_owner, client_colleague
):
    key = engagement.matter_id
    entries = [
        fd.entry(engagement, hours=h, days_ago=d) for h, d in (("7", 5), ("1.5", 4), ("1", 3), ("1", 2))
    ]
    # 700 of 1000 approved: no alert yet
    delivery.time_entry_approve(entry=entries[0], by=client_colleague)
    assert budget_alerts(client_owner) == []
    # 850: past 80%
    delivery.time_entry_approve(entry=entries[1], by=client_colleague)
    assert budget_alerts(client_owner) == [f"matter-budget-80:{key}"]
    # 950: still between, nothing new
    delivery.time_entry_approve(entry=entries[2], by=client_colleague)
    assert budget_alerts(client_owner) == [f"matter-budget-80:{key}"]
    # 1050: past 100%
    delivery.time_entry_approve(entry=entries[3], by=client_colleague)
    assert budget_alerts(client_owner) == [f"matter-budget-80:{key}", f"matter-budget-100:{key}"]
    # members who are not owners are not told
    assert budget_alerts(client_colleague) == []


def test_one_approval_past_both_thresholds_sends_the_higher_alert_only(engagement, client_owner):
    entry = fd.entry(engagement, hours="10.5")
    delivery.time_entry_approve(entry=entry, by=client_owner)
    assert budget_alerts(client_owner) == [f"matter-budget-100:{engagement.matter_id}"]
    notice = Notification.objects.get(kind="matter.budget")
    assert "budget is used up" in notice.title and "USD 1,050.00" in notice.body


# --- spend ---------------------------------------------------------------------------------------


def test_spend_is_in_the_matters_currency_across_engagements(client_owner):
    matter = fd.posted_matter(by=client_owner, seats=2, budget_total=Decimal("5000"))
    first = fd.engage(matter=matter, rate="100")
    second = fd.engage(matter=matter, rate="200")
    fd.entry(first, hours="4", status=TimeEntry.Status.APPROVED)
    fd.entry(second, hours="2", status=TimeEntry.Status.SUBMITTED)
    fd.entry(second, hours="8", status=TimeEntry.Status.REJECTED)
    spend = delivery.matter_spend(matter)
    assert (spend.approved, spend.pending, spend.remaining) == (Decimal(400), Decimal(400), Decimal(4200))
    assert spend.percent_approved == Decimal("8.0") and spend.percent_used == Decimal("16.0")


def test_spend_converts_an_engagement_priced_in_another_currency(client_owner):
    matter = fd.posted_matter(by=client_owner, budget_total=Decimal("1000"), currency="USD")
    engagement = fd.engage(matter=matter, rate="100")
    Engagement.objects.filter(pk=engagement.pk).update(currency="EUR")
    fd.entry(engagement, hours="1", status=TimeEntry.Status.APPROVED)
    rates = {"USD": Decimal("1"), "EUR": Decimal("1.10")}
    assert delivery.matters_spend([matter], rates=rates)[matter.pk].approved == Decimal("110.00")
