"""ESSor settings. The environment is read here and nowhere else.

Variables (all optional for the embedded demo):
DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, REDIS_URL,
EMAIL_URL-style settings (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
EMAIL_USE_TLS, DEFAULT_FROM_EMAIL), ESSOR_REGION, ESSOR_BASE_URL, ESSOR_DATA_DIR,
ESSOR_TILE_URL, TRUSTED_PROXY_COUNT, TRUSTED_PROXY_NETWORKS, LOGIN_FAILURE_LIMIT,
LOGIN_LOCKOUT_SECONDS, ESSOR_PRIVATE_ROOT, PRIVATE_FILES_ACCEL_PREFIX, PRIVATE_FILES_SENDFILE,
ESSOR_MAX_UPLOAD_BYTES, ESSOR_MAX_IMPORT_UPLOAD_BYTES, ESSOR_EXPORT_SYNC_ROWS,
ESSOR_EXPORT_RETENTION_HOURS, DATABASE_REPLICA_URLS, ESSOR_SEARCH_MEMORY, ESSOR_SEARCH_INDEX_DIR.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
DATA_DIR = Path(env("ESSOR_DATA_DIR", str(PROJECT_DIR / "var")))


def demo_secret_key(data_dir):
    """The demo's key (issue 12.16): random, written to DATA_DIR/secret_key on the first
    run (`make demo`) and kept, readable by its owner only. Never a key in the code: anyone
    could forge confirmation and reset links of a demo reachable on a network."""
    path = Path(data_dir) / "secret_key"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process wrote it first
            pass
        else:
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = env("SECRET_KEY") or (demo_secret_key(DATA_DIR) if DEBUG else "")
if not SECRET_KEY:
    # Refuse to start a production instance with a guessable key.
    raise ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG est désactivé.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The INSEE code of the region the platform serves; the whole of France is loaded,
# this region is the default scope of the UI.
ESSOR_REGION = env("ESSOR_REGION", "75")
# Where people write to the CRESS that runs the platform (shown when no actor can answer).
ESSOR_CONTACT_EMAIL = env("ESSOR_CONTACT_EMAIL", "")
ESSOR_BASE_URL = env("ESSOR_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
ESSOR_TILE_URL = env("ESSOR_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")


def _tile_origins(url):
    """[the tiles' origin] for the CSP, none when ESSOR_TILE_URL is empty (offline
    outlines only) or a data: URL (the tests' blank tile, already allowed)."""
    parts = urlsplit(url)
    if not parts.netloc:
        return []
    return [f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"]


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "essor.core",
    "essor.territories",
    "essor.accounts",
    "essor.directory",
    "essor.search",
    "essor.observatory",
    "essor.initiatives",
    "essor.resources",
    "essor.support",
    "essor.financing",
    "essor.consultation",
    "essor.cooperation",
    "essor.events",
    "essor.purchasing",
    "essor.portal",
]

MIDDLEWARE = [
    # Where the request reads: a replica or the primary (DATABASE_REPLICA_URLS; else a no-op).
    "essor.core.replicas.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads the body: refuses an oversized upload unread (issue 12.14).
    "essor.core.uploads.UploadLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "essor.core.middleware.FriendlyErrorPages",
]

ROOT_URLCONF = "essor.urls"
WSGI_APPLICATION = "essor.wsgi.application"

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
                "essor.core.context_processors.platform",
            ],
        },
    }
]

if not env("DATABASE_URL"):
    # The embedded database lives in the data folder: on a fresh checkout, make it.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'essor.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the worker write while the web process reads.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# PostgreSQL streaming replicas (comma-separated URLs): read-only requests read from
# them, writes and what follows a write go to the primary (essor/core/replicas.py).
DATABASE_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    _alias = f"replica{_number}"
    # Tests run against the primary's test database: a replica mirrors it.
    DATABASES[_alias] = {
        **dj_database_url.parse(_url, conn_max_age=60),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["essor.core.replicas.PrimaryReplicaRouter"] if DATABASE_REPLICAS else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The directory search's in-memory facet index (essor/search/backends/memory.py):
# "background" reads it again in a thread after each write, searching in SQL meanwhile;
# "inline" reads it before answering (tests); "off" always searches in SQL.
ESSOR_SEARCH_MEMORY = env("ESSOR_SEARCH_MEMORY", "background")
if ESSOR_SEARCH_MEMORY not in ("background", "inline", "off"):
    raise ImproperlyConfigured("ESSOR_SEARCH_MEMORY vaut background, inline ou off.")
# Where the processes of a machine share that index: its arrays as files that each maps
# (issue 20.2). A local disk: with several web servers, each writes its own.
ESSOR_SEARCH_INDEX_DIR = Path(env("ESSOR_SEARCH_INDEX_DIR", str(DATA_DIR / "search-index")))
# The platform search checks that its documents still match the published content (a
# write that bypassed the services) at most this often, per process (essor/search/index.py).
ESSOR_SEARCH_CHECK_SECONDS = 10

# Behind a reverse proxy: how many proxies append to the forwarded-for header (0 = none, the
# header is ignored), or the networks the proxies live in. Read by
# essor.core.ratelimit.client_address, the one reader of that header.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXY_NETWORKS = env_list("TRUSTED_PROXY_NETWORKS")
# Wrong passwords in a row for one account before it refuses logins for a while,
# whatever the client's address (a password reset lifts the lock).
LOGIN_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_SECONDS = int(env("LOGIN_LOCKOUT_SECONDS", "900"))

CSRF_FAILURE_VIEW = "essor.core.views.csrf_failure"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# An e-mail confirmation link is valid for three days.
ACCOUNT_CONFIRMATION_MAX_AGE = 3 * 24 * 3600
PASSWORD_RESET_TIMEOUT = 24 * 3600

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("ESSOR_STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Private files (essor.core.storage): outside MEDIA_ROOT, served only by checking views; behind
# nginx, PRIVATE_FILES_ACCEL_PREFIX names the internal location that maps to PRIVATE_ROOT
# (X-Accel-Redirect), or PRIVATE_FILES_SENDFILE=1 for Apache's X-Sendfile.
PRIVATE_ROOT = Path(env("ESSOR_PRIVATE_ROOT", str(DATA_DIR / "private")))
PRIVATE_FILES_ACCEL_PREFIX = env("PRIVATE_FILES_ACCEL_PREFIX", "")
PRIVATE_FILES_SENDFILE = env_bool("PRIVATE_FILES_SENDFILE", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads: a request body above ESSOR_MAX_UPLOAD_BYTES is refused (413) before it is read
# (essor.core.uploads); the CRESS team's import form takes up to ESSOR_MAX_IMPORT_UPLOAD_BYTES.
ESSOR_MAX_UPLOAD_BYTES = int(env("ESSOR_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
ESSOR_MAX_IMPORT_UPLOAD_BYTES = int(env("ESSOR_MAX_IMPORT_UPLOAD_BYTES", str(512 * 1024 * 1024)))
# Form fields other than files above this size are refused; files above
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# CSV exports (essor.core.exports): above this many rows, prepared in the background into
# a private file; per account and per address, at most (count, seconds); pending at once
# per person; kept for so many hours.
ESSOR_EXPORT_SYNC_ROWS = int(env("ESSOR_EXPORT_SYNC_ROWS", "5000"))
ESSOR_EXPORT_RATE_LIMIT = (30, 600)
ESSOR_EXPORT_MAX_PENDING = 2
ESSOR_EXPORT_RETENTION_HOURS = int(env("ESSOR_EXPORT_RETENTION_HOURS", "24"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ESSor <ne-pas-repondre@essor.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": env("ESSOR_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "imports"],
    }
}
# Finished task rows (e-mails sent, imports, exports) are deleted after this many days by
# `essor purge_tasks` (README, « Sécurité »).
ESSOR_TASK_RETENTION_DAYS = int(env("ESSOR_TASK_RETENTION_DAYS", "30"))

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # The map tiles' server, from ESSOR_TILE_URL ("{s}" subdomains become "*").
        "img-src": ["'self'", "data:", *_tile_origins(ESSOR_TILE_URL)],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
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
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
