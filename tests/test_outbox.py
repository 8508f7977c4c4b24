"""Jobs are written with the change that needs them and are not lost when the broker is down."""

import pytest
from celery import shared_task
from django.db import transaction

from outbox import services
from outbox.models import PendingJob
from tests.conftest import celery_pools_reset

pytestmark = pytest.mark.django_db(transaction=True)

ran: list[int] = []


@shared_task(name="tests.outbox.record")
def record(value: int) -> None:
    ran.append(value)


@pytest.fixture(autouse=True)
def _clear():
    ran.clear()


@pytest.fixture
def broker_down(settings):
    """A broker nobody listens on: every publish fails at once (connection refused)."""
    from marketplace.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_pools_reset(app)
    yield app
    app.conf.task_always_eager, app.conf.broker_url = saved
    celery_pools_reset(app)


def test_job_is_recorded_with_the_transaction_and_runs_after_commit():
    with transaction.atomic():
        services.job_enqueue(record, 7)
        assert PendingJob.objects.count() == 1
        assert ran == []  # nothing runs before the commit
    assert ran == [7]
    assert PendingJob.objects.count() == 0


def test_a_rolled_back_change_leaves_no_job():
    with pytest.raises(RuntimeError), transaction.atomic():
        services.job_enqueue(record, 8)
        raise RuntimeError("the change failed")
    assert PendingJob.objects.count() == 0
    assert ran == []


def test_broker_down_keeps_the_job_and_does_not_fail_the_caller(broker_down):
    with transaction.atomic():
        services.job_enqueue(record, 9)
    # the commit went through; the job waits in the outbox with the reason
    job = PendingJob.objects.get()
    assert job.task_name == "tests.outbox.record"
    assert job.args == [9]
    assert job.attempts == 1
    assert job.last_error

    # the relay cannot send either while the broker is down, and keeps it
    assert services.pending_jobs_relay() == 0
    assert PendingJob.objects.get().attempts == 2


def test_relay_sends_what_waited_once_the_broker_is_back(broker_down, monkeypatch):
    with transaction.atomic():
        services.job_enqueue(record, 10)
        services.job_enqueue(record, 11)
    assert PendingJob.objects.count() == 2

    # the broker is back: publishing succeeds again
    published = []
    monkeypatch.setattr(services, "_publish", lambda job: published.append((job.task_name, job.args)))
    assert services.pending_jobs_relay() == 2
    assert published == [("tests.outbox.record", [10]), ("tests.outbox.record", [11])]
    assert PendingJob.objects.count() == 0
    # and a second relay has nothing left to send twice
    assert services.pending_jobs_relay() == 0
