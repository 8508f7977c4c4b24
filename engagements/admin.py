"""Staff views of matters, match runs and staffing. Runs, offers, engagements, ratings, breaches and
idempotency keys are read-only: they are records of what happened, written by the services."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from engagements import match_runs
from engagements.models import (
    Engagement,
    IdempotencyKey,
    MatchCandidate,
    MatchRun,
    Matter,
    Offer,
    ProposedTeamMember,
    Rating,
    Seat,
    SeatFunnel,
    SlaBreach,
    SlaTarget,
    TimeEntry,
)
from lawyers.admin import QuickCheckboxMixin
from marketplace.errors import DomainError


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0
    fields = [
        "position",
        "label",
        "jurisdiction",
        "practice_area",
        "min_seniority_years",
        "hours_per_week",
        "status",
    ]
    autocomplete_fields: list[str] = []
    raw_id_fields = ["jurisdiction", "practice_area"]


@admin.action(description="Re-run matching")
def rerun_matching(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Matter]) -> None:
    queued, refused = 0, []
    for matter in queryset.order_by("pk"):
        try:
            match_runs.match_run_request(matter=matter, by=request.user)  # type: ignore[arg-type]
        except DomainError as exc:
            refused.append(f"{matter}: {exc.message}")
        else:
            queued += 1
    if queued:
        modeladmin.message_user(request, f"Matching queued for {queued} matter(s).", messages.SUCCESS)
    for message in refused:
        modeladmin.message_user(request, message, messages.WARNING)


@admin.register(Matter)
class MatterAdmin(QuickCheckboxMixin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "organisation",
        "status",
        "engagement_model",
        "start_date",
        "end_date",
        "posted_at",
    ]
    list_filter = ["status", "engagement_model", "is_pilot"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation"]
    date_hierarchy = "created_at"
    raw_id_fields = ["organisation", "created_by", "practice_area"]
    readonly_fields = ["status", "posted_at", "cancelled_at", "cancel_reason", "created_at", "updated_at"]
    inlines = [SeatInline]
    actions = [rerun_matching]


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SeatFunnelInline(_ReadOnlyInline):
    model = SeatFunnel
    fields = ["seat", "eligible", "explanation", "empty_reason"]
    readonly_fields = fields


class ProposedTeamInline(_ReadOnlyInline):
    model = ProposedTeamMember
    fields = ["seat", "lawyer", "score", "cost", "cost_usd"]
    readonly_fields = fields


class MatchCandidateInline(_ReadOnlyInline):
    model = MatchCandidate
    fields = ["seat", "rank", "lawyer", "score", "rate", "rate_usd", "cost"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[MatchCandidate]:
        return (
            super()
            .get_queryset(request)
            .select_related("seat__jurisdiction", "seat__practice_area", "lawyer__user")
        )


@admin.register(MatchRun)
class MatchRunAdmin(QuickCheckboxMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "matter",
        "status",
        "superseded",
        "team_status",
        "duration_ms",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "superseded", "team_status"]
    search_fields = ["matter__title"]
    list_select_related = ["matter"]
    inlines = [SeatFunnelInline, ProposedTeamInline, MatchCandidateInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class _ReadOnlyAdmin(QuickCheckboxMixin, admin.ModelAdmin):
    """Records of what happened: staff look, the services write."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Offer)
class OfferAdmin(SimpleHistoryAdmin, _ReadOnlyAdmin):
    list_display = ["pk", "seat", "lawyer", "status", "hourly_rate", "currency", "expires_at", "created_at"]
    list_filter = ["status", "nda_required"]
    search_fields = ["seat__matter__title", "lawyer__user__full_name", "lawyer__user__email"]
    list_select_related = ["seat__jurisdiction", "seat__practice_area", "lawyer__user"]
    raw_id_fields = ["seat", "lawyer", "match_candidate", "sent_by"]
    date_hierarchy = "created_at"


class TimeEntryInline(_ReadOnlyInline):
    model = TimeEntry
    fields = ["work_date", "hours", "amount", "status", "description", "reviewed_by", "reviewed_at"]
    readonly_fields = fields


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin, _ReadOnlyAdmin):
    list_display = ["pk", "matter", "seat", "lawyer", "status", "hours_per_week", "start_date", "end_date"]
    list_filter = ["status"]
    search_fields = ["matter__title", "lawyer__user__full_name", "lawyer__user__email"]
    list_select_related = ["matter", "seat__jurisdiction", "seat__practice_area", "lawyer__user"]
    raw_id_fields = ["offer", "seat", "matter", "lawyer"]
    date_hierarchy = "created_at"
    inlines = [TimeEntryInline]


@admin.register(Rating)
class RatingAdmin(_ReadOnlyAdmin):
    list_display = ["engagement", "score", "rated_by", "created_at"]
    list_filter = ["score"]
    search_fields = ["engagement__matter__title", "engagement__lawyer__user__full_name"]
    list_select_related = ["engagement", "rated_by"]


@admin.register(SlaTarget)
class SlaTargetAdmin(QuickCheckboxMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "hours_to_shortlist", "hours_to_staff", "hours_to_answer_offer", "updated_at"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation"]


@admin.register(SlaBreach)
class SlaBreachAdmin(_ReadOnlyAdmin):
    list_display = [
        "kind",
        "organisation",
        "matter",
        "offer",
        "target_hours",
        "measured_hours",
        "detected_at",
    ]
    list_filter = ["kind"]
    search_fields = ["organisation__name", "matter__title"]
    list_select_related = ["organisation", "matter"]
    date_hierarchy = "detected_at"


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(_ReadOnlyAdmin):
    list_display = ["key", "user", "method", "path", "response_status", "created_at"]
    search_fields = ["key", "user__email", "path"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"


# Time entries are registered by the delivery module (kept apart from offers and matching).
from engagements import admin_delivery  # noqa: E402, F401
