"""Settings shared by every environment. Everything that differs comes from environment variables."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional and only for developers' convenience.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "simple_history",
    "axes",
    "accounts",
    "notifications",
    "outbox",
    "jurisdictions",
    "lawyers",
    "engagements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "marketplace.middleware.DatabaseUnavailableMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it answers throttled logins before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
ASGI_APPLICATION = "marketplace.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "notifications.context_processors.unread_count",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Throttle repeated failed logins (django-axes): lock the username+IP pair after 5 failures for 15 min.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (CVs, bar certificates) live outside anything served publicly; views stream them to owners.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "uploads")))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Email: console in development; SMTP when EMAIL_URL (smtp://user:pass@host:587, +tls) is set.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT")
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Counsel Network <no-reply@counsel.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
TALENT_TEAM_EMAIL = env("TALENT_TEAM_EMAIL", default="talent@counsel.example")
# Where links in emails point: this site's address as people reach it, no trailing slash.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Celery. With no broker configured, jobs run eagerly in-process (the one-command first look).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A job is acknowledged only after it ran, so a worker killed mid-job gets it redelivered.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# A job whose worker died unacknowledged is redelivered after this many seconds (longer than any job).
# Workers look for such jobs every CELERY_UNACKED_RESTORE_INTERVAL seconds (Kombu's own default scans
# only every tenth look, 100 s apart; one scan per look keeps a redelivery within visibility + interval).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": 1,
}
# Fail fast when the broker is down: jobs wait in the outbox (outbox.services) instead of the request.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE: dict = {
    "pending-jobs-relay": {"task": "outbox.tasks.pending_jobs_relay", "schedule": 30.0},
    "lawyer-seniority-refresh": {"task": "lawyers.tasks.lawyer_seniority_refresh", "schedule": 24 * 60 * 60},
    "notification-emails-resume": {
        "task": "notifications.tasks.notification_emails_resume",
        "schedule": 300.0,
    },
}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # An unreachable cache costs a request a second at most (the reads then go to the database).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Sessions are read from the shared cache (and written through to the database): no session query
    # on every signed-in request; from the database alone while the cache is down (marketplace.sessions).
    SESSION_ENGINE = "marketplace.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public reference data (jurisdictions, practice areas) rendered once and kept in the cache until staff
# change it (jurisdictions.cache). On by default only with a cache every process shares (Redis): a
# per-process cache would keep serving what another process's staff edit changed.
REFERENCE_DATA_CACHE = env.bool("REFERENCE_DATA_CACHE", default=bool(REDIS_URL))
REFERENCE_DATA_CACHE_SECONDS = env.int("REFERENCE_DATA_CACHE_SECONDS", default=24 * 60 * 60)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Strict filters: a bad value is a 400 naming the parameter (booleans: true or false only).
    "DEFAULT_FILTER_BACKENDS": [
        "marketplace.filters.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    # Every operation documents the errors it can answer with, with the bodies marketplace.errors gives.
    "DEFAULT_SCHEMA_CLASS": "marketplace.schema.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Counsel Network API",
    "DESCRIPTION": "Legal talent marketplace: jurisdictions, practice areas, lawyers, matters, engagements.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from the vendored sidecar package: the docs work with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A choice set several components share gets one name of its own.
    "ENUM_NAME_OVERRIDES": {"LawyerStatusEnum": "lawyers.models.LawyerProfile.Status"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Lawyer documents (CVs, bar certificates): the largest upload accepted, in bytes.
LAWYER_DOCUMENT_MAX_BYTES = env.int("LAWYER_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)

# Security headers everywhere (not only in production): a Content Security Policy with no inline
# script and nothing loaded from another origin, no framing, no sniffing, same-origin referrers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Inline style attributes (Django admin uses a few) are allowed; inline scripts never are.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Email verification links stay valid for three days.
EMAIL_VERIFICATION_MAX_AGE = 60 * 60 * 24 * 3

# --- Matching ---
# Relative weights of the score factors (the matching core scales them to sum to 1); a factor left
# out keeps the core's default. Factors: practice_depth, experience, rate_value, availability,
# rating, responsiveness.
MATCHING_SCORE_WEIGHTS: dict[str, float] = {}
# How many ranked candidates each seat's shortlist keeps.
MATCHING_SHORTLIST_SIZE = env.int("MATCHING_SHORTLIST_SIZE", default=10)
# A former employer within this many years counts as a conflict, like a declared one.
MATCHING_CONFLICT_LOOKBACK_YEARS = env.int("MATCHING_CONFLICT_LOOKBACK_YEARS", default=3)
# The team optimiser stops after this long and proposes the best team found, with its gap.
MATCHING_SOLVER_TIME_LIMIT_S = env.float("MATCHING_SOLVER_TIME_LIMIT_S", default=2.0)
# Runs whose job was lost (broker down when enqueued, worker killed) are enqueued again.
CELERY_BEAT_SCHEDULE["match-runs-resume"] = {"task": "engagements.tasks.match_runs_resume", "schedule": 120.0}
# Pending offers past their expiry are expired, and the client hears who is next on the shortlist.
CELERY_BEAT_SCHEDULE["offers-expire"] = {"task": "engagements.tasks.offers_expire", "schedule": 300.0}

# --- SLAs ---
# Network defaults, in hours, for organisations without their own targets while staff have not set a
# network default row (SLA targets in admin).
SLA_DEFAULT_HOURS_TO_SHORTLIST = env.int("SLA_DEFAULT_HOURS_TO_SHORTLIST", default=24)
SLA_DEFAULT_HOURS_TO_STAFF = env.int("SLA_DEFAULT_HOURS_TO_STAFF", default=120)
SLA_DEFAULT_HOURS_TO_ANSWER_OFFER = env.int("SLA_DEFAULT_HOURS_TO_ANSWER_OFFER", default=48)
# The dashboards' SLA figures cover clocks started in this many days, and every one still running.
SLA_REPORT_DAYS = env.int("SLA_REPORT_DAYS", default=90)
# Breach detection: clocks still running, or started this many days ago at most, in batches of this size.
SLA_BREACH_LOOKBACK_DAYS = env.int("SLA_BREACH_LOOKBACK_DAYS", default=14)
SLA_BREACH_BATCH_SIZE = env.int("SLA_BREACH_BATCH_SIZE", default=500)
# Breaches are recorded (and the talent team told, once each) every five minutes.
CELERY_BEAT_SCHEDULE["sla-breaches-detect"] = {
    "task": "engagements.tasks_delivery.sla_breaches_detect",
    "schedule": 300.0,
}
