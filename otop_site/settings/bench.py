"""Settings for the benchmarks: the site as in production (DEBUG off), on its own database."""

import os

os.environ.setdefault("EMBEDDED_DATABASE_NAME", "otop_bench")
# Seeding 100,000 products runs statements longer than a page's limit, and the order benchmark
# races dozens of buyer threads in one process: no statement limit and no pool here.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
os.environ.setdefault("DATABASE_POOL_SIZE", "0")

from .base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "bench-media"  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# The checkout benchmark (bench/orders.py) has a few buyers place hundreds of unpaid orders each,
# to measure contention on the stock rows; the fair-stock limits would refuse all but their first
# few checkouts and leave nothing to measure.
ORDERS_UNPAID_ORDERS_PER_ACCOUNT = 1_000_000
ORDERS_UNPAID_UNITS_PER_PRODUCT = 1_000_000
