"""Settings for `make run` on a developer's machine: the site as visitors see it.

DEBUG stays off unless DEBUG=1, so error pages are the styled ones and WhiteNoise serves the
collected static files, as in production.
"""

import os

# runserver answers each request in a thread of its own, all in one process: its pool needs more
# connections than a gunicorn worker's (which answers one request at a time). Sixteen leave the
# embedded server (100 connections) room for the test suite beside it.
os.environ.setdefault("DATABASE_POOL_SIZE", "16")
# A terminal to read: log records as text, and no line of our own per request (runserver prints
# one). LOG_FORMAT=json LOG_REQUESTS=1 for production's lines (docs/operations.md, "Logs").
os.environ.setdefault("LOG_FORMAT", "plain")
os.environ.setdefault("LOG_REQUESTS", "0")

from .base import *  # noqa: F403

# runserver listens with a backlog of 10 connections: a burst of visitors overflows it, and the
# kernel drops the rest, which retry 1, 3, 7… seconds later (a burst of 100 took 30 s instead
# of 4). Room for a burst; each connection still waits for a database connection from the pool.
from django.core.servers.basehttp import WSGIServer

WSGIServer.request_queue_size = 128
