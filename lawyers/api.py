"""The lawyer API: a lawyer's own profile, admissions and availability under `/api/v1/me/lawyer-profile/`,
and the talent team's lawyer list under `/api/v1/lawyers/`.

Thin views: every object comes from a selector scoped to the viewer (another lawyer's admission is a
404, a client has no profile here), every write goes through `lawyers.services` (so an API edit
re-runs the same vetting checks as the portal), and each view has its own Input serializer.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lawyers import selectors, services
from lawyers.filters import LawyerFilter
from lawyers.models import (
    BarAdmission,
    LawyerProfile,
    PracticeAreaExperience,
    Unavailability,
)
from lawyers.rules import validate_currency_code
from lawyers.serializers import (
    LAWYER_SUMMARY_COLUMNS,
    ActiveJurisdictionField,
    AvailabilityOutputSerializer,
    BarAdmissionOutputSerializer,
    LawyerProfileOutputSerializer,
    LawyerSummaryOutputSerializer,
    UnavailabilityOutputSerializer,
)
from marketplace.schema import errors

NO_PROFILE = "You do not have a lawyer profile."


class IsTalentTeam(BasePermission):
    """Staff only: everyone else, clients and lawyers alike, is refused (403)."""

    message = "Only the talent team can list lawyers."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def _whole_profiles(profiles: QuerySet[LawyerProfile]) -> QuerySet[LawyerProfile]:
    """Profiles with everything the profile output shows, in a fixed number of queries."""
    return _listed_profiles(profiles).prefetch_related(
        "experiences", "unavailabilities", "declared_conflicts"
    )


def _listed_profiles(profiles: QuerySet[LawyerProfile]) -> QuerySet[LawyerProfile]:
    return profiles.prefetch_related(
        Prefetch("admissions", queryset=BarAdmission.objects.select_related("jurisdiction")),
        Prefetch(
            "practice_areas", queryset=PracticeAreaExperience.objects.select_related("practice_area__parent")
        ),
        "languages",
    )


def _my_profile(request: Request) -> LawyerProfile:
    """The requester's own profile; 404 for anyone who is not a lawyer."""
    profile = selectors.lawyer_profile_for_user(request.user)
    if profile is None:
        raise NotFound(NO_PROFILE)
    return profile


def _my_whole_profile(request: Request) -> LawyerProfile:
    """The requester's own profile with everything the output shows; 404 for anyone not a lawyer."""
    visible = selectors.lawyer_profiles_visible_to(request.user).filter(user=request.user)
    profile = _whole_profiles(visible).first()
    if profile is None:
        raise NotFound(NO_PROFILE)
    return profile


# --- the lawyer's own profile --------------------------------------------------------------------------


@errors(404)  # not a lawyer: no profile
class MyLawyerProfileApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="LawyerProfileUpdate")
    class InputSerializer(serializers.Serializer):
        headline = serializers.CharField(max_length=200, allow_blank=True, required=False)
        bio = serializers.CharField(allow_blank=True, required=False)
        hourly_rate = serializers.DecimalField(
            max_digits=10, decimal_places=2, min_value=1, allow_null=True, required=False
        )
        rate_currency = serializers.CharField(
            max_length=3,
            allow_blank=True,
            required=False,
            validators=[validate_currency_code],
            help_text="ISO 4217 code of the hourly rate.",
        )
        weekly_capacity_hours = serializers.IntegerField(
            min_value=1, max_value=80, allow_null=True, required=False
        )

    @extend_schema(
        summary="My lawyer profile",
        responses={200: LawyerProfileOutputSerializer, 404: OpenApiResponse(description=NO_PROFILE)},
    )
    def get(self, request: Request) -> Response:
        return Response(LawyerProfileOutputSerializer(_my_whole_profile(request)).data)

    @extend_schema(
        summary="Edit my profile's basics",
        description="Fields left out keep their value. A changed rate or currency on a submitted profile "
        "re-runs the affected vetting checks, as in the portal.",
        request=InputSerializer,
        responses=LawyerProfileOutputSerializer,
    )
    def patch(self, request: Request) -> Response:
        profile = _my_profile(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        basics = {
            "headline": profile.headline,
            "bio": profile.bio,
            "hourly_rate": profile.hourly_rate,
            "rate_currency": profile.rate_currency,
            "weekly_capacity_hours": profile.weekly_capacity_hours,
            **serializer.validated_data,
        }
        if (basics["hourly_rate"] is None) != (not basics["rate_currency"]):
            raise serializers.ValidationError(
                {"rate_currency": ["Give the hourly rate and its currency together."]}
            )
        services.lawyer_profile_update(profile=profile, by=request.user, **basics)
        return Response(LawyerProfileOutputSerializer(_my_whole_profile(request)).data)


@errors(404)  # not a lawyer: no profile
class MyAvailabilityApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="LawyerAvailabilityUpdate")
    class InputSerializer(serializers.Serializer):
        weekly_capacity_hours = serializers.IntegerField(
            min_value=1, max_value=80, allow_null=True, help_text="Hours a week you can take on."
        )

    @extend_schema(summary="My weekly capacity and unavailable dates", responses=AvailabilityOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(AvailabilityOutputSerializer(self._availability(request)).data)

    @extend_schema(
        summary="Change my weekly capacity",
        request=InputSerializer,
        responses=AvailabilityOutputSerializer,
    )
    def patch(self, request: Request) -> Response:
        profile = _my_profile(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.lawyer_profile_update(
            profile=profile,
            by=request.user,
            headline=profile.headline,
            bio=profile.bio,
            hourly_rate=profile.hourly_rate,
            rate_currency=profile.rate_currency,
            weekly_capacity_hours=serializer.validated_data["weekly_capacity_hours"],
        )
        return Response(AvailabilityOutputSerializer(self._availability(request)).data)

    def _availability(self, request: Request) -> LawyerProfile:
        visible = selectors.lawyer_profiles_visible_to(request.user).filter(user=request.user)
        profile = visible.prefetch_related("unavailabilities").first()
        if profile is None:
            raise NotFound(NO_PROFILE)
        return profile


@errors(404)  # not a lawyer: no profile
class _MyProfileItemViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """One list section of the requester's own profile: list, add, show and remove entries.

    Lookups are within the requester's profile, so another lawyer's entry is a 404.
    """

    section: str
    permission_classes = [IsAuthenticated]
    pagination_class = None
    lookup_value_regex = r"[0-9]+"
    filter_backends: list[Any] = []

    def profile(self) -> LawyerProfile:
        if not hasattr(self, "_profile"):
            self._profile = _my_profile(self.request)
        return self._profile

    def entries(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no requester
            return self.queryset
        return self.entries().filter(profile=self.profile())

    def new_entry(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        profile = self.profile()
        serializer = self.InputSerializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        entry = self.new_entry(serializer.validated_data)
        services.lawyer_profile_items_save(
            profile=profile, section=self.section, saved=[entry], deleted=[], by=request.user
        )
        saved = self.get_queryset().get(pk=entry.pk)
        return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entry = self.get_object()
        services.lawyer_profile_items_save(
            profile=self.profile(), section=self.section, saved=[], deleted=[entry], by=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="My bar admissions"),
    retrieve=extend_schema(summary="One of my bar admissions"),
    destroy=extend_schema(
        summary="Remove one of my bar admissions",
        description="On a submitted profile this re-runs the admission checks, as in the portal.",
    ),
)
class MyBarAdmissionViewSet(_MyProfileItemViewSet):
    section = "admissions"
    queryset = BarAdmission.objects.none()
    serializer_class = BarAdmissionOutputSerializer

    @extend_schema_serializer(component_name="BarAdmissionCreate")
    class InputSerializer(serializers.Serializer):
        jurisdiction = ActiveJurisdictionField(
            help_text="ISO 3166 code of a jurisdiction active in the network."
        )
        registration_number = serializers.CharField(
            max_length=40, help_text="As on the register; spaces and letter case are ignored."
        )
        year_admitted = serializers.IntegerField(min_value=1940)

        def validate_year_admitted(self, value: int) -> int:
            if value > timezone.localdate().year:
                raise serializers.ValidationError("The year of admission cannot be in the future.")
            return value

    def entries(self) -> QuerySet[BarAdmission]:
        return BarAdmission.objects.select_related("jurisdiction")

    def new_entry(self, data: dict[str, Any]) -> BarAdmission:
        return BarAdmission(
            jurisdiction=data["jurisdiction"],
            registration_number=data["registration_number"],
            year_admitted=data["year_admitted"],
        )

    @extend_schema(
        summary="Add a bar admission",
        description="Unverified until the talent team verifies it. On a submitted profile this re-runs the "
        "admission checks (format, duplicates, years, sanctions), as in the portal.",
        request=InputSerializer,
        responses={201: BarAdmissionOutputSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="My unavailable dates"),
    retrieve=extend_schema(summary="One of my unavailable periods"),
    destroy=extend_schema(summary="Remove one of my unavailable periods"),
)
class MyUnavailabilityViewSet(_MyProfileItemViewSet):
    section = "unavailabilities"
    queryset = Unavailability.objects.none()
    serializer_class = UnavailabilityOutputSerializer

    @extend_schema_serializer(component_name="UnavailabilityCreate")
    class InputSerializer(serializers.Serializer):
        start = serializers.DateField(help_text="First day you are unavailable.")
        end = serializers.DateField(help_text="Last day you are unavailable.")
        reason = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")

        def validate(self, data: dict[str, Any]) -> dict[str, Any]:
            if data["end"] < data["start"]:
                raise serializers.ValidationError({"end": "The last day must be on or after the first day."})
            return data

    def entries(self) -> QuerySet[Unavailability]:
        return Unavailability.objects.all()

    def new_entry(self, data: dict[str, Any]) -> Unavailability:
        return Unavailability(start=data["start"], end=data["end"], reason=data["reason"].strip())

    @extend_schema(
        summary="Add an unavailable period",
        request=InputSerializer,
        responses={201: UnavailabilityOutputSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)


# --- the talent team's view ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List lawyers (talent team)",
        description="Every lawyer in the network, filtered and paginated, each as a summary (the whole "
        "profile is the detail's). Rates are filtered in `currency` (default USD) against each lawyer's "
        "own rate converted with the stored exchange rates.",
        responses=LawyerSummaryOutputSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="One lawyer's whole profile (talent team)", responses=LawyerProfileOutputSerializer
    ),
)
class LawyerViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsTalentTeam]
    queryset = LawyerProfile.objects.none()
    serializer_class = LawyerProfileOutputSerializer
    filterset_class = LawyerFilter
    search_fields = ["user__full_name", "user__email", "headline"]
    ordering_fields = ["id", "seniority_years", "created_at", "user__full_name"]
    ordering = ["id"]
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return LawyerSummaryOutputSerializer if self.action == "list" else LawyerProfileOutputSerializer

    def get_queryset(self) -> QuerySet[LawyerProfile]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no requester
            return self.queryset
        profiles = selectors.lawyer_profiles_visible_to(self.request.user)
        if self.action == "list":
            # The page's admissions, areas and languages are read by the list serializer, as values.
            return profiles.only(*LAWYER_SUMMARY_COLUMNS)
        return _whole_profiles(profiles)
