"""Strict API filtering: a filter value that is not valid is a 400 naming the parameter, never ignored.

django-filter already refuses a bad choice, date or number (the REST framework backend raises the
form's errors as a ValidationError: `{"<parameter>": ["<message>"]}`), but its boolean filter turns
anything other than true/false into "not filtered". Here `BooleanFilter` accepts `true` and `false`
only and `IdFilter` whole numbers only (an empty value still means "not filtered", as the schema's
`allowEmptyValue` says); `FilterSet` uses the strict boolean filter for the boolean model fields of
`filterset_fields`, and `DjangoFilterBackend` builds those filtersets from it.
"""

from typing import Any

from django import forms
from django.db import models
from django_filters import rest_framework as filters
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

TRUE, FALSE = "true", "false"


class StrictBooleanWidget(forms.TextInput):
    """Passes the raw query value on (django-filter's BooleanWidget maps unknown values to None)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class StrictBooleanField(forms.Field):
    default_error_messages = {"invalid": "Must be true or false (got “%(value)s”)."}

    def to_python(self, value: Any) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        text = str(value).strip()
        if text == "":
            return None
        if text.lower() == TRUE:
            return True
        if text.lower() == FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": text})


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """An object's id: a whole number (`?engagement=12`); `1.5` or `abc` is a 400."""

    field_class = forms.IntegerField


class BooleanFilter(filters.BooleanFilter):
    """`?name=true` or `?name=false`; empty or absent: not filtered; anything else: 400."""

    field_class = StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", StrictBooleanWidget)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)


STRICT_FILTER_DEFAULTS = {
    **FILTER_FOR_DBFIELD_DEFAULTS,
    models.BooleanField: {"filter_class": BooleanFilter},
}


class FilterSet(filters.FilterSet):
    FILTER_DEFAULTS = STRICT_FILTER_DEFAULTS


class DjangoFilterBackend(filters.DjangoFilterBackend):
    """The project's filter backend: filtersets from `filterset_fields` are strict `FilterSet`s, and a
    form error is raised (400, keyed by parameter) rather than ignored."""

    filterset_base = FilterSet
    raise_exception = True
