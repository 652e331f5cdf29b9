"""Fixtures of the scale-out tests: the production settings' environment with collected static
files, and the lock on the services they share (Redis database 9, ports 8840-8859)."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.scaleout import servers


@pytest.fixture(scope="session")
def production_var_dir(tmp_path_factory):
    """A VAR_DIR for the servers, with the static files collected as `make serve` collects them."""
    var_dir = tmp_path_factory.mktemp("production-var")
    servers.static_collected(var_dir, servers.production_environment(
        database={"USER": "postgres", "HOST": "127.0.0.1", "PORT": "5432", "NAME": "unused"},
        var_dir=var_dir, secret_key=settings.SECRET_KEY))
    return var_dir


@pytest.fixture(scope="module")
def shared_services(django_db_setup, production_var_dir):
    """The lock on Redis database 9 and the ports, with Redis emptied; yields the environment a
    server of the test database needs. The servers share the test process's SECRET_KEY, so the
    test can make the links the site e-mails."""
    with servers.exclusive_services():
        servers.redis_flushed()
        yield servers.production_environment(database=connection.settings_dict, var_dir=production_var_dir,
                                              secret_key=settings.SECRET_KEY)
        servers.redis_flushed()


def server_password(raw: str) -> str:
    """A password hash the servers check (PBKDF2, production's hasher; the tests' own is MD5)."""
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(raw, hasher.salt(), iterations=1000)
