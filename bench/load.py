"""`python -m bench.load`: what a fair's visitors do, on the 100,000-product benchmark catalogue.

    python -m bench.load [--seconds 20] [--warmup 5] [--no-warm-pass] [--port 8766] [--clients 2]
                         [--threads 2] [--redis redis://127.0.0.1:6379/3] [--checkouts-per-second 1] [--strict]

The site runs under gunicorn with two sync workers and Redis (the cache and the sessions; the
Redis database is emptied first, so runs start alike). Client processes (--clients, each with
--threads threads and plain http.client connections, asking for gzip as a browser does) draw
paths at random (a seeded generator) from one list of more than 800 URLs: product pages,
/products/ with filters, sorts and deep pages, searches in Thai, Japanese and English, producer
pages, the producer directory and the home page. Each URL is final (no redirect is followed);
any answer but 200, and any failure, is an error. Measured in the same run, each for --seconds
after a warm-up: every URL once as that run's visitors (a URL not answering 200 there is
reported), then --warmup seconds of the run's own traffic:

    trivial  /bench/trivial, the ceiling the pages are compared with
    A        anonymous browsing
    B        the same while a separate process checks out over HTTP about once a second (log in
             once, add a product to the cart, open the checkout, place the order); the checkout
             requests are not counted in B's figures
    C        signed-in browsing: each client thread takes turns with its own logged-in sessions
             (bench visitor accounts, half of them with something in the cart)

Reported: requests per second, p50 and p99 latency, errors and the share of the trivial view's
throughput; then B/A and C/A against the targets, the checkouts, each kind of URL, and each
run's 10 slowest URLs by p50. Figures go to var/bench/load.json. The run's orders are deleted and their
stock put back afterwards. Needs the seeded catalogue (`python -m bench --seed-only`).
"""

import argparse
import gzip
import http.client
import json
import math
import multiprocessing
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench"
PAGE_SIZE = 24  # /products/ and /producers/ show 24 to a page
PASSWORD = "bench-load-visitor-2026"  # noqa: S105 - local benchmark accounts
VISITOR_PREFIX = "bench-visitor-"
BUYER_PREFIX = "bench-web-buyer-"
ADDRESS = {
    "full_name": "Bench Web Buyer", "phone": "081 234 5678", "address_line": "99/1 Moo 4", "subdistrict": "Nai Mueang",
    "district": "Mueang", "province": "Khon Kaen", "postcode": "40000", "country": "TH",
}
# How many URLs of each kind are drawn: 400 + 140 + 70 + 150 + 60 + 3 = 823.
URL_COUNTS = {"product": 400, "filters": 140, "search": 70, "producer": 150, "directory": 60}
TARGETS = {"A_share_of_trivial": 0.15, "B_of_A": 0.60, "C_of_A": 0.50, "p99_ms": 300}
HEADERS = {"Accept-Encoding": "gzip", "Accept": "text/html,*/*;q=0.8", "User-Agent": "otop-bench-load"}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each run is measured")
    parser.add_argument("--warm-pass", action=argparse.BooleanOptionalAction, default=True,
                        help="before each run, ask for every URL once (as that run's visitors), so runs start warm")
    parser.add_argument("--warmup", type=float, default=5.0, help="then seconds of the run's traffic, not counted")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=2, help="threads in each client process")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
                        help="the Redis database for the cache and sessions; emptied at the start")
    parser.add_argument("--visitors", type=int, default=20, help="signed-in visitor accounts for C")
    parser.add_argument("--buyers", type=int, default=3, help="buyer accounts that check out in B, one thread each")
    parser.add_argument("--checkouts-per-second", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026, help="seeds the URL list and the draws")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def setup_django(redis_url: str):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop_site.settings.bench")
    # The server's cache and sessions, should this process touch them.
    os.environ["REDIS_URL"] = redis_url
    import django

    django.setup()


# --- HTTP, as a browser without JavaScript speaks it ----------------------------------------------


def remember_cookies(jar: dict, set_cookie_headers: list[str]) -> None:
    """Keep the cookies a response sets in `jar` (name -> value); drop those it expires."""
    for header in set_cookie_headers:
        for name, morsel in SimpleCookie(header).items():
            expired = morsel["max-age"] == "0" or "1970" in morsel["expires"]
            if expired:
                jar.pop(name, None)
            else:
                jar[name] = morsel.coded_value  # sent back as it came, quotes and all


def request(conn: http.client.HTTPConnection, method: str, path: str, jar: dict, form: dict | None = None,
            read_body: bool = False) -> tuple[int, dict, str]:
    """One request with the jar's cookies; returns (status, headers, body if read_body)."""
    headers = dict(HEADERS)
    if jar:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in jar.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    remember_cookies(jar, response.headers.get_all("Set-Cookie") or [])
    text = ""
    if read_body:
        if response.headers.get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
    return response.status, {k.lower(): v for k, v in response.headers.items()}, text


def log_in(port: int, username: str, *, cart_product: int | None = None) -> dict:
    """Log in over HTTP as a visitor does (the form's CSRF cookie, then the POST); with
    `cart_product`, put one in the cart too. Returns the session's cookies."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    jar = {}
    try:
        status, _headers, _body = request(conn, "GET", "/accounts/login/", jar)
        if status != 200 or "csrftoken" not in jar:
            raise RuntimeError(f"GET /accounts/login/ answered {status}")
        form = {"csrfmiddlewaretoken": jar["csrftoken"], "username": username, "password": PASSWORD, "next": ""}
        status, _headers, _body = request(conn, "POST", "/accounts/login/", jar, form=form)
        if status != 302 or "sessionid" not in jar:
            raise RuntimeError(f"logging in {username} answered {status} (locked out, or the password is not the bench's)")
        status, _headers, _body = request(conn, "GET", "/accounts/profile/", jar)
        if status != 200:
            raise RuntimeError(f"{username}'s session does not reach the profile page ({status})")
        if cart_product:
            add_to_cart(conn, jar, cart_product)
    finally:
        conn.close()
    return jar


def add_to_cart(conn, jar: dict, product_id: int) -> None:
    """One of the product in the cart. Added, the site goes to the cart; refused (sold out, say),
    back to `next`, which tells the two apart."""
    form = {"csrfmiddlewaretoken": jar.get("csrftoken", ""), "product": str(product_id), "quantity": "1",
            "next": "/cart/?refused=1"}
    status, headers, _body = request(conn, "POST", "/cart/add/", jar, form=form)
    location = headers.get("location", "")
    if status != 302 or "refused" in location or not location.rstrip("/").endswith("/cart"):
        raise RuntimeError(f"POST /cart/add/ of product {product_id} answered {status} to {location}")


# --- The URLs -----------------------------------------------------------------------------------


def url_mix(rng: random.Random) -> list[tuple[str, str]]:
    """(kind, path) for each URL the visitors draw from, built from the data (Django set up)."""
    from catalogue.facets import SORTS
    from catalogue.filters import ProducerFilter, ProductFilter
    from catalogue.models import Category, Product
    from places.models import Place
    from producers.models import Producer

    public = Product.objects.public()
    urls = [("home", "/"), ("home", "/th/"), ("home", "/ja/")]

    ids = list(public.order_by("pk").values_list("pk", flat=True))
    picked = rng.sample(ids, min(len(ids) // 2, 2000))
    rows = list(public.filter(pk__in=picked).values_list("pk", "slug", "name_en", "name_th", "name_ja"))
    rows.sort()
    rng.shuffle(rows)
    urls += [("product", f"/products/{slug}/") for _pk, slug, *_names in rows[: URL_COUNTS["product"]]]

    # Filters: a few of category, country, province, stars, in stock and prices, with sorts and
    # pages (the deep ones from the count of the combination).
    categories = list(Category.objects.order_by("pk").values_list("slug", flat=True))
    province_counts = Counter(public.order_by("province_id").values_list("province_id", flat=True))
    provinces = {pk: (slug, country) for pk, slug, country in
                 Place.objects.filter(pk__in=province_counts).values_list("pk", "slug", "country")}
    busy_provinces = [pk for pk, _n in province_counts.most_common(60) if pk in provinces]
    countries = sorted({country for _slug, country in provinces.values()})
    sorts = [sort.key for sort in SORTS]
    price_ranges = [(None, 300), (300, 1000), (1000, 5000), (500, None), (100, 800)]
    seen = set()
    filters = []
    while len(filters) < URL_COUNTS["filters"]:
        params = {}
        for name in rng.sample(["category", "place", "stars", "in_stock", "price"], rng.choice([1, 1, 2, 2, 3])):
            if name == "category":
                params["category"] = rng.choice(categories)
            elif name == "place":
                if rng.random() < 0.5:
                    params["country"] = rng.choice(countries)
                else:
                    slug, country = provinces[rng.choice(busy_provinces)]
                    params["country"], params["province"] = country, slug
            elif name == "stars":
                params["stars"] = str(rng.randint(1, 5))
            elif name == "in_stock":
                params["in_stock"] = "1"
            else:
                low, high = rng.choice(price_ranges)
                if low is not None:
                    params["min_price"] = str(low)
                if high is not None:
                    params["max_price"] = str(high)
        if rng.random() < 0.6:
            params["sort"] = rng.choice(sorts)
        key = tuple(sorted(params.items()))
        if key in seen:
            continue
        seen.add(key)
        filterset = ProductFilter(params, queryset=public)
        if not filterset.is_valid():
            continue
        pages = max(1, math.ceil(filterset.qs.count() / PAGE_SIZE))
        # Mostly the first pages; one in four a deep page (the middle or the last).
        page = rng.choice([1, 1, 1, 2, 3, max(1, pages // 2), pages]) if pages > 3 else rng.randint(1, pages)
        if page > 1:
            params["page"] = str(page)
        filters.append(("filters", "/products/?" + urllib.parse.urlencode(params)))
    # Two of them are the unfiltered catalogue's deepest pages.
    all_pages = math.ceil(public.count() / PAGE_SIZE)
    filters[-2:] = [("filters", f"/products/?page={all_pages // 2}"), ("filters", f"/products/?page={all_pages}&sort=price")]
    urls += filters

    # Searches: words of the products' names in English, Thai and Japanese, some with a sort,
    # a filter or a second page.
    words = {"en": [], "th": [], "ja": []}
    for _pk, _slug, name_en, name_th, name_ja in rows:
        words["en"] += [w for w in re.findall(r"[A-Za-z]{4,}", name_en) if w.lower() not in {"gift", "with", "three", "pack"}]
        words["th"] += [w for w in (name_th or "").split() if len(w) >= 3 and not w.isdigit()]
        words["ja"] += [w for w in re.split(r"[（）()・、\s]+", name_ja or "") if len(w) >= 2]
    searches = set()
    plan = ["en"] * 28 + ["th"] * 24 + ["ja"] * 18
    while len(searches) < URL_COUNTS["search"]:
        language = plan[len(searches) % len(plan)]
        text = rng.choice(words[language])
        if language == "en" and rng.random() < 0.3:
            text += " " + rng.choice(words["en"]).lower()
        params = {"q": text}
        extra = rng.random()
        if extra < 0.15:
            params["sort"] = rng.choice(sorts)
        elif extra < 0.35:
            # Where the words' language is spoken (the Thai and Japanese names are of those products).
            params["country"] = {"th": "TH", "ja": "JP"}.get(language) or rng.choice(countries)
        elif extra < 0.45:
            # A second page only where the search has one (a link a visitor can follow).
            filterset = ProductFilter(params, queryset=public)
            if filterset.is_valid() and filterset.qs.count() > PAGE_SIZE:
                params["page"] = "2"
        searches.add(("search", "/products/?" + urllib.parse.urlencode(params)))
    urls += sorted(searches)

    producers = list(Producer.objects.public().order_by("pk").values_list("slug", flat=True))
    urls += [("producer", f"/producers/{slug}/") for slug in rng.sample(producers, min(len(producers), URL_COUNTS["producer"]))]

    top_categories = list(Category.objects.filter(parent__isnull=True).order_by("pk").values_list("slug", flat=True))
    directory = {("directory", "/producers/")}
    while len(directory) < URL_COUNTS["directory"]:
        params = {}
        choice = rng.random()
        if choice < 0.3:
            params["country"] = rng.choice(countries)
        elif choice < 0.5:
            params["category"] = rng.choice(top_categories)
        elif choice < 0.6:
            params["kind"] = rng.choice([kind for kind, _label in Producer.Kind.choices])
        elif choice < 0.7:
            params["province"] = provinces[rng.choice(busy_provinces)][0]
        if rng.random() < 0.3:
            params["sort"] = "newest"
        filterset = ProducerFilter(params, queryset=Producer.objects.public())
        if not filterset.is_valid():
            continue
        pages = max(1, math.ceil(filterset.qs.count() / PAGE_SIZE))
        page = rng.randint(1, pages)
        if page > 1:
            params["page"] = str(page)
        if params:
            directory.add(("directory", "/producers/?" + urllib.parse.urlencode(params)))
    urls += sorted(directory)
    return urls


def migrations_pending() -> list[str]:
    """The migrations not applied to the database (the server would fail on their tables)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


# --- Accounts and data --------------------------------------------------------------------------


def accounts_ensure(prefix: str, count: int) -> list[str]:
    """`count` accounts named prefix-NN with a confirmed e-mail and the bench password, made once."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.cache import account_changed
    from accounts.models import User

    names = [f"{prefix}{number:02d}" for number in range(count)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    password = make_password(PASSWORD)
    User.objects.bulk_create([
        User(username=name, email=f"{name}@bench.example", email_verified_at=timezone.now(), first_name="Bench",
             password=password)
        for name in names if name not in existing
    ])
    # Older accounts may have another password or no confirmed address: set both, in one statement.
    User.objects.filter(username__in=names).update(password=password, is_active=True)
    User.objects.filter(username__in=names, email_verified_at__isnull=True).update(email_verified_at=timezone.now())
    # Updates reach no receiver: renew the kept accounts (accounts/cache.py) ourselves.
    for user_id in User.objects.filter(username__in=names).values_list("pk", flat=True):
        account_changed(user_id)
    return names


def stocked_products(rng: random.Random, count: int) -> list[int]:
    """Public products with plenty in stock: a run's checkouts (one of each) never empty one."""
    from catalogue.models import Product

    ids = list(Product.objects.public().filter(stock__gte=50).order_by("pk").values_list("pk", flat=True))
    return rng.sample(ids, min(count, len(ids)))


def carts_empty(usernames: list[str]) -> None:
    from orders.models import CartItem

    CartItem.objects.filter(cart__user__username__in=usernames).delete()


def orders_undo(usernames: list[str]) -> dict:
    """Delete the bench buyers' orders and put back the stock those not cancelled still hold.
    (Stock goes back to what it was before the run, so no cache of another benchmark is wrong.)"""
    from django.db import transaction
    from django.db.models import F, Sum

    from catalogue.models import Product
    from orders.models import Order, OrderLine

    with transaction.atomic():
        orders = Order.objects.filter(buyer__username__in=usernames)
        held = (
            OrderLine.objects.filter(order__in=orders.exclude(state=Order.State.CANCELLED), product__isnull=False)
            .values("product_id").annotate(quantity=Sum("quantity")).order_by("product_id")
        )
        returned = 0
        for row in held:
            Product.objects.filter(pk=row["product_id"]).update(stock=F("stock") + row["quantity"])
            returned += row["quantity"]
        deleted = orders.count()
        orders.delete()
    return {"orders_deleted": deleted, "units_returned": returned}


# --- The server ----------------------------------------------------------------------------------


def redis_flush(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError as error:
        raise SystemExit(f"The mixed benchmark needs Redis at {url} (--redis): {error}") from None


def run_server(args):
    import subprocess

    env = dict(
        os.environ, DJANGO_SETTINGS_MODULE="otop_site.settings.bench", REDIS_URL=args.redis,
        # Order e-mails are still rendered, not printed into the benchmark's output.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        # Static files are not collected for the benchmark and not asked for: WhiteNoise's warning is noise here.
        PYTHONWARNINGS="ignore:No directory at:UserWarning",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "otop_site.wsgi", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            status, _headers, _body = request(conn, "GET", "/bench/trivial", {})
            conn.close()
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit("gunicorn exited while starting")
        time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not start")


# --- The clients ---------------------------------------------------------------------------------


def client_process(*, index, port, paths, threads, sessions, seed, measure_from, stop_at, results):
    """One client process: `threads` threads, each drawing paths at random until `stop_at`.
    Puts (index, records) on `results`: (path index, seconds, status) of each request started
    after `measure_from`; the status is the exception's name when there was no answer."""
    collected = []
    lock = threading.Lock()

    def browse(thread: int):
        rng = random.Random(seed * 1000 + index * 10 + thread)
        jars = sessions[thread] if sessions else [{}]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        records = []
        count = 0
        while True:
            started_at = time.time()
            if started_at >= stop_at:
                break
            path_index = rng.randrange(len(paths))
            jar = jars[count % len(jars)]
            count += 1
            started = time.perf_counter()
            try:
                status, _headers, _body = request(conn, "GET", paths[path_index], jar)
            except Exception as error:  # noqa: BLE001 - any failure is an error of the run
                status = type(error).__name__
                conn.close()
            elapsed = time.perf_counter() - started
            if started_at >= measure_from:
                records.append((path_index, elapsed, status))
        conn.close()
        with lock:
            collected.extend(records)

    workers = [threading.Thread(target=browse, args=(thread,)) for thread in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put((index, collected))


def checkout_process(*, port, buyers, products, per_second, seed, start_at, stop_at, results):
    """Buyers (their e-mail and logged-in cookies) check out in turns, together about `per_second` a
    second: add a product to the cart, open the checkout, place the order. Puts a dict on `results`."""
    done, failed, seconds, reasons = [0], [0], [], Counter()
    lock = threading.Lock()
    interval = len(buyers) / per_second

    def buyer(number: int, account: dict):
        rng = random.Random(seed * 7 + number)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        next_at = start_at + number / per_second
        while next_at < stop_at:
            time.sleep(max(0.0, next_at - time.time()))
            started = time.perf_counter()
            try:
                checkout(conn, account, rng.choice(products))
                ok, reason = True, ""
            except Exception as error:  # noqa: BLE001 - reported as a failed checkout
                ok, reason = False, f"{type(error).__name__}: {error}"[:200]
                conn.close()
            with lock:
                if ok:
                    done[0] += 1
                    seconds.append(time.perf_counter() - started)
                else:
                    failed[0] += 1
                    reasons[reason] += 1
            # Behind schedule (a slow checkout): the next one starts now, not in a burst.
            next_at = max(next_at + interval, time.time())
        conn.close()

    workers = [threading.Thread(target=buyer, args=(number, account)) for number, account in enumerate(buyers)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put({"done": done[0], "failed": failed[0], "seconds": seconds, "reasons": dict(reasons)})


CHECKOUT_TOKEN = re.compile(r'name="checkout_token" value="([^"]+)"')
PAYMENT_CHOICE = re.compile(r'name="payment_(\d+)" value="([^"]+)"')
ERRORS = re.compile(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)


def checkout_form(html: str) -> dict:
    """The checkout POST for the page's form: the token, the address, shipping and the first
    payment method each producer offers that a shipped order can use."""
    token = CHECKOUT_TOKEN.search(html)
    if not token:
        raise RuntimeError("no checkout token on /checkout/")
    form = dict(ADDRESS, checkout_token=token.group(1))
    for producer_id, method in PAYMENT_CHOICE.findall(html):
        if method != "stall" and f"payment_{producer_id}" not in form:
            form[f"delivery_{producer_id}"] = "shipping"
            form[f"payment_{producer_id}"] = method
    if not any(name.startswith("payment_") for name in form):
        raise RuntimeError("no payment method for shipping on /checkout/")
    return form


def checkout(conn, buyer: dict, product_id: int) -> str:
    """One checkout over HTTP; returns the page it ended on (an order), or raises."""
    jar = buyer["jar"]
    add_to_cart(conn, jar, product_id)
    status, _headers, html = request(conn, "GET", "/checkout/", jar, read_body=True)
    if status != 200:
        raise RuntimeError(f"GET /checkout/ answered {status}")
    form = checkout_form(html) | {"csrfmiddlewaretoken": jar.get("csrftoken", ""), "email": buyer["email"]}
    status, headers, html = request(conn, "POST", "/checkout/", jar, form=form, read_body=True)
    location = headers.get("location", "")
    if status != 302 or "/orders/" not in location:
        errors = " ".join(re.sub(r"<[^>]+>", " ", found).split() for found in ERRORS.findall(html)) if status == 200 else ""
        raise RuntimeError(f"POST /checkout/ answered {status} {location} {errors}".strip()[:200])
    return location


def warm_pass(args, paths: list[str], sessions: list[dict] | None = None) -> dict:
    """Every path once, by as many threads as the clients have, with the run's sessions (or
    none); returns the paths that did not answer 200, with their answers."""
    from concurrent.futures import ThreadPoolExecutor

    jars = sessions or [{} for _ in range(args.clients * args.threads)]
    local = threading.local()

    def fetch(number_path):
        number, path = number_path
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        try:
            status, _headers, _body = request(local.conn, "GET", path, jars[number % len(jars)])
        except Exception as error:  # noqa: BLE001 - reported with the path
            status = type(error).__name__
            local.conn.close()
        return path, status

    with ThreadPoolExecutor(args.clients * args.threads) as pool:
        answers = list(pool.map(fetch, enumerate(paths)))
    return {path: str(status) for path, status in answers if status != 200}


def measure(args, paths: list[str], *, sessions: list[list[dict]] | None = None, checkouts: dict | None = None,
            warmup: float | None = None) -> dict:
    """One run: client processes draw from `paths` for warmup + seconds; with `checkouts`, the
    checkout process runs alongside from the start of the warm-up."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    warmup = args.warmup if warmup is None else warmup
    start = time.time() + 0.5  # the processes are up by then
    measure_from = start + warmup
    stop_at = measure_from + args.seconds
    total_threads = args.clients * args.threads
    processes = []
    for index in range(args.clients):
        own = None
        if sessions:
            own = [[jar for number, jar in enumerate(sessions) if number % total_threads == index * args.threads + thread]
                   or [{}] for thread in range(args.threads)]
        processes.append(context.Process(target=client_process, kwargs=dict(
            index=index, port=args.port, paths=paths, threads=args.threads, sessions=own, seed=args.seed,
            measure_from=measure_from, stop_at=stop_at, results=results,
        )))
    checkout_results = context.Queue()
    if checkouts:
        processes.append(context.Process(target=checkout_process, kwargs=dict(
            port=args.port, buyers=checkouts["buyers"], products=checkouts["products"], per_second=args.checkouts_per_second,
            seed=args.seed, start_at=start, stop_at=stop_at, results=checkout_results,
        )))
    for process in processes:
        process.start()
    records = []
    for _ in range(args.clients):
        _index, collected = results.get(timeout=warmup + args.seconds + 120)
        records += collected
    checkout_result = checkout_results.get(timeout=120) if checkouts else None
    for process in processes:
        process.join(30)
    return summarise(records, args.seconds, checkout_result, warmup + args.seconds)


def percentile(ordered: list[float], share: float) -> float | None:
    """The nearest-rank percentile of sorted values."""
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


def summarise(records: list[tuple[int, float, object]], seconds: float, checkouts: dict | None, checkout_seconds: float) -> dict:
    latencies = sorted(elapsed for _index, elapsed, status in records if status == 200)
    errors = Counter(str(status) for _index, _elapsed, status in records if status != 200)
    result = {
        "requests": len(latencies),
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": ms(percentile(latencies, 0.5)),
        "p99_ms": ms(percentile(latencies, 0.99)),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "records": records,
    }
    if checkouts is not None:
        taken = sorted(checkouts["seconds"])
        result["checkouts"] = {
            "done": checkouts["done"], "failed": checkouts["failed"],
            "per_second": round(checkouts["done"] / checkout_seconds, 2),
            "p50_ms": ms(percentile(taken, 0.5)), "p99_ms": ms(percentile(taken, 0.99)),
            "failures": checkouts["reasons"],
        }
    return result


# --- Reporting -------------------------------------------------------------------------------------


def by_url(runs: dict, urls: list[tuple[str, str]]) -> tuple[dict, dict]:
    """Latency by kind of URL in each run, and each run's 10 slowest URLs by p50 (of those asked
    for at least twice)."""
    kinds, slowest = {}, {}
    for name, run in runs.items():
        if name == "trivial":
            continue
        by_kind, per_url = defaultdict(list), defaultdict(list)
        for index, elapsed, status in run["records"]:
            if status == 200:
                by_kind[urls[index][0]].append(elapsed)
                per_url[index].append(elapsed)
        for kind, values in by_kind.items():
            values.sort()
            kinds.setdefault(kind, {})[name] = {"requests": len(values), "p50_ms": ms(percentile(values, 0.5)),
                                                "p99_ms": ms(percentile(values, 0.99))}
        slowest[name] = sorted(
            ({"path": urls[index][1], "kind": urls[index][0], "requests": len(values),
              "p50_ms": ms(statistics.median(values)), "max_ms": ms(max(values))}
             for index, values in per_url.items() if len(values) >= 2),
            key=lambda row: row["p50_ms"], reverse=True,
        )[:10]
    return kinds, slowest


def verdicts(runs: dict) -> dict:
    a, b, c, trivial = (runs[name]["rps"] for name in ("A", "B", "C", "trivial"))
    ratios = {
        "A_share_of_trivial": a / trivial if trivial else 0.0,
        "B_of_A": b / a if a else 0.0,
        "C_of_A": c / a if a else 0.0,
    }
    passes = {name: value >= TARGETS[name] for name, value in ratios.items()}
    for name in ("A", "B", "C"):
        p99 = runs[name]["p99_ms"]
        passes[f"{name}_p99"] = p99 is not None and p99 < TARGETS["p99_ms"]
        passes[f"{name}_errors"] = runs[name]["errors"] == 0
    return {"ratios": {name: round(value, 3) for name, value in ratios.items()}, "passes": passes}


def report(result: dict) -> None:
    runs, config = result["runs"], result["config"]
    trivial = runs["trivial"]["rps"] or 1
    print()
    warm = "every URL once, then " if config["warm_pass"] else ""
    print(f"Mixed load: gunicorn {config['workers']} sync workers, Redis {config['redis']}; {config['clients']} client processes "
          f"x {config['threads']} threads; each run {config['seconds']:g} s after a warm-up ({warm}{config['warmup']:g} s); "
          f"{result['url_total']} URLs ({', '.join(f'{n} {k}' for k, n in result['url_counts'].items())})")
    labels = {"trivial": "trivial view (/bench/trivial)", "A": "A anonymous browsing",
              "B": "B anonymous + checkouts (~1/s)", "C": "C signed-in browsing"}
    print(f"{'run':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs trivial':>11}")
    for name, label in labels.items():
        run = runs[name]
        print(f"{label:34} {run['rps']:>8} {run['p50_ms']!s:>8} {run['p99_ms']!s:>8} {run['errors']:>7} "
              f"{run['rps'] / trivial * 100:>10.1f}%")
    ratios, passes = result["verdicts"]["ratios"], result["verdicts"]["passes"]

    def mark(ok):
        return "pass" if ok else "MISS"

    print()
    print(f"A / trivial = {ratios['A_share_of_trivial']:.0%}  (target >= {TARGETS['A_share_of_trivial']:.0%})  {mark(passes['A_share_of_trivial'])}")
    print(f"B / A       = {ratios['B_of_A']:.0%}  (target >= {TARGETS['B_of_A']:.0%})  {mark(passes['B_of_A'])}")
    print(f"C / A       = {ratios['C_of_A']:.0%}  (target >= {TARGETS['C_of_A']:.0%})  {mark(passes['C_of_A'])}")
    print(f"p99 < {TARGETS['p99_ms']} ms: " + ", ".join(f"{name} {mark(passes[f'{name}_p99'])}" for name in "ABC"))
    print("0 errors:     " + ", ".join(f"{name} {mark(passes[f'{name}_errors'])}" for name in "ABC"))
    for name in ("trivial", "A", "B", "C"):
        if runs[name]["error_kinds"]:
            print(f"  errors in {name}: {runs[name]['error_kinds']}")
        if runs[name]["warm_pass_not_200"]:
            print(f"  URLs not answering 200 in {name}'s warm pass: {runs[name]['warm_pass_not_200']}")
    checkouts = runs["B"].get("checkouts")
    if checkouts:
        print(f"\nCheckouts during B (not counted in its req/s): {checkouts['done']} placed, {checkouts['failed']} failed, "
              f"{checkouts['per_second']}/s; a whole checkout (add, open, place) p50 {checkouts['p50_ms']} ms, "
              f"p99 {checkouts['p99_ms']} ms")
        for reason, count in checkouts["failures"].items():
            print(f"  {count} x {reason}")
    print("\nBy kind of URL (p50 / p99 ms):")
    print(f"{'kind':10} {'requests A':>11} {'A':>16} {'B':>16} {'C':>16}")
    for kind, figures in sorted(result["by_kind"].items()):
        cells = [f"{figures[name]['p50_ms']} / {figures[name]['p99_ms']}" if name in figures else "-" for name in "ABC"]
        print(f"{kind:10} {figures.get('A', {}).get('requests', 0):>11} {cells[0]:>16} {cells[1]:>16} {cells[2]:>16}")
    for name, rows in result["slowest"].items():
        print(f"\nThe 10 slowest URLs by p50 in {name} (asked for at least twice):")
        for row in rows:
            print(f"  {row['p50_ms']:>8} ms (max {row['max_ms']}, {row['requests']} requests)  {row['path']}")
    print(f"\nAfterwards: {result['cleanup']['orders_deleted']} bench orders deleted, "
          f"{result['cleanup']['units_returned']} units of stock put back.")


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup_django(args.redis)
    from django.db import connections

    from bench.__main__ import sales_terms_ensure
    from catalogue.models import Product

    pending = migrations_pending()
    if pending:
        raise SystemExit(f"The benchmark database lacks migrations ({', '.join(pending)}): "
                         "`python -m bench --seed-only` applies them (and seeds nothing when the data is there).")
    if Product.objects.public().count() < 1000:
        raise SystemExit("The benchmark catalogue is empty: run `python -m bench --seed-only` first.")
    sales_terms_ensure()
    if Product.objects.public().filter(search_document__isnull=True).exists():
        print("Warning: products without a search document: searches find nothing (or too little). "
              "`python -m bench.search` reindexes the catalogue (`make bench` runs it before this).", flush=True)
    rng = random.Random(args.seed)
    print("Choosing the URLs…", flush=True)
    urls = url_mix(rng)
    counts = Counter(kind for kind, _path in urls)
    print(f"  {len(urls)} URLs: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()), flush=True)
    paths = [path for _kind, path in urls]
    visitors = accounts_ensure(VISITOR_PREFIX, args.visitors)
    buyers = accounts_ensure(BUYER_PREFIX, args.buyers)
    products = stocked_products(rng, 200)
    carts_empty(visitors + buyers)
    orders_undo(buyers)  # a run stopped half-way left its orders
    connections.close_all()  # nothing open is shared with the forked clients

    redis_flush(args.redis)
    server = run_server(args)
    runs = {}
    try:
        print("Logging in the bench visitors and buyers…", flush=True)
        sessions = [log_in(args.port, name, cart_product=products[number] if number % 2 == 0 else None)
                    for number, name in enumerate(visitors)]
        buyer_sessions = [{"email": f"{name}@bench.example", "jar": log_in(args.port, name)} for name in buyers]
        for name, label, options in (
            ("trivial", "the trivial view", {}),
            ("A", "A: anonymous browsing", {}),
            ("B", "B: anonymous browsing with checkouts", {"checkouts": {"buyers": buyer_sessions, "products": products}}),
            ("C", "C: signed-in browsing", {"sessions": sessions}),
        ):
            print(f"Measuring {label}…", flush=True)
            run_paths = ["/bench/trivial"] if name == "trivial" else paths
            failing, warmed = {}, 0.0
            if args.warm_pass and name != "trivial":
                started = time.monotonic()
                failing = warm_pass(args, paths, options.get("sessions"))
                warmed = round(time.monotonic() - started, 1)
                print(f"  every URL once in {warmed} s" + (f"; not 200: {failing}" if failing else ""), flush=True)
            runs[name] = measure(args, run_paths, warmup=1.0 if name == "trivial" else None, **options)
            runs[name] |= {"warm_pass_seconds": warmed, "warm_pass_not_200": failing}
            print(f"  {runs[name]['rps']} req/s, p50 {runs[name]['p50_ms']} ms, p99 {runs[name]['p99_ms']} ms, "
                  f"{runs[name]['errors']} errors", flush=True)
    finally:
        server.terminate()
        server.wait(10)
    cleanup = orders_undo(buyers)
    carts_empty(visitors + buyers)
    redis_flush(args.redis)  # the run's pages and sessions, which the stock put back makes stale

    by_kind, slowest = by_url(runs, urls)
    result = {
        "config": {name: value for name, value in vars(args).items()} | {"cpus": os.cpu_count()},
        "url_total": len(urls),
        "url_counts": dict(counts),
        "runs": runs,
        "verdicts": verdicts(runs),
        "by_kind": by_kind,
        "slowest": slowest,
        "cleanup": cleanup,
    }
    report(result)
    for run in runs.values():
        run.pop("records")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(result | {"urls": urls}, indent=2, ensure_ascii=False))
    print(f"Figures in {RESULTS / 'load.json'}")
    return 1 if args.strict and not all(result["verdicts"]["passes"].values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
