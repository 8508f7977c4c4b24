"""Idempotency keys for API POSTs: a client that retries with the same `Idempotency-Key` header gets the
first answer back (same status, same body) instead of doing the work twice.

Usage, on a DRF view or viewset action:

    @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER], ...)
    @action(detail=True, methods=["post"])
    @idempotent
    def accept(self, request, pk): ...

How it holds under concurrency: the key's row is inserted first, in the same transaction as the work.
A second request with the same key waits on that insert (the unique index) until the first commits,
then answers from the stored row; if the first failed (an error response is not stored), the row is
gone and the second does the work itself. A key reused with a different method, path or body is a
422. Requests without the header are not affected.
"""

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from engagements.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID) of up to 255 characters. Repeating the request with the same key "
        "returns the first response instead of acting twice; the same key with a different body is a 422."
    ),
)


def request_fingerprint(request: Request) -> str:
    """SHA-256 of the method, path and parsed body (keys sorted), so equal requests hash equal."""
    body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder, default=str)
    payload = f"{request.method}\n{request.path}\n{body}"
    return hashlib.sha256(payload.encode()).hexdigest()


def _replay(stored: IdempotencyKey, *, fingerprint: str) -> Response:
    if stored.fingerprint != fingerprint:
        return Response(
            {
                "detail": "This Idempotency-Key was already used for a different request.",
                "code": "idempotency_key_reused",
            },
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    response = Response(stored.response_body, status=stored.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def _stored(user_id: int, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user_id=user_id, key=key).first()


def idempotent_call(request: Request, handler: Callable[[], Response]) -> Response:
    """Run `handler` once per (user, Idempotency-Key); replay its stored response on a repeat."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key or not request.user.is_authenticated:
        return handler()
    if len(key) > MAX_KEY_LENGTH:
        return Response(
            {"detail": f"An {HEADER} has at most {MAX_KEY_LENGTH} characters.", "code": "invalid"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    fingerprint = request_fingerprint(request)
    stored = _stored(request.user.pk, key)
    if stored is not None:
        return _replay(stored, fingerprint=fingerprint)
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                user_id=request.user.pk,
                key=key,
                method=request.method or "",
                path=request.path[:500],
                fingerprint=fingerprint,
                response_status=0,
            )
            response = handler()
            if not 200 <= response.status_code < 300:
                # Only successes are remembered: a refused request may be retried once fixed.
                transaction.set_rollback(True)
                return response
            row.response_status = response.status_code
            row.response_body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
            row.save(update_fields=["response_status", "response_body"])
            return response
    except IntegrityError:
        # A concurrent request with the same key committed first: answer as it did.
        stored = _stored(request.user.pk, key)
        if stored is None:
            raise
        return _replay(stored, fingerprint=fingerprint)


def idempotent(method: Callable[..., Response]) -> Callable[..., Response]:
    """Decorate a DRF view method `(self, request, *args, **kwargs)` with `idempotent_call`."""

    @functools.wraps(method)
    def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        return idempotent_call(request, lambda: method(self, request, *args, **kwargs))

    return wrapper
