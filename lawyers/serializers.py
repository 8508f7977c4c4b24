"""Output serializers of the lawyer API, shared by its views. They only shape data for reading: every
write goes through `lawyers.services`, and each view's Input serializer lives with the view."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Manager
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from jurisdictions.api import JurisdictionRefSerializer, PracticeAreaRefSerializer
from jurisdictions.models import Jurisdiction, PracticeArea
from lawyers.models import (
    BarAdmission,
    DeclaredConflict,
    Experience,
    LanguageSkill,
    LawyerProfile,
    PracticeAreaExperience,
    Unavailability,
)


@extend_schema_serializer(component_name="BarAdmission")
class BarAdmissionOutputSerializer(serializers.ModelSerializer):
    jurisdiction = JurisdictionRefSerializer(read_only=True)
    verified = serializers.BooleanField(
        source="is_verified", read_only=True, help_text="Verified by the talent team: only these are matched."
    )

    class Meta:
        model = BarAdmission
        fields = ["id", "jurisdiction", "registration_number", "year_admitted", "verified", "verified_at"]


@extend_schema_serializer(component_name="LawyerPracticeAreaRef")
class PracticeAreaWithParentSerializer(serializers.ModelSerializer):
    parent = PracticeAreaRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = PracticeArea
        fields = ["id", "slug", "name", "parent"]


@extend_schema_serializer(component_name="LawyerPracticeArea")
class PracticeAreaExperienceOutputSerializer(serializers.ModelSerializer):
    practice_area = PracticeAreaWithParentSerializer(read_only=True)
    proficiency_label = serializers.CharField(source="get_proficiency_display", read_only=True)

    class Meta:
        model = PracticeAreaExperience
        fields = ["id", "practice_area", "years", "proficiency", "proficiency_label"]


@extend_schema_serializer(component_name="LanguageSkill")
class LanguageSkillOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = LanguageSkill
        fields = ["code", "level"]


@extend_schema_serializer(component_name="Experience")
class ExperienceOutputSerializer(serializers.ModelSerializer):
    # A plain string in the schema: an enum here would be named after `kind` and rename others' enums.
    kind = serializers.CharField(read_only=True, help_text="`law_firm`, `in_house` or `other`.")

    class Meta:
        model = Experience
        fields = ["id", "organisation", "role", "kind", "start_date", "end_date"]


@extend_schema_serializer(component_name="Unavailability")
class UnavailabilityOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unavailability
        fields = ["id", "start", "end", "reason"]


@extend_schema_serializer(component_name="DeclaredConflict")
class DeclaredConflictOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeclaredConflict
        fields = ["id", "organisation", "note"]


class LawyerSummaryListSerializer(serializers.ListSerializer):
    """A page of the talent team's list: the same JSON as `LawyerSummaryOutputSerializer` gives each
    profile, built as plain dicts. The page's admissions (with jurisdiction code and name), practice
    areas (with their parent's slug and name) and languages are read as values in three queries, in
    their models' orders, instead of prefetching model instances of all five tables; dates and
    amounts are formatted by the summary's own fields (same formats, time zone and decimals)."""

    def _formatters(self) -> tuple[Any, Any, Any]:
        """How the summary's own fields write dates and amounts (fields made once per page, unbound:
        building a ModelSerializer's fields copies and inspects them, a few ms a page)."""
        rate = LawyerProfile._meta.get_field("hourly_rate")
        when = serializers.DateTimeField(read_only=True).to_representation
        amount = serializers.DecimalField(
            max_digits=rate.max_digits, decimal_places=rate.decimal_places, read_only=True
        ).to_representation
        return when, amount, when

    def to_representation(self, data: Iterable[LawyerProfile]) -> list[dict[str, Any]]:
        profiles = list(data.all() if isinstance(data, Manager) else data)
        ids = [profile.pk for profile in profiles]
        when, amount, verified_when = self._formatters()

        admissions: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for pk, profile_id, code, name, number, year, verified_at in (
            BarAdmission.objects.filter(profile_id__in=ids)
            .order_by(*BarAdmission._meta.ordering)
            .values_list(
                "pk",
                "profile_id",
                "jurisdiction__code",
                "jurisdiction__name",
                "registration_number",
                "year_admitted",
                "verified_at",
            )
        ):
            admissions[profile_id].append(
                {
                    "id": pk,
                    "jurisdiction": {"code": code, "name": name},
                    "registration_number": number,
                    "year_admitted": year,
                    "verified": verified_at is not None,
                    "verified_at": None if verified_at is None else verified_when(verified_at),
                }
            )

        labels = {value: str(label) for value, label in PracticeAreaExperience.Proficiency.choices}
        areas: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in (
            PracticeAreaExperience.objects.filter(profile_id__in=ids)
            .order_by(*PracticeAreaExperience._meta.ordering)
            .values_list(
                "pk",
                "profile_id",
                "practice_area_id",
                "practice_area__slug",
                "practice_area__name",
                "practice_area__parent_id",
                "practice_area__parent__slug",
                "practice_area__parent__name",
                "years",
                "proficiency",
            )
        ):
            pk, profile_id, area_id, slug, name, parent_id, parent_slug, parent_name, years, level = row
            areas[profile_id].append(
                {
                    "id": pk,
                    "practice_area": {
                        "id": area_id,
                        "slug": slug,
                        "name": name,
                        "parent": None if parent_id is None else {"slug": parent_slug, "name": parent_name},
                    },
                    "years": years,
                    "proficiency": level,
                    "proficiency_label": labels.get(level, level),
                }
            )

        languages: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for profile_id, code, level in (
            LanguageSkill.objects.filter(profile_id__in=ids)
            .order_by(*LanguageSkill._meta.ordering)
            .values_list("profile_id", "code", "level")
        ):
            languages[profile_id].append({"code": code, "level": level})

        return [
            {
                "id": profile.pk,
                "full_name": profile.user.full_name,
                "email": profile.user.email,
                "status": profile.status,
                "headline": profile.headline,
                "hourly_rate": None if profile.hourly_rate is None else amount(profile.hourly_rate),
                "rate_currency": profile.rate_currency,
                "weekly_capacity_hours": profile.weekly_capacity_hours,
                "seniority_years": profile.seniority_years,
                "submitted_at": None if profile.submitted_at is None else when(profile.submitted_at),
                "decided_at": None if profile.decided_at is None else when(profile.decided_at),
                "admissions": admissions[profile.pk],
                "practice_areas": areas[profile.pk],
                "languages": languages[profile.pk],
                "updated_at": None if profile.updated_at is None else when(profile.updated_at),
            }
            for profile in profiles
        ]


# The columns the list shows (the list reads nothing else of the profile or its user).
LAWYER_SUMMARY_COLUMNS = [
    "id",
    "user__full_name",
    "user__email",
    "status",
    "headline",
    "hourly_rate",
    "rate_currency",
    "weekly_capacity_hours",
    "seniority_years",
    "submitted_at",
    "decided_at",
    "updated_at",
]


@extend_schema_serializer(component_name="LawyerSummary")
class LawyerSummaryOutputSerializer(serializers.ModelSerializer):
    """A lawyer in the talent team's list: who, where admitted, in what, at what rate. The whole
    profile (bio, experience, unavailability, declared conflicts) is the detail's."""

    full_name = serializers.CharField(source="user.full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    admissions = BarAdmissionOutputSerializer(many=True, read_only=True)
    practice_areas = PracticeAreaExperienceOutputSerializer(many=True, read_only=True)
    languages = LanguageSkillOutputSerializer(many=True, read_only=True)

    class Meta:
        model = LawyerProfile
        fields = [
            "id",
            "full_name",
            "email",
            "status",
            "headline",
            "hourly_rate",
            "rate_currency",
            "weekly_capacity_hours",
            "seniority_years",
            "submitted_at",
            "decided_at",
            "admissions",
            "practice_areas",
            "languages",
            "updated_at",
        ]
        list_serializer_class = LawyerSummaryListSerializer


@extend_schema_serializer(component_name="LawyerProfile")
class LawyerProfileOutputSerializer(LawyerSummaryOutputSerializer):
    """A whole profile: what a lawyer sees of their own, and the talent team of anyone's (detail): the
    summary with the bio, the decision's reason, experience, unavailability and declared conflicts."""

    experiences = ExperienceOutputSerializer(many=True, read_only=True)
    unavailabilities = UnavailabilityOutputSerializer(many=True, read_only=True)
    declared_conflicts = DeclaredConflictOutputSerializer(many=True, read_only=True)

    class Meta:
        model = LawyerProfile
        fields = [
            "id",
            "full_name",
            "email",
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
            "admissions",
            "practice_areas",
            "languages",
            "experiences",
            "unavailabilities",
            "declared_conflicts",
            "updated_at",
        ]


@extend_schema_serializer(component_name="LawyerAvailability")
class AvailabilityOutputSerializer(serializers.ModelSerializer):
    unavailabilities = UnavailabilityOutputSerializer(many=True, read_only=True)

    class Meta:
        model = LawyerProfile
        fields = ["weekly_capacity_hours", "unavailabilities"]


class ActiveJurisdictionField(serializers.SlugRelatedField):
    """A jurisdiction active in the network, by its ISO 3166 code (any letter case)."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Jurisdiction.objects.filter(is_active=True))
        kwargs.setdefault(
            "error_messages",
            {"does_not_exist": "“{value}” is not a jurisdiction active in the network (give its ISO code)."},
        )
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_internal_value(self, data: object) -> Jurisdiction:
        return super().to_internal_value(str(data).strip().upper() if isinstance(data, str) else data)
