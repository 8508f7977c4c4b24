"""Writes for notifications: tell people about something they must act on, in the app and by email.

Every function is keyword-only. Rows are written in the caller's transaction; emails are enqueued (one
Celery job per notification) only once it commits, so a rolled-back action notifies no one.

Usage, from another app's service, inside its transaction:

    notify(recipients=[offer.lawyer.user], kind="offer.received", title=f"New offer: {seat}",
           body="Accept or decline by Friday.", url=reverse("engagements:offer-detail", args=[offer.pk]),
           dedupe_key=f"offer-received:{offer.pk}", subject=offer)
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import connection, models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from marketplace.errors import DomainError
from notifications.links import is_safe_relative_url
from notifications.models import Notification
from outbox.services import job_enqueue

logger = logging.getLogger(__name__)

KIND_MAX_LENGTH = Notification._meta.get_field("kind").max_length or 50
TITLE_MAX_LENGTH = Notification._meta.get_field("title").max_length or 200


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
    email: bool = True,
    subject: models.Model | None = None,
) -> list[Notification]:
    """Notify each active recipient once, in the app and (unless `email=False`) by email after commit.

    With a `dedupe_key`, recipients who already have a notification with that key are skipped, so
    calling this twice for one event notifies nobody twice. Returns the notifications it created.
    Raises ValueError for a programming mistake: an empty kind or title, or a `url` that is not a
    relative path on this site.
    """
    return _notifications_create(
        recipients=recipients,
        addresses=(),
        kind=kind,
        title=title,
        body=body,
        url=url,
        dedupe_key=dedupe_key,
        email=email,
        subject=subject,
    )


def notify_talent_team(
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
    email: bool = True,
    subject: models.Model | None = None,
) -> list[Notification]:
    """Notify every active staff user, and email the shared TALENT_TEAM_EMAIL mailbox as well.

    The mailbox gets the email only (no account reads it in the app), once per `dedupe_key` like
    everyone else; it is skipped when a staff user already has that address. Raises like `notify`.
    """
    staff = list(User.objects.filter(is_staff=True, is_active=True))
    mailbox = (settings.TALENT_TEAM_EMAIL or "").strip().lower()
    staff_addresses = {user.email.lower() for user in staff}
    addresses = [mailbox] if email and mailbox and mailbox not in staff_addresses else []
    return _notifications_create(
        recipients=staff,
        addresses=addresses,
        kind=kind,
        title=title,
        body=body,
        url=url,
        dedupe_key=dedupe_key,
        email=email,
        subject=subject,
    )


def _notifications_create(
    *,
    recipients: Iterable[User],
    addresses: Iterable[str],
    kind: str,
    title: str,
    body: str,
    url: str,
    dedupe_key: str | None,
    email: bool,
    subject: models.Model | None,
) -> list[Notification]:
    kind, title, url = kind.strip(), " ".join(title.split()), url.strip()
    if not kind or len(kind) > KIND_MAX_LENGTH:
        raise ValueError(f"A notification needs a kind of 1 to {KIND_MAX_LENGTH} characters, not {kind!r}.")
    if not title:
        raise ValueError("A notification needs a title.")
    if url and not is_safe_relative_url(url):
        raise ValueError(f"A notification links only to a path on this site, not {url!r}.")
    if len(title) > TITLE_MAX_LENGTH:
        title = title[: TITLE_MAX_LENGTH - 1] + "…"

    # One row per person however often they were passed; people who cannot log in cannot act.
    user_ids = list(dict.fromkeys(user.pk for user in recipients if user.is_active))
    mailboxes = list(dict.fromkeys(address.strip().lower() for address in addresses if address.strip()))
    if dedupe_key is not None:
        already = Notification.objects.filter(dedupe_key=dedupe_key).filter(
            Q(recipient_id__in=user_ids) | Q(recipient__isnull=True, address__in=mailboxes)
        )
        done = {(user_id, address) for user_id, address in already.values_list("recipient_id", "address")}
        user_ids = [user_id for user_id in user_ids if (user_id, "") not in done]
        mailboxes = [address for address in mailboxes if (None, address) not in done]
    if not user_ids and not mailboxes:
        return []

    now = timezone.now()
    fields = {
        "kind": kind,
        "title": title,
        "body": body.strip(),
        "url": url,
        "dedupe_key": dedupe_key,
        "email_requested": email,
        "created_at": now,
        "subject_type": ContentType.objects.get_for_model(subject) if subject is not None else None,
        "subject_id": subject.pk if subject is not None else None,
    }
    rows = [Notification(recipient_id=user_id, **fields) for user_id in user_ids]
    rows += [Notification(address=address, **fields) for address in mailboxes]

    if dedupe_key is None:
        assert connection.features.can_return_rows_from_bulk_insert  # PostgreSQL, SQLite ≥ 3.35
        created = Notification.objects.bulk_create(rows)
    else:
        # A concurrent call for the same event may have inserted some of these since the check above:
        # the unique constraints make the database drop those, and the re-select finds what is there.
        # Should it pick up a row the other call made, both enqueue its email, which is sent once.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        created = list(
            Notification.objects.filter(dedupe_key=dedupe_key)
            .filter(Q(recipient_id__in=user_ids) | Q(recipient__isnull=True, address__in=mailboxes))
            .order_by("pk")
        )

    if email:
        _emails_enqueue([notification.pk for notification in created])
    return created


def _emails_enqueue(notification_ids: list[int]) -> None:
    """One job per email, so one bad address or slow mailbox does not hold up the others."""
    from notifications.tasks import notification_email_send

    # Through the outbox: sent after the commit, relayed later if the broker is down; the sweep
    # (`notification_emails_resume`) remains as a second net for emails whose job was lost.
    for notification_id in notification_ids:
        job_enqueue(notification_email_send, notification_id)


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification to its recipient, at most once per successful send. False if not sent.

    Not sent: already emailed, email not requested, the notification is gone, or its recipient is no
    longer active. The row stays locked from the check until `emailed_at` is committed, so the same job
    delivered twice (or run alongside the sweep) sends one email: the second waits, then finds it sent.
    Delivery is at-least-once: a send that raises leaves `emailed_at` empty for the job's retry, and only
    a crash between the mail server accepting the message and the commit can send it twice. Raises the
    mail backend's errors (SMTPException, OSError) for the job to retry.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True, email_requested=True)
            .first()
        )
        if notification is None:
            return False
        recipient = notification.recipient
        if recipient is not None and not recipient.is_active:
            return False
        address = recipient.email if recipient is not None else notification.address
        _email_message(notification=notification, address=address).send()
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def _email_message(*, notification: Notification, address: str) -> EmailMessage:
    site_url = settings.SITE_URL.rstrip("/")
    context = {
        "notification": notification,
        "recipient": notification.recipient,
        "link": site_url + notification.url if notification.url else "",
        "list_link": site_url + reverse("notifications:list") if notification.recipient_id else "",
    }
    body = render_to_string("notifications/email/notification.txt", context)
    return EmailMessage(
        subject=" ".join(notification.title.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )


def notification_emails_resume(
    *, older_than_minutes: int = 10, within_hours: int = 48, limit: int = 500
) -> int:
    """Enqueue again the emails whose job was lost (broker down at enqueue, queue purged). Returns how many.

    Looks only at notifications made between `within_hours` and `older_than_minutes` ago, at most `limit`
    of them; a job that merely runs late is harmless, since sending checks `emailed_at` under a lock.
    """
    now = timezone.now()
    pending = list(
        Notification.objects.filter(
            email_requested=True,
            emailed_at__isnull=True,
            created_at__lt=now - dt.timedelta(minutes=older_than_minutes),
            created_at__gte=now - dt.timedelta(hours=within_hours),
        )
        .filter(Q(recipient__isnull=True) | Q(recipient__is_active=True))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    from notifications.tasks import notification_email_send

    # The sweep is its own retry: send directly; if the broker is still down, the next sweep tries again.
    for notification_id in pending:
        notification_email_send.delay(notification_id)
    return len(pending)


def notification_mark_read(*, notification: Notification, by: User) -> bool:
    """Mark one of `by`'s notifications read. False if it already was.

    Raises DomainError when the notification is someone else's.
    """
    if notification.recipient_id is None or notification.recipient_id != by.pk:
        raise DomainError("You can only mark your own notifications as read.", code="forbidden")
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    if changed:
        notification.read_at = now
    return bool(changed)


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many there were."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
