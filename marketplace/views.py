"""Project-level pages: the home page, the health check and the friendly error pages."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from marketplace.errors import api_error_response, is_api_request

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    from jurisdictions import cache
    from jurisdictions.models import Jurisdiction, PracticeArea

    def counts() -> dict[str, int]:
        return {
            "active_jurisdiction_count": Jurisdiction.objects.filter(is_active=True).count(),
            "practice_area_count": PracticeArea.objects.count(),
        }

    # The network's size, the same for everyone: kept until staff change a jurisdiction or an area.
    return render(request, "home.html", cache.cached("home-counts", counts))


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:
        logger.warning("health check: database unreachable: %s", exc)
        return False, type(exc).__name__


def _broker_ok() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "eager (jobs run in-process)"
    from marketplace.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, conn.transport_cls if isinstance(conn.transport_cls, str) else "redis"
    except Exception as exc:
        logger.warning("health check: broker unreachable: %s", exc)
        return False, type(exc).__name__


def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: with the manifest storage the hashed name exists only after collectstatic.
    return redirect(static("favicon.svg"), permanent=True)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    ok = db_ok and broker_ok
    body = {
        "status": "ok" if ok else "error",
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
    }
    return JsonResponse(body, status=200 if ok else 503)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(request, 400, "Bad request.")
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        message = str(exception) if exception is not None and str(exception) else ""
        return api_error_response(
            request, 403, message or "You do not have permission to perform this action."
        )
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Under /api/ (a URL no route matches, e.g. a non-numeric id): JSON, as every other API answer.
    if is_api_request(request):
        return api_error_response(request, 404, "Not found.")
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(request, 500, "A server error occurred.")
    # No context processors that touch the database: the error may be the database itself.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)
