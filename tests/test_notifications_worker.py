"""Notification emails go through Redis to a real Celery worker process, which records them in PostgreSQL."""

import pytest

from notifications import services
from notifications.models import Notification
from notifications.tasks import notification_email_send
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_emails_each_notification_once(live_worker, client_owner, client_colleague):
    # when two people are notified (the jobs are enqueued after the commit, through the broker)
    created = services.notify(
        recipients=[client_owner, client_colleague],
        kind="offer.accepted",
        title="Offer accepted",
        url="/notifications/",
        dedupe_key="offer-accepted:1",
    )
    ids = [notification.pk for notification in created]

    # then the worker process sends both emails and records it in PostgreSQL
    wait_for(
        lambda: Notification.objects.filter(pk__in=ids, emailed_at__isnull=False).count() == 2,
        timeout=60,
        message=f"the worker never sent the emails:\n{live_worker.output()[-3000:]}",
    )
    sent_at = dict(Notification.objects.filter(pk__in=ids).values_list("pk", "emailed_at"))

    assert live_worker.output().count("notification_email_send") >= 2

    # and the same message delivered again sends nothing more (the job reports False: not sent)
    notification_email_send.delay(ids[0])
    wait_for(lambda: live_worker.output().count("succeeded") >= 3, timeout=60)
    sends = [line for line in live_worker.output().splitlines() if "succeeded" in line]
    assert [line.rsplit(":", 1)[-1].strip() for line in sends] == ["True", "True", "False"], sends
    assert dict(Notification.objects.filter(pk__in=ids).values_list("pk", "emailed_at")) == sent_at
