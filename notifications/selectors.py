"""Reads for notifications, scoped to the viewer: a person only ever sees their own."""

from django.db.models import QuerySet

from notifications.models import Notification


def notifications_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:  # type: ignore[no-untyped-def]
    """`user`'s own notifications, newest first (none for an anonymous or inactive visitor)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Notification.objects.none()
    notifications = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def unread_count(user) -> int:  # type: ignore[no-untyped-def]
    """How many of `user`'s notifications are unread: one query, none for an anonymous visitor."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
