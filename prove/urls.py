"""The project's URLs, plus the bare view the load test measures as the floor of the stack."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from marketplace.urls import handler400, handler403, handler404, handler500  # noqa: F401
from marketplace.urls import urlpatterns as project_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """No database, no template: what a request costs through gunicorn, Django and our middleware."""
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("prove/bare", bare, name="prove-bare"), *project_urlpatterns]
