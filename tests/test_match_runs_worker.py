"""Posting a matter through the service: a real Celery worker runs matching; results land in PostgreSQL."""

import pytest

from engagements import services
from engagements.models import MatchCandidate, MatchRun, ProposedTeamMember
from tests import factories_engagements as fe
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_posted_matter_is_matched_by_the_worker(live_worker, client_owner):
    # given a small network and a draft with two seats
    fe.network(6, code="SG")
    fe.network(2, code="DE")
    matter = fe.matter(
        by=client_owner,
        budget_total=None,
        seats=[fe.seat_input(code="SG", label="Lead"), fe.seat_input(code="DE", label="Germany")],
    )

    # when the client posts it (the job is enqueued after the commit)
    services.matter_post(matter=matter, by=client_owner)

    # then the worker process ranks both seats and proposes a team, stored in PostgreSQL
    def done():
        return MatchRun.objects.filter(matter=matter, status=MatchRun.Status.DONE).first()

    run = wait_for(
        done, timeout=60, message=f"the worker never finished the run:\n{live_worker.output()[-3000:]}"
    )
    assert run.attempts == 1 and not run.superseded
    assert MatchCandidate.objects.filter(run=run).count() == 8
    assert ProposedTeamMember.objects.filter(run=run).count() == 2
    assert "match_run_execute" in live_worker.output()


def test_a_second_delivery_of_the_same_run_does_nothing(live_worker, client_owner):
    from engagements.tasks import match_run_execute

    fe.network(3)
    matter = fe.matter(by=client_owner, post=True, budget_total=None)
    run = wait_for(
        lambda: MatchRun.objects.filter(matter=matter, status=MatchRun.Status.DONE).first(), timeout=60
    )
    rows = MatchCandidate.objects.filter(run=run).count()

    # the same message delivered twice more (a redelivery after a lost ack)
    match_run_execute.delay(run.pk)
    match_run_execute.delay(run.pk)
    wait_for(lambda: live_worker.output().count("not claimable") >= 2, timeout=30)

    run.refresh_from_db()
    assert run.attempts == 1 and MatchCandidate.objects.filter(run=run).count() == rows == 6
