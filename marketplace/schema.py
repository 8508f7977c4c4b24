"""The project's OpenAPI schema class: every operation documents the errors it can really answer with.

`AutoSchema` (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) adds to each operation, next to its success
response, the error statuses that follow from how the view is built, each with the body
`marketplace.errors.api_exception_handler` produces:

- 401 when the first authentication class asks for credentials (none of ours does: DRF then answers
  403), 403 for every view behind authentication (an invalid token, no login, not your role);
- 404 for an operation with path parameters (no such object among those you may see) and for a
  paginated list (`?page=` past the end);
- 400 for an operation with a request body, filter parameters or header parameters;
- 415 for an operation with a request body (a content type no parser accepts);
- 422 for an operation taking an `Idempotency-Key` (the key reused for another request);
- 429 for a throttled view;
- whatever a view method declares with `@errors(...)` on top: 409 where a `ConflictError` can be
  raised, 400 for a domain rule on an action without a body, 404 for a lookup without path parameters.

A status the view documents itself (with `extend_schema(responses=...)`) keeps its description; it gets
the error body when it had none. Query parameters are documented with `allowEmptyValue`: an empty value
(`?status=`) means "not filtered", as django-filter treats it; any other invalid value is a 400.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

F = TypeVar("F", bound=Callable[..., Any])

ERROR_STATUSES_ATTRIBUTE = "_api_error_statuses"
# Query parameters whose bad values are never a 400: a page past the end is a 404, an unknown ordering
# field or any search text is accepted.
LENIENT_QUERY_PARAMETERS = {"page", "ordering", "search"}

DESCRIPTIONS = {
    400: "Invalid input: the fields or query parameters that are wrong, each with its messages "
    "(`ValidationErrors`), or a refusal by a rule of the domain or a body that cannot be parsed "
    "(`Error`, with `field` when it is about one input field).",
    401: "Not authenticated.",
    403: "Not authenticated (or invalid credentials), or not allowed for your role.",
    404: "Not found among the objects you may see (or a page past the end of the list).",
    409: "The object's state does not allow this (e.g. already filled, already answered).",
    415: "The request body's content type is not accepted (send `application/json`).",
    422: "This Idempotency-Key was already used for a different request.",
    429: "Too many requests: retry after the `Retry-After` header's seconds.",
}


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    """A refusal: what went wrong, for a person (`detail`) and for a program (`code`)."""

    detail = serializers.CharField(help_text="What went wrong, in a sentence a user can read.")
    code = serializers.CharField(
        help_text="Machine-readable: `not_found`, `permission_denied`, `not_authenticated`, "
        "`parse_error`, `unsupported_media_type`, or the domain's own (`seat_filled`, `over_budget`…)."
    )
    field = serializers.CharField(required=False, help_text="The input field the refusal is about.")


VALIDATION_ERRORS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Input that failed validation: each wrong field or query parameter with its messages "
    "(`non_field_errors` for the input as a whole). A nested object or list holds the errors of "
    "the nested input at the same place.",
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {}},
            {"type": "object", "additionalProperties": {}},
        ]
    },
    "minProperties": 1,
    "example": {"status": ["Select a valid choice. archived is not one of the available choices."]},
}


def errors(*statuses: int, methods: Iterable[str] | None = None) -> Callable[[F], F]:
    """Document error statuses a view method (or viewset action) can answer with, beyond those its
    shape implies: `@errors(409)` on an action whose service can raise `ConflictError`. On a view
    class, they apply to every operation of the view.

    `methods` limits them to some HTTP methods of an action that has several.
    """

    def mark(func: F) -> F:
        declared = list(getattr(func, ERROR_STATUSES_ATTRIBUTE, []))
        declared.append((frozenset(statuses), frozenset(m.upper() for m in methods) if methods else None))
        setattr(func, ERROR_STATUSES_ATTRIBUTE, declared)
        return func

    return mark


class AutoSchema(openapi.AutoSchema):
    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        responses: dict[str, Any] = operation["responses"]
        for status_code in sorted(self.error_statuses(operation)):
            error = self._error_response(status_code)
            documented = responses.get(str(status_code))
            if documented is None:
                responses[str(status_code)] = error
            elif not documented.get("content"):
                documented["content"] = error["content"]
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    # --- which statuses -------------------------------------------------------------------------

    def error_statuses(self, operation: dict[str, Any]) -> set[int]:
        statuses: set[int] = set()
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        authenticators = self.view.get_authenticators()
        if authenticators:
            statuses.add(403)
            if self._asks_for_credentials(authenticators[0]):
                statuses.add(401)
        if any(p.get("in") == "path" for p in parameters):
            statuses.add(404)
        if any(p.get("in") == "query" and p.get("name") == "page" for p in parameters):
            statuses.add(404)
        if has_body:
            statuses |= {400, 415}
        if any(
            p.get("in") == "header" or (p.get("in") == "query" and p["name"] not in LENIENT_QUERY_PARAMETERS)
            for p in parameters
        ):
            statuses.add(400)
        if any(p.get("in") == "header" and p["name"].lower() == "idempotency-key" for p in parameters):
            # The key is checked (400 when too long) and the body read for its fingerprint.
            statuses |= {400, 415, 422}
        if self.view.get_throttles():
            statuses.add(429)
        statuses |= self._declared_statuses()
        return statuses

    def _declared_statuses(self) -> set[int]:
        action = getattr(self.view, "action", None)
        handler = getattr(self.view, action, None) if action else None
        if handler is None:
            handler = getattr(self.view, self.method.lower(), None)
        declared: set[int] = set()
        marks = [
            *getattr(type(self.view), ERROR_STATUSES_ATTRIBUTE, []),
            *getattr(handler, ERROR_STATUSES_ATTRIBUTE, []),
        ]
        for statuses, methods in marks:
            if methods is None or self.method in methods:
                declared |= statuses
        return declared

    @staticmethod
    def _asks_for_credentials(authenticator: Any) -> bool:
        try:
            return bool(authenticator.authenticate_header(None))
        except Exception:  # an authenticator that needs a real request: it decides per request
            return False

    # --- the bodies -----------------------------------------------------------------------------

    def _error_response(self, status_code: int) -> dict[str, Any]:
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        if status_code == 400:
            schema: dict[str, Any] = {"oneOf": [error, self._validation_errors_ref()]}
        else:
            schema = error
        media_types = self.map_renderers("media_type")
        return {
            "content": {media_type: {"schema": schema} for media_type in media_types},
            "description": DESCRIPTIONS.get(status_code, ""),
        }

    def _validation_errors_ref(self) -> dict[str, str]:
        component = ResolvedComponent(
            name="ValidationErrors",
            type=ResolvedComponent.SCHEMA,
            object="ValidationErrors",
            schema=VALIDATION_ERRORS_SCHEMA,
        )
        self.registry.register_on_missing(component)
        return component.ref
