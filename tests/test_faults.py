"""Worker and broker faults, on real PostgreSQL and Redis with real worker processes.

- A worker SIGKILLed in the middle of a match run: the job is redelivered and completes; one result.
- The broker down: a client still posts a matter and a lawyer still accepts an offer; the jobs wait in
  the outbox and run once the broker is back.
- Two workers on one queue, the same job delivered several times: nothing stored twice.
Each test runs its own redis-server on a free port, so stopping it never disturbs anything else.
"""

import os
import shutil
import socket
import subprocess
import time

import psycopg2
import pytest
from django.db import connection

from engagements.models import MatchCandidate, MatchRun, Offer
from outbox.models import PendingJob
from tests import factories_engagements as fe
from tests.conftest import WorkerProcess, _postgres_and_broker, celery_pools_reset, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class PrivateRedis:
    """A throw-away redis-server on 127.0.0.1 that a test can stop and start again."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def private_broker(transactional_db):
    """This process and its workers use a private Redis as broker (jobs are not run in-process)."""
    ok, why = _postgres_and_broker()
    if not ok or not shutil.which("redis-server"):
        why = why or "needs redis-server"
        if os.environ.get("REQUIRE_WORKER_TESTS"):
            pytest.fail(f"fault tests are required but cannot run: {why}")
        pytest.skip(why)
    from marketplace.celery import app

    redis = PrivateRedis()
    redis.start()
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = redis.url
    celery_pools_reset(app)
    yield redis
    app.conf.task_always_eager, app.conf.broker_url = saved
    celery_pools_reset(app)
    redis.stop()


def _worker(redis: PrivateRedis, queue: str | None = None) -> WorkerProcess:
    # A short visibility timeout and a look every second: a job whose worker died is redelivered within
    # seconds, not minutes.
    return WorkerProcess(
        queue=queue,
        env={
            "CELERY_BROKER_URL": redis.url,
            "CELERY_VISIBILITY_TIMEOUT": "5",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        },
    )


def test_worker_killed_mid_match_run_job_is_redelivered_and_stored_once(private_broker, client_owner):
    fe.network(4)
    # Hold the shortlist table so the worker stops in the middle of the run, about to store it.
    db = connection.settings_dict
    blocker = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    blocker.cursor().execute("LOCK TABLE engagements_matchcandidate IN ACCESS EXCLUSIVE MODE")
    first = _worker(private_broker)
    first.start()
    matter = fe.matter(by=client_owner, post=True)
    run = MatchRun.objects.get(matter=matter)
    wait_for(lambda: MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).exists(), timeout=60)
    time.sleep(0.5)  # the worker is now inside the job, waiting on the lock

    # when: the worker dies without a word
    first.kill()
    blocker.rollback()
    blocker.close()
    assert MatchCandidate.objects.filter(run=run).count() == 0

    # then: another worker gets the unacknowledged job again and completes it, once
    second = WorkerProcess(queue=first.queue, env=first.extra_env)
    second.start()
    try:
        wait_for(
            lambda: MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.DONE).exists(),
            timeout=90,
            message=f"the killed run was never redelivered:\n{second.output()[-3000:]}",
        )
    finally:
        second.stop()
        first.stop()
    run.refresh_from_db()
    assert run.attempts == 2
    candidates = MatchCandidate.objects.filter(run=run)
    assert candidates.count() == candidates.values("seat", "lawyer").distinct().count() > 0


def test_broker_down_clients_and_lawyers_keep_working_and_jobs_run_when_it_returns(
    private_broker, client_owner, client
):
    # given a matter with a shortlist and an offer out, made while the broker was up
    matter, _run, (ada, *_) = fe.posted_and_matched(client_owner)
    offer = fe.send_offer(seat=fe.seats_of(matter)[0], lawyer=ada, by=client_owner)
    PendingJob.objects.all().delete()  # nothing from before the outage matters here

    # when Redis goes away
    private_broker.stop()
    # a client posts a new matter: it is saved and its match run queued
    posted = fe.matter(by=client_owner, post=True, title="Posted while the broker was down")
    run = MatchRun.objects.get(matter=posted)
    assert run.status == MatchRun.Status.QUEUED
    # and a lawyer accepts the offer: the engagement exists at once
    from engagements import offers

    if offer.nda_required:
        offers.offer_accept_nda(offer=offer, by=ada.user)
    engagement = offers.offer_accept(offer=offer, by=ada.user)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.ACCEPTED and engagement.pk
    # the pages still work and say the result is on its way
    client.force_login(client_owner)
    page = client.get(f"/matters/{posted.pk}/")
    assert page.status_code == 200
    assert b"Queued" in page.content
    waiting = PendingJob.objects.count()
    assert waiting >= 2  # the match run and the notification emails, kept in the outbox

    # when the broker is back, a worker starts and relays what waited
    private_broker.start()
    worker = _worker(private_broker)
    worker.start()
    try:
        wait_for(
            lambda: MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.DONE).exists(),
            timeout=90,
            message=f"the queued run never ran:\n{worker.output()[-3000:]}",
        )
        wait_for(lambda: not PendingJob.objects.exists(), timeout=30)
    finally:
        worker.stop()


def test_two_workers_and_repeated_deliveries_store_one_shortlist(private_broker, client_owner):
    from engagements.tasks import match_run_execute

    fe.network(5)
    first, second = _worker(private_broker), None
    first.start()
    second = _worker(private_broker, queue=first.queue)
    second.start()
    try:
        matter = fe.matter(by=client_owner, post=True)
        run = MatchRun.objects.get(matter=matter)
        for _ in range(4):  # the same job, delivered again and again, to both workers
            match_run_execute.delay(run.pk)
        wait_for(lambda: MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.DONE).exists(), timeout=60)
        time.sleep(2)  # let the duplicates arrive and find nothing to do
    finally:
        second.stop()
        first.stop()
    candidates = MatchCandidate.objects.filter(run=run)
    assert candidates.count() == candidates.values("seat", "lawyer").distinct().count() > 0
    assert MatchRun.objects.filter(matter=matter).count() == 1
    assert MatchRun.objects.get(pk=run.pk).attempts == 1
