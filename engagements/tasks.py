"""Jobs for matching and staffing. Thin: load by id, call one service; retry only transient errors."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from engagements import match_runs, offers

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(bind=True, max_retries=3, acks_late=True, soft_time_limit=240, time_limit=300)
def match_run_execute(self, run_id: int) -> None:  # type: ignore[no-untyped-def]
    """Execute one match run; a second delivery of the same run does nothing."""
    try:
        match_runs.match_run_execute(run_id=run_id, attempt_key=self.request.id or "")
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            match_runs.match_run_fail(
                run_id=run_id,
                error="The database was unavailable for too long. Re-run matching to try again.",
            )
            return
        logger.warning("match run %s: transient database error, retrying: %s", run_id, exc)
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc


@shared_task(acks_late=True, time_limit=120)
def match_runs_resume() -> int:
    """Periodic: enqueue again the runs whose job was lost (broker down at enqueue, worker killed)."""
    return match_runs.match_runs_resume()


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def offers_expire() -> int:
    """Periodic: expire pending offers past their expiry and bring each seat's next candidate forward."""
    return offers.offers_expire()
