"""The soak harness (bench/soak.py) in its short mode: `make serve` on a small catalogue in the
test database, Locust for 20 seconds, and a report whose figures agree with the database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from catalogue.models import Product
from orders.models import Order
from tests.factories import listing, make_shop
from tests.scaleout import servers

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_short_soak_places_orders_that_match_the_stock_taken_and_puts_it_back(categories, tha_sawang, tmp_path):
    shops = [make_shop(name_en=f"Tha Sawang Weavers {number}", place=tha_sawang) for number in range(2)]
    products = [listing(shops[number % 2], name_en=f"Mudmee silk scarf pattern {number}", stock=500) for number in range(30)]
    stock_before = {product.pk: product.stock for product in products}
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = servers.database_url(connection.settings_dict)
    report = tmp_path / "soak.json"
    command = [
        sys.executable, "-m", "bench.soak", "--seconds", "20", "--users", "10", "--spawn-rate", "10", "--wait", "0.2", "0.6",
        "--workers", "2", "--port", str(servers.SOAK_PORT), "--redis", servers.REDIS_URL, "--members", "3", "--buyers", "1",
        "--json", str(report),
    ]
    with servers.exclusive_services():
        servers.redis_flushed()
        completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    result = json.loads(report.read_text())

    assert result["errors"] == 0, result["failures"]
    assert result["requests"] > 100 and result["rps"] > 0 and 0 < result["p50_ms"] <= result["p99_ms"]
    assert {"product", "catalogue", "search", "sign-in: post", "cart: add", "checkout: place"} <= set(result["by_name"])
    assert result["checkouts_succeeded"] > 0
    # The ten users share the buyer account: each may have had a checkout in flight when the run
    # stopped, placed but not seen to succeed. Never fewer orders than checkouts seen succeeding.
    assert 0 <= result["orders_placed"] - result["checkouts_succeeded"] <= 10
    assert result["units_ordered"] == result["stock_taken"] == result["orders_placed"]
    assert result["consistent"]
    assert result["cleanup"] == {"orders_deleted": result["orders_placed"], "units_returned": result["stock_taken"],
                                 "stock_restored": True}
    workers = result["memory"]["gunicorn_workers"]
    assert len(workers) == 2 and all(row["start_mb"] > 20 and row["end_mb"] > 20 for row in workers)
    # Put back: the database is as before the run.
    assert not Order.objects.exists()
    assert dict(Product.objects.filter(pk__in=stock_before).values_list("pk", "stock")) == stock_before
    assert "Orders placed:" in completed.stdout and "consistent" in completed.stdout
