from django.contrib import admin

from outbox.models import PendingJob


@admin.register(PendingJob)
class PendingJobAdmin(admin.ModelAdmin):
    list_display = ("id", "task_name", "args", "created_at", "attempts", "last_attempt_at", "last_error")
    list_filter = ("task_name",)
    readonly_fields = (
        "task_name",
        "args",
        "kwargs",
        "created_at",
        "attempts",
        "last_error",
        "last_attempt_at",
    )

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
