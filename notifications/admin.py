"""Admin for the talent team: every notification and whether it was read and emailed (read-only)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient_or_address", "kind", "title", "read", "emailed"]
    list_display_links = ["created_at", "title"]
    list_filter = [
        "kind",
        ("read_at", admin.EmptyFieldListFilter),
        ("emailed_at", admin.EmptyFieldListFilter),
        "created_at",
    ]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email", "address", "title", "dedupe_key"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    list_per_page = 100
    fields = [
        "recipient",
        "address",
        "kind",
        "title",
        "body",
        "url",
        "subject_type",
        "subject_id",
        "dedupe_key",
        "email_requested",
        "created_at",
        "read_at",
        "emailed_at",
    ]
    readonly_fields = fields

    @admin.display(description="recipient", ordering="recipient__email")
    def recipient_or_address(self, obj: Notification) -> str:
        return obj.recipient.email if obj.recipient else f"{obj.address} (mailbox)"

    @admin.display(boolean=True, ordering="read_at")
    def read(self, obj: Notification) -> bool:
        return obj.read_at is not None

    @admin.display(boolean=True, ordering="emailed_at")
    def emailed(self, obj: Notification) -> bool:
        return obj.emailed_at is not None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
