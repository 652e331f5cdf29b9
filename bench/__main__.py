"""`make bench`: seed the benchmark catalogue and measure the pages against a trivial view.

    python -m bench [--producers 3000] [--products 100000] [--seconds 8] [--reseed] [--no-orders]
    python -m bench --seed-only

Data goes to its own database (otop_bench on the embedded server, or the one DATABASE_URL
names). Every producer gets sales terms with a payment method a shipped order can use, on a
fresh seed and on data already there, so checkouts can run against the catalogue (the mixed
benchmark, `python -m bench.load`, places orders over HTTP). The site runs under gunicorn with
one sync worker, as in production; a client with a few threads keeps it busy. Every page is
reported with requests per second, p50 and p99 latency and its throughput as a share of the
trivial view's, all measured in the same run. Then, unless --no-orders, the orders benchmark
(bench/orders.py, `python -m bench.orders`): 16 buyers placing orders at once, with the stock
checked afterwards. `make bench` then runs the mixed benchmark (docs/performance.md).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--producers", type=int, default=3000)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=8.0, help="how long each page is measured")
    parser.add_argument("--threads", type=int, default=2, help="client threads")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reseed", action="store_true", help="seed again even if the data is there")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--orders", action=argparse.BooleanOptionalAction, default=True,
                        help="also run the orders benchmark (python -m bench.orders with its defaults)")
    return parser.parse_args(argv)


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop_site.settings.bench")
    import django

    django.setup()


def seed(args) -> dict:
    """The benchmark catalogue, with fast bulk inserts. Returns timings."""
    import random

    from django.core.management import call_command
    from django.db import connection

    from accounts.demo import demo_accounts_create
    from catalogue.demo_listings import demo_products_create
    from catalogue.models import Product
    from catalogue.services import categories_load
    from core.demo_images import DemoImagePool
    from places.services import places_load
    from producers.demo import demo_producers_create
    from producers.models import Producer

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    have = Product.objects.count()
    if have >= args.products * 0.98 and Producer.objects.count() >= args.producers and not args.reseed:
        print(f"Benchmark data present: {Producer.objects.count()} producers, {have} products (use --reseed to redo).")
        sales_terms_report(sales_terms_ensure())
        return {}
    print(f"Seeding {args.producers} producers and about {args.products} products…", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE catalogue_productphoto, catalogue_certification, catalogue_product, producers_producerphoto, "
            "producers_producerstatechange, producers_producerinvitation, producers_producermembership, "
            "producers_producer CASCADE"
        )
    timings = {}
    started = time.monotonic()
    places_load()
    categories_load()
    accounts = demo_accounts_create()
    rng = random.Random(2026)
    pool = DemoImagePool(rng)
    producers = demo_producers_create(rng=rng, count=args.producers, managers=[accounts["producer"]], photos_for=0)
    timings["producers_seconds"] = round(time.monotonic() - started, 1)
    per = max(1, args.products // max(1, len(producers)))
    started = time.monotonic()
    count = demo_products_create(
        rng=rng, producers=producers, per_producer=(per, per + (1 if args.products % len(producers) else 0)),
        pool=pool, shared_photos=24, batch_size=5000,
    )
    timings["products"] = count
    timings["products_seconds"] = round(time.monotonic() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # the index-only scans need the visibility map
    sales_terms_report(sales_terms_ensure())
    from catalogue.cache import site_changed

    site_changed()
    print(f"  {len(producers)} producers in {timings['producers_seconds']} s, {count} products in {timings['products_seconds']} s")
    return timings


# Flat shipping rates in each country's currency, as the demo site's producers charge.
FLAT_SHIPPING = {"TH": 50, "JP": 900, "KH": 8000, "LA": 30000, "MM": 5000, "VN": 35000}


def sales_terms_ensure() -> dict:
    """Sales terms for every producer, so that every producer can sell: terms for those without
    (bank transfer, PromptPay in Thailand, cash on delivery, pay at the stall), and cash on
    delivery added to terms that offer a shipped order no method the producer can take (bank
    transfer without an account number, PromptPay without an id, or the stall alone). Bulk
    statements, idempotent; terms that already work are left as they are. Returns the counts."""
    from django.db import transaction
    from django.db.models import Q

    from orders.models import SalesTerms
    from producers.models import Producer

    with transaction.atomic():
        missing = Producer.objects.filter(sales_terms__isnull=True).values_list("pk", "country")
        added = SalesTerms.objects.bulk_create(
            [
                SalesTerms(
                    producer_id=pk, accepts_bank_transfer=True, accepts_promptpay=country == "TH",
                    accepts_cash_on_delivery=True, accepts_pay_at_stall=True,
                    flat_shipping_rate=FLAT_SHIPPING.get(country, 50), unpaid_expiry_hours=48,
                )
                for pk, country in missing
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        # The conditions of orders.payments' providers: a bank transfer needs the account number,
        # PromptPay an id and Thai baht (a Thai producer).
        usable = (
            Q(accepts_cash_on_delivery=True)
            | (Q(accepts_bank_transfer=True) & ~Q(producer__bank_account_number=""))
            | (Q(accepts_promptpay=True, producer__country="TH") & ~Q(producer__promptpay_id=""))
        )
        fixed = SalesTerms.objects.filter(pk__in=SalesTerms.objects.exclude(usable).values("pk")).update(
            accepts_cash_on_delivery=True
        )
    return {"added": len(added), "fixed": fixed, "producers": Producer.objects.count()}


def sales_terms_report(counts: dict) -> None:
    print(
        f"Sales terms: {counts['added']} added, {counts['fixed']} given cash on delivery; "
        f"all {counts['producers']} producers can sell."
    )


def pick_urls() -> list[tuple[str, list[str]]]:
    from catalogue.models import Product

    public = Product.objects.public()
    total = public.count()
    deep_page = max(1, (total // 24) // 2)
    slugs = list(public.order_by("?").values_list("slug", flat=True)[:200])
    return [
        ("trivial view", ["/bench/trivial"]),
        ("/products/ (no filter)", ["/products/"]),
        ("/products/ (2 filters)", ["/products/?category=textiles-garments&country=TH", "/products/?country=TH&stars=4", "/products/?category=food&province=chiang-mai"]),
        (f"/products/?page={deep_page} (deep page)", [f"/products/?page={deep_page}"]),
        ("/products/<slug>/", [f"/products/{slug}/" for slug in slugs]),
    ]


def measure(base: str, paths: list[str], seconds: float, threads: int) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(10**9))

    def worker():
        nonlocal errors
        while time.monotonic() < stop_at:
            path = paths[next(counter) % len(paths)]
            started = time.perf_counter()
            try:
                # Sent as a browser sends it: compressed answers welcome.
                request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    ok = response.status == 200
            except Exception:  # noqa: BLE001 - any failure is counted as an error
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1

    for path in paths[:200]:  # warm up caches and connections: the steady state is measured
        urllib.request.urlopen(base + path, timeout=60).read()
    stop_at = time.monotonic() + seconds
    wall = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.monotonic() - wall
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1) if latencies else None,
    }


def run_server(port: int) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="otop_site.settings.bench")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "otop_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/trivial", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not start")


def worker_rss_mb(server: subprocess.Popen) -> float:
    import psutil

    children = psutil.Process(server.pid).children()
    return round(max(child.memory_info().rss for child in children) / 1024 / 1024, 1) if children else 0.0


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup_django()
    timings = seed(args)
    if args.seed_only:
        return 0
    urls = pick_urls()
    server = run_server(args.port)
    base = f"http://127.0.0.1:{args.port}"
    results = {}
    try:
        for name, paths in urls:
            results[name] = measure(base, paths, args.seconds, args.threads)
            print(f"  measured {name}: {results[name]['rps']} req/s", flush=True)
        rss = worker_rss_mb(server)
    finally:
        server.terminate()
        server.wait(10)
    trivial = results["trivial view"]["rps"] or 1
    print()
    print(f"{'page':44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs trivial':>11} {'errors':>7}")
    for name, result in results.items():
        share = result["rps"] / trivial * 100
        print(f"{name:44} {result['rps']:>8} {result['p50_ms']:>8} {result['p99_ms']:>8} {share:>10.0f}% {result['errors']:>7}")
    print(f"\nweb worker memory after the run: {rss} MB")
    if timings:
        print(f"seeding: producers {timings['producers_seconds']} s, {timings['products']} products {timings['products_seconds']} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "catalogue.json").write_text(json.dumps({"results": results, "rss_mb": rss, "seed": timings}, indent=2))
    if args.orders:
        from bench import orders

        print("\n== Orders: concurrent checkouts (python -m bench.orders) ==", flush=True)
        return orders.run(orders.parse_args([]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
