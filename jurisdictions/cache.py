"""Public reference data (jurisdictions, practice areas), computed once and kept in the cache until staff
change it.

Every entry is stored with the reference-data version it was computed under; a save or delete of a
jurisdiction or practice area (signals, once the transaction commits) and every reference load set a
new version, so nothing computed before a change is served after it. One cache round trip per read:
the version and the entry come back together.

Only for data every visitor sees alike: never anything that depends on who asks.
"""

import logging
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

T = TypeVar("T")
logger = logging.getLogger(__name__)


def _prefix() -> str:
    # Two databases behind one cache (a developer switching DATABASE_URL) never share entries.
    return f"reference:{connection.settings_dict.get('NAME')}:"


def enabled() -> bool:
    return bool(getattr(settings, "REFERENCE_DATA_CACHE", False))


def _version_key() -> str:
    return _prefix() + "version"


def _new_version() -> str:
    version = uuid.uuid4().hex
    cache.set(_version_key(), version, timeout=None)
    return version


def invalidate(*, strict: bool = True) -> None:
    """Forget everything cached so far: now, and again once the current transaction commits (another
    request may have cached the rows as they were before the commit under the first new version).

    A random version rather than a counter: an evicted counter restarting could meet old entries again.
    `strict` (staff edits): an unreachable cache fails the change, which would otherwise be hidden behind
    the old entries once the cache came back; reference loads and migrations only log it.
    """
    if not enabled():
        return
    try:
        _new_version()  # what this transaction's own later reads see
    except Exception:
        if strict:
            raise
        logger.error("reference cache unreachable: cached pages may show data from before this change")
        return
    transaction.on_commit(_new_version, robust=True)  # and once committed: nothing read meanwhile survives


def cached(key: str, build: Callable[[], T]) -> T:
    """`build()`, from the cache while no reference data changed since it was stored.

    An unreachable cache means building each time, not an error (invalidation, though, does fail: a
    staff edit the cache could not hear of would leave stale entries behind once it came back).
    """
    if not enabled():
        return build()
    entry_key = _prefix() + key
    try:
        found = cache.get_many([_version_key(), entry_key])
        version = found.get(_version_key())
        if version is None:
            cache.add(_version_key(), uuid.uuid4().hex, timeout=None)
            version = cache.get(_version_key())
    except Exception:
        logger.warning("reference cache unreachable: %s computed afresh", key, exc_info=True)
        return build()
    entry = found.get(entry_key)
    if entry is not None and entry[0] == version:
        return entry[1]  # type: ignore[no-any-return]
    value = build()
    # Stored under the version read before building: a change committed meanwhile has set a new one.
    try:
        cache.set(entry_key, (version, value), timeout=settings.REFERENCE_DATA_CACHE_SECONDS)
    except Exception:
        logger.warning("reference cache unreachable: %s not stored", key, exc_info=True)
    return value
