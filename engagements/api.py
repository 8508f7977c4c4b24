"""The staffing API. Client members post and manage their organisation's matters, read the matching,
send offers (`/matters/{id}/offers/`) and complete or terminate engagements; lawyers read and answer
the offers made to them (`/offers/`) and see their engagements (`/engagements/`).

Thin views over the services and selectors, with nested Input/Output serializers. Every lookup starts
from a selector scoped to the viewer: another organisation's matter, another lawyer's offer, is a 404;
a lawyer on the matters endpoints (or a client on `/offers/`) gets 403.
"""

import datetime as dt
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Membership
from engagements import match_runs, offers, selectors, services
from engagements.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from engagements.models import Engagement, MatchRun, Matter, Offer, Seat
from jurisdictions.models import Jurisdiction, PracticeArea
from lawyers.models import LawyerProfile
from marketplace.errors import ConflictError, DomainError
from marketplace.filters import IdFilter
from marketplace.schema import errors


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

    def to_representation(self, instance: Seat) -> dict[str, Any]:
        """What the declared fields give (tests/test_api_fast_output.py), without DRF's per-field walk."""
        jurisdiction, area = instance.jurisdiction, instance.practice_area
        return {
            "id": instance.pk,
            "label": str(instance.label),
            "jurisdiction": {"code": str(jurisdiction.code), "name": str(jurisdiction.name)},
            "practice_area": {"slug": str(area.slug), "name": str(area.name)},
            "min_seniority_years": int(instance.min_seniority_years),
            "hours_per_week": self.fields["hours_per_week"].to_representation(instance.hours_per_week),
            "status": _choice(instance.status),
        }


def _choice(value: Any) -> Any:
    """A ChoiceField's output for a model's choice value (the value itself, as its string)."""
    return value if value in ("", None) else str(value)


def _or_none(field: serializers.Field, value: Any) -> Any:
    return None if value is None else field.to_representation(value)


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

    def to_representation(self, instance: Matter) -> dict[str, Any]:
        """What the declared fields give (tests/test_api_fast_output.py), without DRF's per-field walk:
        the matter list serialises 50 matters and their seats."""
        fields = self.fields
        area = instance.practice_area
        seat_output = fields["seats"].child
        return {
            "id": instance.pk,
            "organisation": str(instance.organisation.name),
            "title": str(instance.title),
            "summary": str(instance.summary),
            "confidential_details": str(instance.confidential_details),
            "practice_area": {"slug": str(area.slug), "name": str(area.name)},
            "start_date": fields["start_date"].to_representation(instance.start_date),
            "end_date": fields["end_date"].to_representation(instance.end_date),
            "engagement_model": _choice(instance.engagement_model),
            "is_pilot": fields["is_pilot"].to_representation(instance.is_pilot),
            "rate_cap": _or_none(fields["rate_cap"], instance.rate_cap),
            "budget_total": _or_none(fields["budget_total"], instance.budget_total),
            "currency": str(instance.currency),
            "required_languages": [None if v is None else str(v) for v in instance.required_languages],
            "counterparties": [None if v is None else str(v) for v in instance.counterparties],
            "status": _choice(instance.status),
            "cancel_reason": str(instance.cancel_reason),
            "created_at": fields["created_at"].to_representation(instance.created_at),
            "updated_at": fields["updated_at"].to_representation(instance.updated_at),
            "posted_at": _or_none(fields["posted_at"], instance.posted_at),
            "cancelled_at": _or_none(fields["cancelled_at"], instance.cancelled_at),
            "seats": [seat_output.to_representation(seat) for seat in instance.seats.all()],
        }


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


# --- offers and engagements ----------------------------------------------------------------------


def _inline_enum(values: list[str], description: str) -> dict[str, Any]:
    # Wrapped in allOf so the schema keeps it inline: several components share this choice set under
    # the name "status", which drf-spectacular's enum naming cannot resolve without a settings override.
    return {"allOf": [{"type": "string", "enum": values}], "description": description}


@extend_schema_field(_inline_enum(Offer.Status.values, "The offer's state."))
class OfferStatusField(serializers.ChoiceField):
    """An offer's status: pending, accepted, declined, expired or withdrawn."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Offer.Status.choices, **kwargs)


@extend_schema_field(_inline_enum(Seat.Status.values, "Open, or filled by an engagement."))
class SeatStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Seat.Status.choices, **kwargs)


class OfferSeatSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField(source="display_label")
    jurisdiction = CodeNameSerializer()
    practice_area = SlugNameSerializer()
    hours_per_week = serializers.DecimalField(max_digits=4, decimal_places=1)
    status = SeatStatusField()


class OfferMatterSerializer(serializers.Serializer):
    """What a lawyer sees of the matter: the summary always; the client and confidential details only
    once the NDA is accepted (null before)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    practice_area = SlugNameSerializer()
    engagement_model = serializers.ChoiceField(choices=Matter.EngagementModel.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    required_languages = serializers.ListField(child=serializers.CharField())
    client = serializers.SerializerMethodField()
    confidential_details = serializers.SerializerMethodField()

    def _disclosed(self, matter: Matter) -> bool:
        return not self.context["offer"].nda_outstanding

    def get_client(self, matter: Matter) -> str | None:
        return matter.organisation.name if self._disclosed(matter) else None

    def get_confidential_details(self, matter: Matter) -> str | None:
        return matter.confidential_details if self._disclosed(matter) else None


class OfferTermsFields(serializers.Serializer):
    id = serializers.IntegerField()
    status = OfferStatusField()
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    hours_per_week = serializers.DecimalField(max_digits=4, decimal_places=1)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    expires_at = serializers.DateTimeField()
    nda_required = serializers.BooleanField()
    nda_accepted_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class LawyerOfferOutputSerializer(OfferTermsFields):
    """An offer as the lawyer it was made to sees it: never another candidate's name or rate."""

    seat = OfferSeatSerializer()
    matter = serializers.SerializerMethodField()
    engagement_id = serializers.SerializerMethodField()

    @extend_schema_field(OfferMatterSerializer)
    def get_matter(self, offer: Offer) -> dict[str, Any]:
        # One matter serializer for the whole list (building one per offer copies all its fields).
        output = getattr(self, "_matter_output", None)
        if output is None:
            output = self._matter_output = OfferMatterSerializer(context={"offer": offer})
        output.context["offer"] = offer
        return output.to_representation(offer.seat.matter)  # type: ignore[no-any-return]

    def get_engagement_id(self, offer: Offer) -> int | None:
        engagement = getattr(offer, "engagement", None) if offer.status == Offer.Status.ACCEPTED else None
        return engagement.pk if engagement is not None else None


class ClientOfferOutputSerializer(OfferTermsFields):
    seat_id = serializers.IntegerField()
    lawyer = LawyerRefSerializer()
    sent_by = serializers.CharField(source="sent_by.full_name", allow_null=True, default=None)


class OfferSendInputSerializer(serializers.Serializer):
    seat = serializers.IntegerField(help_text="A seat of this matter.")
    lawyer = serializers.IntegerField(help_text="The lawyer's id, as on the shortlist.")
    hourly_rate = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text="In the matter's currency; default: the lawyer's rate converted (at most the cap).",
    )
    hours_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, help_text="Default: the seat's."
    )
    start_date = serializers.DateField(required=False, help_text="Default: the matter's.")
    end_date = serializers.DateField(required=False, help_text="Default: the matter's.")
    expires_at = serializers.DateTimeField(required=False, help_text="Default: 72 hours from now.")


class OfferTeamInputSerializer(serializers.Serializer):
    expires_in_hours = serializers.IntegerField(min_value=1, max_value=24 * 30, default=72)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class EngagementOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    matter = serializers.SerializerMethodField()
    seat = OfferSeatSerializer()
    lawyer = LawyerRefSerializer()
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    hours_per_week = serializers.DecimalField(max_digits=4, decimal_places=1)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    status = serializers.ChoiceField(choices=Engagement.Status.choices)
    terminated_reason = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    terminated_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    @extend_schema_field(
        inline_serializer(
            "EngagementMatter",
            {
                "id": serializers.IntegerField(),
                "title": serializers.CharField(),
                "client": serializers.CharField(),
            },
        )
    )
    def get_matter(self, engagement: Engagement) -> dict[str, Any]:
        matter = engagement.matter
        return {"id": matter.pk, "title": matter.title, "client": matter.organisation.name}


class IsLawyer(BasePermission):
    message = "Offers are answered by lawyers; clients see a matter's offers under /matters/{id}/offers/."

    def has_permission(self, request: Request, view: Any) -> bool:
        return hasattr(request.user, "lawyer_profile")


@extend_schema_view(
    list=extend_schema(
        summary="Offers made to you (lawyers)", responses=LawyerOfferOutputSerializer(many=True)
    ),
    retrieve=extend_schema(
        summary="One offer made to you; the client and confidential details appear once the NDA is accepted",
        responses=LawyerOfferOutputSerializer,
    ),
)
class OfferViewSet(viewsets.GenericViewSet):
    """A lawyer's offers. Another lawyer's offer is a 404."""

    permission_classes = [IsAuthenticated, IsLawyer]
    queryset = Offer.objects.none()
    filterset_fields = ["status"]
    ordering_fields = ["created_at", "expires_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Offer]:
        return selectors.offers_for_lawyer(self.request.user)  # type: ignore[arg-type]

    def _own(self, pk: str) -> Offer:
        return selectors.offer_get_for_lawyer(self.request.user, int(pk))  # type: ignore[arg-type]

    def _output(self, pk: str, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(LawyerOfferOutputSerializer(self._own(pk)).data, status=status_code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(LawyerOfferOutputSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._output(pk)

    @extend_schema(
        summary="Accept the matter's NDA, which discloses its client and confidential details",
        request=None,
        responses=LawyerOfferOutputSerializer,
    )
    @errors(400, 409)  # no NDA on this offer; not pending any more
    @action(detail=True, methods=["post"], url_path="accept-nda", url_name="accept-nda")
    def accept_nda(self, request: Request, pk: str) -> Response:
        offers.offer_accept_nda(offer=self._own(pk), by=request.user)  # type: ignore[arg-type]
        return self._output(pk)

    @extend_schema(
        summary="Accept the offer: the first acceptance fills the seat and starts the engagement",
        request=None,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={201: EngagementOutputSerializer},
    )
    @errors(400, 409)  # the NDA first; not pending any more, or the seat just filled
    @action(detail=True, methods=["post"])
    @idempotent
    def accept(self, request: Request, pk: str) -> Response:
        engagement = offers.offer_accept(offer=self._own(pk), by=request.user)  # type: ignore[arg-type]
        fresh = selectors.engagements_visible_to(request.user).get(pk=engagement.pk)  # type: ignore[arg-type]
        return Response(EngagementOutputSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Decline the offer, with a reason",
        request=ReasonInputSerializer,
        responses=LawyerOfferOutputSerializer,
    )
    @errors(409)  # not pending any more
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offers.offer_decline(offer=self._own(pk), by=request.user, reason=serializer.validated_data["reason"])  # type: ignore[arg-type]
        return self._output(pk)


class MatterOffersMixin:
    """`/matters/{id}/offers/`: a client lists the matter's offers and sends new ones."""

    @extend_schema(
        methods=["GET"],
        summary="The matter's offers, every seat",
        responses=ClientOfferOutputSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Offer a seat to a lawyer (terms default from the lawyer's rate, the seat and the matter)",
        request=OfferSendInputSerializer,
        responses={201: ClientOfferOutputSerializer},
    )
    @errors(409, methods=["POST"])  # the seat filled, a pending offer already, the lawyer engaged
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="offers",
        url_name="offers",
        filter_backends=[],  # the list is the matter's offers, unfiltered (paginated)
    )
    def offers(self, request: Request, pk: str) -> Response:
        if request.method == "GET":
            matter = self._visible(pk)  # type: ignore[attr-defined]
            # Paginated like every other list, as the schema says.
            page = self.paginate_queryset(selectors.offers_of_matter(matter))  # type: ignore[attr-defined]
            data = ClientOfferOutputSerializer(page, many=True).data
            return self.get_paginated_response(data)  # type: ignore[attr-defined,no-any-return]
        matter = self._editable(pk)  # type: ignore[attr-defined]
        serializer = OfferSendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        seat = next((s for s in matter.seats.all() if s.pk == data["seat"]), None)
        if seat is None:
            raise DomainError("No such seat on this matter.", field="seat")
        seat.matter = matter
        lawyer = LawyerProfile.objects.select_related("user").filter(pk=data["lawyer"]).first()
        if lawyer is None:
            raise DomainError("No such lawyer.", field="lawyer")
        defaults = offers.offer_terms_default(seat=seat, lawyer=lawyer)
        offer = offers.offer_send(
            seat=seat,
            lawyer=lawyer,
            by=request.user,  # type: ignore[arg-type]
            hourly_rate=data.get("hourly_rate", defaults.hourly_rate),
            hours_per_week=data.get("hours_per_week", defaults.hours_per_week),
            start=data.get("start_date", defaults.start),
            end=data.get("end_date", defaults.end),
            expires_at=data.get("expires_at", defaults.expires_at),
        )
        fresh = selectors.offers_visible_to_client(request.user).get(pk=offer.pk)  # type: ignore[arg-type]
        return Response(ClientOfferOutputSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Offer every open seat to the proposed team's lawyer, in one go",
        request=OfferTeamInputSerializer,
        responses={201: ClientOfferOutputSerializer(many=True)},
    )
    @errors(409)  # no proposed team yet, or nothing left to offer
    @action(
        detail=True,
        methods=["post"],
        url_path="offers/team",
        url_name="offers-team",
        filter_backends=[],
        pagination_class=None,  # the offers sent, as a plain list
    )
    def offers_team(self, request: Request, pk: str) -> Response:
        matter = self._editable(pk)  # type: ignore[attr-defined]
        serializer = OfferTeamInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = selectors.match_run_current(matter)
        if run is None:
            raise ConflictError("There is no proposed team yet.", code="no_team")
        sent = offers.offers_send_team(
            run=run,
            by=request.user,  # type: ignore[arg-type]
            expires_in=dt.timedelta(hours=serializer.validated_data["expires_in_hours"]),
        )
        fresh = selectors.offers_visible_to_client(request.user).filter(pk__in=[o.pk for o in sent])  # type: ignore[arg-type]
        return Response(ClientOfferOutputSerializer(fresh, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Withdraw a pending offer", request=None, responses=ClientOfferOutputSerializer)
    @errors(409)  # not pending any more
    @action(
        detail=True,
        methods=["post"],
        url_path=r"offers/(?P<offer_pk>\d+)/withdraw",
        url_name="offer-withdraw",
    )
    def offer_withdraw(self, request: Request, pk: str, offer_pk: str) -> Response:
        matter = self._editable(pk)  # type: ignore[attr-defined]
        offer = selectors.offer_get_for_client(request.user, int(offer_pk))  # type: ignore[arg-type]
        if offer.seat.matter_id != matter.pk:
            raise Http404("No such offer.")
        offers.offer_withdraw(offer=offer, by=request.user)  # type: ignore[arg-type]
        fresh = selectors.offers_visible_to_client(request.user).get(pk=offer.pk)  # type: ignore[arg-type]
        return Response(ClientOfferOutputSerializer(fresh).data)


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
class MatterViewSet(MatterOffersMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, IsClientMemberOrStaff]
    queryset = Matter.objects.none()
    filterset_fields = ["status"]
    ordering_fields = ["created_at", "start_date", "title"]
    search_fields = ["title"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Matter]:
        return selectors.matter_api_list_for_user(self.request.user)  # type: ignore[arg-type]

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

    @errors(409)  # not editable in its state, or removing a filled seat
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
    @errors(400, 409)  # its seats break a rule; not a draft any more
    @action(detail=True, methods=["post"], url_path="post", url_name="post")
    def post_matter(self, request: Request, pk: str) -> Response:
        matter = services.matter_post(matter=self._editable(pk), by=request.user)  # type: ignore[arg-type]
        return self._output(matter)

    @extend_schema(
        summary="Cancel a draft or open matter, with the reason",
        request=MatterCancelInputSerializer,
        responses=MatterOutputSerializer,
    )
    @errors(409)  # cancelled or staffed already
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
    @errors(409)  # only an open matter is matched
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


class EngagementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Engagement.Status.choices)
    matter = IdFilter(field_name="matter_id", help_text="A matter's id.")

    class Meta:
        model = Engagement
        fields = ["status", "matter"]


@extend_schema_view(
    list=extend_schema(
        summary="Engagements: a lawyer's own, a client's organisation's",
        responses=EngagementOutputSerializer(many=True),
    ),
    retrieve=extend_schema(summary="One engagement", responses=EngagementOutputSerializer),
)
class EngagementViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    queryset = Engagement.objects.none()
    filterset_class = EngagementFilter
    ordering_fields = ["created_at", "start_date"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Engagement]:
        return selectors.engagements_visible_to(self.request.user)  # type: ignore[arg-type]

    def _visible(self, pk: str) -> Engagement:
        engagement = self.get_queryset().filter(pk=int(pk)).first()
        if engagement is None:
            raise Http404("No such engagement.")
        return engagement

    def _output(self, pk: str) -> Response:
        return Response(EngagementOutputSerializer(self._visible(pk)).data)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(EngagementOutputSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._output(pk)

    @extend_schema(
        summary="Mark an active engagement completed (clients)",
        request=None,
        responses=EngagementOutputSerializer,
    )
    @errors(409)  # not active any more
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        offers.engagement_complete(engagement=self._visible(pk), by=request.user)  # type: ignore[arg-type]
        return self._output(pk)

    @extend_schema(
        summary="End an active engagement early, with the reason (clients)",
        request=ReasonInputSerializer,
        responses=EngagementOutputSerializer,
    )
    @errors(409)  # not active any more
    @action(detail=True, methods=["post"])
    def terminate(self, request: Request, pk: str) -> Response:
        engagement = self._visible(pk)
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offers.engagement_terminate(
            engagement=engagement, by=request.user, reason=serializer.validated_data["reason"]
        )  # type: ignore[arg-type]
        return self._output(pk)
