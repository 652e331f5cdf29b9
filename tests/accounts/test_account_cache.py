"""A signed-in visitor's account and roles are kept between requests (accounts/cache.py) and read
afresh as soon as the account or a role changes: the header follows at once, and a deactivated
account or a changed password logs the visitor out on their next request."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import EventOrganiser
from producers.models import ProducerMembership
from tests.factories import ProducerFactory, UserFactory, log_in
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.events import EventFactory


@pytest.fixture
def changes(page_cache, django_capture_on_commit_callbacks):
    """Run a change with what it renews once committed, as a real request's transaction does."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            change()

    return run


@pytest.fixture
def visitor(db, places, client):
    user = UserFactory(username="nok", first_name="Nok")
    log_in(client, user)
    return user


def queries_of(client, url="/") -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries]


def loads_the_account(sql: str) -> bool:
    return sql.startswith('SELECT "accounts_user"."id", "accounts_user"."password"')


def test_a_signed_in_visitor_is_read_from_the_database_once(changes, visitor, client):
    assert len([sql for sql in queries_of(client) if loads_the_account(sql)]) == 1
    assert not [sql for sql in queries_of(client, "/products/") if loads_the_account(sql)]
    # A page whose parts are kept asks nothing else of the database for a signed-in visitor
    # than the session (which lives in Redis when the site has one).
    assert [sql for sql in queries_of(client) if "django_session" not in sql] == []


def test_a_renamed_visitor_sees_the_new_name_at_once(changes, visitor, client):
    assert "Nok" in client.get("/").content.decode()
    visitor.first_name = "Noknoi"
    changes(visitor.save)
    assert "Noknoi" in client.get("/").content.decode()


def test_a_deactivated_account_is_logged_out_on_its_next_request(changes, visitor, client):
    assert client.get("/").context["user"].is_authenticated
    visitor.is_active = False
    changes(visitor.save)
    assert not client.get("/").context["user"].is_authenticated


def test_a_password_changed_elsewhere_logs_the_other_sessions_out(changes, visitor, client):
    assert client.get("/").context["user"].is_authenticated
    visitor.set_password("a-new-long-password-2026")
    changes(visitor.save)
    assert not client.get("/").context["user"].is_authenticated


def test_joining_and_leaving_a_producer_shows_and_hides_the_dashboard_at_once(changes, visitor, client):
    assert "Producer dashboard" not in client.get("/").content.decode()
    producer = ProducerFactory()
    changes(lambda: ProducerMembership.objects.create(producer=producer, user=visitor))
    assert "Producer dashboard" in client.get("/").content.decode()
    changes(lambda: ProducerMembership.objects.filter(user=visitor).delete())
    assert "Producer dashboard" not in client.get("/").content.decode()


def test_becoming_an_organiser_shows_the_organiser_area_at_once(changes, visitor, client):
    event = EventFactory()
    assert "Organiser area" not in client.get("/").content.decode()
    changes(lambda: EventOrganiser.objects.create(event=event, user=visitor))
    assert "Organiser area" in client.get("/").content.decode()


def test_each_visitor_sees_their_own_menu(changes, visitor, client, django_user_model):
    staff = UserFactory(username="admin-2", first_name="Anong", is_staff=True)
    other = log_in(type(client)(), staff)
    mine, theirs = client.get("/").content.decode(), other.get("/").content.decode()
    assert "Nok" in mine and "Administration" not in mine
    assert "Anong" in theirs and "Administration" in theirs


def test_the_kept_account_holds_no_password_hash(changes, visitor, client):
    client.get("/")
    kept = [value for key, value in caches["pages"]._cache.items() if b"nok" in value]
    assert kept, "the account is kept"
    assert not [value for value in kept if visitor.password.encode() in value or b"pbkdf2" in value]


def test_a_kept_account_saved_again_keeps_its_password(changes, visitor, client):
    from accounts.cache import load_user
    from accounts.models import User

    def load(user_id):
        return User.objects.with_roles().filter(pk=user_id).first()

    load_user(visitor.pk, load)
    kept = load_user(visitor.pk, load)
    assert "password" not in kept.__dict__
    kept.first_name = "Noi"
    changes(kept.save)
    fresh = User.objects.get(pk=visitor.pk)
    assert fresh.first_name == "Noi" and fresh.password == visitor.password
    assert fresh.check_password(TEST_PASSWORD)


def test_deleting_a_producer_takes_its_members_dashboard_away_at_once(changes, visitor, client):
    producer = ProducerFactory()
    changes(lambda: ProducerMembership.objects.create(producer=producer, user=visitor))
    assert "Producer dashboard" in client.get("/").content.decode()
    changes(producer.delete)
    assert "Producer dashboard" not in client.get("/").content.decode()


def test_the_log_out_form_carries_each_requests_own_token(changes, visitor, client):
    first, second = client.get("/").content.decode(), client.get("/").content.decode()
    pattern = re.compile(r'action="/accounts/logout/">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"')
    tokens = pattern.search(first).group(1), pattern.search(second).group(1)
    assert tokens[0] != tokens[1], "a masked token differs on every page: it is not kept"
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[1]}).status_code == 302
    assert not client.get("/").context["user"].is_authenticated
