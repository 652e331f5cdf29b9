"""Settings for `make run` on a developer's machine: the site as visitors see it.

DEBUG stays off unless DEBUG=1, so error pages are the styled ones and WhiteNoise serves the
collected static files, as in production.
"""

from .base import *  # noqa: F403

# runserver listens with a backlog of 10 connections: a burst of visitors overflows it, and the
# kernel drops the rest, which retry 1, 3, 7… seconds later (a burst of 100 took 30 s instead
# of 4). Room for a burst; each connection still waits for a database connection from the pool.
from django.core.servers.basehttp import WSGIServer  # noqa: E402

WSGIServer.request_queue_size = 128
