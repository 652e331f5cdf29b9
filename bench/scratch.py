"""`python -m bench.scratch`: what a page costs built from scratch, with no cache to help.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/otop_bench python -m bench.scratch [--samples 60] [--explain]

In one process, against the benchmark catalogue (bench/__main__.py seeds it: 100,000 products),
with every cache replaced by Django's dummy cache, so that each request renders its page
whole: no fragment, no whole page, no "did you mean" vocabulary is kept. Sessions live in a
local-memory cache of their own (as in production, where they are in Redis, they cost no SQL).
Django's test client sends the requests; the time around each one is the server's time for it
(middleware, view, queries, templates) without a network or a WSGI server.

Many different pages are asked for, each once per visitor: product pages of random public
products, and listings filtered by category and country, stars, stock (deep pages too),
province, sorted and searched. Each group is measured for an anonymous visitor and a signed-in
one. The table gives the median and p90 server time, the queries per page, the share of the
time spent in SQL and the median CPU time of this process (the Python side: middleware, view,
templates), which other work on a shared machine does not inflate as much as wall time. `--explain` prints EXPLAIN (ANALYZE, BUFFERS) of every query of one
product page and one filtered listing.

Targets (issue 13): a product page under 15 ms and a filtered listing under 30 ms (median).
"""

import argparse
import os
import random
import statistics
import sys
import time

PRODUCT_TARGET_MS = 15
LISTING_TARGET_MS = 30
SEARCH_WORDS = ["silk", "rice", "tea", "pottery", "basket", "indigo", "coffee", "ผ้าไหม", "น้ำพริก", "シルク", "茶"]
SORTS = ["price", "-price", "stars", "newest"]


def setup_django() -> None:
    """Django with every cache a dummy one (sessions apart), before any app reads a cache."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop_site.settings.bench")
    from django.conf import settings

    dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    settings.CACHES = {
        "default": dummy,
        "pages": dummy,
        "pages-local": dummy,
        "versions": dummy,
        "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench-sessions"},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.SESSION_CACHE_ALIAS = "sessions"
    import django

    django.setup()


def listing_urls(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` different filtered listings, as (group, url), drawn from the catalogue's values."""
    from catalogue.models import Category
    from places.models import Country, Place

    categories = list(Category.objects.values_list("slug", flat=True))
    tops = list(Category.objects.filter(parent__isnull=True).values_list("slug", flat=True))
    countries = [code for code, _label in Country.choices]
    provinces = list(Place.objects.filter(level="province").values_list("slug", flat=True))
    makers = {
        "category+country": lambda: f"?category={rng.choice(categories)}&country={rng.choice(countries)}",
        "stars": lambda: f"?stars={rng.choice([3, 4, 5])}" + (f"&category={rng.choice(tops)}" if rng.random() < 0.5 else "")
        + (f"&page={rng.randint(2, 20)}" if rng.random() < 0.5 else ""),
        "in_stock deep": lambda: f"?in_stock=1&page={rng.randint(2, 60)}",
        "sorted": lambda: f"?sort={rng.choice(SORTS)}&page={rng.randint(1, 40)}",
        "province": lambda: f"?province={rng.choice(provinces)}",
    }
    made, seen = [], set()
    attempts = 0
    while len(made) < count and attempts < count * 50:
        attempts += 1
        group = list(makers)[len(made) % len(makers)]
        url = "/products/" + makers[group]()
        if url not in seen:
            seen.add(url)
            made.append((group, url))
    return made


def search_urls(rng: random.Random, count: int) -> list[tuple[str, str]]:
    from urllib.parse import quote

    made = []
    for n in range(count):
        word = SEARCH_WORDS[n % len(SEARCH_WORDS)]
        extra = rng.choice(["", "&country=TH", "&in_stock=1", "&stars=3", f"&page={rng.randint(2, 5)}"])
        made.append(("search", f"/products/?q={quote(word)}{extra}"))
    return list(dict.fromkeys(made))


def product_urls(rng: random.Random, count: int) -> list[tuple[str, str]]:
    from catalogue.models import Product

    slugs = list(Product.objects.public().values_list("slug", flat=True))
    return [("product page", f"/products/{slug}/") for slug in rng.sample(slugs, min(count, len(slugs)))]


def measure(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    sql = sum(float(query["time"]) for query in captured.captured_queries)
    return {"ms": elapsed * 1000, "cpu_ms": cpu * 1000, "queries": len(captured.captured_queries), "sql_ms": sql * 1000}


def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def summarise(rows: list[dict]) -> dict:
    times = [row["ms"] for row in rows]
    queries = [row["queries"] for row in rows]
    sql = [row["sql_ms"] for row in rows]
    return {
        "n": len(rows),
        "median": statistics.median(times),
        "p90": percentile(times, 0.9),
        "queries": statistics.median(queries),
        "queries_range": (min(queries), max(queries)),
        "sql_median": statistics.median(sql),
        "cpu_median": statistics.median(row["cpu_ms"] for row in rows),
        "sql_share": sum(sql) / sum(times) if sum(times) else 0.0,
    }


def print_table(results: dict) -> None:
    header = f"{'page':<22} {'visitor':<10} {'n':>4} {'median ms':>10} {'p90 ms':>8} {'queries':>12} {'SQL ms':>7} {'SQL %':>6} {'py CPU ms':>9}"
    print(header)
    print("-" * len(header))
    for (group, visitor), rows in results.items():
        s = summarise(rows)
        low, high = s["queries_range"]
        spread = f"{s['queries']:g}" if low == high else f"{s['queries']:g} ({low}-{high})"
        print(
            f"{group:<22} {visitor:<10} {s['n']:>4} {s['median']:>10.1f} {s['p90']:>8.1f} {spread:>12} "
            f"{s['sql_median']:>7.1f} {s['sql_share'] * 100:>5.0f}% {s['cpu_median']:>9.1f}"
        )


def explain(client, url: str) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each read the page makes, in the order it makes them."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    print(f"\n=== {url}: {len(captured.captured_queries)} queries")
    for number, query in enumerate(captured.captured_queries, 1):
        sql = query["sql"]
        print(f"\n--- query {number} ({float(query['time']) * 1000:.2f} ms as run)\n{sql}")
        if not sql.lstrip().lstrip("(").upper().startswith(("SELECT", "WITH")):
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n".join(row[0] for row in cursor.fetchall()))
            transaction.set_rollback(True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scratch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=60, help="different pages of each kind, per visitor")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the queries of two pages")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from catalogue.models import Product

    total = Product.objects.count()
    print(f"{total} products; every cache a dummy one; {args.samples} different pages of each kind per visitor.")
    rng = random.Random(args.seed)
    anonymous = Client(HTTP_HOST="127.0.0.1")
    signed_in = Client(HTTP_HOST="127.0.0.1")
    user = get_user_model().objects.filter(is_active=True, is_staff=False).order_by("pk").first()
    signed_in.force_login(user)

    pages = product_urls(rng, args.samples * 2 + 3)
    listings = listing_urls(rng, args.samples * 2 + 3)
    searches = search_urls(rng, max(10, args.samples // 3) * 2 + 2)
    # Templates, translations and the planner's statistics loaded once, as in a running server,
    # from pages not measured afterwards.
    warm_up = pages[-3:] + listings[-3:] + searches[-2:]
    pages, listings, searches = pages[:-3], listings[:-3], searches[:-2]
    for client in (anonymous, signed_in):
        for _group, url in warm_up:
            client.get(url)

    results: dict = {}
    for visitor, client, half in (("anonymous", anonymous, 0), ("signed-in", signed_in, 1)):
        chosen = pages[half::2] + listings[half::2] + searches[half::2]
        rng.shuffle(chosen)
        for group, url in chosen:
            row = measure(client, url)
            results.setdefault((group, visitor), []).append(row)
            family = "product page" if group == "product page" else ("search" if group == "search" else "filtered listing")
            if family != group:
                results.setdefault((family, visitor), []).append(row)
    order = ["product page", "filtered listing", "category+country", "stars", "in_stock deep", "sorted", "province", "search"]
    ordered = {key: results[key] for group in order for key in sorted(results) if key[0] == group}
    print_table(ordered)
    print()
    for visitor in ("anonymous", "signed-in"):
        product = statistics.median(row["ms"] for row in results[("product page", visitor)])
        listing = statistics.median(row["ms"] for row in results[("filtered listing", visitor)])
        print(
            f"{visitor}: product page median {product:.1f} ms (target < {PRODUCT_TARGET_MS}: "
            f"{'met' if product < PRODUCT_TARGET_MS else 'NOT met'}), filtered listing median {listing:.1f} ms "
            f"(target < {LISTING_TARGET_MS}: {'met' if listing < LISTING_TARGET_MS else 'NOT met'})"
        )
    if args.explain:
        explain(anonymous, pages[0][1])
        explain(anonymous, "/products/?category=textiles-garments&country=TH&in_stock=1&page=38")
        explain(anonymous, "/products/?in_stock=1&page=38")
    return 0


if __name__ == "__main__":
    sys.exit(main())
