"""The delivery API: time entries (lawyers log, clients approve or reject), ratings, SLA figures.

Thin views over `engagements.delivery` and `engagements.sla`, with Input/Output serializers. Every
lookup starts from a queryset scoped to the viewer: another lawyer's or another organisation's time
entry, engagement or rating is a 404; an action the viewer's role does not allow on something they
may see (a lawyer approving their own time) is a 403.
"""

from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Membership
from engagements import delivery, sla
from engagements.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from engagements.models import Engagement, Rating, SlaBreach, TimeEntry
from marketplace.filters import IdFilter
from marketplace.schema import errors

BREACHES_LISTED = 20


def _is_lawyer(request: Request) -> bool:
    return hasattr(request.user, "lawyer_profile")


def _membership(request: Request) -> Membership | None:
    try:
        return request.user.membership  # type: ignore[union-attr]
    except Membership.DoesNotExist:
        return None


class IsLawyerToCreate(BasePermission):
    message = "Time is logged by the engagement's lawyer."

    def has_permission(self, request: Request, view: Any) -> bool:
        return view.action != "create" or _is_lawyer(request)


class IsClientMemberToCreate(BasePermission):
    message = "Ratings are given by members of the client organisation."

    def has_permission(self, request: Request, view: Any) -> bool:
        return view.action != "create" or _membership(request) is not None


def _visible_engagement(request: Request, pk: int) -> Engagement:
    return delivery.engagement_get_for_delivery(request.user, pk)  # type: ignore[arg-type]


# --- serializers ---------------------------------------------------------------------------------


class EngagementRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    matter_id = serializers.IntegerField()
    matter = serializers.CharField(source="matter.title")
    seat = serializers.CharField(source="seat.display_label")
    lawyer_id = serializers.IntegerField()
    lawyer = serializers.CharField(source="lawyer.user.full_name")
    currency = serializers.CharField()
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2)
    hours_per_week = serializers.DecimalField(max_digits=4, decimal_places=1)


class OutlookOutputSerializer(serializers.Serializer):
    """What the entry does (or would do) to the budget and the week, in the matter's currency."""

    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Matter currency.")
    currency = serializers.CharField(source="spend.currency")
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, source="spend.budget", allow_null=True)
    committed_before = serializers.DecimalField(
        max_digits=16, decimal_places=2, source="spend.committed", help_text="Approved + pending, before it."
    )
    committed_after = serializers.DecimalField(max_digits=16, decimal_places=2, source="spend_after")
    over_budget = serializers.BooleanField()
    week_start = serializers.DateField()
    week_hours_before = serializers.DecimalField(max_digits=6, decimal_places=2, source="week_logged")
    week_hours_after = serializers.DecimalField(max_digits=6, decimal_places=2, source="week_after")
    hours_per_week = serializers.DecimalField(max_digits=4, decimal_places=1)
    over_weekly_hours = serializers.BooleanField(source="over_week")
    warnings = serializers.SerializerMethodField()

    def get_warnings(self, outlook: delivery.TimeEntryOutlook) -> list[str]:
        warnings = []
        if outlook.over_week:
            warnings.append(outlook.week_message())
        if outlook.over_budget:
            warnings.append(outlook.budget_message())
        return warnings


class TimeEntryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    engagement = EngagementRefSerializer()
    work_date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=2)
    description = serializers.CharField()
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Hours × the engagement's rate, in its currency."
    )
    status = serializers.ChoiceField(choices=TimeEntry.Status.choices)
    created_at = serializers.DateTimeField()
    reviewed_by = serializers.CharField(source="reviewed_by.full_name", allow_null=True, default=None)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField()
    outlook = serializers.SerializerMethodField(
        help_text="Only in the answer to logging it: the budget and the week with this entry, and warnings."
    )

    @extend_schema_field(OutlookOutputSerializer(allow_null=True))
    def get_outlook(self, entry: TimeEntry) -> dict[str, Any] | None:
        outlook = self.context.get("outlook")
        return None if outlook is None else OutlookOutputSerializer(outlook).data


class TimeEntryInputSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(help_text="One of your active engagements.")
    work_date = serializers.DateField(help_text="Within the engagement's dates, not in the future.")
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("24")
    )
    description = serializers.CharField(max_length=4000)
    confirm_over_budget = serializers.BooleanField(
        default=False,
        help_text="Log it even though it takes the matter's committed spend over its budget "
        "(without it, such an entry is refused with 409 `over_budget`).",
    )


class TimeEntryCheckInputSerializer(serializers.Serializer):
    engagement = serializers.IntegerField()
    work_date = serializers.DateField()
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("24")
    )


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class TimeEntryFilter(django_filters.FilterSet):
    engagement = IdFilter(field_name="engagement_id")
    matter = IdFilter(field_name="engagement__matter_id")
    status = django_filters.ChoiceFilter(choices=TimeEntry.Status.choices)
    work_date_from = django_filters.DateFilter(field_name="work_date", lookup_expr="gte")
    work_date_to = django_filters.DateFilter(field_name="work_date", lookup_expr="lte")

    class Meta:
        model = TimeEntry
        fields = ["engagement", "matter", "status", "work_date_from", "work_date_to"]


# --- time entries --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Time entries: on your engagements (lawyers), on your organisation's matters (clients)",
        responses=TimeEntryOutputSerializer(many=True),
    ),
    retrieve=extend_schema(summary="One time entry", responses=TimeEntryOutputSerializer),
    create=extend_schema(
        summary="Log time on one of your active engagements (lawyers)",
        description=(
            "Refused with 409 `over_budget` when it would take the matter's committed spend (approved + "
            "pending) over its budget, unless `confirm_over_budget` is true. Going over the engagement's "
            "hours a week is allowed and reported in `outlook.warnings`; `POST /time-entries/check/` "
            "answers both before logging."
        ),
        request=TimeEntryInputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={201: TimeEntryOutputSerializer},
    ),
)
class TimeEntryViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, IsLawyerToCreate]
    queryset = TimeEntry.objects.none()
    filterset_class = TimeEntryFilter
    ordering_fields = ["work_date", "created_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[TimeEntry]:
        return delivery.time_entries_visible_to(self.request.user)  # type: ignore[arg-type]

    def _visible(self, pk: str | int) -> TimeEntry:
        entry = self.get_queryset().filter(pk=int(pk)).first()
        if entry is None:
            raise Http404("No such time entry.")
        return entry

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(TimeEntryOutputSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(TimeEntryOutputSerializer(self._visible(pk)).data)

    @errors(404, 409)  # an engagement that is not yours; over budget without confirming
    @idempotent
    def create(self, request: Request) -> Response:
        serializer = TimeEntryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        engagement = _visible_engagement(request, data["engagement"])
        # The flags as they stand just before logging (the service checks them again under its locks).
        outlook = None
        if engagement.lawyer.user_id == request.user.pk:
            outlook = delivery.time_entry_outlook(
                engagement=engagement, work_date=data["work_date"], hours=data["hours"]
            )
        entry = delivery.time_entry_log(
            engagement=engagement,
            by=request.user,  # type: ignore[arg-type]
            work_date=data["work_date"],
            hours=data["hours"],
            description=data["description"],
            confirm_over_budget=data["confirm_over_budget"],
        )
        output = TimeEntryOutputSerializer(self._visible(entry.pk), context={"outlook": outlook})
        return Response(output.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="What logging these hours would do to the budget and the week, without logging them",
        request=TimeEntryCheckInputSerializer,
        responses=OutlookOutputSerializer,
    )
    @errors(404)  # an engagement that is not yours
    @action(detail=False, methods=["post"], permission_classes=[IsAuthenticated])
    def check(self, request: Request) -> Response:
        serializer = TimeEntryCheckInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        engagement = _visible_engagement(request, data["engagement"])
        if engagement.lawyer.user_id != request.user.pk:
            raise delivery.NotAllowedError("Only the lawyer on this engagement logs time on it.")
        outlook = delivery.time_entry_outlook(
            engagement=engagement, work_date=data["work_date"], hours=data["hours"]
        )
        return Response(OutlookOutputSerializer(outlook).data)

    @extend_schema(
        summary="Approve a submitted entry (members of the matter's organisation)",
        request=None,
        responses=TimeEntryOutputSerializer,
    )
    @errors(409)  # already reviewed
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        delivery.time_entry_approve(entry=self._visible(pk), by=request.user)  # type: ignore[arg-type]
        return Response(TimeEntryOutputSerializer(self._visible(pk)).data)

    @extend_schema(
        summary="Reject a submitted entry, with the reason (members of the matter's organisation)",
        request=RejectInputSerializer,
        responses=TimeEntryOutputSerializer,
    )
    @errors(409)  # already reviewed
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        entry = self._visible(pk)
        if not delivery.can_review(request.user, entry.engagement):  # type: ignore[arg-type]
            # The role, before the input: a lawyer is told they may not, not that the reason is missing.
            raise delivery.NotAllowedError("Only members of the matter's organisation can reject time.")
        serializer = RejectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        delivery.time_entry_reject(entry=entry, by=request.user, reason=serializer.validated_data["reason"])  # type: ignore[arg-type]
        return Response(TimeEntryOutputSerializer(self._visible(pk)).data)


# --- ratings -------------------------------------------------------------------------------------


class RatingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    engagement = EngagementRefSerializer()
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField()
    rated_by = serializers.CharField(source="rated_by.full_name", allow_null=True, default=None)
    created_at = serializers.DateTimeField()


class RatingFilter(django_filters.FilterSet):
    engagement = IdFilter(field_name="engagement_id")

    class Meta:
        model = Rating
        fields = ["engagement"]


class RatingInputSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(help_text="A completed engagement on your organisation's matter.")
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(
        summary="Ratings your organisation gave (clients), or received (lawyers)",
        responses=RatingOutputSerializer(many=True),
    ),
    retrieve=extend_schema(summary="One rating", responses=RatingOutputSerializer),
    create=extend_schema(
        summary="Rate the lawyer on a completed engagement, once (clients)",
        request=RatingInputSerializer,
        responses={201: RatingOutputSerializer},
    ),
)
class RatingViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, IsClientMemberToCreate]
    queryset = Rating.objects.none()
    filterset_class = RatingFilter
    ordering_fields = ["created_at", "score"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Rating]:
        return delivery.ratings_visible_to(self.request.user)  # type: ignore[arg-type]

    def _visible(self, pk: str | int) -> Rating:
        rating = self.get_queryset().filter(pk=int(pk)).first()
        if rating is None:
            raise Http404("No such rating.")
        return rating

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(RatingOutputSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(RatingOutputSerializer(self._visible(pk)).data)

    @errors(404, 409)  # an engagement that is not yours; rated already, or not completed
    def create(self, request: Request) -> Response:
        serializer = RatingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rating = delivery.engagement_rate(
            engagement=_visible_engagement(request, data["engagement"]),
            by=request.user,  # type: ignore[arg-type]
            score=data["score"],
            comment=data["comment"],
        )
        return Response(RatingOutputSerializer(self._visible(rating.pk)).data, status=status.HTTP_201_CREATED)


# --- SLAs ----------------------------------------------------------------------------------------

PROMISE_HELP = (
    "shortlist: posting → first shortlist; staff: posting → every seat filled; answer: offer → answer."
)


class SlaTargetsOutputSerializer(serializers.Serializer):
    hours_to_shortlist = serializers.IntegerField(source="shortlist")
    hours_to_staff = serializers.IntegerField(source="staff")
    hours_to_answer_offer = serializers.IntegerField(source="answer")
    source = serializers.ChoiceField(
        choices=[("organisation", "organisation"), ("network", "network"), ("settings", "settings")],
        help_text="The organisation's own targets, the network default row, or the built-in defaults.",
    )


class SlaFigureOutputSerializer(serializers.Serializer):
    promise = serializers.ChoiceField(choices=SlaBreach.Kind.choices, source="kind", help_text=PROMISE_HELP)
    label = serializers.CharField()
    target_hours = serializers.IntegerField(allow_null=True)
    counted = serializers.IntegerField(help_text="Clocks measured: stopped, or running past the target.")
    within = serializers.IntegerField(help_text="Of those, within target.")
    breached = serializers.IntegerField()
    running = serializers.IntegerField(help_text="Clocks still running, within target so far.")
    percent = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    median_hours = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    worst_hours = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)


class SlaBreachOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    promise = serializers.ChoiceField(choices=SlaBreach.Kind.choices, source="kind", help_text=PROMISE_HELP)
    organisation = serializers.CharField(source="organisation.name")
    matter_id = serializers.IntegerField(allow_null=True)
    matter = serializers.CharField(source="matter.title", allow_null=True, default=None)
    offer_id = serializers.IntegerField(allow_null=True)
    target_hours = serializers.IntegerField()
    measured_hours = serializers.DecimalField(max_digits=10, decimal_places=2)
    detected_at = serializers.DateTimeField()


class SlaOutputSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=[("organisation", "organisation"), ("network", "network")],
        help_text="Your organisation's figures (clients) or the whole network's (staff).",
    )
    organisation = serializers.CharField(allow_null=True)
    targets = SlaTargetsOutputSerializer()
    since = serializers.DateTimeField(help_text="Clocks started since then, and every one still running.")
    figures = SlaFigureOutputSerializer(many=True)
    breaches = SlaBreachOutputSerializer(many=True, help_text=f"The latest {BREACHES_LISTED}.")


class IsClientMemberOrStaff(BasePermission):
    message = "SLA figures are for client organisations and the talent team."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_staff or _membership(request) is not None)


class SlaView(APIView):
    permission_classes = [IsAuthenticated, IsClientMemberOrStaff]

    @extend_schema(
        summary="SLA targets, attainment and recent breaches (your organisation's; the network's for staff)",
        responses=SlaOutputSerializer,
    )
    def get(self, request: Request) -> Response:
        breaches = SlaBreach.objects.select_related("organisation", "matter").order_by("-detected_at", "-pk")
        if request.user.is_staff:
            organisation_id, organisation = None, None
        else:
            membership = Membership.objects.select_related("organisation").get(user=request.user)
            organisation_id, organisation = membership.organisation_id, membership.organisation.name
            breaches = breaches.filter(organisation_id=organisation_id)
        report = sla.sla_report(organisation_id=organisation_id)
        payload = {
            "scope": "network" if organisation_id is None else "organisation",
            "organisation": organisation,
            "targets": report.targets,
            "since": report.since,
            "figures": report.kinds,
            "breaches": list(breaches[:BREACHES_LISTED]),
        }
        return Response(SlaOutputSerializer(payload).data)
