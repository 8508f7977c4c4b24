"""One domain error for every refused action, with a message a user can read."""

from typing import Any

from rest_framework import status
from rest_framework.response import Response
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


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus DomainError → 400/409 with {"detail", "code"[, "field"]}."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status_code)
    return drf_exception_handler(exc, context)
