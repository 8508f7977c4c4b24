"""Enqueue Celery jobs so that none is lost when the broker is briefly down.

`job_enqueue` writes a PendingJob row inside the caller's transaction, so the job exists exactly
when the change that needs it was committed. After the commit it is handed to the broker at once
(no waiting on a dead broker: one quick try); if that fails, the row stays and `pending_jobs_relay`
(a beat job, and every worker at start-up) sends it when the broker is back. Jobs must be idempotent,
since a relay after a send whose acknowledgement was lost can deliver one twice; ours all are.
"""

import logging
from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction
from django.utils import timezone

from outbox.models import PendingJob

logger = logging.getLogger(__name__)

# One quick attempt from a web request: the outbox row makes waiting for a dead broker pointless.
_QUICK = {"max_retries": 0}


def job_enqueue(task: Any, *args: Any, **kwargs: Any) -> PendingJob:
    """Record `task(*args, **kwargs)` in the current transaction; send it once the transaction commits.

    Arguments must be JSON-serialisable (ids, strings, lists). Never raises for a broker outage.
    """
    job = PendingJob.objects.create(task_name=task.name, args=list(args), kwargs=kwargs)
    # With a broker, a failed send must not fail the request (the relay has it). Without one, jobs
    # run in-process and their errors propagate as `.delay()`'s would.
    robust = not current_app.conf.task_always_eager
    transaction.on_commit(partial(_send, job.pk), robust=robust)
    return job


def _publish(job: PendingJob) -> None:
    current_app.send_task(job.task_name, args=job.args, kwargs=job.kwargs, retry=True, retry_policy=_QUICK)


def _send(job_id: int) -> bool:
    """Hand one pending job to the broker and forget it; on failure leave it for the relay."""
    if current_app.conf.task_always_eager:
        # No broker (the one-command first look, most tests): run in-process, like .delay() does.
        job = PendingJob.objects.filter(pk=job_id).first()
        if job is None:
            return False
        PendingJob.objects.filter(pk=job_id).delete()
        current_app.tasks[job.task_name].apply(args=job.args, kwargs=job.kwargs, throw=True)
        return True
    job = PendingJob.objects.filter(pk=job_id).first()
    if job is None:
        return False
    try:
        _publish(job)
    except Exception as exc:
        logger.warning("broker unavailable, job %s (%s) left for the relay: %s", job.pk, job.task_name, exc)
        PendingJob.objects.filter(pk=job.pk).update(
            attempts=job.attempts + 1, last_error=str(exc)[:1000], last_attempt_at=timezone.now()
        )
        return False
    PendingJob.objects.filter(pk=job.pk).delete()
    return True


def pending_jobs_relay(*, limit: int = 500) -> int:
    """Send the jobs whose first send failed (oldest first, at most `limit`); returns how many were sent.

    Rows are claimed with SKIP LOCKED where the database has it, so two relays never send one job twice.
    """
    sent = 0
    with transaction.atomic():
        jobs = list(PendingJob.objects.select_for_update(skip_locked=True).order_by("pk")[:limit])
        for job in jobs:
            try:
                _publish(job)
            except Exception as exc:
                logger.warning("relay: broker still unavailable (%s); %d job(s) wait", exc, len(jobs) - sent)
                PendingJob.objects.filter(pk=job.pk).update(
                    attempts=job.attempts + 1, last_error=str(exc)[:1000], last_attempt_at=timezone.now()
                )
                break
            job.delete()
            sent += 1
    return sent
