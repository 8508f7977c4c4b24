"""Django admin for the talent team: the vetting queue, one review page per lawyer, the sanctions list.

Every action calls a service per profile and reports each profile's outcome; nothing here decides.
"""

import datetime
from collections.abc import Callable, Hashable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    result_headers,
    result_hidden_fields,
    results,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    quote,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from jurisdictions.models import Jurisdiction, PracticeArea
from lawyers import services
from lawyers.forms import DecisionReasonForm
from lawyers.models import (
    BarAdmission,
    Document,
    LawyerProfile,
    PracticeAreaExperience,
    SanctionedEntry,
    VettingCheck,
    VettingDecision,
)
from marketplace.errors import DomainError

Status = LawyerProfile.Status


_MISSING = object()


def _property_getter(name: str) -> Callable[[Any], Any]:
    """A model property's value, as lookup_field reads it (called if it is callable)."""

    def get(obj: Any) -> Any:
        value = getattr(obj, name)
        return value() if callable(value) else value

    return get


class QuickChangeList(ChangeList):
    """A changelist whose row links are worked out once per page: the change URL is reversed once with
    a stand-in for the pk, with the list's filters already added (as the admin adds them, which resolves
    the URL again for every row), and each row's pk is put in its place. The same links."""

    _STAND_IN = "QUICKROWPK"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Row links only (the page's other links take the filters from the view's context).
        self._row_filters, self.preserved_filters = self.preserved_filters, ""
        self._row_url: str | None = None

    def url_for_result(self, result: Any) -> str:
        if self._row_url is None:
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(self._STAND_IN,),
                current_app=self.model_admin.admin_site.name,
            )
            self._row_url = add_preserved_filters(
                {"preserved_filters": self._row_filters, "opts": self.opts}, url
            )
        return self._row_url.replace(self._STAND_IN, str(quote(getattr(result, self.pk_attname))), 1)

    def quick_results(self) -> list[ResultList]:
        """The rows `{% result_list %}` renders (admin_list.items_for_result), with what is the same for
        every row worked out once per column: how the value is looked up (the stock lookup tries the
        model's fields first and raises for every cell of a ModelAdmin column), its empty display, its
        classes, whether it is the link. Cells are displayed by the admin's own display functions."""
        if self.formset or self.is_popup or self.to_field or self.list_display_links is None:
            return list(results(self))
        model_admin = self.model_admin
        opts = self.lookup_opts
        columns = []
        first = True
        for name in self.list_display:
            if not isinstance(name, str) or name == "__str__" or "__" in name:
                return list(results(self))  # the stock path for anything unusual
            link = (first and not self.list_display_links) or name in self.list_display_links
            tag = ("th" if first else "td") if link else None
            first = first and not link
            try:
                field = _get_non_gfk_field(opts, name)  # as lookup_field does
            except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
                field = None
            if field is not None:
                getter, attr = None, None
            elif hasattr(model_admin, name):
                getter = attr = getattr(model_admin, name)
            elif isinstance(getattr(self.model, name, None), property):  # e.g. "pk"
                attr = getattr(self.model, name)
                getter = _property_getter(name)
            else:
                return list(results(self))
            empty = getattr(attr, "empty_value_display", model_admin.get_empty_value_display())
            boolean = getattr(attr, "boolean", False)
            if isinstance(attr, property) and hasattr(attr, "fget"):
                boolean = getattr(attr.fget, "boolean", False)
            # A field with choices shows its label (display_for_field builds this dict for every cell).
            try:
                choices = dict(field.flatchoices) if getattr(field, "flatchoices", None) else None
            except TypeError:
                choices = None
            columns.append((name, f"field-{name}", tag, field, getter, boolean, empty, choices))

        rows = []
        for result in self.result_list:
            cells = []
            for name, css, tag, field, getter, boolean, empty, choices in columns:
                classes = [css]
                try:
                    value = getattr(result, name) if getter is None else getter(result)
                except ObjectDoesNotExist:
                    shown = model_admin.get_empty_value_display()
                    field = value = _MISSING
                if value is _MISSING:
                    pass
                elif isinstance(value, str) and value.strip() == "":
                    value = ""
                if value is _MISSING:
                    pass
                elif field is None:
                    if name == "action_checkbox":
                        classes = ["action-checkbox"]
                    shown = display_for_value(value, empty, boolean)
                    if isinstance(value, datetime.date | datetime.time):
                        classes.append("nowrap")
                else:
                    if isinstance(field.remote_field, models.ManyToOneRel):
                        shown = empty if value is None else value
                    elif choices is not None and isinstance(value, Hashable):
                        shown = choices.get(value, empty)
                    else:
                        shown = display_for_field(value, field, empty, avoid_link=tag is not None)
                    if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
                        classes.append("nowrap")
                # format_html("<td{}>{}</td>", mark_safe(' class="…"'), shown), spelt out: the classes are
                # field names, the cell is escaped unless safe.
                row_class = ' class="' + " ".join(classes) + '"'
                if tag is None:
                    cells.append(mark_safe(f"<td{row_class}>{conditional_escape(shown)}</td>"))  # noqa: S308
                else:
                    try:
                        url = self.url_for_result(result)
                    except NoReverseMatch:
                        link = shown
                    else:
                        link = format_html('<a href="{}">{}</a>', url, shown)
                    cells.append(mark_safe(f"<{tag}{row_class}>{conditional_escape(link)}</{tag}>"))  # noqa: S308
            rows.append(ResultList(None, cells))
        return rows

    def quick_result_list(self) -> dict[str, Any]:
        """What `{% result_list cl %}` gives its template (admin_list.result_list), with quick_results."""
        headers = list(result_headers(self))
        return {
            "cl": self,
            "result_hidden_fields": list(result_hidden_fields(self)),
            "result_headers": headers,
            "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
            "results": self.quick_results(),
        }


class QuickCheckboxMixin:
    """The changelist's row checkbox written directly: the same HTML as `ModelAdmin.action_checkbox`
    (a CheckboxInput rendered through the form templates), without a template render per row; and the
    row links worked out once per page (`QuickChangeList`)."""

    change_list_template = "admin/quick_change_list.html"

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return QuickChangeList

    def action_checkbox(self, obj: Any) -> str:
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


# The jurisdictions anyone is admitted in: a walk over the admissions' jurisdiction index, one probe
# per distinct jurisdiction (a semi-join probed all 5,000 jurisdictions).
_ADMITTED_JURISDICTION_IDS = """
    WITH RECURSIVE used(id) AS (
        SELECT MIN(jurisdiction_id) FROM lawyers_baradmission
        UNION ALL
        SELECT (SELECT MIN(b.jurisdiction_id) FROM lawyers_baradmission b WHERE b.jurisdiction_id > used.id)
        FROM used WHERE used.id IS NOT NULL
    )
    SELECT id FROM used WHERE id IS NOT NULL
"""


# --- filters ----------------------------------------------------------------------------------------


class AdmissionJurisdictionFilter(admin.SimpleListFilter):
    title = "jurisdiction (admission)"
    parameter_name = "jurisdiction"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        used = Jurisdiction.objects.filter(pk__in=RawSQL(_ADMITTED_JURISDICTION_IDS, []))  # noqa: S611
        return [(code, f"{code} {name}") for code, name in used.order_by("code").values_list("code", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        admitted = BarAdmission.objects.filter(profile=OuterRef("pk"), jurisdiction__code=self.value())
        return queryset.filter(Exists(admitted))


class PracticeAreaFilter(admin.SimpleListFilter):
    title = "practice area"
    parameter_name = "practice_area"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        # str(area), from three columns rather than two whole rows per area
        areas = PracticeArea.objects.values_list("slug", "name", "parent_id", "parent__name")
        return [
            (slug, f"{parent} > {name}" if parent_id else name) for slug, name, parent_id, parent in areas
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        # A top-level area also matches the profiles listing one of its sub-areas.
        area = Q(practice_area__slug=self.value()) | Q(practice_area__parent__slug=self.value())
        return queryset.filter(Exists(PracticeAreaExperience.objects.filter(area, profile=OuterRef("pk"))))


class FailingCheckFilter(admin.SimpleListFilter):
    title = "failing check"
    parameter_name = "failing_check"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("any", "Any check"), *VettingCheck.Name.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        failing = VettingCheck.objects.filter(profile=OuterRef("pk"), result=VettingCheck.Result.FAIL)
        if self.value() != "any":
            failing = failing.filter(name=self.value())
        return queryset.filter(Exists(failing))


# --- inlines ----------------------------------------------------------------------------------------


class BarAdmissionInlineForm(forms.ModelForm):
    verify = forms.BooleanField(required=False, label="Verify now")

    class Meta:
        model = BarAdmission
        fields: list[str] = []


class BarAdmissionInline(admin.TabularInline):
    model = BarAdmission
    form = BarAdmissionInlineForm
    fields = ["jurisdiction", "registration_number", "year_admitted", "verified_at", "verified_by", "verify"]
    readonly_fields = ["jurisdiction", "registration_number", "year_admitted", "verified_at", "verified_by"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("jurisdiction", "verified_by")


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VettingCheckInline(_ReadOnlyInline):
    model = VettingCheck
    fields = ["name", "result", "detail", "ran_at"]
    readonly_fields = fields
    verbose_name_plural = "automated checks"


class DocumentInline(_ReadOnlyInline):
    model = Document
    fields = ["kind", "download", "content_type", "size", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description="File")
    def download(self, document: Document) -> str:
        url = reverse("lawyers:document-download", kwargs={"document_pk": document.pk})
        return format_html('<a href="{}">{}</a>', url, document.original_filename)


class VettingDecisionInline(_ReadOnlyInline):
    model = VettingDecision
    fields = ["at", "from_status", "to_status", "by", "reason"]
    readonly_fields = fields
    verbose_name_plural = "decisions (audit trail)"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("by")


# --- the vetting queue ------------------------------------------------------------------------------

# Transitions offered on the review page: (service, needs a reason, button label).
TRANSITIONS: dict[str, tuple[Callable[..., Any], bool, str]] = {
    "start_review": (services.lawyer_profile_start_review, False, "Start review"),
    "approve": (services.lawyer_profile_approve, False, "Approve"),
    "reject": (services.lawyer_profile_reject, True, "Reject"),
    "suspend": (services.lawyer_profile_suspend, True, "Suspend"),
    "reinstate": (services.lawyer_profile_reinstate, True, "Reinstate"),
}
TRANSITIONS_FROM: dict[str, list[str]] = {
    Status.APPLIED: ["start_review"],
    Status.IN_REVIEW: ["approve", "reject"],
    Status.VETTED: ["suspend"],
    Status.SUSPENDED: ["reinstate"],
}


class QueueChangeList(QuickChangeList):
    """The vetting queue's page of rows, with each row's admissions label ("US-NY ✓, GB-ENG", ordered as
    BarAdmission is, by jurisdiction code) read as plain values in one query, instead of prefetching
    the admissions and their whole jurisdiction rows."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        rows = list(self.result_list)
        labels: dict[int, list[str]] = {row.pk: [] for row in rows}
        admissions = (
            BarAdmission.objects.filter(profile__in=list(labels))
            .order_by("jurisdiction__code")
            .values_list("profile_id", "jurisdiction__code", "verified_at")
        )
        for profile_id, code, verified_at in admissions:
            labels[profile_id].append(f"{code} ✓" if verified_at else code)
        for row in rows:
            row.admissions_label = ", ".join(labels[row.pk])
        self.result_list = rows


@admin.register(LawyerProfile)
class LawyerProfileAdmin(QuickCheckboxMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "email",
        "status",
        "submitted_at",
        "seniority_years",
        "admissions_summary",
        "failing_checks",
    ]
    list_filter = ["status", AdmissionJurisdictionFilter, PracticeAreaFilter, FailingCheckFilter]
    search_fields = ["user__email", "user__full_name", "admissions__registration_number"]
    ordering = ["submitted_at", "pk"]
    list_per_page = 50
    show_full_result_count = False  # one count of the filtered list, not a second of the whole network
    fields = [
        "user",
        "status",
        "headline",
        "bio",
        "hourly_rate",
        "rate_currency",
        "weekly_capacity_hours",
        "seniority_years",
        "submitted_at",
        "decided_at",
        "decision_reason",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [BarAdmissionInline, VettingCheckInline, DocumentInline, VettingDecisionInline]
    actions = [
        "verify_admissions",
        "start_review",
        "approve",
        "reject",
        "suspend",
        "reinstate",
    ]
    history_list_display = ["status", "hourly_rate", "rate_currency"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            # A correlated count, worked out for the page's rows only (a join grouped over every
            # profile took 0.6-1.1 s at 100k lawyers).
            .annotate(
                failing_count=Coalesce(
                    Subquery(
                        VettingCheck.objects.filter(profile=OuterRef("pk"), result=VettingCheck.Result.FAIL)
                        .order_by()
                        .values("profile")
                        .annotate(n=Count("pk"))
                        .values("n")
                    ),
                    0,
                )
            )
        )

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return QueueChangeList

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # profiles are created when a lawyer signs up

    @admin.display(description="Name", ordering="user__full_name")
    def name(self, profile: LawyerProfile) -> str:
        return profile.user.get_full_name()

    @admin.display(description="Email", ordering="user__email")
    def email(self, profile: LawyerProfile) -> str:
        return profile.user.email

    @admin.display(description="Admissions")
    def admissions_summary(self, profile: LawyerProfile) -> str:
        label = getattr(profile, "admissions_label", None)
        if label is None:  # not from the changelist
            label = ", ".join(
                f"{a.jurisdiction.code}{' ✓' if a.verified_at else ''}" for a in profile.admissions.all()
            )
        return escape(label) if label else "—"

    @admin.display(description="Failing checks", ordering="failing_count")
    def failing_checks(self, profile: LawyerProfile) -> int:
        return getattr(profile, "failing_count", 0)

    # Staff review here; they never edit what the lawyer wrote. Only admissions get verified.
    def save_model(self, request: HttpRequest, obj: LawyerProfile, form: Any, change: bool) -> None:
        return None

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Nothing is saved from the inlines themselves (the admin's change message reads these lists).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is not BarAdmission:
            return
        verified = 0
        for admission_form in formset.forms:
            if admission_form.cleaned_data.get("verify") and admission_form.instance.pk:
                verified += services.bar_admission_verify(admission=admission_form.instance, by=request.user)
        if verified:
            messages.success(request, f"Verified {verified} admission{'s' if verified != 1 else ''}.")

    # --- bulk actions: the service per profile, each outcome reported ---

    def _apply(
        self, request: HttpRequest, profiles: QuerySet, service: Callable[..., Any], **kwargs: Any
    ) -> None:
        done = 0
        for profile in profiles.order_by("pk"):
            try:
                service(profile=profile, by=request.user, **kwargs)
            except DomainError as exc:
                self.message_user(request, f"{profile}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request, f"Done for {done} profile{'s' if done != 1 else ''}.", messages.SUCCESS
            )

    def _with_reason(
        self, request: HttpRequest, profiles: QuerySet, transition: str
    ) -> TemplateResponse | None:
        """Ask for the reason on an intermediate page, then apply the transition to each profile."""
        service, _, label = TRANSITIONS[transition]
        form = DecisionReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._apply(request, profiles, service, reason=form.cleaned_data["reason"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label}: give a reason",
            "opts": self.model._meta,
            "profiles": profiles,
            "form": form,
            "transition": transition,
            "label": label,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "bulk": True,
        }
        return TemplateResponse(request, "admin/lawyers/lawyerprofile/decision_reason.html", context)

    @admin.action(description="Verify all admissions of the selected profiles")
    def verify_admissions(self, request: HttpRequest, profiles: QuerySet) -> None:
        admissions = BarAdmission.objects.filter(profile__in=profiles, verified_at__isnull=True).order_by(
            "pk"
        )
        verified = sum(services.bar_admission_verify(admission=a, by=request.user) for a in admissions)
        self.message_user(
            request, f"Verified {verified} admission{'s' if verified != 1 else ''}.", messages.SUCCESS
        )

    @admin.action(description="Start review of the selected profiles")
    def start_review(self, request: HttpRequest, profiles: QuerySet) -> None:
        self._apply(request, profiles, services.lawyer_profile_start_review)

    @admin.action(description="Approve the selected profiles")
    def approve(self, request: HttpRequest, profiles: QuerySet) -> None:
        self._apply(request, profiles, services.lawyer_profile_approve)

    @admin.action(description="Reject the selected profiles (reason required)")
    def reject(self, request: HttpRequest, profiles: QuerySet) -> TemplateResponse | None:
        return self._with_reason(request, profiles, "reject")

    @admin.action(description="Suspend the selected profiles (reason required)")
    def suspend(self, request: HttpRequest, profiles: QuerySet) -> TemplateResponse | None:
        return self._with_reason(request, profiles, "suspend")

    @admin.action(description="Reinstate the selected profiles (reason required)")
    def reinstate(self, request: HttpRequest, profiles: QuerySet) -> TemplateResponse | None:
        return self._with_reason(request, profiles, "reinstate")

    # --- one profile: decision buttons on the review page ---

    def get_urls(self) -> list[Any]:
        custom = [
            path(
                "<int:object_id>/decide/<slug:transition>/",
                self.admin_site.admin_view(self.decide_view),
                name="lawyers_lawyerprofile_decide",
            ),
        ]
        return custom + super().get_urls()

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        profile = self.get_object(request, object_id)
        buttons = []
        if profile is not None:
            buttons = [
                (TRANSITIONS[name][2], reverse("admin:lawyers_lawyerprofile_decide", args=[profile.pk, name]))
                for name in TRANSITIONS_FROM.get(profile.status, [])
            ]
        extra_context = {**(extra_context or {}), "decision_buttons": buttons}
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request: HttpRequest, object_id: int, transition: str) -> HttpResponse:
        if transition not in TRANSITIONS or not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:lawyers_lawyerprofile_changelist"))
        profile = get_object_or_404(self.get_queryset(request), pk=object_id)
        service, needs_reason, label = TRANSITIONS[transition]
        form = DecisionReasonForm(request.POST or None)
        form.fields["reason"].required = needs_reason
        if request.method == "POST" and form.is_valid():
            kwargs = {"reason": form.cleaned_data["reason"]} if transition != "start_review" else {}
            try:
                service(profile=profile, by=request.user, **kwargs)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, f"{profile}: {label.lower()} done.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:lawyers_lawyerprofile_change", args=[profile.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label}: {profile}",
            "opts": self.model._meta,
            "original": profile,
            "profiles": [profile],
            "form": form,
            "transition": transition,
            "label": label,
            "needs_reason": needs_reason,
            "bulk": False,
        }
        return TemplateResponse(request, "admin/lawyers/lawyerprofile/decision_reason.html", context)


@admin.register(BarAdmission)
class BarAdmissionAdmin(SimpleHistoryAdmin):
    list_display = [
        "profile",
        "jurisdiction",
        "registration_number",
        "year_admitted",
        "verified_at",
        "verified_by",
    ]
    list_filter = [("verified_at", admin.EmptyFieldListFilter), "jurisdiction"]
    list_select_related = ["profile__user", "jurisdiction", "verified_by"]
    search_fields = ["registration_number", "profile__user__email", "profile__user__full_name"]
    readonly_fields = list_display
    fields = list_display
    actions = ["verify_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: BarAdmission, form: Any, change: bool) -> None:
        return None

    @admin.action(description="Verify selected admissions")
    def verify_selected(self, request: HttpRequest, admissions: QuerySet) -> None:
        verified = sum(
            services.bar_admission_verify(admission=a, by=request.user) for a in admissions.order_by("pk")
        )
        self.message_user(
            request, f"Verified {verified} admission{'s' if verified != 1 else ''}.", messages.SUCCESS
        )


@admin.register(VettingDecision)
class VettingDecisionAdmin(admin.ModelAdmin):
    list_display = ["at", "profile", "from_status", "to_status", "by", "reason", "notified_at"]
    list_filter = ["to_status"]
    list_select_related = ["profile__user", "by"]
    search_fields = ["profile__user__email", "reason"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SanctionedEntry)
class SanctionedEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "registration_number", "source", "created_at"]
    list_filter = ["jurisdiction"]
    list_select_related = ["jurisdiction"]
    search_fields = ["name", "registration_number", "source"]
    fields = ["name", "jurisdiction", "registration_number", "source", "note"]

    def save_model(self, request: HttpRequest, obj: SanctionedEntry, form: Any, change: bool) -> None:
        services.sanctioned_entry_save(entry=obj, by=request.user)
