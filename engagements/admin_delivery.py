"""Staff view of time entries: every entry across engagements, filterable, with its history.

Read-only: entries are logged by lawyers and reviewed by clients through `engagements.delivery`.
Django imports only `admin.py`; this module is registered from there
(`from engagements import admin_delivery  # noqa: F401`).
"""

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from engagements.models import TimeEntry


@admin.register(TimeEntry)
class TimeEntryAdmin(SimpleHistoryAdmin):
    list_display = [
        "work_date",
        "lawyer",
        "matter",
        "hours",
        "amount",
        "currency",
        "status",
        "reviewed_by",
        "reviewed_at",
    ]
    list_filter = ["status", "work_date"]
    search_fields = [
        "engagement__matter__title",
        "engagement__matter__organisation__name",
        "engagement__lawyer__user__full_name",
        "engagement__lawyer__user__email",
    ]
    list_select_related = ["engagement__matter", "engagement__lawyer__user", "reviewed_by"]
    raw_id_fields = ["engagement", "created_by", "reviewed_by"]
    date_hierarchy = "work_date"
    readonly_fields = [
        "engagement",
        "work_date",
        "hours",
        "description",
        "status",
        "amount",
        "created_by",
        "reviewed_by",
        "reviewed_at",
        "rejection_reason",
        "created_at",
    ]

    @admin.display(description="Lawyer", ordering="engagement__lawyer__user__full_name")
    def lawyer(self, entry: TimeEntry) -> str:
        return str(entry.engagement.lawyer)

    @admin.display(description="Matter", ordering="engagement__matter__title")
    def matter(self, entry: TimeEntry) -> str:
        return entry.engagement.matter.title

    @admin.display(description="Currency")
    def currency(self, entry: TimeEntry) -> str:
        return entry.engagement.currency

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
