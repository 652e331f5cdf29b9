"""The mixed benchmark's pieces that need no server: cookies, the checkout form, the verdicts."""

import os
import subprocess
import sys
from pathlib import Path

from bench import load

ROOT = Path(__file__).resolve().parents[2]


def test_bench_load_imports_without_django_set_up():
    code = (
        "import sys, bench.load; from django.conf import settings; "
        "assert not settings.configured and 'catalogue' not in sys.modules"
    )
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env=env)


def test_remember_cookies_keeps_set_cookies_and_drops_expired_ones():
    jar = {"messages": "old"}
    load.remember_cookies(jar, [
        "csrftoken=abc123; expires=Thu, 02 Dec 2027 10:00:00 GMT; Max-Age=31449600; Path=/; SameSite=Lax",
        "sessionid=s3ss10n; HttpOnly; Path=/; SameSite=Lax",
        'messages=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/',
    ])
    assert jar == {"csrftoken": "abc123", "sessionid": "s3ss10n"}


def test_checkout_form_ships_with_the_first_method_that_is_not_the_stall():
    html = """
    <input type="hidden" name="checkout_token" value="tok-123">
    <input type="radio" name="payment_7" value="stall" checked>
    <input type="radio" name="payment_7" value="bank_transfer">
    <input type="radio" name="payment_7" value="cod">
    <input type="radio" name="payment_9" value="cod" checked>
    """
    form = load.checkout_form(html)
    assert form["checkout_token"] == "tok-123"
    assert (form["delivery_7"], form["payment_7"]) == ("shipping", "bank_transfer")
    assert (form["delivery_9"], form["payment_9"]) == ("shipping", "cod")
    assert form["postcode"] == load.ADDRESS["postcode"]


def test_percentile_is_the_nearest_rank():
    values = [i / 1000 for i in range(1, 101)]
    assert load.percentile(values, 0.5) == 0.05
    assert load.percentile(values, 0.99) == 0.099
    assert load.percentile([], 0.5) is None


def test_verdicts_compare_each_run_with_the_targets():
    runs = {
        "trivial": {"rps": 1000.0, "p99_ms": 5, "errors": 0},
        "A": {"rps": 200.0, "p99_ms": 120.0, "errors": 0},
        "B": {"rps": 100.0, "p99_ms": 310.0, "errors": 0},
        "C": {"rps": 150.0, "p99_ms": 200.0, "errors": 2},
    }
    verdicts = load.verdicts(runs)
    assert verdicts["ratios"] == {"A_share_of_trivial": 0.2, "B_of_A": 0.5, "C_of_A": 0.75}
    assert verdicts["passes"] == {
        "A_share_of_trivial": True, "B_of_A": False, "C_of_A": True,
        "A_p99": True, "B_p99": False, "C_p99": True,
        "A_errors": True, "B_errors": True, "C_errors": False,
    }


def test_by_url_gives_each_kind_and_each_runs_slowest_urls():
    urls = [("product", "/products/a/"), ("product", "/products/b/"), ("search", "/products/?q=silk")]
    records = [(0, 0.010, 200), (0, 0.012, 200), (1, 0.200, 200), (1, 0.300, 200), (2, 0.050, 200), (2, 1.0, "timeout")]
    runs = {"trivial": {"records": []}, "A": {"records": records}}

    kinds, slowest = load.by_url(runs, urls)

    assert kinds["product"]["A"] == {"requests": 4, "p50_ms": 12.0, "p99_ms": 300.0}
    assert kinds["search"]["A"] == {"requests": 1, "p50_ms": 50.0, "p99_ms": 50.0}
    assert [row["path"] for row in slowest["A"]] == ["/products/b/", "/products/a/"]
    assert slowest["A"][0] == {"path": "/products/b/", "kind": "product", "requests": 2, "p50_ms": 250.0, "max_ms": 300.0}
