"""`manage.py seed_demo`: the four documented demo accounts, repeatable, refused in production."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from accounts.selectors import user_roles
from producers.models import Producer

from ..site.processes import clean_environment, run_python

pytestmark = pytest.mark.slow

DEMO_USERNAMES = ["admin", "organiser", "producer", "visitor"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_four_demo_accounts(places, client):
    output = seed("--producers", "20")

    accounts = {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES)}
    assert sorted(accounts) == DEMO_USERNAMES
    for user in accounts.values():
        assert user.check_password(DEMO_PASSWORD), user.username
        assert user.is_active
        assert user.email_verified, f"{user.username} places orders and gets e-mail in the demo"
    assert user_roles(user=accounts["visitor"]).is_producer is False
    assert user_roles(user=accounts["producer"]).is_producer is True
    assert user_roles(user=accounts["organiser"]).is_organiser is True
    assert accounts["admin"].is_staff and accounts["admin"].is_superuser
    assert not any(accounts[name].is_staff for name in ("visitor", "producer", "organiser"))
    assert Producer.objects.count() >= 20
    assert "otop-demo-2026" in output

    for username in DEMO_USERNAMES:
        response = client.post("/accounts/login/", {"username": username, "password": "otop-demo-2026"})
        assert response.status_code == 302, username
        client.post("/accounts/logout/")


def test_seed_demo_can_run_again(places):
    seed("--producers", "20")
    users = User.objects.count()
    admin = User.objects.get(username="admin")
    admin.set_password("changed-by-someone")
    admin.save()

    seed("--producers", "20")

    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == 4
    assert User.objects.count() == users, "no second set of demo accounts"
    admin.refresh_from_db()
    assert admin.check_password(DEMO_PASSWORD), "a second run resets the documented password"


def test_seed_demo_if_empty_leaves_a_site_with_data_alone(places):
    seed("--producers", "20")
    producers = Producer.objects.count()

    output = seed("--producers", "20", "--if-empty")

    assert "does nothing" in output
    assert Producer.objects.count() == producers


def test_seed_demo_refuses_under_production_settings(places, settings):
    settings.SETTINGS_MODULE = "otop_site.settings.production"

    with pytest.raises(CommandError, match="refusing under production settings"):
        seed("--producers", "20")

    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()


def test_seed_demo_runs_under_production_settings_when_forced(places, settings):
    settings.SETTINGS_MODULE = "otop_site.settings.production"

    seed("--producers", "5", "--force")

    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == 4


def test_seed_demo_with_no_producers_still_creates_the_demo_accounts(places):
    """--producers accepts 0 ("0 or more"): a site with accounts and places but no listings."""
    seed("--producers", "0")

    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == 4
    assert Producer.objects.count() == 0


def test_seed_demo_refuses_in_a_real_production_process():
    """The command itself, started with production settings, stops before touching any database."""
    environment = clean_environment(
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="otop.example",
        # A database that does not exist: reaching it would fail differently.
        DATABASE_URL="postgres://postgres@127.0.0.1:9/no_such_database",
    )

    result = run_python(
        ["manage.py", "seed_demo", "--producers", "20", "--settings=otop_site.settings.production"], env=environment
    )

    assert result.returncode == 1
    assert "refusing under production settings (use --force)" in result.stderr
    assert "OperationalError" not in result.stderr
