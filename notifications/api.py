"""The signed-in user's notifications over the API: list (optionally unread only), mark read.

Every lookup starts from `notifications_for(request.user)`: someone else's notification is a 404.
"""

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from marketplace import filters as strict
from notifications import services
from notifications.models import Notification
from notifications.selectors import notifications_for, unread_count


class NotificationFilter(strict.FilterSet):
    unread = strict.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", help_text="Only unread notifications (or only read ones)."
    )
    kind = filters.CharFilter(help_text='e.g. "offer.received".')

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


@extend_schema_view(
    list=extend_schema(
        summary="List my notifications", description="Newest first; `?unread=true` for unread."
    ),
    retrieve=extend_schema(summary="One of my notifications"),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    @extend_schema_serializer(component_name="Notification")
    class OutputSerializer(serializers.ModelSerializer):
        is_read = serializers.BooleanField(read_only=True)

        class Meta:
            model = Notification
            fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]
            extra_kwargs = {"url": {"help_text": "Relative link to the page to act on."}}

    serializer_class = OutputSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]
    search_fields = ["title", "body"]

    def get_queryset(self) -> QuerySet[Notification]:
        return notifications_for(self.request.user)

    @extend_schema(summary="Mark one of my notifications read", request=None, responses=OutputSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        services.notification_mark_read(notification=notification, by=request.user)  # type: ignore[arg-type]
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="Mark all my notifications read",
        request=None,
        responses=inline_serializer("NotificationsMarkedRead", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        marked = services.notifications_mark_all_read(user=request.user)  # type: ignore[arg-type]
        return Response({"marked": marked})

    @extend_schema(
        summary="How many of my notifications are unread",
        responses=inline_serializer("NotificationsUnreadCount", {"unread": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["get"], url_path="unread-count", filter_backends=[], pagination_class=None)
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": unread_count(request.user)})
