"""In-app notifications: one row per person (or shared mailbox) per event they must act on."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    """Something a person must act on: shown in their list until read, and emailed once.

    A row without a recipient is an email to a shared mailbox (the talent team's address): it appears
    in no one's list but gets the same once-only email.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
        db_index=False,  # both indexes below start with the recipient
    )
    address = models.EmailField(
        blank=True, help_text="A mailbox with no account behind it; only for rows without a recipient."
    )
    kind = models.CharField(max_length=50, help_text='What happened, e.g. "offer.received", "sla.breached".')
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="Relative link to the page to act on.")
    subject_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    dedupe_key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        help_text='Names the event (e.g. "sla-breach:42") so it never notifies the same person twice.',
    )
    email_requested = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The unread count in every page's nav.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_newest"),
            # The sweep for emails whose job was lost.
            models.Index(
                fields=["created_at"],
                condition=Q(emailed_at__isnull=True, email_requested=True),
                name="notification_email_pending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_recipient"
            ),
            models.UniqueConstraint(
                fields=["address", "dedupe_key"],
                condition=Q(recipient__isnull=True),
                name="notification_once_per_mailbox",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(address=""),
                name="notification_has_recipient_or_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
