"""Test settings: fast hashing, in-memory email, jobs eager unless a test asks for a real worker."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="test-only-secret-key-not-for-production-0123456789")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "test-uploads"))
# Ordinary tests run jobs in-process; tests marked `worker` switch this off and use a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Off unless a test turns it on (tests/test_jurisdictions_cache.py): the database rolls back, the cache not.
REFERENCE_DATA_CACHE = False
# Sessions in the database whether or not REDIS_URL is set, so a test's queries are the same on both CI
# passes; the cached sessions have tests of their own (tests/test_jurisdictions_cache.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
