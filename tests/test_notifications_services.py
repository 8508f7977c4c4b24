"""notify(): one row and one email per person, never twice for one event, and only after commit."""

from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.db import transaction

from notifications import services
from notifications.models import Notification
from notifications.tasks import notification_email_send
from tests.factories import LawyerUserFactory, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_fans_out_one_notification_and_one_email_per_recipient(
    client_owner, client_colleague, lawyer_user, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://counsel.example/"
    # when three people are notified of one event
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify(
            recipients=[client_owner, client_colleague, lawyer_user],
            kind="timesheet.submitted",
            title="Timesheet to approve: week 12",
            body="Ana logged 32.5 hours.",
            url="/engagements/7/timesheets/",
        )

    # then each has their own unread notification and one email linking to the page to act on
    assert len(created) == 3
    assert {n.recipient for n in Notification.objects.all()} == {client_owner, client_colleague, lawyer_user}
    assert all(n.read_at is None and n.emailed_at is not None for n in Notification.objects.all())
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [client_owner.email, client_colleague.email, lawyer_user.email]
    )
    message = mail.outbox[0]
    assert message.subject == "Timesheet to approve: week 12"
    assert "Ana logged 32.5 hours." in message.body
    assert "https://counsel.example/engagements/7/timesheets/" in message.body


def test_the_same_event_notifies_a_person_once(client_owner, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(
                recipients=[client_owner],
                kind="sla.breached",
                title="SLA breached",
                dedupe_key="sla-breach:42",
            )

    assert Notification.objects.filter(recipient=client_owner).count() == 1
    assert len(mail.outbox) == 1


def test_a_repeated_event_reaches_only_the_people_not_yet_told(
    client_owner, client_colleague, django_capture_on_commit_callbacks
):
    kwargs = {"kind": "offer.accepted", "title": "Offer accepted", "dedupe_key": "offer-accepted:5"}
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[client_owner], **kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.notify(recipients=[client_owner, client_colleague], **kwargs)

    assert [n.recipient for n in second] == [client_colleague]
    assert Notification.objects.count() == 2
    assert [m.to for m in mail.outbox] == [[client_owner.email], [client_colleague.email]]


def test_the_same_person_passed_twice_gets_one_notification(client_owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[client_owner, client_owner], kind="offer.received", title="New offer")

    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_running_the_email_job_twice_sends_one_email(client_owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        (notification,) = services.notify(recipients=[client_owner], kind="offer.received", title="New offer")

    # the same message delivered twice (a redelivery after a lost acknowledgement)
    notification_email_send.delay(notification.pk)
    notification_email_send.delay(notification.pk)

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_no_email_is_sent_before_the_transaction_commits(client_owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(recipients=[client_owner], kind="offer.received", title="New offer")

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_rolled_back_action_notifies_nobody(client_owner, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify(recipients=[client_owner], kind="offer.received", title="New offer")
        raise RuntimeError("the offer could not be saved")

    assert callbacks == []

    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_email_false_notifies_in_the_app_only(client_owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[client_owner], kind="offer.expired", title="Offer expired", email=False)

    assert Notification.objects.get().emailed_at is None
    assert mail.outbox == []


def test_inactive_people_are_not_notified(django_capture_on_commit_callbacks):
    gone = UserFactory(email="gone@acme.test", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify(recipients=[gone], kind="offer.received", title="New offer") == []

    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_failed_send_is_left_unsent_for_the_retry(
    client_owner, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=False):
        (notification,) = services.notify(recipients=[client_owner], kind="offer.received", title="New offer")

    def mail_server_down(*args, **kwargs):
        raise SMTPServerDisconnected("connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", mail_server_down)
    with pytest.raises(SMTPServerDisconnected):
        services.notification_email_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None

    monkeypatch.undo()
    assert services.notification_email_send(notification_id=notification.pk) is True
    assert len(mail.outbox) == 1


def test_the_email_job_retries_a_transient_mail_error():
    # a busy mail server or a dropped connection is retried with backoff; a bug is not
    assert issubclass(SMTPServerDisconnected, notification_email_send.autoretry_for)
    assert ConnectionError in notification_email_send.autoretry_for
    assert ValueError not in notification_email_send.autoretry_for
    assert notification_email_send.time_limit and notification_email_send.soft_time_limit


def test_the_sweep_enqueues_emails_whose_job_was_lost(client_owner, django_capture_on_commit_callbacks):
    # given a notification whose email job never reached a worker
    with django_capture_on_commit_callbacks(execute=False):
        (notification,) = services.notify(recipients=[client_owner], kind="offer.received", title="New offer")
    Notification.objects.filter(pk=notification.pk).update(
        created_at=notification.created_at - services.dt.timedelta(minutes=30)
    )

    assert services.notification_emails_resume() == 1
    assert len(mail.outbox) == 1
    # and once it is sent, the sweep leaves it alone
    assert services.notification_emails_resume() == 0


def test_talent_team_means_active_staff_and_the_team_mailbox(
    staff_user, lawyer_user, settings, django_capture_on_commit_callbacks
):
    settings.TALENT_TEAM_EMAIL = "talent@counsel.example"
    StaffUserFactory(email="former.staff@counsel.test", is_active=False)
    colleague = StaffUserFactory(email="colleague@counsel.test")

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.notify_talent_team(
                kind="sla.breached",
                title="SLA breached: Acme Holdings",
                url="/staff/",
                dedupe_key="sla-breach:42",
            )

    assert {n.recipient for n in Notification.objects.filter(recipient__isnull=False)} == {
        staff_user,
        colleague,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [staff_user.email, colleague.email, "talent@counsel.example"]
    )


def test_the_team_mailbox_is_not_emailed_twice_when_a_staff_user_has_it(
    settings, django_capture_on_commit_callbacks
):
    settings.TALENT_TEAM_EMAIL = "Talent@Counsel.example"
    StaffUserFactory(email="talent@counsel.example")

    with django_capture_on_commit_callbacks(execute=True):
        services.notify_talent_team(kind="vetting.applied", title="New application to vet")

    assert [m.to for m in mail.outbox] == [["talent@counsel.example"]]


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil.example", "matters/3/"],
)
def test_links_must_be_paths_on_this_site(client_owner, url):
    with pytest.raises(ValueError, match="path on this site"):
        services.notify(recipients=[client_owner], kind="offer.received", title="New offer", url=url)


def test_a_subject_can_be_attached(client_owner, django_capture_on_commit_callbacks):
    lawyer = LawyerUserFactory(email="subject.lawyer@counsel.test")
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = services.notify(
            recipients=[client_owner], kind="vetting.decided", title="Decided", subject=lawyer.lawyer_profile
        )

    assert Notification.objects.get(pk=notification.pk).subject == lawyer.lawyer_profile


def test_mark_read_and_mark_all_read(client_owner, client_colleague):
    mine = services.notify(
        recipients=[client_owner], kind="offer.received", title="One", email=False
    ) + services.notify(recipients=[client_owner], kind="offer.received", title="Two", email=False)
    (theirs,) = services.notify(
        recipients=[client_colleague], kind="offer.received", title="Three", email=False
    )

    assert services.notification_mark_read(notification=mine[0], by=client_owner) is True
    assert services.notification_mark_read(notification=mine[0], by=client_owner) is False
    with pytest.raises(services.DomainError):
        services.notification_mark_read(notification=theirs, by=client_owner)

    assert services.notifications_mark_all_read(user=client_owner) == 1
    assert not Notification.objects.filter(recipient=client_owner, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
