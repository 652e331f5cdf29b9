import socket

import pytest
from django.db import connection
from django.test import Client


def closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_down(transactional_db):
    """Point the default connection at a closed port for the test, then restore it.

    Needs a transactional test: inside the usual test transaction the connection cannot be closed.
    """
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.fixture
def database_hangs(transactional_db):
    """Point the default connection at a server that accepts connections and never answers
    (a listening socket nobody reads: the kernel completes the handshake), then restore it."""
    saved = dict(connection.settings_dict)
    connection.close()
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(silent.getsockname()[1]))
        yield
        connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.fixture
def visitor_client():
    """A client that gets the error pages a visitor would see instead of the exception."""
    return Client(raise_request_exception=False)
