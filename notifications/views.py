"""A person's notifications: the list, opening one (marks it read), marking read, and the nav bell.

Every lookup starts from `notifications_for(request.user)`, so someone else's notification is a 404.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from notifications import services
from notifications.links import is_safe_relative_url
from notifications.selectors import notifications_for

NOTIFICATIONS_PER_PAGE = 25


def _back_to_list(request: HttpRequest) -> str:
    """Where a form on the list page returns to: the page it came from, if that is on this site."""
    target = request.POST.get("next", "")
    return target if is_safe_relative_url(target) else reverse("notifications:list")


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") in {"1", "on", "true"}
    notifications = notifications_for(request.user, unread_only=unread_only)
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    # Each row's two links from one reverse per URL name, not two per row.
    open_url, read_url = _url_for_pk("notifications:open"), _url_for_pk("notifications:read")
    page.object_list = list(page.object_list)
    for notification in page.object_list:
        notification.open_url = open_url(notification.pk)  # type: ignore[attr-defined]
        notification.read_url = read_url(notification.pk)  # type: ignore[attr-defined]
    return render(request, "notifications/list.html", {"page_obj": page, "unread_only": unread_only})


def _url_for_pk(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for any pk, from a single reverse."""
    head, tail = reverse(name, args=[_PK_PLACEHOLDER]).rsplit(str(_PK_PLACEHOLDER), 1)
    return lambda pk: f"{head}{int(pk)}{tail}"


_PK_PLACEHOLDER = 987654321


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to the page it is about (only ever a page on this site)."""
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    services.notification_mark_read(notification=notification, by=request.user)  # type: ignore[arg-type]
    if notification.url and is_safe_relative_url(notification.url):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    services.notification_mark_read(notification=notification, by=request.user)  # type: ignore[arg-type]
    return redirect(_back_to_list(request))


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    marked = services.notifications_mark_all_read(user=request.user)  # type: ignore[arg-type]
    if marked:
        messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} as read.")
    return redirect(_back_to_list(request))


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The nav bell alone, for htmx to refresh the count; 204 (nothing to swap) once logged out."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(request, "notifications/_bell.html")
