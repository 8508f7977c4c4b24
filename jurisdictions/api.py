"""Read-only API for the reference data. Jurisdictions and practice areas are public; exchange rates are
for signed-in users. Each viewset is a selector's queryset, filters and a nested Output serializer."""

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from jurisdictions import cache
from jurisdictions.models import ExchangeRate, Jurisdiction, PracticeArea
from jurisdictions.selectors import (
    exchange_rates,
    jurisdictions_in_country,
    jurisdictions_search,
    practice_areas_with_parent,
)
from marketplace import filters as strict


class JurisdictionFilter(strict.FilterSet):
    active = strict.BooleanFilter(
        field_name="is_active", help_text="Only jurisdictions active in the network (or only inactive)."
    )
    is_active = strict.BooleanFilter(field_name="is_active", help_text="The same as `active`.")
    kind = filters.ChoiceFilter(choices=Jurisdiction.Kind.choices)
    legal_system = filters.ChoiceFilter(choices=Jurisdiction.LegalSystem.choices)
    parent = filters.CharFilter(method="filter_parent", help_text="The parent's code, e.g. `US`.")
    country = filters.CharFilter(
        method="filter_country", help_text="ISO 3166-1 code: the country and all its subdivisions."
    )

    class Meta:
        model = Jurisdiction
        fields = ["active", "is_active", "kind", "legal_system", "parent", "country"]

    def filter_parent(
        self, queryset: QuerySet[Jurisdiction], name: str, value: str
    ) -> QuerySet[Jurisdiction]:
        return queryset.filter(parent__code=value.strip().upper())

    def filter_country(
        self, queryset: QuerySet[Jurisdiction], name: str, value: str
    ) -> QuerySet[Jurisdiction]:
        return jurisdictions_in_country(queryset, country=value)


class PracticeAreaFilter(strict.FilterSet):
    parent = filters.CharFilter(
        field_name="parent__slug", help_text="The parent area's slug, e.g. `corporate`."
    )
    top_level = strict.BooleanFilter(
        field_name="parent", lookup_expr="isnull", help_text="Only top-level areas (or only sub-areas)."
    )

    class Meta:
        model = PracticeArea
        fields = ["parent", "top_level"]


class ReferenceCachedMixin:
    """Lists and details answered from the reference-data cache (jurisdictions.cache).

    The answer depends only on the query string and, through the pagination links, on the address the
    request came to: both are in the key. Free-text search is computed each time; errors (a bad filter,
    a missing object) are raised, so never cached.
    """

    cache_name = ""
    # Query parameters whose values come from a closed set, as the only ones a cached answer may have:
    # anything else (free text, unknown names, another spelling of the same query) is computed each
    # time, so the number of cached answers stays bounded whatever anyone sends.
    cached_choices: dict[str, set[str]] = {}
    _PAGES_MAX = 999

    def _cache_key(self, request: Request, action: str) -> str | None:
        params = request.query_params
        if action != "list" and params:
            return None
        for name in params:
            values = params.getlist(name)
            if len(values) != 1:
                return None
            value = values[0]
            if name == "page":
                if not (value.isdigit() and not value.startswith("0") and int(value) <= self._PAGES_MAX):
                    return None
            elif value not in self.cached_choices.get(name, ()):
                return None
        query = request.META.get("QUERY_STRING", "")
        if query != urlencode(sorted(params.items())):  # one spelling per query
            return None
        return f"api:{self.cache_name}:{action}:{request.scheme}://{request.get_host()}?{query}"

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = self._cache_key(request, "list")
        if key is None:
            return super().list(request, *args, **kwargs)  # type: ignore[misc]

        def data() -> Any:
            return super(ReferenceCachedMixin, self).list(request, *args, **kwargs).data  # type: ignore[misc]

        return Response(cache.cached(key, data))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        lookup = str(self.kwargs.get(self.lookup_field, ""))  # type: ignore[attr-defined]
        key = self._cache_key(request, f"detail:{lookup}")
        if key is None:
            return super().retrieve(request, *args, **kwargs)  # type: ignore[misc]

        def data() -> Any:
            return super(ReferenceCachedMixin, self).retrieve(request, *args, **kwargs).data  # type: ignore[misc]

        return Response(cache.cached(key, data))


@extend_schema_serializer(component_name="JurisdictionRef")
class JurisdictionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Jurisdiction
        fields = ["code", "name"]


@extend_schema_serializer(component_name="PracticeAreaRef")
class PracticeAreaRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PracticeArea
        fields = ["slug", "name"]


@extend_schema_view(
    list=extend_schema(
        summary="List jurisdictions",
        description="Every ISO 3166 country and subdivision; `?active=true` for those active in the network.",
    ),
    retrieve=extend_schema(summary="One jurisdiction by ISO 3166 code"),
)
class JurisdictionViewSet(ReferenceCachedMixin, viewsets.ReadOnlyModelViewSet):
    cache_name = "jurisdictions"
    cached_choices = {
        "active": {"true", "false"},
        "is_active": {"true", "false"},
        "kind": set(Jurisdiction.Kind.values),
        "legal_system": set(Jurisdiction.LegalSystem.values),
        "ordering": {"code", "-code", "name", "-name"},
    }

    @extend_schema_serializer(component_name="Jurisdiction")
    class OutputSerializer(serializers.ModelSerializer):
        parent = JurisdictionRefSerializer(allow_null=True, read_only=True)
        country = serializers.CharField(source="country_code", read_only=True, help_text="ISO 3166-1 code.")
        languages = serializers.ListField(child=serializers.CharField(), help_text="ISO 639-1 codes.")

        class Meta:
            model = Jurisdiction
            fields = [
                "code",
                "name",
                "kind",
                "subdivision_type",
                "parent",
                "country",
                "legal_system",
                "currency",
                "languages",
                "is_active",
            ]

    serializer_class = OutputSerializer
    queryset = jurisdictions_search(include_inactive=True)
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z]{2}(?:-[A-Za-z0-9]{1,3})?"
    filterset_class = JurisdictionFilter
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]

    def get_object(self) -> Jurisdiction:
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()


@extend_schema_view(
    list=extend_schema(summary="List practice areas"),
    retrieve=extend_schema(summary="One practice area by slug"),
)
class PracticeAreaViewSet(ReferenceCachedMixin, viewsets.ReadOnlyModelViewSet):
    cache_name = "practice-areas"
    cached_choices = {"top_level": {"true", "false"}, "ordering": {"name", "-name", "slug", "-slug"}}

    @extend_schema_serializer(component_name="PracticeArea")
    class OutputSerializer(serializers.ModelSerializer):
        parent = PracticeAreaRefSerializer(allow_null=True, read_only=True)

        class Meta:
            model = PracticeArea
            fields = ["slug", "name", "parent", "description"]

    serializer_class = OutputSerializer
    queryset = practice_areas_with_parent()
    permission_classes = [AllowAny]
    lookup_field = "slug"
    filterset_class = PracticeAreaFilter
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "slug"]


@extend_schema_view(
    list=extend_schema(summary="List exchange rates", description="US dollars per unit of each currency."),
    retrieve=extend_schema(summary="One exchange rate by ISO 4217 code"),
)
class ExchangeRateViewSet(viewsets.ReadOnlyModelViewSet):
    @extend_schema_serializer(component_name="ExchangeRate")
    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = ExchangeRate
            fields = ["currency", "rate_to_usd", "updated_at"]

    serializer_class = OutputSerializer
    queryset = exchange_rates()
    permission_classes = [IsAuthenticated]
    lookup_field = "currency"
    lookup_value_regex = "[A-Za-z]{3}"
    search_fields = ["currency"]
    ordering_fields = ["currency"]

    def get_object(self) -> ExchangeRate:
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()
