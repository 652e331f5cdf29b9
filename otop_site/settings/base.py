"""Settings shared by every environment. Values come from the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_float, env_int, env_list, env_str
from .redis_urls import redis_database, task_queue_redis_url
from .storage import s3_media_origins, s3_storages

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# --- Core -------------------------------------------------------------------------------------
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The site's address as e-mails link to it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "axes",
    "csp",
    # Named partials in templates ({% partialdef %}, "page.html#part"), built into Django 6.
    "template_partials",
    # Background tasks (docs/tasks.md): the framework, its database backend's table and admin,
    # and django-rq's queues for the RQ backend.
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "core",
    "accounts",
    "places",
    "producers",
    "catalogue",
    "orders",
    "events",
]

MIDDLEWARE = [
    # Outermost: one JSON line per request with the status the visitor got (docs/operations.md).
    "otop_site.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that answers a page, so error and lock-out pages are covered too.
    "otop_site.middleware.PrivatePagesMiddleware",
    "otop_site.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes last: it answers locked-out logins before the view runs.
    "axes.middleware.AxesMiddleware",
]

# --- Web nodes (docs/deployment.md) -----------------------------------------------------------
# NODE_NAME names this web machine in an X-Served-By response header, to see which node behind
# the load balancer answered; unset, no header.
NODE_NAME = env_str("NODE_NAME")
if NODE_NAME:
    MIDDLEWARE.insert(0, "otop_site.middleware.ServedByMiddleware")

ROOT_URLCONF = "otop_site.urls"
WSGI_APPLICATION = "otop_site.wsgi.application"
ASGI_APPLICATION = "otop_site.asgi.application"

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
                "accounts.context_processors.roles",
                "orders.context_processors.cart",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# DATABASE_URL names a server; without it the project starts its own embedded PostgreSQL
# under var/pgdata (see embedded_postgres.py).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))}
else:
    from .embedded_postgres import database_settings

    DATABASES = {"default": database_settings(VAR_DIR / "pgdata")}
DATABASES["default"].setdefault("OPTIONS", {})
database_options = DATABASES["default"]["OPTIONS"]
# Give up on an unreachable server after a few seconds (libpq would wait for the operating
# system's TCP timeout, minutes), so pages and /healthz answer 503 while it is down.
# `?connect_timeout=N` in DATABASE_URL overrides it.
database_options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
# Time limits on a server that hangs (docs/operations.md says why each is needed):
# - the server cancels a statement running longer than DATABASE_STATEMENT_TIMEOUT seconds;
# - we drop a connection whose server has not answered one round trip DATABASE_ANSWER_TIMEOUT
#   seconds after it was sent (a stopped server enforces nothing itself): otop_site/database.py;
# - TCP keepalives and tcp_user_timeout end connections to a host that vanished (libpq ignores
#   them on a unix socket, where the kernel knows at once).
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 4)
DATABASE_ANSWER_TIMEOUT = env_float(
    "DATABASE_ANSWER_TIMEOUT", DATABASE_STATEMENT_TIMEOUT + 1 if DATABASE_STATEMENT_TIMEOUT else 0
)
if DATABASE_STATEMENT_TIMEOUT:
    # First, so a statement_timeout given in DATABASE_URL's options wins.
    database_options["options"] = (
        f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000} {database_options.get('options', '')}".strip()
    )
DATABASE_KEEPALIVES_IDLE = env_int("DATABASE_KEEPALIVES_IDLE", 30)
database_options.setdefault("keepalives", 1)
database_options.setdefault("keepalives_idle", DATABASE_KEEPALIVES_IDLE)
database_options.setdefault("keepalives_interval", 5)
database_options.setdefault("keepalives_count", 3)
# Unacknowledged data ends the connection no sooner than the keepalives would.
database_options.setdefault("tcp_user_timeout", (DATABASE_KEEPALIVES_IDLE + 5 * 3) * 1000)
# A bounded pool of connections per process: runserver's threads and gunicorn's workers never
# hold more than DATABASE_POOL_SIZE connections each (plus one for the health check), and a
# request waits at most DATABASE_POOL_TIMEOUT seconds for one, then gets the styled 503.
# DATABASE_POOL_SIZE=0 turns the pool off (behind PgBouncer, say); then CONN_MAX_AGE applies.
DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 4)
if DATABASE_POOL_SIZE > 0:
    from otop_site.database import GuardedConnection

    database_options["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        "timeout": env_float("DATABASE_POOL_TIMEOUT", 4),
        "connection_class": GuardedConnection,
    }
    # The pool keeps the connections; Django gives each back at the end of the request.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Django's backend, whose pool answers at once when the server is down instead of waiting
    # DATABASE_POOL_TIMEOUT for a connection that will not come (otop_site/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "otop_site.postgresql"
else:
    # Keep connections open between requests (checked before reuse), embedded server included.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("CONN_MAX_AGE", 60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# /healthz answers 503 when the database has not answered a fresh connection within this time.
HEALTHZ_TIMEOUT = env_float("HEALTHZ_TIMEOUT", 0.8)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Read replica (docs/scale-out.md) ---------------------------------------------------------
# DATABASE_REPLICA_URL names a PostgreSQL streaming replica of DATABASE_URL's server: public pages
# then read the public apps' data from it (otop_site/db_router.py); writes, transactions, the
# back office, the cart, checkout and accounts stay on the primary. Without it nothing changes.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
# Pages read from the primary while the replica is further behind than this (seconds).
DATABASE_REPLICA_MAX_LAG = env_float("DATABASE_REPLICA_MAX_LAG", 30)
DATABASE_REPLICA_APPS = env_list("DATABASE_REPLICA_APPS", ["catalogue", "producers", "places", "events"])
if DATABASE_REPLICA_URL:
    import copy

    replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    # The primary's limits and pool settings, with what the replica's URL says on top.
    replica["OPTIONS"] = {**copy.deepcopy(DATABASES["default"]["OPTIONS"]), **replica.get("OPTIONS", {})}
    replica["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"] = replica
    DATABASE_ROUTERS = ["otop_site.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("otop_site.middleware.PrivatePagesMiddleware"), "otop_site.db_router.ReplicaReadsMiddleware"
    )

# --- Cache and sessions -----------------------------------------------------------------------
# Redis when REDIS_URL (or CACHE_URL) is set, so any number of web processes share them;
# the database otherwise. Web processes keep no state of their own.
REDIS_URL = env_str("REDIS_URL") or env_str("CACHE_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # Redis down or hung: every read is a miss and every write is dropped, so pages
                # are rendered without the cache (slower, never a 500); after a failure the
                # process skips Redis for REDIS_RETRY_AFTER seconds, so a hung Redis costs one
                # wait, not one per operation; it recovers by itself (docs/operations.md).
                "CLIENT_CLASS": "otop_site.redis_cache.CircuitBreakerClient",
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT", 0.25),
                "SOCKET_TIMEOUT": env_float("REDIS_TIMEOUT", 0.5),
            },
        }
    }
    REDIS_RETRY_AFTER = env_float("REDIS_RETRY_AFTER", 2)
    # Sessions are written to the database and read from Redis: a visitor stays signed in, with
    # their cart, while Redis is down or after it restarted empty.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            # Room for the cached page fragments (one per product and language, and more).
            "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 4},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Whole pages and shared fragments (core/cache.py) share the default cache's server.
CACHES["pages"] = dict(CACHES["default"], KEY_PREFIX="pages")
# The versions' tokens and the lagging versions' markers (core/cache.py): kept without expiry and
# never culled, as a lost marker would hold a change back. On Redis they carry no TTL, so a
# `volatile-*` eviction policy never drops them; the database keeps them in a table of their own.
if REDIS_URL:
    CACHES["versions"] = dict(CACHES["default"], KEY_PREFIX="versions")
else:
    CACHES["versions"] = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache_versions",
        "OPTIONS": {"MAX_ENTRIES": 10_000_000},
    }
# A worker's own copy of the pages and fragments it served: their keys hold every version they
# depend on, so a copy is never stale. Bounded: pages of 20–150 KB, fragments of 1–20 KB.
CACHES["pages-local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages-local",
    "OPTIONS": {"MAX_ENTRIES": env_int("PAGES_LOCAL_ENTRIES", 3000)},
}
# How many seconds listings (product cards, their counts, the producer directory, the floor
# plans' names) may lag behind the data; product pages, the cart and checkout never lag.
CACHE_LISTINGS_LAG = env_int("CACHE_LISTINGS_LAG", 10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any other backend looks at them.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login rate limiting: 10 failures for one account, or from one address, within
# 15 minutes lock that account or address for 15 minutes; answered with 429 and a clear page.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Count failures per account, whichever spelling of it (user name or e-mail, any case) was typed.
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_username"
# Reverse proxies in front of the site (a load balancer is one): failures then count against the
# address the proxies saw, read from X-Forwarded-For, not against the nearest proxy's address.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "accounts.backends.client_ip_address"
AXES_VERBOSE = False
# Axes' log of log-ins, log-outs and failures is kept this many days (core.tasks.login_records_prune,
# daily); failed attempts are deleted once their cool-off has passed.
LOGIN_RECORDS_KEEP_DAYS = env_int("LOGIN_RECORDS_KEEP_DAYS", 90)

# E-mail addresses count once confirmed by a signed link (accounts/tokens.py), valid this long.
EMAIL_CONFIRMATION_MAX_AGE = env_int("EMAIL_CONFIRMATION_DAYS", 3) * 24 * 60 * 60

# Throttles (django-ratelimit) on what sends e-mail or tells which accounts exist: "N/h" is N per
# hour, "N/d" per day. Over a limit the page answers 429 with its form and sends nothing.
# django-ratelimit counts in the default cache; it is used as a library (not in INSTALLED_APPS),
# so its system check, which wants memcached or Redis, does not run against the database cache:
# the database cache's increment is not atomic, so a burst may pass a few requests over a limit,
# which does not matter for throttling abuse (Redis, when REDIS_URL is set, counts exactly).
RATE_LIMITS = {
    "signup-client": env_str("RATE_LIMIT_SIGNUP_CLIENT", "10/h"),
    "signup-email": env_str("RATE_LIMIT_SIGNUP_EMAIL", "3/h"),
    "password-reset-client": env_str("RATE_LIMIT_PASSWORD_RESET_CLIENT", "10/h"),
    "password-reset-email": env_str("RATE_LIMIT_PASSWORD_RESET_EMAIL", "3/h"),
    "confirmation-resend": env_str("RATE_LIMIT_CONFIRMATION_RESEND", "3/h"),
    "email-change": env_str("RATE_LIMIT_EMAIL_CHANGE", "5/h"),
    "invite-account": env_str("RATE_LIMIT_INVITE_ACCOUNT", "30/d"),
    "invite-address": env_str("RATE_LIMIT_INVITE_ADDRESS", "3/d"),
}
# A group that staff have not verified yet may send this many invitation e-mails a day.
UNVERIFIED_GROUP_INVITATIONS_PER_DAY = env_int("UNVERIFIED_GROUP_INVITATIONS_PER_DAY", 5)

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("th", _("Thai")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
PRIVATE_ROOT = Path(env_str("PRIVATE_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Files no URL may reach (transfer slips, listing spreadsheets waiting for confirmation):
    # views stream them to those allowed to see them.
    "private": {"BACKEND": "core.storage.PrivateFileSystemStorage", "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None}},
}

# --- Shared media (object storage) -------------------------------------------------------------
# With S3_BUCKET set, photos and private files go to S3-compatible object storage (AWS S3,
# MinIO, Cloudflare R2, …) that every web and task machine shares; without it, to MEDIA_ROOT
# and PRIVATE_ROOT on this machine. Credentials come from boto3's usual sources
# (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the machine's role). docs/media.md.
S3_BUCKET = env_str("S3_BUCKET")
_s3_address = {
    "bucket": S3_BUCKET,
    "endpoint_url": env_str("S3_ENDPOINT_URL"),
    "region": env_str("S3_REGION"),
    "public_url": env_str("S3_PUBLIC_URL"),
    "addressing_style": env_str("S3_ADDRESSING_STYLE"),
}
MEDIA_ORIGINS: list[str] = []
if S3_BUCKET:
    STORAGES |= s3_storages(
        **_s3_address,
        private_bucket=env_str("S3_PRIVATE_BUCKET"),
        media_prefix=env_str("S3_MEDIA_PREFIX", "media"),
        private_prefix=env_str("S3_PRIVATE_PREFIX", "private"),
        public_acl=env_str("S3_PUBLIC_ACL"),
    )
    MEDIA_ORIGINS = s3_media_origins(**_s3_address)
# Serve uploaded media from Django itself (development and the demo); production puts them on
# shared or object storage behind its own URL.
SERVE_MEDIA = env_bool("SERVE_MEDIA", not S3_BUCKET)

# --- Currencies -------------------------------------------------------------------------------
# Thai baht per unit of each producer currency, to sort and filter prices in several currencies
# together. Prices themselves are always shown and charged in the producer's own currency.
CURRENCY_REFERENCE_RATES = {"THB": 1, "JPY": 0.23, "KHR": 0.0085, "LAK": 0.0016, "MMK": 0.016, "VND": 0.0013}

# --- Fair stock -------------------------------------------------------------------------------
# Unpaid orders hold stock, so one account may hold only so much of it unpaid: at most this many
# unpaid orders at once across the site, and of any one product at most the larger of a few
# units and a share of its whole stock (in stock plus held by unpaid orders). Checkout refuses
# beyond that with a message naming the product and the limit.
ORDERS_UNPAID_ORDERS_PER_ACCOUNT = env_int("ORDERS_UNPAID_ORDERS_PER_ACCOUNT", 5)
ORDERS_UNPAID_UNITS_PER_PRODUCT = env_int("ORDERS_UNPAID_UNITS_PER_PRODUCT", 2)
ORDERS_UNPAID_SHARE_PERCENT = env_int("ORDERS_UNPAID_SHARE_PERCENT", 25)
# How long an unpaid order of a method that pays at once holds its stock (hours), never longer
# than the producer's own limit: a PromptPay QR is paid in minutes, a transfer within a day.
# A transfer slip sent in time extends the hold to the producer's own limit, so a producer slow
# to confirm never loses a paid order. Methods not named here hold for the producer's limit.
ORDERS_PAYMENT_HOLD_HOURS = {
    "promptpay": env_int("ORDERS_PROMPTPAY_HOLD_HOURS", 2),
    "bank_transfer": env_int("ORDERS_BANK_TRANSFER_HOLD_HOURS", 24),
}

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OTOP Marketplace <no-reply@otop.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where notices tell people to write when something was not them (a payout change, say).
SUPPORT_EMAIL = env_str("SUPPORT_EMAIL", "help@otop.example")

# --- Background tasks -------------------------------------------------------------------------
# E-mails, search reindexing and the periodic jobs run in a worker (`manage.py run_worker`,
# started by `make run` beside the web server; docs/tasks.md). TASKS_BACKEND picks the queue:
# - "database" (the default): a table in the site's database; nothing else to run.
# - "rq": RQ on Redis, for any number of worker machines: TASKS_REDIS_URL, else the database
#   after the cache's on REDIS_URL's server (never the cache's own: it may be flushed, and
#   evicts), else Redis on this machine. The queue's Redis needs `maxmemory-policy noeviction`.
# - "immediate": run in the web process itself, once its transaction commits (tests).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
TASKS_REDIS_URL = task_queue_redis_url(queue_url=env_str("TASKS_REDIS_URL"), cache_url=REDIS_URL)
if TASKS_BACKEND == "rq" and REDIS_URL and redis_database(TASKS_REDIS_URL) == redis_database(REDIS_URL):
    raise ImproperlyConfigured(
        "TASKS_REDIS_URL names the cache's Redis database (REDIS_URL): flushing the cache would drop the "
        "queued tasks. Give the queue a database of its own, or leave TASKS_REDIS_URL unset (docs/tasks.md)."
    )
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND],
    }
}
RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": env_int("TASKS_RQ_TIMEOUT", 600)}}
# A task that raises is tried again TASKS_RETRY_ATTEMPTS times in all, the n-th retry
# TASKS_RETRY_BACKOFF × 2^(n-1) seconds after the failure; then it is listed for staff
# (admin: Core › Failed tasks).
TASKS_RETRY_ATTEMPTS = env_int("TASKS_RETRY_ATTEMPTS", 5)
TASKS_RETRY_BACKOFF = env_float("TASKS_RETRY_BACKOFF", 30)
# Periodic jobs the workers enqueue (no cron): a task's path and every how many seconds.
TASKS_SCHEDULE = {
    "orders.tasks.orders_expire_due": env_int("TASKS_EXPIRE_ORDERS_EVERY", 60),
    "catalogue.tasks.facet_counts_fold": env_int("TASKS_FACET_COUNTS_EVERY", 300),
    "core.tasks.task_results_prune": env_int("TASKS_PRUNE_EVERY", 3600),
    "core.tasks.sessions_clear_expired": env_int("TASKS_SESSIONS_CLEAR_EVERY", 24 * 3600),
    "core.tasks.login_records_prune": env_int("TASKS_LOGIN_RECORDS_PRUNE_EVERY", 24 * 3600),
}
# Finished tasks' rows and e-mail delivery keys are kept this many days.
TASKS_KEEP_DAYS = env_int("TASKS_KEEP_DAYS", 14)

# --- Payout details ---------------------------------------------------------------------------
# A new group's change of bank account or PromptPay ID waits for staff: one verified, and with
# no manager who joined, less than this many days ago (docs/payments.md).
PAYOUT_REVIEW_DAYS = env_int("PAYOUT_REVIEW_DAYS", 30)
# Wrong passwords on the payout form: after this many in this many minutes, it refuses for a while.
PAYOUT_PASSWORD_FAILURE_LIMIT = env_int("PAYOUT_PASSWORD_FAILURE_LIMIT", 5)
PAYOUT_PASSWORD_COOLOFF_MINUTES = env_int("PAYOUT_PASSWORD_COOLOFF_MINUTES", 15)

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Logging ----------------------------------------------------------------------------------
# One JSON object a line on standard error (core/logs.py): a line per request ("otop.requests",
# LOG_REQUESTS=0 turns it off) and per background task ("otop.tasks", through core.logs.log_task);
# everything else logged at LOG_LEVEL or above in the same form. LOG_FORMAT=plain for a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    # The task frameworks write every failed attempt at ERROR; core.logs.log_task has logged it
    # already (WARNING when it is retried, ERROR when it failed for good): theirs becomes WARNING.
    "filters": {"task_failure_logged": {"()": "core.logs.TaskFailureLoggedFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django_tasks": {"filters": ["task_failure_logged"]},
        "rq.worker": {"filters": ["task_failure_logged"]},
        "otop.requests": {"handlers": ["console"], "level": "INFO" if env_bool("LOG_REQUESTS", True) else "WARNING", "propagate": False},
        "otop.tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Error reporting --------------------------------------------------------------------------
# Sentry (or a server speaking its protocol, such as GlitchTip) when SENTRY_DSN is set; without
# it sentry_sdk is not even imported. Errors only by default; SENTRY_TRACES_SAMPLE_RATE (0 to 1)
# adds performance traces. No personal data is sent (send_default_pii stays off).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=env_str("SENTRY_RELEASE") or None,
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
        send_default_pii=False,
    )
