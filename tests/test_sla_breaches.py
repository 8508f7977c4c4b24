"""SLA breach detection with a frozen clock: each breach recorded once and the talent team told once,
however often the job runs; open clocks past their target count; work comes in bounded batches."""

from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction

from engagements import sla, tasks_delivery
from engagements.models import Matter, SlaBreach, SlaTarget
from notifications.models import Notification
from tests import factories
from tests.test_sla_measurement import at, offer, posted, shortlisted

pytestmark = pytest.mark.django_db


def detect(hours: float, **kwargs) -> int:  # type: ignore[no-untyped-def]
    with time_machine.travel(at(hours), tick=False):
        return sla.sla_breaches_detect(**kwargs)


def breaches() -> list[tuple[str, int | None, int | None]]:
    return list(SlaBreach.objects.order_by("pk").values_list("kind", "matter_id", "offer_id"))


def test_a_matter_waiting_past_its_target_is_recorded_and_notified_once(
    client_owner, staff_user, settings, django_capture_on_commit_callbacks
):
    # given a matter posted at T0 and still without a shortlist
    settings.TALENT_TEAM_EMAIL = "talent@counsel.test"
    matter = posted(client_owner)
    # when the job runs before the 24 h target, nothing happens
    assert detect(23.5) == 0
    # and when it runs past the target, twice
    with django_capture_on_commit_callbacks(execute=True):
        assert detect(25) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert detect(25.5) == 0
    # then one breach, measured when first seen
    breach = SlaBreach.objects.get()
    assert (breach.kind, breach.matter_id, breach.offer_id) == ("shortlist", matter.pk, None)
    assert (breach.target_hours, breach.measured_hours) == (24, Decimal("25.00"))
    assert breach.organisation_id == matter.organisation_id
    assert breach.detected_at == at(25) and breach.notified_at == at(25)
    # and the talent team told once: in the app, and by email to staff and the shared mailbox
    notice = Notification.objects.get(recipient=staff_user)
    assert notice.kind == "sla.breached" and notice.dedupe_key == f"sla-breach:shortlist:{matter.pk}:0"
    assert "25.00 h against a target of 24 h" in notice.body
    assert notice.url == f"/matters/{matter.pk}/"
    assert sorted(m.to[0] for m in mail.outbox) == ["staff@counsel.test", "talent@counsel.test"]


def test_later_breaches_of_the_same_matter_are_new_ones(client_owner, staff_user):
    matter = posted(client_owner)
    detect(25)
    detect(121)  # past the 120 h to staff
    detect(122)
    assert breaches() == [("shortlist", matter.pk, None), ("staff", matter.pk, None)]
    assert Notification.objects.filter(recipient=staff_user).count() == 2


def test_a_clock_that_stopped_late_while_the_job_was_not_running_is_still_recorded(client_owner):
    matter = posted(client_owner)
    shortlisted(matter, 30)
    assert detect(40) == 1
    assert SlaBreach.objects.get().measured_hours == Decimal("30.00")


def test_clocks_within_target_are_not_breaches(client_owner):
    matter = posted(client_owner)
    shortlisted(matter, 20)
    offer(matter, 1, answered=40, status="declined")
    assert detect(100) == 0


def test_an_organisations_own_targets_apply(client_owner):
    SlaTarget.objects.create(
        organisation_id=client_owner.membership.organisation_id,
        hours_to_shortlist=48,
        hours_to_staff=500,
        hours_to_answer_offer=100,
    )
    posted(client_owner)
    assert detect(30) == 0
    assert detect(49) == 1
    assert SlaBreach.objects.get().target_hours == 48


def test_an_unanswered_offer_past_its_target_is_a_breach_of_that_offer(client_owner, staff_user):
    matter = posted(client_owner)
    shortlisted(matter, 1)
    pending = offer(matter, 2)
    offer(matter, 3, answered=10, status="accepted")
    assert detect(49) == 0
    assert detect(51) == 1
    assert breaches() == [("answer", matter.pk, pending.pk)]
    assert detect(60) == 0
    notice = Notification.objects.get(recipient=staff_user)
    assert "Time to answer an offer" in notice.body and "49.00 h" in notice.body


def test_a_matter_cancelled_before_its_target_is_not_a_breach(client_owner):
    matter = posted(client_owner)
    Matter.objects.filter(pk=matter.pk).update(status=Matter.Status.CANCELLED, cancelled_at=at(5))
    assert detect(500) == 0


def test_work_comes_in_bounded_batches_and_the_next_run_carries_on(client_owner, staff_user):
    matters = [posted(client_owner) for _ in range(5)]
    assert detect(25, batch_size=2, max_batches=1) == 2
    assert detect(25.1, batch_size=2, max_batches=1) == 2
    assert detect(25.2, batch_size=2, max_batches=5) == 1
    assert sorted(m for _, m, _ in breaches()) == [m.pk for m in matters]
    assert Notification.objects.filter(recipient=staff_user).count() == 5


def test_the_periodic_job_runs_the_detection(client_owner, staff_user):
    posted(client_owner)
    with time_machine.travel(at(30), tick=False):
        assert tasks_delivery.sla_breaches_detect.delay().get() == 1
    assert SlaBreach.objects.count() == 1


def test_a_breach_recorded_by_a_concurrent_run_is_skipped_not_duplicated(client_owner, staff_user):
    # given a breach another run inserted (and notified) a moment ago
    matter = posted(client_owner)
    SlaBreach.objects.create(
        kind="shortlist",
        matter=matter,
        organisation_id=matter.organisation_id,
        target_hours=24,
        measured_hours=Decimal(25),
        notified_at=at(25),
    )
    # when this run inserts the same one
    shortlist, _ = sla.matter_clocks(_row(matter))
    again = sla._breach(shortlist, targets=sla.targets_for(None), now=at(26))
    assert again is not None
    assert sla._record([again]) == 0
    sla._notify_new(now=at(26), limit=10)
    # then the database keeps one, and nobody is told again
    assert SlaBreach.objects.count() == 1
    assert not Notification.objects.filter(recipient=staff_user).exists()


def _row(matter: Matter) -> dict[str, object]:
    return sla.matters_with_clocks(Matter.objects.filter(pk=matter.pk)).values(*sla.MATTER_CLOCK_FIELDS).get()


def test_every_active_staff_member_is_told(client_owner, staff_user):
    other = factories.StaffUserFactory(email="second@counsel.test")
    posted(client_owner)
    detect(25)
    assert set(Notification.objects.filter(kind="sla.breached").values_list("recipient", flat=True)) >= {
        staff_user.pk,
        other.pk,
    }


def test_each_kind_is_unique_per_matter_and_offer_in_the_database(client_owner):
    matter = posted(client_owner)
    values = {"kind": "shortlist", "matter": matter, "organisation_id": matter.organisation_id}
    SlaBreach.objects.create(target_hours=24, measured_hours=Decimal(25), **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        SlaBreach.objects.create(target_hours=24, measured_hours=Decimal(26), **values)
