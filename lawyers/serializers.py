"""Output serializers of the lawyer API, shared by its views. They only shape data for reading: every
write goes through `lawyers.services`, and each view's Input serializer lives with the view."""

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


@extend_schema_serializer(component_name="LawyerProfile")
class LawyerProfileOutputSerializer(serializers.ModelSerializer):
    """A whole profile: what a lawyer sees of their own, and the talent team of anyone's (detail)."""

    full_name = serializers.CharField(source="user.full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    admissions = BarAdmissionOutputSerializer(many=True, read_only=True)
    practice_areas = PracticeAreaExperienceOutputSerializer(many=True, read_only=True)
    languages = LanguageSkillOutputSerializer(many=True, read_only=True)
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
