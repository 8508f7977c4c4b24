"""Jobs for delivery and SLAs. Thin: each calls one service, which is safe to run twice."""

from celery import shared_task

from engagements import sla


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def sla_breaches_detect() -> int:
    """Periodic (beat, every five minutes): record SLA breaches and tell the talent team once each.

    No retry: a run cut short by a database outage is simply done by the next one.
    """
    return sla.sla_breaches_detect()
