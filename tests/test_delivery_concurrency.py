"""Two lawyers on one matter log time at the same moment, the last of its budget between them: one
entry fits, the other is flagged over budget. Two approvals past 80% at once: the owners hear once.

Needs PostgreSQL (row locks): skipped on SQLite, a failure when REQUIRE_WORKER_TESTS is set (CI).
"""

import datetime as dt
import time
from decimal import Decimal

import pytest

from engagements import delivery
from engagements.models import TimeEntry
from marketplace.errors import ConflictError
from notifications.models import Notification
from tests import factories_delivery as fd
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def slow_spend(monkeypatch):  # type: ignore[no-untyped-def]
    """Widen the window between reading the spend and writing, so both are surely in flight."""
    real = delivery.matter_spend

    def slow(matter):  # type: ignore[no-untyped-def]
        spend = real(matter)
        time.sleep(0.2)
        return spend

    monkeypatch.setattr(delivery, "matter_spend", slow)


@pytest.mark.parametrize("attempt", range(2))
def test_two_lawyers_cannot_both_spend_the_last_of_the_budget(postgres, client_owner, monkeypatch, attempt):
    # given a 1,000 budget, 600 committed, and two lawyers each about to log 300
    matter = fd.posted_matter(by=client_owner, seats=2, budget_total=Decimal("1000"))
    first, second = fd.engage(matter=matter, rate="100"), fd.engage(matter=matter, rate="100")
    fd.entry(first, hours="6", days_ago=5)
    slow_spend(monkeypatch)

    def log(engagement):  # type: ignore[no-untyped-def]
        return lambda: delivery.time_entry_log(
            engagement=engagement,
            by=engagement.lawyer.user,
            work_date=fd.today() - dt.timedelta(days=1),
            hours=Decimal(3),
            description="Drafting",
        )

    # when both log at once
    results = at_once([log(first), log(second)])
    # then one is logged and the other is flagged over budget, never both
    logged = [r for r in results if isinstance(r, TimeEntry)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(logged) == 1 and len(refused) == 1, results
    assert refused[0].code == "over_budget"
    assert delivery.matter_spend(matter).committed == Decimal(900)


def test_two_approvals_past_80_percent_at_once_tell_the_owners_once(
    postgres, client_owner, client_colleague, monkeypatch
):
    matter = fd.posted_matter(by=client_owner, seats=2, budget_total=Decimal("1000"))
    first, second = fd.engage(matter=matter, rate="100"), fd.engage(matter=matter, rate="100")
    fd.entry(first, hours="7", status=TimeEntry.Status.APPROVED, days_ago=5)
    entries = [fd.entry(first, hours="0.5", days_ago=2), fd.entry(second, hours="0.5", days_ago=2)]
    slow_spend(monkeypatch)
    results = at_once(
        [
            lambda: delivery.time_entry_approve(entry=entries[0], by=client_owner),
            lambda: delivery.time_entry_approve(entry=entries[1], by=client_colleague),
        ]
    )
    assert all(isinstance(r, TimeEntry) for r in results), results
    # 700 → 800 approved: the approval that crossed 80% (whichever committed second) told the owner
    assert Notification.objects.filter(kind="matter.budget", recipient=client_owner).count() == 1
