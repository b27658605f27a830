"""Settings, all from the environment (django-environ). See the README for every variable."""
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

QALQAN_ENV = env.str("QALQAN_ENV", default="development")  # development | test | production
DEBUG = env.bool("DEBUG", default=QALQAN_ENV == "development")
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)

if QALQAN_ENV == "production":
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("production needs a real SECRET_KEY (32+ characters) in the environment")
    if DEBUG:
        raise ImproperlyConfigured("production refuses to start with DEBUG on")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Qalqan platform apps (qalqan/) and domain apps (top level)
    "qalqan.core",
    "qalqan.audit",
    "qalqan.refdata",
    "qalqan.orgs",
    "qalqan.api",
    "qalqan.people",
    "qalqan.fund",
    "qalqan.payments",
    "qalqan.notify",
    "insurers",
    "qalqan.ledger",
    "policies",
    "claims",
    "qalqan.feed",
    "qalqan.demo",
    "qalqan.site",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    # Django and libraries
    "pgtrigger",
    "django_fsm",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qalqan.api.middleware.LocaleMiddleware",
    "qalqan.api.middleware.CommonMiddleware",
    "qalqan.api.middleware.ApiConventionsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "qalqan.urls"
WSGI_APPLICATION = "qalqan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# PostgreSQL only. `make run` / `make test` start an embedded server and set DATABASE_URL when it is unset.
if "DATABASE_URL" not in env:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set: run through `make run` / `make test` (they start an embedded PostgreSQL), "
        "or point DATABASE_URL at a PostgreSQL server"
    )
DATABASES = {"default": env.db("DATABASE_URL")}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("Qalqan runs on PostgreSQL only")
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# Django binds its own queries on the client (never prepared). The few hot statements of qalqan/core/sql.py
# ask psycopg to prepare them; psycopg does so only when the connection has a threshold at all, and this one is
# never reached by anything else. DB_PREPARED_STATEMENTS=off for a pooler that cannot keep them (PgBouncer < 1.21
# in transaction mode).
if env.bool("DB_PREPARED_STATEMENTS", default=True):
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2**31 - 1)
if env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://qalqan")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/accounts/home/"

# Kazakh is the default language; Russian and English beside it.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Almaty"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / ".data" / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media"))

WAGTAIL_SITE_NAME = "Qalqan"
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL

# Celery: no broker → tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):  # kombu's Redis transport, one publishing client a channel
    CELERY_BROKER_TRANSPORT = "qalqan.celery_redis:Transport"
# Tests run tasks eagerly; the one broker test starts its own worker against CELERY_BROKER_URL.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL or QALQAN_ENV == "test"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE: dict = {
    "purge-idempotency-records": {"task": "api.purge_idempotency_records", "schedule": 3600.0},
}
from celery.schedules import crontab  # noqa: E402

# Monthly on the 1st: end passed insurance statuses, then recompute every person's status chunk by chunk.
CELERY_BEAT_SCHEDULE["feed-outbox-relay"] = {"task": "feed.outbox_relay", "schedule": 5.0}
CELERY_BEAT_SCHEDULE["people-status-sweep"] = {"task": "people.status_sweep",
                                               "schedule": crontab(minute=0, hour=1, day_of_month=1)}
# Hourly: approved refunds whose payout the bank refused are sent again (idempotent by reference).
CELERY_BEAT_SCHEDULE["people-refund-payouts-retry"] = {"task": "people.refund_payouts_retry", "schedule": 3600.0}
# Daily: cancel unpaid policies past their deadline, expire ended ones, follow insurance status, warn of expiry.
CELERY_BEAT_SCHEDULE["policies-daily"] = {"task": "policies.daily", "schedule": crontab(minute=30, hour=0)}
# Every minute: re-send notifications still pending or failed.
CELERY_BEAT_SCHEDULE["notify-relay"] = {"task": "notify.relay", "schedule": 60.0}
# Claims: events the patient did not answer by the deadline count as confirmed (hourly; idempotent).
CELERY_BEAT_SCHEDULE["claims-confirm-silent"] = {"task": "claims.confirm_silent", "schedule": 3600.0}
CLAIMS_FILING_WINDOW_DAYS = env.int("CLAIMS_FILING_WINDOW_DAYS", default=90)  # oldest service date accepted
CLAIMS_PATIENT_DEADLINE_DAYS = env.int("CLAIMS_PATIENT_DEADLINE_DAYS", default=10)  # then silence = confirmed

# API
API_RATE_PUBLIC = env.str("API_RATE_PUBLIC", default="600/m")  # per client address, public look-ups
API_TOKEN_TOUCH_SECONDS = 60  # last_used_at is written at most this often per token
IDEMPOTENCY_TTL_HOURS = 24

# Stripe (qalqan/payments). Locally and in tests these point at localstripe (qalqan/payments/localstripe_server.py).
STRIPE_API_KEY = env.str("STRIPE_API_KEY", default="sk_test_qalqan_local")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="http://127.0.0.1:8420")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="whsec_qalqan_local")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="pk_test_qalqan_local")
# Notifications (qalqan/notify): a delivery backend (dotted path) per channel, the person's preference picks one.
# SMS and web push go to the outbox/console by default; e-mail through Django's mail (console outside production).
NOTIFY_BACKENDS = {
    "sms": env.str("NOTIFY_SMS_BACKEND", default="qalqan.notify.backends.ConsoleBackend"),
    "email": env.str("NOTIFY_EMAIL_BACKEND", default="qalqan.notify.backends.EmailBackend"),
    "push": env.str("NOTIFY_PUSH_BACKEND", default="qalqan.notify.backends.ConsoleBackend"),
}
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
                        if QALQAN_ENV == "production" else "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Qalqan <no-reply@qalqan.kz>")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_iin": {"()": "qalqan.core.logging.MaskIinFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_iin"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # its INFO is a line per rendering step of every PDF
        "fontTools": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},  # its INFO is two lines per API call (request and response)
    },
}

if QALQAN_ENV == "production":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

