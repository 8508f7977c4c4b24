"""Background jobs of the lawyer network: thin wrappers that load by id and call one service."""

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from lawyers import services

# Only failures that a retry can fix are retried: a lost database connection, a busy mail server.
_TRANSIENT_DB = (OperationalError,)
_TRANSIENT_MAIL = (OperationalError, SMTPException, ConnectionError, TimeoutError)


@shared_task(
    bind=True,
    autoretry_for=_TRANSIENT_DB,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
)
def vetting_run_checks(self, profile_id: int, check_names: list[str] | None = None) -> None:  # type: ignore[no-untyped-def]
    """Run a profile's vetting checks (all, or the named ones); re-running replaces the results."""
    services.vetting_checks_run(profile_id=profile_id, check_names=check_names, run_key=self.request.id or "")


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
def vetting_decision_notify(decision_id: int) -> None:
    """Email the lawyer about one vetting decision, at most once."""
    services.vetting_decision_notify(decision_id=decision_id)


@shared_task(
    autoretry_for=_TRANSIENT_DB,
    retry_backoff=60,
    max_retries=3,
    acks_late=True,
    soft_time_limit=1200,
    time_limit=1500,
)
def lawyer_seniority_refresh() -> int:
    """Daily: seniority is derived from dates, so it grows as time passes without any edit."""
    return services.lawyer_seniority_refresh_all()
