"""Sessions read from the cache and written through to the database (`cached_db`), still served from
the database alone while the cache is unreachable: a Redis outage slows signed-in pages, never fails them.

Only reads and the write-through are forgiven. Deleting a session (logging out, and logging in over an
earlier session, which replaces it) removes it from the cache first and fails while the cache is down,
before anything changed: a half-done logout (the database row gone, the cached copy kept) would let the
session come back with the cache. Django's own `cached_db` deletes the row first.
"""

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("session cache unreachable: reading the session from the database", exc_info=True)
            data = None
        if data is not None:
            return data  # type: ignore[no-any-return]
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception:
            logger.warning("session cache unreachable: session not cached", exc_info=True)
        return data  # type: ignore[no-any-return]

    def exists(self, session_key: str | None) -> bool:
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("session cache unreachable: checking the database only", exc_info=True)
        return bool(session_key) and super(CachedDBStore, self).exists(session_key)

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._cache.delete(self.cache_key_prefix + session_key)  # raises while the cache is down
        DBStore.delete(self, session_key)
