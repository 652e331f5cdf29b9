"""Settings come from the environment; production refuses unsafe values.

Each test imports the settings in a fresh process whose environment it controls entirely, so
nothing from the machine running the tests leaks in. DATABASE_URL is always set (to a server
that is never contacted): without it the settings would start the embedded PostgreSQL.
"""

import secrets

import pytest

from .processes import clean_environment, import_settings, run_python, settings_values

REMOTE_DATABASE = "postgres://otop:s3cr%40t@db.internal.example:6543/otop_live"
PRODUCTION_ENVIRONMENT = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "otop.example,www.otop.example",
    "DATABASE_URL": REMOTE_DATABASE,
}


# --- Database ---------------------------------------------------------------------------------


def test_database_url_names_the_server_the_site_uses():
    values = settings_values("otop_site.settings.local", ["DATABASES"], DATABASE_URL=REMOTE_DATABASE)

    database = values["DATABASES"]["default"]
    # Django's PostgreSQL backend, whose pool gives up at once on a server that is down.
    assert database["ENGINE"] == "otop_site.postgresql"
    assert database["NAME"] == "otop_live"
    assert database["USER"] == "otop"
    assert database["PASSWORD"] == "s3cr@t"
    assert database["HOST"] == "db.internal.example"
    assert database["PORT"] == 6543
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] == 0, "the pool keeps the connections, not Django"


def test_an_unreachable_database_server_is_given_up_on_after_a_few_seconds():
    default = settings_values("otop_site.settings.local", ["DATABASES"], DATABASE_URL=REMOTE_DATABASE)
    from_url = settings_values(
        "otop_site.settings.local", ["DATABASES"], DATABASE_URL=REMOTE_DATABASE + "?connect_timeout=12"
    )

    assert default["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 5
    assert str(from_url["DATABASES"]["default"]["OPTIONS"]["connect_timeout"]) == "12"


def test_conn_max_age_comes_from_the_environment_when_the_pool_is_off():
    default = settings_values("otop_site.settings.local", ["DATABASES"], DATABASE_URL=REMOTE_DATABASE, DATABASE_POOL_SIZE="0")
    from_env = settings_values(
        "otop_site.settings.local", ["DATABASES"], DATABASE_URL=REMOTE_DATABASE, DATABASE_POOL_SIZE="0", CONN_MAX_AGE="0"
    )

    assert "pool" not in default["DATABASES"]["default"]["OPTIONS"]
    assert default["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert from_env["DATABASES"]["default"]["CONN_MAX_AGE"] == 0


def test_each_process_holds_a_bounded_pool_of_connections():
    default = settings_values("otop_site.settings.production", ["DATABASES"], **PRODUCTION_ENVIRONMENT)
    dev_server = settings_values("otop_site.settings.local", ["DATABASES"], DATABASE_URL=REMOTE_DATABASE)
    tuned = settings_values(
        "otop_site.settings.production",
        ["DATABASES"],
        **PRODUCTION_ENVIRONMENT,
        DATABASE_POOL_SIZE="8",
        DATABASE_POOL_TIMEOUT="2.5",
    )

    pool = default["DATABASES"]["default"]["OPTIONS"]["pool"]
    assert (pool["min_size"], pool["max_size"], pool["timeout"]) == (1, 4, 4)
    # runserver answers every request in a thread of one process: a larger pool.
    assert dev_server["DATABASES"]["default"]["OPTIONS"]["pool"]["max_size"] == 16
    assert pool["connection_class"] == "<class 'otop_site.database.GuardedConnection'>"
    tuned_pool = tuned["DATABASES"]["default"]["OPTIONS"]["pool"]
    assert (tuned_pool["max_size"], tuned_pool["timeout"]) == (8, 2.5)
    assert tuned["DATABASES"]["default"]["CONN_MAX_AGE"] == 0


def test_every_connection_carries_a_statement_timeout_and_tcp_keepalives():
    default = settings_values(
        "otop_site.settings.local", ["DATABASES", "DATABASE_ANSWER_TIMEOUT", "HEALTHZ_TIMEOUT"], DATABASE_URL=REMOTE_DATABASE
    )
    tuned = settings_values(
        "otop_site.settings.local",
        ["DATABASES", "DATABASE_ANSWER_TIMEOUT"],
        DATABASE_URL=REMOTE_DATABASE + "?options=-c%20lock_timeout%3D1000",
        DATABASE_STATEMENT_TIMEOUT="10",
        DATABASE_KEEPALIVES_IDLE="60",
    )
    switched_off = settings_values(
        "otop_site.settings.local", ["DATABASES", "DATABASE_ANSWER_TIMEOUT"], DATABASE_URL=REMOTE_DATABASE, DATABASE_STATEMENT_TIMEOUT="0"
    )

    options = default["DATABASES"]["default"]["OPTIONS"]
    assert options["options"] == "-c statement_timeout=4000"
    assert (options["keepalives"], options["keepalives_idle"], options["keepalives_interval"], options["keepalives_count"]) == (1, 30, 5, 3)
    assert options["tcp_user_timeout"] == 45_000
    assert default["DATABASE_ANSWER_TIMEOUT"] == 5, "a second more than the server's own limit"
    assert default["HEALTHZ_TIMEOUT"] < 1
    tuned_options = tuned["DATABASES"]["default"]["OPTIONS"]
    assert tuned_options["options"] == "-c statement_timeout=10000 -c lock_timeout=1000", "the URL's options are kept"
    assert tuned_options["keepalives_idle"] == 60
    assert tuned["DATABASE_ANSWER_TIMEOUT"] == 11
    assert "statement_timeout" not in switched_off["DATABASES"]["default"]["OPTIONS"].get("options", "")
    assert switched_off["DATABASE_ANSWER_TIMEOUT"] == 0


def test_a_time_limit_that_is_not_a_number_is_refused_with_a_clear_message():
    result = import_settings("otop_site.settings.local", ["DATABASES"], DATABASE_URL=REMOTE_DATABASE, DATABASE_POOL_TIMEOUT="soon")

    assert result.returncode != 0
    assert "DATABASE_POOL_TIMEOUT must be a number" in result.stderr


def test_a_conn_max_age_that_is_not_a_number_is_refused_with_a_clear_message():
    result = import_settings(
        "otop_site.settings.local", ["DATABASES"], DATABASE_URL=REMOTE_DATABASE, DATABASE_POOL_SIZE="0", CONN_MAX_AGE="soon"
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CONN_MAX_AGE must be a whole number" in result.stderr


# --- DEBUG and hosts --------------------------------------------------------------------------


def test_debug_is_off_unless_the_environment_turns_it_on():
    assert settings_values("otop_site.settings.local", ["DEBUG"], DATABASE_URL=REMOTE_DATABASE)["DEBUG"] is False
    for word in ("1", "true", "yes", "on", "TRUE"):
        assert settings_values("otop_site.settings.local", ["DEBUG"], DATABASE_URL=REMOTE_DATABASE, DEBUG=word)["DEBUG"] is True
    for word in ("0", "false", "no", "off", ""):
        assert settings_values("otop_site.settings.local", ["DEBUG"], DATABASE_URL=REMOTE_DATABASE, DEBUG=word)["DEBUG"] is False


def test_a_debug_value_that_is_not_a_yes_or_no_is_refused():
    result = import_settings("otop_site.settings.local", ["DEBUG"], DATABASE_URL=REMOTE_DATABASE, DEBUG="maybe")

    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_allowed_hosts_is_a_comma_separated_list_from_the_environment():
    values = settings_values(
        "otop_site.settings.local",
        ["ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"],
        DATABASE_URL=REMOTE_DATABASE,
        ALLOWED_HOSTS=" otop.example, www.otop.example ,,",
        CSRF_TRUSTED_ORIGINS="https://otop.example",
    )

    assert values["ALLOWED_HOSTS"] == ["otop.example", "www.otop.example"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://otop.example"]


def test_allowed_hosts_defaults_to_this_machine_only():
    values = settings_values("otop_site.settings.local", ["ALLOWED_HOSTS"], DATABASE_URL=REMOTE_DATABASE)

    assert values["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]


# --- Cache and sessions -----------------------------------------------------------------------


def test_without_redis_cache_and_sessions_live_in_the_database():
    values = settings_values("otop_site.settings.local", ["CACHES", "SESSION_ENGINE"], DATABASE_URL=REMOTE_DATABASE)

    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


@pytest.mark.parametrize("variable", ["REDIS_URL", "CACHE_URL"])
def test_redis_url_moves_cache_and_sessions_to_redis(variable):
    values = settings_values(
        "otop_site.settings.local",
        ["CACHES", "SESSION_ENGINE"],
        DATABASE_URL=REMOTE_DATABASE,
        **{variable: "redis://cache.internal.example:6379/2"},
    )

    cache = values["CACHES"]["default"]
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal.example:6379/2"
    # Read from Redis, written to the database too, so a Redis outage signs nobody out.
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


# --- E-mail -----------------------------------------------------------------------------------


def test_email_settings_come_from_the_environment():
    values = settings_values(
        "otop_site.settings.local",
        [
            "EMAIL_BACKEND",
            "EMAIL_HOST",
            "EMAIL_PORT",
            "EMAIL_HOST_USER",
            "EMAIL_HOST_PASSWORD",
            "EMAIL_USE_TLS",
            "DEFAULT_FROM_EMAIL",
            "SERVER_EMAIL",
        ],
        DATABASE_URL=REMOTE_DATABASE,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.mail.example",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="mailer",
        EMAIL_HOST_PASSWORD="mail-password",
        EMAIL_USE_TLS="1",
        DEFAULT_FROM_EMAIL="OTOP <shop@otop.example>",
    )

    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.mail.example",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "mail-password",
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "OTOP <shop@otop.example>",
        "SERVER_EMAIL": "OTOP <shop@otop.example>",
    }


def test_email_goes_to_the_console_by_default_in_development():
    values = settings_values("otop_site.settings.local", ["EMAIL_BACKEND"], DATABASE_URL=REMOTE_DATABASE)

    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


# --- Production -------------------------------------------------------------------------------


def test_production_settings_load_with_a_safe_environment():
    values = settings_values(
        "otop_site.settings.production",
        ["DEBUG", "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"],
        **PRODUCTION_ENVIRONMENT,
    )

    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["otop.example", "www.otop.example"]
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365


def test_production_refuses_to_start_without_a_secret_key():
    environment = {name: value for name, value in PRODUCTION_ENVIRONMENT.items() if name != "SECRET_KEY"}

    result = import_settings("otop_site.settings.production", ["DEBUG"], **environment)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set in production." in result.stderr


def test_production_refuses_to_start_with_an_empty_secret_key():
    result = import_settings("otop_site.settings.production", ["DEBUG"], **(PRODUCTION_ENVIRONMENT | {"SECRET_KEY": ""}))

    assert result.returncode != 0
    assert "SECRET_KEY must be set in production." in result.stderr


@pytest.mark.parametrize("word", ["1", "true", "on"])
def test_production_refuses_to_start_with_debug_on(word):
    result = import_settings("otop_site.settings.production", ["DEBUG"], **(PRODUCTION_ENVIRONMENT | {"DEBUG": word}))

    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be off in production." in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    environment = {name: value for name, value in PRODUCTION_ENVIRONMENT.items() if name != "ALLOWED_HOSTS"}

    result = import_settings("otop_site.settings.production", ["DEBUG"], **environment)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list the site's host names in production." in result.stderr


def test_check_deploy_reports_no_issues_under_production_settings():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING", "--settings=otop_site.settings.production"],
        env=clean_environment(**PRODUCTION_ENVIRONMENT),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_would_report_an_insecure_setting():
    """The check above can fail: switching off HTTPS redirects makes `check --deploy` complain."""
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING", "--settings=otop_site.settings.production"],
        env=clean_environment(**(PRODUCTION_ENVIRONMENT | {"SECURE_SSL_REDIRECT": "0"})),
    )

    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


HEALTH_PROBE = """
import django
django.setup()
from django.test import Client
probe = Client(SERVER_NAME="otop.example")
health, home = probe.get("/healthz"), probe.get("/")
print(health.status_code, health.get("Location"), home.status_code, home.get("Location"))
"""


def test_production_answers_plain_http_health_probes_and_redirects_everything_else():
    """A load balancer probes /healthz over plain HTTP: it gets the health answer, not a redirect."""
    environment = PRODUCTION_ENVIRONMENT | {
        "DJANGO_SETTINGS_MODULE": "otop_site.settings.production",
        # Nothing listens there: the probe's answer is the honest 503, quickly.
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/otop",
    }

    result = run_python(["-c", HEALTH_PROBE], env=clean_environment(**environment))

    assert result.returncode == 0, result.stderr
    health_status, health_location, home_status, home_location = result.stdout.split()[-4:]
    assert (health_status, health_location) == ("503", "None")
    assert (home_status, home_location) == ("301", "https://otop.example/")
