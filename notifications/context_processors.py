"""The unread count for the bell in the nav."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.context_processors import layout_facts


def unread_count(request: HttpRequest) -> dict[str, object]:
    """`notifications_unread`: none for anonymous visitors; else lazy, so pages that never show the bell
    (admin, partials) do not pay for it, and read with the visitor's role in one query when the nav
    needs that too (accounts.context_processors.layout_facts).
    """
    if not request.user.is_authenticated:
        return {"notifications_unread": 0}
    return {"notifications_unread": SimpleLazyObject(lambda: layout_facts(request).unread)}
