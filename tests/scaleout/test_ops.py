"""Operations: JSON log lines per request and per task, /healthz and /readyz, error reporting
with Sentry when SENTRY_DSN is set, and SITE_URL following the port `make run` serves."""

import gzip
import io
import json
import logging
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.db import connection
from django.http import HttpResponse

from core.logs import REQUEST_LOGGER, TASK_LOGGER, log_task
from otop_site import views
from otop_site.request_log import RequestLogMiddleware
from tests.factories import UserFactory, log_in
from tests.scaleout.servers import database_url
from tests.site.processes import PROJECT_DIR, clean_environment, run_python

from .services import free_port, redis_server

# --- Log lines --------------------------------------------------------------------------------


@pytest.fixture
def log_output(monkeypatch):
    """What the configured JSON handler of our loggers writes, as parsed lines, per logger."""
    output = io.StringIO()
    for name in (REQUEST_LOGGER, TASK_LOGGER):
        for handler in logging.getLogger(name).handlers:
            if type(handler) is logging.StreamHandler:
                assert type(handler.formatter).__name__ == "JsonFormatter"
                monkeypatch.setattr(handler, "stream", output)

    def lines(name: str) -> list[dict]:
        parsed = [json.loads(line) for line in output.getvalue().splitlines()]
        return [line for line in parsed if line["logger"] == name]

    return lines


def test_each_request_writes_one_json_line_with_method_path_status_time_and_request_id(client, db, log_output):
    response = client.get("/no-such-page/")

    (line,) = log_output(REQUEST_LOGGER)
    assert line["method"] == "GET"
    assert line["path"] == "/no-such-page/"
    assert line["status"] == 404
    assert isinstance(line["ms"], float) and line["ms"] >= 0
    assert line["user_id"] is None
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32


def test_the_request_id_a_proxy_sent_is_kept_and_sent_back(client, db, log_output):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})

    assert response["X-Request-ID"] == "lb-7f3a.42"
    assert log_output(REQUEST_LOGGER)[0]["request_id"] == "lb-7f3a.42"


def test_a_request_id_that_could_forge_a_header_or_a_field_is_replaced(client, db, log_output):
    response = client.get("/healthz", headers={"X-Request-ID": 'x", "status": 200 ' + "y" * 200})

    assert response["X-Request-ID"] != "x"
    assert len(response["X-Request-ID"]) == 32
    assert log_output(REQUEST_LOGGER)[0]["request_id"] == response["X-Request-ID"]


def test_the_line_of_a_signed_in_visitor_names_their_user_id(client, db, log_output):
    user = UserFactory()
    log_in(client, user)

    client.get("/accounts/profile/")

    (line,) = log_output(REQUEST_LOGGER)
    assert line["user_id"] == str(user.pk)
    assert line["status"] == 200


def test_a_post_is_logged_with_its_own_method_and_status(client, db, log_output):
    client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})

    (line,) = log_output(REQUEST_LOGGER)
    assert (line["method"], line["path"], line["status"]) == ("POST", "/accounts/login/", 200)


def test_log_task_writes_one_json_line_per_task(log_output):
    log_task("orders.tasks.order_confirmation_send", "succeeded", 12.345, task_id="0b5e", attempt=1)
    log_task("orders.tasks.expire_unpaid_orders", "failed", 3.2, task_id="77aa")

    succeeded, failed = log_output(TASK_LOGGER)
    assert succeeded["task"] == "orders.tasks.order_confirmation_send"
    assert (succeeded["status"], succeeded["ms"], succeeded["task_id"], succeeded["attempt"]) == ("succeeded", 12.3, "0b5e", 1)
    assert succeeded["level"] == "INFO"
    assert (failed["status"], failed["level"]) == ("failed", "ERROR")


def test_a_line_logged_while_a_request_is_answered_carries_its_request_id(rf, log_output):
    def view_that_runs_a_task(request):
        log_task("demo.task", "succeeded", 1.0, task_id="t1")
        return HttpResponse()

    response = RequestLogMiddleware(view_that_runs_a_task)(rf.get("/"))

    (task_line,) = log_output(TASK_LOGGER)
    assert task_line["request_id"] == response["X-Request-ID"]


def test_production_logs_json_lines_and_make_run_plain_text_without_request_lines():
    from tests.site.processes import settings_values

    production = settings_values("otop_site.settings.base", ["LOGGING"], DATABASE_URL="postgres://postgres@127.0.0.1:1/none")["LOGGING"]
    local = settings_values("otop_site.settings.local", ["LOGGING"], DATABASE_URL="postgres://postgres@127.0.0.1:1/none")["LOGGING"]

    assert production["handlers"]["console"]["formatter"] == "json"
    assert production["loggers"][REQUEST_LOGGER]["level"] == "INFO"
    assert local["handlers"]["console"]["formatter"] == "plain"
    assert local["loggers"][REQUEST_LOGGER]["level"] == "WARNING"


# --- /healthz and /readyz ---------------------------------------------------------------------


def test_healthz_and_readyz_answer_separately_with_json(client, db):
    health = client.get("/healthz")
    ready = client.get("/readyz")

    assert health.status_code == 200 and health.json() == {"status": "ok", "database": "up"}
    assert ready.status_code == 200
    # The test settings keep the cache in the database and run tasks at once: none waits.
    assert ready.json() == {"status": "ok", "database": "up", "cache": "database", "queue_depth": 0}
    assert "no-cache" in ready["Cache-Control"]


@pytest.fixture
def database_down(transactional_db):
    """The default connection pointed at a closed port for the test, then restored."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


def test_readyz_and_healthz_answer_503_while_the_database_is_down(database_down, client):
    health = client.get("/healthz")
    ready = client.get("/readyz")

    assert health.status_code == 503
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "down", "cache": "database", "queue_depth": None}


def test_readyz_reports_the_redis_cache_up_then_down(db, settings, tmp_path):
    from django.core.cache import caches

    port = free_port()
    with redis_server(port, tmp_path) as server:
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5},
            },
        }
        try:
            assert views.cache_state() == "up"
            server.stop()
            assert views.cache_state() == "down"
        finally:
            caches["default"].close()


def test_the_queue_depth_is_none_when_the_queue_cannot_be_read(monkeypatch):
    def unreachable():
        raise ConnectionError("the queue's Redis is down")

    monkeypatch.setattr(views, "tasks_waiting", unreachable)

    assert views.task_queue_depth() is None


# --- Error reporting --------------------------------------------------------------------------


class SentryDummy(BaseHTTPRequestHandler):
    """Takes what the SDK sends (envelopes) and keeps their bodies."""

    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # the SDK compresses with Brotli when the package is installed (Locust brings it)
            import brotli

            body = brotli.decompress(body)
        type(self).received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


REPORT_AN_ERROR = """
import django, sys
django.setup()
import sentry_sdk
from django.test import Client
from django.test.utils import override_settings
print("initialised", sentry_sdk.is_initialized())
with override_settings(ROOT_URLCONF="tests.site.urls", ALLOWED_HOSTS=["testserver"]):
    print("status", Client(raise_request_exception=False).get("/test-errors/broken/").status_code)
sentry_sdk.flush(timeout=5)
"""

WITHOUT_A_DSN = """
import django, sys
django.setup()
print("imported", "sentry_sdk" in sys.modules)
"""


def settings_environment(**overrides):
    """The served settings on the test database (the error page reads nothing from it, but the
    middleware around it may)."""
    return clean_environment(
        DJANGO_SETTINGS_MODULE="tests.site.served_settings",
        DATABASE_URL=database_url(connection.settings_dict),
        DATABASE_POOL_SIZE="0",
        **overrides,
    )


def test_with_sentry_dsn_an_error_in_a_view_is_reported_to_the_dsn(db):
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), SentryDummy)
    SentryDummy.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dsn = f"http://public@127.0.0.1:{server.server_address[1]}/1"
        result = run_python(["-c", REPORT_AN_ERROR], env=settings_environment(SENTRY_DSN=dsn))
    finally:
        server.shutdown()

    assert result.returncode == 0, result.stderr
    assert "initialised True" in result.stdout
    assert "status 500" in result.stdout
    assert any(b"a bug in a view" in body for body in SentryDummy.received), SentryDummy.received


def test_without_sentry_dsn_sentry_is_not_even_imported(db):
    result = run_python(["-c", WITHOUT_A_DSN], env=settings_environment())

    assert result.returncode == 0, result.stderr
    assert "imported False" in result.stdout


# --- SITE_URL ---------------------------------------------------------------------------------

FAKE_MANAGE = """#!/bin/sh
echo "$SITE_URL $*" >> "{out}"
"""


def commands_of_make_run(tmp_path, **environment) -> list[str]:
    """Each command `make run` would run, with the SITE_URL it would see (manage.py replaced by a
    script that writes them down; `install` taken as done)."""
    out = tmp_path / "commands"
    fake = tmp_path / "manage"
    fake.write_text(FAKE_MANAGE.format(out=out))
    fake.chmod(0o755)
    result = subprocess.run(
        [shutil.which("make"), "-o", "install", "run", "PORT=8123", f"MANAGE={fake}", f"SETUP={fake}"],
        cwd=PROJECT_DIR,
        env=clean_environment(**environment),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return out.read_text().splitlines()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_on_another_port_links_every_command_to_that_port(tmp_path):
    commands = commands_of_make_run(tmp_path)

    assert any(command.endswith("runserver 127.0.0.1:8123") for command in commands), commands
    assert all(command.startswith("http://127.0.0.1:8123 ") for command in commands), commands


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_keeps_a_site_url_given_to_it(tmp_path):
    commands = commands_of_make_run(tmp_path, SITE_URL="https://otop.example")

    assert all(command.startswith("https://otop.example ") for command in commands), commands


def test_emails_link_to_site_url_never_to_port_8000(client, db, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://127.0.0.1:8123"
    form = {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password1": "a long and unusual passphrase 42",
        "password2": "a long and unusual passphrase 42",
        "language": "en",
    }

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", form)

    (message,) = mail.outbox
    assert "http://127.0.0.1:8123/accounts/" in message.body
    assert ":8000" not in message.body


def test_site_url_follows_the_environment():
    from tests.site.processes import settings_values

    values = settings_values("otop_site.settings.base", ["SITE_URL"], DATABASE_URL="postgres://postgres@127.0.0.1:1/none", SITE_URL="http://127.0.0.1:8123/")

    assert values["SITE_URL"] == "http://127.0.0.1:8123"



# --- Backups ----------------------------------------------------------------------------------

ORDER_SAMPLE = """
SELECT o.number, u.username, o.subtotal::text, o.shipping_cost::text, o.total::text, o.state,
       (SELECT json_agg(json_build_array(l.product_name, l.unit_price::text, l.quantity, l.line_total::text) ORDER BY l.id)
          FROM orders_orderline l WHERE l.order_id = o.id)
  FROM orders_order o JOIN accounts_user u ON u.id = o.buyer_id
 ORDER BY o.number
"""


def files_under(root) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture
def fresh_database_name(transactional_db):
    """A database name on the test server that nothing uses, dropped at the end."""
    from otop_site.ops.backup import connect

    name = f"{connection.settings_dict['NAME']}_restored"
    with connect(connection.settings_dict, "postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    yield name
    with connect(connection.settings_dict, "postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make(target: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [shutil.which("make"), "-o", "install", target, f"BACKUP_DIR={environment.pop('BACKUP_DIR')}"],
        cwd=PROJECT_DIR,
        env=clean_environment(DJANGO_SETTINGS_MODULE="tests.site.served_settings", **environment),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_backup_then_restore_into_a_fresh_database_gives_the_same_rows_orders_and_files(
    transactional_db, places, categories, tmp_path, fresh_database_name
):
    from otop_site.ops.backup import connect, row_counts
    from tests.factories.orders import listing, make_shop, place_one

    shop = make_shop()
    scarf, pot = listing(shop, name_en="Silk scarf", price="850.00"), listing(shop, name_en="Clay pot", price="120.50")
    for number in range(3):
        buyer = UserFactory(username=f"buyer{number}")
        place_one(buyer, scarf, quantity=1 + number % 2)
        place_one(buyer, pot, quantity=2)
    media, private = tmp_path / "media", tmp_path / "private"
    (media / "products" / "2026").mkdir(parents=True)
    (media / "products" / "2026" / "scarf.jpg").write_bytes(b"\xff\xd8 a photo \x00\x01")
    (private / "slips").mkdir(parents=True)
    (private / "slips" / "OT000001.pdf").write_bytes(b"%PDF- a payment slip")
    folder = tmp_path / "backup"
    source = connection.settings_dict

    backed_up = make(
        "backup", DATABASE_URL=database_url(source, source["NAME"]), MEDIA_ROOT=str(media), PRIVATE_ROOT=str(private), BACKUP_DIR=str(folder)
    )
    assert backed_up.returncode == 0, backed_up.stderr
    assert {path.name for path in folder.iterdir()} == {"database.dump", "files.tar.gz", "manifest.json"}

    restored_media, restored_private = tmp_path / "restored" / "media", tmp_path / "restored" / "private"
    restored = make(
        "restore",
        DATABASE_URL=database_url(source, fresh_database_name),
        MEDIA_ROOT=str(restored_media),
        PRIVATE_ROOT=str(restored_private),
        BACKUP_DIR=str(folder),
    )
    assert restored.returncode == 0, restored.stderr

    with connect(source) as original, connect(source, fresh_database_name) as copy:
        assert row_counts(copy) == row_counts(original)
        assert row_counts(copy)["orders_order"] == 6
        assert copy.execute(ORDER_SAMPLE).fetchall() == original.execute(ORDER_SAMPLE).fetchall()
    assert files_under(restored_media) == files_under(media)
    assert files_under(restored_private) == files_under(private)

    again = make("restore", DATABASE_URL=database_url(source, fresh_database_name), BACKUP_DIR=str(folder), MEDIA_ROOT=str(tmp_path / "m"), PRIVATE_ROOT=str(tmp_path / "p"))
    assert again.returncode != 0
    assert "restore into a new or empty database" in again.stderr


@pytest.mark.slow
def test_a_backup_of_a_site_being_written_restores_with_the_row_counts_of_its_manifest(
    transactional_db, tmp_path, settings, monkeypatch, fresh_database_name
):
    """A running site writes while the backup runs (the cache, the scheduler, orders): the
    manifest's counts and the dump must come from one snapshot, or the restore's check fails."""
    from otop_site.ops import backup

    settings.MEDIA_ROOT, settings.PRIVATE_ROOT = str(tmp_path / "media"), str(tmp_path / "private")
    source = connection.settings_dict
    with backup.connect(source) as conn:
        conn.execute("CREATE TABLE backup_race_writes (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())")
    writing = threading.Event()
    stop = threading.Event()

    def write_all_the_time():
        with backup.connect(source) as writer:
            while not stop.is_set():
                writer.execute("INSERT INTO backup_race_writes DEFAULT VALUES")
                writing.set()

    writer = threading.Thread(target=write_all_the_time, daemon=True)
    writer.start()
    try:
        assert writing.wait(10)
        manifest = backup.backup_create(destination=tmp_path / "backup")
    finally:
        stop.set()
        writer.join(10)
    try:
        with backup.connect(source) as conn:
            written = conn.execute("SELECT count(*) FROM backup_race_writes").fetchone()[0]
        assert 0 < manifest["row_counts"]["backup_race_writes"] < written, "the writes went on during the backup"

        monkeypatch.setattr(backup, "database_settings", lambda: source | {"NAME": fresh_database_name})
        settings.MEDIA_ROOT, settings.PRIVATE_ROOT = str(tmp_path / "m"), str(tmp_path / "p")
        backup.backup_restore(source=tmp_path / "backup")  # raises BackupError when a count differs

        with backup.connect(source, fresh_database_name) as copy:
            assert backup.row_counts(copy)["backup_race_writes"] == manifest["row_counts"]["backup_race_writes"]
    finally:
        with backup.connect(source) as conn:
            conn.execute("DROP TABLE IF EXISTS backup_race_writes")
