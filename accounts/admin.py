"""Admin for the talent team: users (email login), client organisations and their memberships."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from accounts import services
from accounts.forms import UserAdminChangeForm, UserAdminCreationForm
from accounts.models import ClientOrganisation, Membership, User


class EmailVerifiedFilter(admin.SimpleListFilter):
    title = "email verified"
    parameter_name = "verified"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() == "yes":
            return queryset.filter(email_verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(email_verified_at__isnull=True)
        return queryset


class RoleFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("client", "Client member"), ("lawyer", "Lawyer"), ("staff", "Talent team")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() == "client":
            return queryset.filter(membership__isnull=False)
        if self.value() == "lawyer":
            return queryset.filter(lawyer_profile__isnull=False)
        if self.value() == "staff":
            return queryset.filter(is_staff=True)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("full_name", "email_verified_at")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "full_name", "role", "is_staff", "verified", "date_joined")
    list_filter = (RoleFilter, EmailVerifiedFilter, "is_staff", "is_superuser", "is_active", "groups")
    list_select_related = ("membership__organisation", "lawyer_profile")
    search_fields = ("email", "full_name", "membership__organisation__name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    date_hierarchy = "date_joined"
    actions = ["mark_email_verified"]

    @admin.display(boolean=True, description="verified", ordering="email_verified_at")
    def verified(self, obj: User) -> bool:
        return obj.email_verified

    @admin.display(description="role")
    def role(self, obj: User) -> str:
        if obj.is_staff:
            return "Talent team"
        if hasattr(obj, "lawyer_profile"):
            return "Lawyer"
        membership = getattr(obj, "membership", None)
        if membership is not None:
            return f"{membership.get_role_display()}, {membership.organisation.name}"
        return "—"

    @admin.action(description="Mark email address verified")
    def mark_email_verified(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = sum(
            services.email_mark_verified(user=user) for user in queryset.filter(email_verified_at=None)
        )
        self.message_user(request, f"{count} user(s) marked verified.", messages.SUCCESS)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)


@admin.register(ClientOrganisation)
class ClientOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "member_count", "join_code", "created_at")
    search_fields = ("name", "slug", "join_code")
    readonly_fields = ("created_at",)
    fields = ("name", "slug", "join_code", "created_at")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClientOrganisation]:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"join_code": services.join_code_generate(), **super().get_changeform_initial_data(request)}

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj: ClientOrganisation) -> int:
        return obj.member_count  # type: ignore[attr-defined]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("user", "organisation")
    search_fields = ("user__email", "user__full_name", "organisation__name")
    autocomplete_fields = ("user", "organisation")
