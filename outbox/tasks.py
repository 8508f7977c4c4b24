"""The relay of the job outbox, on beat; workers also relay once when they start."""

from celery import shared_task
from celery.signals import worker_ready

from outbox import services


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def pending_jobs_relay() -> int:
    """Send jobs whose first send failed because the broker was down."""
    return services.pending_jobs_relay()


@worker_ready.connect
def _relay_on_worker_start(**kwargs: object) -> None:
    # A worker that starts after an outage sends what waited, without waiting for beat.
    try:
        services.pending_jobs_relay()
    except Exception:  # the database may be down too; beat will try again
        import logging

        logging.getLogger(__name__).exception("relay at worker start failed")
