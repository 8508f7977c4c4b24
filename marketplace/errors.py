"""One domain error for every refused action, with a message a user can read; the API's error bodies.

Every error the API answers with has one of two bodies (documented in the schema by
`marketplace.schema`):

- `{"detail": "<message>", "code": "<machine code>"[, "field": "<input field>"]}` for a refusal: not
  logged in, not allowed, not found, a state conflict, a domain rule, a body that cannot be parsed;
- `{"<field>": ["<message>", ...], ...}` for input that fails validation (a request body's fields, a
  filter's query parameters), keyed by the field or parameter (`non_field_errors` when it is about
  several).
"""

from typing import Any

from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    """An action the domain refuses (illegal transition, rule broken). `message` is shown to the user.

    `status_code` is what the API answers with: 400 for bad input, 409 for a state conflict.
    """

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class ConflictError(DomainError):
    """The object is not in a state that allows this action (e.g. a seat already filled)."""

    status_code = status.HTTP_409_CONFLICT


class NotAllowedError(DomainError):
    """The person acting may not do this (a lawyer sending offers, a client logging time): 403."""

    status_code = status.HTTP_403_FORBIDDEN


def error_body(detail: str, code: str, field: str | None = None) -> dict[str, str]:
    """The body of a refusal: `{"detail", "code"[, "field"]}`."""
    body = {"detail": str(detail), "code": str(code)}
    if field:
        body["field"] = field
    return body


def _refusal_code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with the bodies above: DomainError → 400/409 (or its own status) with
    {"detail", "code"[, "field"]}; every other refusal with its code; validation errors per field."""
    if isinstance(exc, DomainError):
        return Response(error_body(exc.message, exc.code, exc.field), status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        if not isinstance(response.data, dict):
            # `raise ValidationError("...")` outside a serializer: a message about the input as a whole.
            response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
        return response
    if isinstance(response.data, dict) and "detail" in response.data:
        api_exc = exc if isinstance(exc, exceptions.APIException) else None
        code = _refusal_code(api_exc) if api_exc is not None else _status_code_name(response.status_code)
        response.data = error_body(response.data["detail"], code)
    return response


_STATUS_CODES = {
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    500: "server_error",
}


def _status_code_name(status_code: int) -> str:
    return _STATUS_CODES.get(status_code, "error")


def api_error_response(request: HttpRequest, status_code: int, detail: str) -> JsonResponse:
    """A refusal answered outside DRF (no URL matched, a server error) for a request under /api/."""
    return JsonResponse(error_body(detail, _status_code_name(status_code)), status=status_code)


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")
