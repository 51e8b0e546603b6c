"""sitrep settings, read from environment variables only.

Every value has one typed helper below; a malformed value stops the process with a
message naming the variable, instead of running with a half-understood setting.
"""

import datetime
import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=None):
    value = os.environ.get(name, default)
    if value is None or (default is None and not value.strip()):
        raise ImproperlyConfigured(f"Set the {name} environment variable (it is missing or empty).")
    return value


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def read_dotenv(path):
    """Local defaults from KEY=VALUE lines (written by `make run`); the real environment wins."""
    if not path or not Path(path).is_file():
        return
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ImproperlyConfigured(f"{path}, line {number}: expected KEY=VALUE, got {line!r}.")
        os.environ.setdefault(key.strip(), value.strip())


read_dotenv(os.environ.get("DOTENV_FILE", BASE_DIR / ".env"))

DEBUG = env_bool("DEBUG", False)

# A development key is only acceptable while DEBUG is on; production must bring its own.
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-key" if DEBUG else None)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SITE_NAME = env_str("SITE_NAME", "sitrep")

INSTALLED_APPS = [
    "sitrep.admin_site.SitrepAdminConfig",  # django.contrib.admin, with sitrep's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "taggit",
    "axes",
    "reversion",
    "django_tasks",
    "django_tasks_db",
    "reports",
]

MIDDLEWARE = [
    "sitrep.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "sitrep.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the layers below, so that a page from the cache costs none of them: it keeps the
    # headers they gave the page, and leaves requests with a session (staff) to them.
    "reports.caching.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sitrep.locale.SiteLocaleMiddleware",  # /ar/ for readers; the editor's preference in /admin/
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "reports.admin.unsaved.KeepUnsavedAdminInputMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

# Failed admin log-ins are counted per client address by django-axes (in the database, so
# the count is shared by every worker and host); past the limit that address is refused
# with 429 for the cool-off time, and a successful log-in resets the count.
LOGIN_URL = "admin:login"  # the only log-in page there is
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind N reverse proxies, the client address is the Nth from the right in X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

ROOT_URLCONF = "sitrep.urls"
WSGI_APPLICATION = "sitrep.wsgi.application"

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
                "reports.public.context_processors.site",
            ],
        },
    },
]

# SQLite next to the code unless DATABASE_URL says otherwise (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The server and `make run`'s db_worker write to one file: each transaction takes the
    # write lock when it starts and waits for it, instead of failing ("database is locked")
    # when a read turns into a write while the other process writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
elif env_bool("DATABASE_PREPARED_STATEMENTS", True):
    # Values are sent apart from the SQL (server-side binding), so that psycopg prepares a
    # statement run five times on a connection and PostgreSQL may keep its plan: a report
    # page's query spends longer being planned (0.8 ms) than run. Turn it off behind a
    # PgBouncer older than 1.21 in transaction mode, which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
# Local memory by default; Redis (shared by every worker and host) when CACHE_URL or REDIS_URL
# is set, e.g. redis://127.0.0.1:6379/0.
_cache_url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
if _cache_url and not _cache_url.startswith("redis"):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// or rediss:// URL; got {_cache_url!r}.")


def source_release():
    """A name for the code being run: a digest of the app's Python files and templates, so
    that each deploy reads only what it cached itself (values shaped by the code before it,
    in a shared Redis, are never read)."""
    digest = hashlib.sha256()
    for folder in ("reports", "sitrep", "templates"):
        for path in sorted((BASE_DIR / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt", ".xml") and "migrations" not in path.parts:
                digest.update(path.relative_to(BASE_DIR).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# Set RELEASE (a version or commit) to name the deploy; by default the code names itself.
RELEASE = env_str("RELEASE", "") or source_release()
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}
    )
    | {"KEY_PREFIX": f"sitrep:{RELEASE}"}
}
# Anonymous public pages (reports/page_cache.py). 0 seconds turns the page cache off.
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_CHECK_SECONDS = 1.0  # the most a reader's page may lag an editor's change
PAGE_CACHE_EXCLUDED_PATHS = ("/admin/", "/healthz", "/preview/", "/media/", "/alerts/", "/ar/alerts/")
CDN_MAX_AGE = env_int("CDN_MAX_AGE", 0)
PAGE_PURGE_HOOK = env_str("PAGE_PURGE_HOOK", "")  # dotted path of a function called after each change
# Counts, facets, search rankings and the tag vocabulary, per publication generation
# (reports/memo.py), for everyone; 0 seconds turns it off.
RESULT_CACHE_SECONDS = env_int("RESULT_CACHE_SECONDS", 600)

# Background work (renditions, thumbnails, alerts) goes through Django's Tasks API. "database"
# queues it in the database for `manage.py db_worker` processes (production and `make run`);
# "immediate" runs it at once in the caller's process (`make test`).
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate" if env_bool("TESTING", False) else "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}; got {TASKS_BACKEND!r}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at the existing addresses, Arabic under /ar/ (i18n_patterns in sitrep/urls.py).
# The admin follows the editor's language (LANGUAGE_COOKIE_NAME or Accept-Language): see sitrep/locale.py.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (figures, PDFs): under MEDIA_ROOT by default; FILE_STORAGE=s3 keeps them in any
# S3-compatible service (django-storages). Either way readers get them through
# reports.public.media.files at /media/<name> (figures) and reports.public.views.pdfs (PDFs),
# which check that the report is published.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
FILE_STORAGE = env_str("FILE_STORAGE", "local")
if FILE_STORAGE == "local":
    _DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif FILE_STORAGE == "s3":
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,  # empty: AWS itself
            "region_name": env_str("S3_REGION", "") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID", "") or None,  # empty: boto3's own lookup
            "secret_key": env_str("S3_SECRET_ACCESS_KEY", "") or None,
            "default_acl": None,  # the bucket stays private: files reach readers through the app
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"FILE_STORAGE must be local or s3; got {FILE_STORAGE!r}.")
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        # Hashed, compressed files in production; plain files while developing and testing,
        # so neither needs collectstatic first.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env_bool("TESTING", False)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

TAGGIT_CASE_INSENSITIVE = True

# The read API is public, anonymous and JSON only: no sessions (so no CSRF), no browsable
# HTML pages with their own scripts.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} read API",
    "DESCRIPTION": "Published situation reports, their tags and periods. The list takes the archive's filters.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # A figure's rendition types, named for what they are rather than the generic "TypeEnum".
    "ENUM_NAME_OVERRIDES": {"RenditionTypeEnum": "reports.public.api.RENDITION_TYPES"},
}

# E-mail (editors are told when a report is submitted for review). Printed to the console
# unless a mail server is configured: EMAIL_HOST alone switches to SMTP.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds; a slow mail server must not hang a request
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "sitrep <sitrep@localhost>")
# The public address of this site, for links in e-mail, e.g. https://sitrep.example.org.
SITE_URL = env_str("SITE_URL", "").strip().rstrip("/")
if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://; got {SITE_URL!r}.")

# E-mail alerts (reports/alerts/): weekly digests go out on Mondays at this hour (TIME_ZONE);
# one client may ask for at most this many alerts an hour (each address: one message per 10 minutes).
ALERT_DIGEST_HOUR = env_int("ALERT_DIGEST_HOUR", 7)
if not 0 <= ALERT_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured(f"ALERT_DIGEST_HOUR must be an hour from 0 to 23; got {ALERT_DIGEST_HOUR}.")
ALERT_REQUESTS_PER_HOUR = env_int("ALERT_REQUESTS_PER_HOUR", 20)

# Security. These are the production defaults `manage.py check --deploy` asks for; behind a
# TLS-terminating proxy set SECURE_PROXY_SSL_HEADER, and for plain-HTTP local runs set
# SECURE_SSL_REDIRECT=0 and SECURE_COOKIES=0.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
# No inline script or style anywhere; JSON-LD data blocks are not scripts and need no source.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],  # figures come from this site's /media/ (reports.public.media.files), on any storage
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
