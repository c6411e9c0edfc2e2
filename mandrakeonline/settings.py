"""Settings for mandrakeonline, read from environment variables.

Every variable is documented in the README with its default. Development defaults just
work; with DEBUG off the process refuses to start without a real SECRET_KEY and
ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host(s) when DEBUG is off.")

# Absolute links in emails (verification, password reset, unsubscribe) start with this.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # First, so that its createsuperuser (which generates the customer number) wins.
    "accounts",
    # The admin, on a site that also asks for a second factor (mandrakeonline/admin_site.py).
    "mandrakeonline.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # PostgreSQL's operator classes in index expressions (the customer search indexes).
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Widget templates through TEMPLATES (FORM_RENDERER below), so templates/ can correct them.
    "django.forms",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "anymail",
    "mandrakeonline",
    "mailinglists",
    "registrations",
    "billing",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id.
    "mandrakeonline.request_logging.request_id",
    # Next, so that it compresses the finished page. Django's gzip pads each answer with
    # random bytes against BREACH; static files come compressed already (whitenoise).
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "mandrakeonline.middleware.permissions_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mandrakeonline.middleware.session_timeouts",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mandrakeonline.urls"
WSGI_APPLICATION = "mandrakeonline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: PostgreSQL only. Without DATABASE_URL, an embedded server in .data/postgres.
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    from mandrakeonline.embedded_db import embedded_database_url

    DATABASE_URL = embedded_database_url()
# Persistent connections in production: opening a PostgreSQL connection costs more than a
# whole page's queries. The health check (one ping when a request reuses a connection) drops
# one the server closed, instead of failing that request. Not in development, where
# runserver's thread per request would leave a connection behind each time.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if DEBUG else 600), conn_health_checks=True
    )
}
# The database the test runner creates (default: test_<name>); set it to run two test
# sessions side by side on one server.
if env_str("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.Customer"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out attempts before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    # Argon2id at OWASP's minimum cost (mandrakeonline/hashers.py).
    "mandrakeonline.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name", "customer_number")},
    },
    # 12 characters with login limiting: CNIL deliberation 2022-100.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:overview"
LOGOUT_REDIRECT_URL = "home"
# Links in emails (password reset, email verification, email change) stay valid three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# Failed logins (django-axes): after AXES_FAILURE_LIMIT failures for one customer number
# from one address, that pair waits AXES_COOLOFF_MINUTES. Never a permanent lock.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.customer_numbers.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "mandrakeonline.client_ip.client_ip"
# How many proxies of ours stand in front of the application (0: clients connect directly).
# Only their X-Forwarded-For entries are trusted; see mandrakeonline/client_ip.py.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_VERBOSE = False
# Its log lines name a client by a keyed digest, never by customer number and address.
AXES_CLIENT_STR_CALLABLE = "mandrakeonline.request_logging.axes_client_str"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Form widgets are rendered with the templates above, so that templates/admin/widgets/ can
# make the admin's widgets accessible.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console in development; any django-anymail ESP (or Django's file backend) by
# setting EMAIL_BACKEND. ANYMAIL_* variables become the ANYMAIL settings, e.g.
# ANYMAIL_MAILGUN_API_KEY -> ANYMAIL["MAILGUN_API_KEY"].
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / ".data" / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mandrake Online <no-reply@mandrakeonline.net>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ANYMAIL = {key.removeprefix("ANYMAIL_"): value for key, value in os.environ.items() if key.startswith("ANYMAIL_")}
# The ESP's webhooks (bounces, complaints, members' posts at /anymail/<esp>/...) must give this
# "user:password" with HTTP basic auth. anymail would accept anyone's calls without it, so
# without it they are not served at all (and `check --deploy` says so).
DEV_WEBHOOK_SECRET = "development:anymail-webhook-secret"
ANYMAIL.setdefault("WEBHOOK_SECRET", DEV_WEBHOOK_SECRET if DEBUG else "")

# Exports of a customer's data: built into this private folder (never served directly),
# downloadable by their owner for EXPORT_LINK_HOURS.
EXPORT_ROOT = Path(env_str("EXPORT_ROOT", str(BASE_DIR / ".data" / "exports")))
EXPORT_LINK_HOURS = env_int("EXPORT_LINK_HOURS", 24)

# Retention (accounts/retention.py, `manage.py apply_retention`, run nightly by the worker).
UNVERIFIED_SIGNUP_DAYS = env_int("UNVERIFIED_SIGNUP_DAYS", 7)
INACTIVE_ACCOUNT_YEARS = env_int("INACTIVE_ACCOUNT_YEARS", 3)
INACTIVITY_WARNING_DAYS = env_int("INACTIVITY_WARNING_DAYS", 30)
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 3 * 365)
PRIVACY_REQUEST_RETENTION_YEARS = env_int("PRIVACY_REQUEST_RETENTION_YEARS", 3)
TASK_RESULT_RETENTION_DAYS = env_int("TASK_RESULT_RETENTION_DAYS", 7)

# Background work: PostgreSQL is the queue (django-tasks-db); `manage.py db_worker` runs it.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Strict Content-Security-Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws form controls (select arrows, check marks) with data: SVG images.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

# A login lasts at most SESSION_ABSOLUTE_HOURS, and ends after SESSION_IDLE_MINUTES without
# a request (mandrakeonline.middleware.session_timeouts).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Before changing the email address or the password, turning two-factor authentication on
# or off, exporting or deleting, the password must have been typed within this many minutes
# (accounts/reauthentication.py); logging in counts.
REAUTHENTICATION_SECONDS = env_int("REAUTHENTICATION_MINUTES", 5) * 60

# Two-factor authentication (django-otp): an authenticator app (TOTP) and single-use
# recovery codes. Staff cannot open the admin without it (mandrakeonline/admin_site.py).
OTP_TOTP_ISSUER = "Mandrake Online"
# After a wrong code, the next attempt waits 1, 2, 4, 8... seconds (per device).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# How long the code step of a login waits after the password step.
TWO_FACTOR_LOGIN_SECONDS = 5 * 60

if not DEBUG:
    # Behind a proxy that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse these cookies unless secure, host-only, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Structured logs: every record carries the id of the request it belongs to (also sent as
# the X-Request-ID header), as JSON lines in production. Paths holding secrets (tokens in
# email links) are logged by their route, never by their value; see
# mandrakeonline/request_logging.py. Nothing personal is ever logged.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "mandrakeonline.request_logging.RequestIdFilter"},
        "redact_paths": {"()": "mandrakeonline.request_logging.RedactPathsFilter"},
    },
    "formatters": {
        "json": {"()": "mandrakeonline.request_logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "redact_paths"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Never log request bodies or personal data; Django's request errors are enough.
        "django.db.backends": {"level": "INFO"},
        # The embedded server's handle bookkeeping is noise on every command.
        "pgserver": {"level": "WARNING"},
        # django-axes logs every login at INFO; failures and lockouts stay visible.
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
# Trust an X-Request-ID set by our own proxy (only when TRUSTED_PROXY_COUNT > 0), so that
# its access log and ours share the id.
TRUST_REQUEST_ID_HEADER = TRUSTED_PROXY_COUNT > 0

# --- mailinglists ---
# Every list email's List-Id header (RFC 2919) is <slug.LIST_ID_DOMAIN>, e.g.
# <cooker.lists.mandrakeonline.net>; it must stay the same for the life of the lists.
LIST_ID_DOMAIN = env_str("LIST_ID_DOMAIN", "lists.mandrakeonline.net")
# Delivery of posts (mailinglists/delivery.py). The ESP's limits decide these: recipients
# per API call, and messages per second over all workers together (0: no limit).
LIST_SEND_BATCH_SIZE = env_int("LIST_SEND_BATCH_SIZE", 500)
LIST_SEND_RATE = env_int("LIST_SEND_RATE", 100)
# How many delivery tasks share one post: at most one per `db_worker` process is useful.
LIST_SEND_WORKERS = env_int("LIST_SEND_WORKERS", 2)
# An ESP error is retried this many times in all, waiting RETRY_SECONDS, then twice as long...
LIST_SEND_MAX_ATTEMPTS = env_int("LIST_SEND_MAX_ATTEMPTS", 5)
LIST_SEND_RETRY_SECONDS = env_int("LIST_SEND_RETRY_SECONDS", 60)
# A batch handed to the ESP longer ago than this without an answer belongs to a worker that
# died: it is marked "interrupted" and never sent again (nobody gets a second copy).
LIST_SEND_CLAIM_TIMEOUT_SECONDS = env_int("LIST_SEND_CLAIM_TIMEOUT_SECONDS", 600)
# How the ESP writes a merge field in a message body ({} is the field's name), e.g.
# "%recipient.{}%" for Mailgun. Set, one API call carries a whole batch with each
# recipient's own unsubscribe link as merge data; empty, each recipient gets a message
# of their own over one connection (SMTP, Postmark or Amazon SES without templates).
LIST_MERGE_FIELD_FORMAT = env_str("LIST_MERGE_FIELD_FORMAT", "")
if LIST_MERGE_FIELD_FORMAT and LIST_MERGE_FIELD_FORMAT.count("{}") != 1:
    raise ImproperlyConfigured('LIST_MERGE_FIELD_FORMAT must contain "{}" once, e.g. "%recipient.{}%".')
# Bounces counted within this window (and since the member last resumed) pause a subscription.
LIST_HARD_BOUNCE_LIMIT = env_int("LIST_HARD_BOUNCE_LIMIT", 2)
LIST_SOFT_BOUNCE_LIMIT = env_int("LIST_SOFT_BOUNCE_LIMIT", 5)
LIST_BOUNCE_WINDOW_DAYS = env_int("LIST_BOUNCE_WINDOW_DAYS", 30)
# Retention: who received which post, and posts held for moderation (often from strangers).
LIST_DELIVERY_RETENTION_DAYS = env_int("LIST_DELIVERY_RETENTION_DAYS", 90)
LIST_HELD_POST_DAYS = env_int("LIST_HELD_POST_DAYS", 30)

# --- billing ---
# The store and the donation page sign each webhook call with this shared secret
# (HMAC-SHA256 over the timestamp and the raw body); see docs/billing.md.
_DEV_STORE_WEBHOOK_SECRET = "development-store-webhook-secret"
STORE_WEBHOOK_SECRET = env_str("STORE_WEBHOOK_SECRET", _DEV_STORE_WEBHOOK_SECRET if DEBUG else "")
if not DEBUG and (not STORE_WEBHOOK_SECRET or STORE_WEBHOOK_SECRET == _DEV_STORE_WEBHOOK_SECRET):
    raise ImproperlyConfigured("STORE_WEBHOOK_SECRET must be set to a long random value when DEBUG is off.")
# A signed call older (or newer) than this is refused, so a captured call cannot be replayed.
STORE_WEBHOOK_TOLERANCE_SECONDS = env_int("STORE_WEBHOOK_TOLERANCE_SECONDS", 300)
STORE_WEBHOOK_MAX_BYTES = env_int("STORE_WEBHOOK_MAX_BYTES", 64 * 1024)
# The seller's details frozen on every invoice; "|" separates the address lines.
BILLING_SELLER_NAME = env_str("BILLING_SELLER_NAME", "Mandrake S.A.")
BILLING_SELLER_ADDRESS = env_str("BILLING_SELLER_ADDRESS", "43 rue d'Aboukir|75002 Paris|France").split("|")
BILLING_SELLER_VAT_NUMBER = env_str("BILLING_SELLER_VAT_NUMBER", "FR 43 432 198 765")
BILLING_SELLER_REGISTRATION = env_str("BILLING_SELLER_REGISTRATION", "RCS Paris B 432 198 765")
BILLING_SELLER_LEGAL_NOTICE = env_str(
    "BILLING_SELLER_LEGAL_NOTICE", "Société anonyme au capital de 1 000 000 EUR. Pas d'escompte pour paiement anticipé."
)
# Number series: <prefix>-<year>-<number>, consecutive without gaps in each series.
BILLING_INVOICE_PREFIX = env_str("BILLING_INVOICE_PREFIX", "MO")
BILLING_CREDIT_NOTE_PREFIX = env_str("BILLING_CREDIT_NOTE_PREFIX", "MOAV")
BILLING_RECEIPT_PREFIX = env_str("BILLING_RECEIPT_PREFIX", "DON")
for _prefix in (BILLING_INVOICE_PREFIX, BILLING_CREDIT_NOTE_PREFIX, BILLING_RECEIPT_PREFIX):
    if not (_prefix.isascii() and _prefix.isalnum() and len(_prefix) <= 7):
        raise ImproperlyConfigured(f"Billing number prefixes are 1 to 7 letters or digits, not {_prefix!r}.")
# Accounting records are kept this many years after the end of their year (France: 10).
BILLING_RETENTION_YEARS = env_int("BILLING_RETENTION_YEARS", 10)
# TrueType fonts for the PDFs; the default (Bitstream Vera, shipped with reportlab) covers
# Western European scripts. Point these at e.g. DejaVuSans.ttf for wider coverage.
BILLING_PDF_FONT = env_str("BILLING_PDF_FONT", "Vera.ttf")
BILLING_PDF_BOLD_FONT = env_str("BILLING_PDF_BOLD_FONT", "VeraBd.ttf")
