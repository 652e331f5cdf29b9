"""`python -m bench.orders`: many buyers check out at once; stock must add up afterwards.

    python -m bench.orders [--buyers 16] [--seconds 10] [--hot-producers 20] [--scarce 4]
                           [--mode threads|processes] [--keep-orders]

Runs on the benchmark database (otop_bench, seeded by `python -m bench`; a smaller catalogue is
seeded when it is empty). Each buyer has its own database connection and, in a loop, empties its
cart, puts 1–3 products in it (1–3 of each) and calls `orders.services.order_place`, which is timed.

The products are a "hot" set (a few products of each of `--hot-producers` producers, stock set
very high, so buyers keep meeting on the same rows) and `--scarce` products with little stock
(`--scarce-stock`), which sell out during the run, so the sold-out path runs under contention too.
The producers get sales terms (bank transfer, PromptPay for Thai producers, cash on delivery).

Buyers are threads by default: each has its own connection, so the transactions really overlap in
the database, while Python runs one at a time. `--mode processes` runs them in parallel; with more
buyers than CPUs it mostly measures the scheduler (a buyer holding product-row locks is put to sleep
and the others queue behind it).

Afterwards: no product's stock is negative, and for every product used the quantities on the
run's order lines equal the stock taken (stock before − stock after), and equal what the buyers
counted. The run's orders are then deleted and the stock put back (unless --keep-orders), so the
catalogue benchmark sees the same data every time. Figures go to var/bench/orders.json.
"""

import argparse
import json
import multiprocessing
import os
import random
import secrets
import statistics
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench"
HOT_STOCK = 1_000_000
ADDRESS = {
    "full_name": "Bench Buyer", "phone": "081 234 5678", "email": "", "address_line": "99/1 Moo 4",
    "subdistrict": "Nai Mueang", "district": "Mueang", "province": "Khon Kaen", "postcode": "40000", "country": "TH",
}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.orders", description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=16, help="concurrent buyers, each with its own connection")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long the buyers keep checking out")
    parser.add_argument("--hot-producers", type=int, default=20, help="producers whose products are bought")
    parser.add_argument("--per-producer", type=int, default=3, help="products of each hot producer")
    parser.add_argument("--scarce", type=int, default=4, help="extra products with little stock")
    parser.add_argument("--scarce-stock", type=int, default=5)
    parser.add_argument("--mode", choices=["threads", "processes"], default="threads")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep-orders", action="store_true", help="keep the run's orders and the changed stock")
    return parser.parse_args(argv)


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop_site.settings.bench")
    import django

    django.setup()


# --- Preparing the data ----------------------------------------------------------------------


def ensure_data() -> None:
    from django.core.management import call_command

    from catalogue.models import Product

    # Only the orders tables (and what they depend on): other apps' migrations are left to `python -m bench`.
    call_command("migrate", "orders", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if Product.objects.public().count() < 1000:
        from bench.__main__ import seed

        print("The benchmark catalogue is empty: seeding a small one (python -m bench seeds the full one).")
        seed(argparse.Namespace(producers=300, products=10_000, reseed=False))


def choose_products(args, rng: random.Random) -> tuple[list[int], list[int]]:
    """Hot and scarce product ids, from verified producers with public products."""
    from catalogue.models import Product

    public = Product.objects.public()
    producer_ids = sorted(set(public.values_list("producer_id", flat=True).distinct()))
    picked = rng.sample(producer_ids, min(len(producer_ids), args.hot_producers + args.scarce))
    hot_producers, scarce_producers = picked[: args.hot_producers], picked[args.hot_producers :]
    hot = []
    for producer_id in hot_producers:
        hot += list(public.filter(producer_id=producer_id).order_by("pk").values_list("pk", flat=True)[: args.per_producer])
    scarce = [public.filter(producer_id=producer_id).order_by("pk").values_list("pk", flat=True).first() for producer_id in scarce_producers]
    return hot, [pk for pk in scarce if pk]


def ensure_sales_terms(producer_ids) -> dict[int, list[str]]:
    """Sales terms for each producer; returns the payment methods a shipped order can use."""
    from orders.models import PaymentMethod, SalesTerms
    from orders.services import payment_methods_for
    from producers.models import Producer

    methods = {}
    for producer in Producer.objects.filter(pk__in=producer_ids).select_related("sales_terms"):
        terms = getattr(producer, "sales_terms", None)
        if terms is None:
            terms = SalesTerms.objects.create(
                producer=producer, accepts_bank_transfer=True, accepts_promptpay=producer.country == "TH",
                accepts_cash_on_delivery=True, accepts_pay_at_stall=False,
            )
            producer.sales_terms = terms
        usable = [m for m in payment_methods_for(producer) if m != PaymentMethod.PAY_AT_STALL]
        if not usable:
            SalesTerms.objects.filter(pk=terms.pk).update(accepts_cash_on_delivery=True)
            usable = [PaymentMethod.CASH_ON_DELIVERY]
        methods[producer.pk] = [str(m) for m in usable]
    return methods


def ensure_buyers(count: int) -> list[int]:
    from accounts.models import User
    from orders.models import Cart, CartItem

    ids = []
    for number in range(count):
        user, created = User.objects.get_or_create(
            username=f"bench-buyer-{number:02d}", defaults={"email": f"bench-buyer-{number:02d}@example.com", "first_name": "Bench"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Cart.objects.get_or_create(user=user)
        ids.append(user.pk)
    CartItem.objects.filter(cart__user_id__in=ids).delete()
    return ids


# --- The buyers --------------------------------------------------------------------------------


def buyer_loop(*, index, buyer_id, hot, scarce, producer_of, methods, seconds, run_id, seed, barrier, results):
    """One buyer: fill the cart, place the order, again, until the time is up. Puts a dict on `results`."""
    from django.core.exceptions import ValidationError
    from django.db import close_old_connections, connection

    from accounts.models import User
    from orders import services
    from orders.models import Cart, Order

    rng = random.Random(seed * 1000 + index)
    pool = hot + scarce
    out = {
        "index": index, "placed_seconds": [], "sold_out_seconds": [], "checkouts": 0, "orders": 0, "quantity": 0,
        "ordered": Counter(), "checkout_sold_out": 0, "add_sold_out": 0, "add_refused": 0, "checkout_refused": Counter(),
        "empty_carts": 0, "errors": [], "raised_after_commit": 0, "started": 0.0, "ended": 0.0,
    }
    try:
        buyer = User.objects.get(pk=buyer_id)
        cart = Cart.objects.get(user=buyer)
        address = dict(ADDRESS, email=buyer.email, full_name=f"Bench Buyer {index}")
        choices_for = {
            producer_id: [services.ProducerChoice(delivery="shipping", payment=method) for method in producer_methods]
            for producer_id, producer_methods in methods.items()
        }
        barrier.wait()
        out["started"] = time.time()
        deadline = time.monotonic() + seconds
        attempt = 0
        while time.monotonic() < deadline:
            attempt += 1
            token, wanted = "", {}
            try:
                cart.items.all().delete()
                for product_id in rng.sample(pool, rng.randint(1, 3)):
                    quantity = rng.randint(1, 3)
                    try:
                        services.cart_add_item(cart=cart, product=product_id, quantity=quantity)
                        wanted[product_id] = quantity
                    except services.SoldOut:
                        out["add_sold_out"] += 1
                    except ValidationError:
                        out["add_refused"] += 1  # fewer left than asked for
                if not wanted:
                    out["empty_carts"] += 1
                    continue
                choices = {producer_of[pid]: rng.choice(choices_for[producer_of[pid]]) for pid in wanted}
                token = f"bench{run_id}-{index:02d}-{attempt}"
                started = time.perf_counter()
                try:
                    orders = services.order_place(buyer=buyer, cart=cart, checkout_token=token, address=address, choices=choices)
                except services.SoldOut:
                    out["sold_out_seconds"].append(time.perf_counter() - started)
                    out["checkout_sold_out"] += 1
                    continue
                except ValidationError as error:
                    out["checkout_refused"][" ".join(error.messages)[:120]] += 1
                    continue
                out["placed_seconds"].append(time.perf_counter() - started)
                out["checkouts"] += 1
                out["orders"] += len(orders)
                for product_id, quantity in wanted.items():
                    out["ordered"][product_id] += quantity
                    out["quantity"] += quantity
            except Exception as error:  # noqa: BLE001 - a deadlock or a lost connection is a finding, not a crash
                out["errors"].append(f"{type(error).__name__}: {error}"[:300])
                connection.close()
                close_old_connections()
                # An exception from an on-commit hook (the e-mails) comes after the orders were
                # committed: count them, so the buyers' tally still matches the database.
                if token and Order.objects.filter(checkout_token=token).exists():
                    out["raised_after_commit"] += 1
                    out["checkouts"] += 1
                    out["orders"] += Order.objects.filter(checkout_token=token).count()
                    for product_id, quantity in wanted.items():
                        out["ordered"][product_id] += quantity
                        out["quantity"] += quantity
        out["ended"] = time.time()
    except Exception:  # noqa: BLE001
        out["errors"].append(traceback.format_exc()[-1500:])
        out["ended"] = out["ended"] or time.time()
        try:
            barrier.abort()
        except Exception:  # noqa: BLE001, S110
            pass
    finally:
        connection.close()
        out["ordered"] = dict(out["ordered"])
        out["checkout_refused"] = dict(out["checkout_refused"])
        results.put(out)


def run_buyers(args, *, buyer_ids, hot, scarce, producer_of, methods, run_id) -> list[dict]:
    from django.db import connections

    connections.close_all()  # no connection is shared with a forked buyer
    common = dict(hot=hot, scarce=scarce, producer_of=producer_of, methods=methods, seconds=args.seconds, run_id=run_id, seed=args.seed)
    if args.mode == "threads":
        import queue

        results, barrier = queue.Queue(), threading.Barrier(len(buyer_ids))
        workers = [threading.Thread(target=buyer_loop, kwargs=dict(common, index=i, buyer_id=b, barrier=barrier, results=results))
                   for i, b in enumerate(buyer_ids)]
    else:
        context = multiprocessing.get_context("fork")
        results, barrier = context.Queue(), context.Barrier(len(buyer_ids))
        workers = [context.Process(target=buyer_loop, kwargs=dict(common, index=i, buyer_id=b, barrier=barrier, results=results))
                   for i, b in enumerate(buyer_ids)]
    for worker in workers:
        worker.start()
    collected = [results.get(timeout=args.seconds + 300) for _ in workers]
    for worker in workers:
        worker.join(60)
    return collected


# --- Checking and reporting ------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


def run(args) -> int:
    """Run the benchmark in a process where Django is set up (bench settings); 0 when all is well."""
    from django.conf import settings
    from django.db.models import Sum

    # The e-mails are still rendered (that is part of placing an order) but not sent or printed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

    from catalogue.cache import site_changed
    from catalogue.models import Product
    from orders.models import CartItem, Order, OrderLine

    ensure_data()
    rng = random.Random(args.seed)
    hot, scarce = choose_products(args, rng)
    products = list(Product.objects.filter(pk__in=hot + scarce).select_related("producer"))
    producer_of = {product.pk: product.producer_id for product in products}
    original_stock = {product.pk: product.stock for product in products}
    methods = ensure_sales_terms(set(producer_of.values()))
    buyer_ids = ensure_buyers(args.buyers)
    Product.objects.filter(pk__in=hot).update(stock=HOT_STOCK)
    Product.objects.filter(pk__in=scarce).update(stock=args.scarce_stock)
    stock_before = dict(Product.objects.filter(pk__in=producer_of).values_list("pk", "stock"))
    run_id = secrets.token_hex(4)
    prefix = f"bench{run_id}-"
    print(
        f"{args.buyers} buyers ({args.mode}) for {args.seconds:g} s on {len(hot)} hot products of {len(set(producer_of[p] for p in hot))} "
        f"producers (stock {HOT_STOCK:,}) and {len(scarce)} scarce products (stock {args.scarce_stock})…",
        flush=True,
    )

    buyers = run_buyers(args, buyer_ids=buyer_ids, hot=hot, scarce=scarce, producer_of=producer_of, methods=methods, run_id=run_id)

    placed = [s for b in buyers for s in b["placed_seconds"]]
    sold_out = [s for b in buyers for s in b["sold_out_seconds"]]
    started = min((b["started"] for b in buyers if b["started"]), default=0.0)
    wall = max((b["ended"] for b in buyers), default=started) - started if started else 0.0
    counted = Counter()
    for b in buyers:
        counted.update({int(k): v for k, v in b["ordered"].items()})
    refused = Counter()
    for b in buyers:
        refused.update(b["checkout_refused"])
    errors = [e for b in buyers for e in b["errors"]]

    # The checks: stock never negative; ordered quantities == stock taken == what the buyers counted.
    stock_after = dict(Product.objects.filter(pk__in=producer_of).values_list("pk", "stock"))
    negative = Product.objects.filter(stock__lt=0).count()
    in_db = dict(
        OrderLine.objects.filter(order__checkout_token__startswith=prefix).values("product_id")
        .annotate(total=Sum("quantity")).values_list("product_id", "total")
    )
    taken = {pk: stock_before[pk] - stock_after[pk] for pk in stock_before if stock_before[pk] != stock_after[pk]}
    orders_in_db = Order.objects.filter(checkout_token__startswith=prefix).count()
    mismatched = sorted(pk for pk in set(taken) | set(in_db) | set(counted) if not taken.get(pk, 0) == in_db.get(pk, 0) == counted.get(pk, 0))
    checkouts = sum(b["checkouts"] for b in buyers)
    orders = sum(b["orders"] for b in buyers)
    checks = {
        "negative_stock_products": negative,
        "scarce_stock_after": {pk: stock_after[pk] for pk in scarce},
        "quantity_ordered_in_db": sum(in_db.values()),
        "stock_taken": sum(taken.values()),
        "quantity_counted_by_buyers": sum(counted.values()),
        "orders_in_db": orders_in_db,
        "products_mismatched": mismatched,
        "ok": negative == 0 and not mismatched and orders_in_db == orders,
    }
    result = {
        "config": {k: v for k, v in vars(args).items()} | {"hot_products": len(hot), "scarce_products": len(scarce), "cpus": os.cpu_count()},
        "wall_seconds": round(wall, 2),
        "checkouts": checkouts,
        "orders": orders,
        "checkouts_per_second": round(checkouts / wall, 1) if wall else None,
        "orders_per_second": round(orders / wall, 1) if wall else None,
        "quantity": sum(b["quantity"] for b in buyers),
        "order_place_p50_ms": ms(statistics.median(placed)) if placed else None,
        "order_place_p95_ms": ms(percentile(placed, 0.95)),
        "order_place_p99_ms": ms(percentile(placed, 0.99)),
        "order_place_max_ms": ms(max(placed)) if placed else None,
        "sold_out_at_checkout": sum(b["checkout_sold_out"] for b in buyers),
        "sold_out_answer_p50_ms": ms(statistics.median(sold_out)) if sold_out else None,
        "sold_out_when_adding_to_cart": sum(b["add_sold_out"] for b in buyers),
        "fewer_left_when_adding_to_cart": sum(b["add_refused"] for b in buyers),
        "carts_left_empty": sum(b["empty_carts"] for b in buyers),
        "other_refusals": dict(refused),
        "errors": len(errors),
        "raised_after_commit": sum(b["raised_after_commit"] for b in buyers),
        "error_samples": errors[:5],
        "checks": checks,
    }

    if not args.keep_orders:
        Order.objects.filter(checkout_token__startswith=prefix).delete()
        for pk, stock in original_stock.items():
            Product.objects.filter(pk=pk).update(stock=stock)
        CartItem.objects.filter(cart__user_id__in=buyer_ids).delete()
        site_changed()
    report(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "orders.json").write_text(json.dumps(result, indent=2, default=str))
    return 0 if checks["ok"] and not errors else 1


def report(r: dict) -> None:
    c = r["checks"]
    print()
    print(f"Placing orders: {r['config']['buyers']} concurrent buyers ({r['config']['mode']}), {r['wall_seconds']} s, {r['config']['cpus']} CPUs")
    print(f"  checkouts placed         {r['checkouts']:>8}   {r['checkouts_per_second']:>7} /s")
    print(f"  orders placed            {r['orders']:>8}   {r['orders_per_second']:>7} /s   (one per producer in a cart)")
    print(f"  order_place time         p50 {r['order_place_p50_ms']} ms   p95 {r['order_place_p95_ms']} ms   "
          f"p99 {r['order_place_p99_ms']} ms   max {r['order_place_max_ms']} ms")
    answered = f"   (answered in p50 {r['sold_out_answer_p50_ms']} ms)" if r["sold_out_at_checkout"] else ""
    print(f"  sold out at checkout     {r['sold_out_at_checkout']:>8}{answered}")
    print(f"  sold out / fewer left when adding to the cart: {r['sold_out_when_adding_to_cart']} / {r['fewer_left_when_adding_to_cart']}"
          f"   (carts left empty: {r['carts_left_empty']})")
    if r["other_refusals"]:
        print(f"  other refusals           {r['other_refusals']}")
    print(f"  errors                   {r['errors']:>8}" + (f"   e.g. {r['error_samples'][0]}" if r["error_samples"] else ""))
    if r["raised_after_commit"]:
        print(f"  (of which {r['raised_after_commit']} raised after the orders were committed; they are counted as placed)")
    print(f"  check: products with negative stock: {c['negative_stock_products']}; scarce products' stock after: {list(c['scarce_stock_after'].values())}")
    print(f"  check: quantity on the run's order lines {c['quantity_ordered_in_db']} = stock taken {c['stock_taken']} "
          f"= counted by the buyers {c['quantity_counted_by_buyers']}; orders in the database {c['orders_in_db']}")
    print(f"  {'OK' if c['ok'] else 'FAILED'}" + (f": products not adding up: {c['products_mismatched'][:10]}" if c["products_mismatched"] else ""))


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup_django()
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
