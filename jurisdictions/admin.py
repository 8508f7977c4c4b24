from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from jurisdictions.models import ExchangeRate, Jurisdiction, PracticeArea
from jurisdictions.services import exchange_rate_save


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "legal_system", "currency", "is_active"]
    list_display_links = ["code", "name"]
    list_editable = ["is_active"]
    list_filter = ["is_active", "kind", "legal_system"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]
    list_per_page = 100


class PracticeAreaChildInline(admin.TabularInline):
    model = PracticeArea
    fk_name = "parent"
    fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0
    verbose_name = "sub-area"
    verbose_name_plural = "sub-areas"


class TopLevelPracticeAreaFilter(admin.SimpleListFilter):
    title = "parent area"
    parameter_name = "parent"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        tops = PracticeArea.objects.filter(parent=None).order_by("name")
        return [("none", "— Top level —"), *((str(area.pk), area.name) for area in tops)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[PracticeArea]) -> QuerySet[PracticeArea]:
        if self.value() == "none":
            return queryset.filter(parent=None)
        if self.value():
            return queryset.filter(parent_id=self.value())
        return queryset


@admin.register(PracticeArea)
class PracticeAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug"]
    list_filter = [TopLevelPracticeAreaFilter]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PracticeAreaChildInline]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            # The taxonomy is two levels deep: a parent is always a top-level area.
            kwargs["queryset"] = PracticeArea.objects.filter(parent=None).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_inlines(self, request: HttpRequest, obj: PracticeArea | None) -> list[Any]:
        # The taxonomy is two levels deep: only top-level areas have sub-areas.
        return [] if obj is not None and obj.parent_id else list(self.inlines)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(SimpleHistoryAdmin):
    list_display = ["currency", "rate_to_usd", "updated_at", "updated_by"]
    list_select_related = ["updated_by"]
    search_fields = ["currency"]
    readonly_fields = ["updated_at", "updated_by"]
    ordering = ["currency"]

    def save_model(self, request: HttpRequest, obj: ExchangeRate, form: ModelForm, change: bool) -> None:
        exchange_rate_save(exchange_rate=obj, by=request.user)
