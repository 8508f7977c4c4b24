"""Background jobs for notifications: thin wrappers that load by id and call one service."""

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from notifications import services

# Only failures a retry can fix: a lost database connection, a busy or unreachable mail server
# (SMTPException covers refused recipients too, which a few retries with backoff do no harm to).
_TRANSIENT_MAIL = (OperationalError, SMTPException, ConnectionError, TimeoutError)


@shared_task(
    autoretry_for=_TRANSIENT_MAIL,
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
    soft_time_limit=30,
    time_limit=60,
)
def notification_email_send(notification_id: int) -> bool:
    """Email one notification to its recipient; a second delivery of the same job sends nothing (False)."""
    return services.notification_email_send(notification_id=notification_id)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def notification_emails_resume() -> None:
    """Enqueue again the emails whose job was lost (for the beat schedule, every few minutes)."""
    services.notification_emails_resume()
