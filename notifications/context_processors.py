"""The unread count for the bell in the nav."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count as unread_count_for


def unread_count(request: HttpRequest) -> dict[str, object]:
    """`notifications_unread`: one query when a page shows it, none for anonymous visitors.

    Lazy, so pages that never show the bell (admin, partials) do not pay for the count.
    """
    user = request.user
    if not user.is_authenticated:
        return {"notifications_unread": 0}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count_for(user))}
