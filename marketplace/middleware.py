"""Answer a lost database connection with a clean 503, and make sure the next request reconnects."""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "5"


class DatabaseUnavailableMiddleware:
    """A dropped or refused PostgreSQL connection becomes a 503 page (or JSON for the API), not a 500.

    The broken connection is closed here, so the next request opens a fresh one instead of failing too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable during %s %s: %s", request.method, request.path, exception)
        for conn in connections.all(initialized_only=True):
            try:
                conn.close()
            except Exception:  # already broken: closing is best effort
                logger.debug("closing a broken connection failed", exc_info=True)
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"detail": "The service is briefly unavailable. Nothing was lost; please retry in a moment."},
                status=503,
            )
        else:
            # Rendered without context processors: they would need the database that just failed.
            response = HttpResponse(loader.get_template("503.html").render({}), status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
