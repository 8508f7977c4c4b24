"""The matters API: client members post and manage their organisation's matters and read the matching.

Thin views over the services and selectors, with nested Input/Output serializers. Every lookup starts
from `matters_visible_to(user)`: another organisation's matter is a 404; a lawyer gets 403.
"""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Membership
from engagements import match_runs, selectors, services
from engagements.models import MatchRun, Matter, Seat
from jurisdictions.models import Jurisdiction, PracticeArea


class IsClientMemberOrStaff(BasePermission):
    """Matters are for client members (their organisation's) and staff (all, read-only)."""

    message = "Matters are for members of a client organisation."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_staff or _is_member(request))


def _is_member(request: Request) -> bool:
    try:
        return request.user.membership is not None
    except Membership.DoesNotExist:
        return False


class JurisdictionRefField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Jurisdiction.objects.filter(is_active=True), **kwargs)


class PracticeAreaRefField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", queryset=PracticeArea.objects.all(), **kwargs)


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SlugNameSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class SeatInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="An existing seat to keep (when editing).")
    label = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    jurisdiction = JurisdictionRefField(help_text="ISO 3166 code of an active jurisdiction, e.g. `SG`.")
    practice_area = PracticeAreaRefField(help_text="Practice-area slug, e.g. `data-privacy`.")
    min_seniority_years = serializers.IntegerField(min_value=0, max_value=60, default=0)
    hours_per_week = serializers.DecimalField(max_digits=4, decimal_places=1)

    def to_seat_input(self, data: dict[str, Any]) -> services.SeatInput:
        return services.SeatInput(
            seat_id=data.get("id"),
            label=data.get("label", ""),
            jurisdiction=data["jurisdiction"],
            practice_area=data["practice_area"],
            min_seniority_years=data.get("min_seniority_years", 0),
            hours_per_week=data["hours_per_week"],
        )


class SeatOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    jurisdiction = CodeNameSerializer()
    practice_area = SlugNameSerializer()
    min_seniority_years = serializers.IntegerField()
    hours_per_week = serializers.DecimalField(max_digits=4, decimal_places=1)
    status = serializers.ChoiceField(choices=Seat.Status.choices)


class MatterInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField()
    confidential_details = serializers.CharField(required=False, allow_blank=True, default="")
    practice_area = PracticeAreaRefField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    engagement_model = serializers.ChoiceField(choices=Matter.EngagementModel.choices)
    is_pilot = serializers.BooleanField(required=False, default=False)
    rate_cap = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    budget_total = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, help_text="ISO 4217 code with a stored exchange rate.")
    required_languages = serializers.ListField(
        child=serializers.CharField(max_length=8), required=False, default=list
    )
    counterparties = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list
    )
    seats = SeatInputSerializer(many=True)

    def to_input(self) -> tuple[services.MatterInput, list[services.SeatInput]]:
        data = self.validated_data
        matter = services.MatterInput(
            title=data["title"],
            summary=data["summary"],
            confidential_details=data.get("confidential_details", ""),
            practice_area=data["practice_area"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            engagement_model=data["engagement_model"],
            is_pilot=data.get("is_pilot", False),
            rate_cap=data.get("rate_cap"),
            budget_total=data.get("budget_total"),
            currency=data["currency"],
            required_languages=data.get("required_languages", []),
            counterparties=data.get("counterparties", []),
        )
        seat_serializer = SeatInputSerializer()
        return matter, [seat_serializer.to_seat_input(seat) for seat in data["seats"]]


class MatterCreateInputSerializer(MatterInputSerializer):
    post = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Post at once (and start matching) instead of saving a draft.",
    )


class MatterOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.CharField(source="organisation.name")
    title = serializers.CharField()
    summary = serializers.CharField()
    confidential_details = serializers.CharField()
    practice_area = SlugNameSerializer()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    engagement_model = serializers.ChoiceField(choices=Matter.EngagementModel.choices)
    is_pilot = serializers.BooleanField()
    rate_cap = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    budget_total = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    required_languages = serializers.ListField(child=serializers.CharField())
    counterparties = serializers.ListField(child=serializers.CharField())
    status = serializers.ChoiceField(choices=Matter.Status.choices)
    cancel_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    posted_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    seats = SeatOutputSerializer(many=True, source="seats.all")


class MatterCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class FunnelStepSerializer(serializers.Serializer):
    filter = serializers.CharField()
    label = serializers.CharField()
    remaining = serializers.IntegerField()
    removed = serializers.IntegerField()


class FactorSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.DecimalField(
        max_digits=5, decimal_places=4, help_text="Share of the score (sums to 1)."
    )
    value = serializers.FloatField(help_text="The factor on a 0-1 scale.")
    points = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="100 × weight × value.")
    explanation = serializers.CharField()


class LawyerRefSerializer(serializers.Serializer):
    """What a client sees of a matched lawyer: no contact details."""

    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="user.full_name")
    headline = serializers.CharField()


class CandidateOutputSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    lawyer = LawyerRefSerializer()
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    rate = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Hourly, matter currency.")
    rate_usd = serializers.DecimalField(max_digits=12, decimal_places=2)
    cost = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="The whole seat, matter currency."
    )
    factors = FactorSerializer(many=True)


class SeatFunnelOutputSerializer(serializers.Serializer):
    considered = serializers.IntegerField()
    eligible = serializers.IntegerField()
    explanation = serializers.CharField()
    empty_reason = serializers.CharField()
    steps = FunnelStepSerializer(many=True)


class SeatResultOutputSerializer(serializers.Serializer):
    seat_id = serializers.IntegerField(source="seat.pk")
    label = serializers.CharField(source="seat.display_label")
    funnel = SeatFunnelOutputSerializer(allow_null=True)
    shortlist = CandidateOutputSerializer(many=True, source="candidates")


class TeamMemberOutputSerializer(serializers.Serializer):
    seat_id = serializers.IntegerField()
    lawyer = LawyerRefSerializer()
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    cost = serializers.DecimalField(max_digits=16, decimal_places=2)
    cost_usd = serializers.DecimalField(max_digits=16, decimal_places=2)


class TeamOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MatchRun.TeamStatus.choices, source="team_status")
    total_score = serializers.DecimalField(
        max_digits=8, decimal_places=2, source="team_total_score", allow_null=True
    )
    total_cost = serializers.DecimalField(
        max_digits=16, decimal_places=2, source="team_total_cost", allow_null=True
    )
    budget = serializers.DecimalField(max_digits=16, decimal_places=2, source="team_budget", allow_null=True)
    gap = serializers.FloatField(source="team_gap", allow_null=True)
    binding_constraint = serializers.CharField(source="team_binding")
    message = serializers.CharField(source="team_message")


class MatchResultsOutputSerializer(serializers.Serializer):
    run_id = serializers.IntegerField()
    currency = serializers.CharField()
    finished_at = serializers.DateTimeField()
    seats = SeatResultOutputSerializer(many=True)
    team = TeamOutputSerializer()
    team_members = TeamMemberOutputSerializer(many=True)


class MatchRunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=MatchRun.Status.choices)
    superseded = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    duration_ms = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()


class MatchingOutputSerializer(serializers.Serializer):
    latest_run = MatchRunOutputSerializer(allow_null=True, help_text="The most recent run and its state.")
    results = MatchResultsOutputSerializer(
        allow_null=True, help_text="The latest completed run's shortlists and team (null before the first)."
    )


def _matching_payload(matter: Matter) -> dict[str, Any]:
    view = selectors.matching_view(matter, list(matter.seats.all()))
    results = None
    if view.current is not None:
        results = {
            "run_id": view.current.pk,
            "currency": view.current.currency,
            "finished_at": view.current.finished_at,
            "seats": view.seats,
            "team": view.current,
            "team_members": view.team,
        }
    return {"latest_run": view.latest, "results": results}


@extend_schema_view(
    list=extend_schema(
        summary="List your organisation's matters", responses=MatterOutputSerializer(many=True)
    ),
    create=extend_schema(
        summary="Create a matter with its seats (a draft, or posted with `post: true`)",
        request=MatterCreateInputSerializer,
        responses={201: MatterOutputSerializer},
    ),
    retrieve=extend_schema(summary="One matter with its seats", responses=MatterOutputSerializer),
    update=extend_schema(
        summary="Edit a draft or open matter: seats with an `id` are kept, others added, missing removed",
        request=MatterInputSerializer,
        responses=MatterOutputSerializer,
    ),
)
class MatterViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, IsClientMemberOrStaff]
    queryset = Matter.objects.none()
    filterset_fields = ["status"]
    ordering_fields = ["created_at", "start_date", "title"]
    search_fields = ["title"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Matter]:
        return selectors.matter_list_for_user(self.request.user).prefetch_related(  # type: ignore[arg-type]
            selectors.seats_prefetch()
        )

    def _visible(self, pk: str) -> Matter:
        return selectors.matter_get_for_user(self.request.user, int(pk))  # type: ignore[arg-type]

    def _editable(self, pk: str) -> Matter:
        matter = self._visible(pk)
        if not selectors.matters_editable_by(self.request.user).filter(pk=matter.pk).exists():  # type: ignore[arg-type]
            raise PermissionDenied("Only members of the matter's organisation can change it.")
        return matter

    def _output(self, matter: Matter, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self._visible(str(matter.pk))
        return Response(MatterOutputSerializer(fresh).data, status=status_code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(MatterOutputSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        if not _is_member(request):
            raise PermissionDenied("Only members of a client organisation create matters.")
        serializer = MatterCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, seats = serializer.to_input()
        matter = services.matter_create(
            by=request.user,  # type: ignore[arg-type]
            data=data,
            seats=seats,
            post=serializer.validated_data.get("post", False),
        )
        return self._output(matter, status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(MatterOutputSerializer(self._visible(pk)).data)

    def update(self, request: Request, pk: str) -> Response:
        matter = self._editable(pk)
        serializer = MatterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, seats = serializer.to_input()
        services.matter_update(matter=matter, by=request.user, data=data, seats=seats)  # type: ignore[arg-type]
        return self._output(matter)

    @extend_schema(
        summary="Post a draft matter and start matching", request=None, responses=MatterOutputSerializer
    )
    @action(detail=True, methods=["post"], url_path="post", url_name="post")
    def post_matter(self, request: Request, pk: str) -> Response:
        matter = services.matter_post(matter=self._editable(pk), by=request.user)  # type: ignore[arg-type]
        return self._output(matter)

    @extend_schema(
        summary="Cancel a draft or open matter, with the reason",
        request=MatterCancelInputSerializer,
        responses=MatterOutputSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        matter = self._editable(pk)
        serializer = MatterCancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.matter_cancel(matter=matter, by=request.user, reason=serializer.validated_data["reason"])  # type: ignore[arg-type]
        return self._output(matter)

    @extend_schema(
        summary="Re-run matching (an identical run already queued or running is returned)",
        request=None,
        responses={202: MatchRunOutputSerializer},
    )
    @action(detail=True, methods=["post"])
    def rerun(self, request: Request, pk: str) -> Response:
        run = match_runs.match_run_request(matter=self._editable(pk), by=request.user)  # type: ignore[arg-type]
        return Response(MatchRunOutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="The latest match run's state, and the latest results: shortlists with factors, funnel, team",
        responses=MatchingOutputSerializer,
    )
    @action(detail=True, methods=["get"], url_path="runs/latest", url_name="run-latest")
    def run_latest(self, request: Request, pk: str) -> Response:
        return Response(MatchingOutputSerializer(_matching_payload(self._visible(pk))).data)
