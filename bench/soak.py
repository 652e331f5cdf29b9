"""`python -m bench.soak`: the site as `make serve` runs it, under a fair's visitors for minutes.

    python -m bench.soak [--minutes 5 | --seconds 20] [--users 24] [--spawn-rate 4] [--port 8850]
                         [--redis redis://127.0.0.1:6379/3] [--workers N] [--strict]

Starts `make serve` (gunicorn, WhiteNoise, the production settings; Redis for the cache and the
sessions, its database emptied first) on 127.0.0.1:--port against DATABASE_URL, then Locust,
headless, with a fixed number of users, spawn rate and run time (bench/locustfile.py): anonymous
browsing and search, signed-in members (who sign out and in again now and then) and buyers
checking out. Loopback only, no web UI.

Reported: requests per second, p50 and p99 latency, errors; the orders the buyers placed against
the stock taken from the products they bought (they must match, and match Locust's count of
successful checkouts); the memory (RSS) of each gunicorn worker and of the task worker at the
start and at the end. Afterwards the run's orders are deleted and their stock put back (as
bench/load.py does), and the stock is checked to be as before. Figures go to var/bench/soak.json
(or --json). Needs the seeded catalogue (`python -m bench --seed-only`); docs/performance.md.
"""

import argparse
import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import load

ROOT = load.ROOT
MEMBER_PREFIX = "bench-soak-member-"
BUYER_PREFIX = "bench-soak-buyer-"
# The share of each kind of page in the visitors' browsing.
WEIGHTS = {"product": 8, "catalogue": 3, "search": 3, "producer": 2, "home": 1}
P99_TARGET_MS = 500


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, default=5.0, help="how long the visitors run (default 5)")
    length.add_argument("--seconds", type=float, help="the short mode: this many seconds instead")
    parser.add_argument("--users", type=int, default=24, help="Locust users (6 browse : 3 sign in : 1 buys)")
    parser.add_argument("--spawn-rate", type=float, default=4.0, help="users started per second")
    parser.add_argument("--wait", type=float, nargs=2, default=(0.5, 2.0), metavar=("MIN", "MAX"),
                        help="seconds each user waits between its tasks")
    parser.add_argument("--warmup", type=float, default=60.0,
                        help="seconds into the run when the workers' starting memory is read, their caches "
                             "filled (at most a third of the run)")
    parser.add_argument("--port", type=int, default=8850)
    parser.add_argument("--workers", type=int, help="gunicorn workers (WEB_CONCURRENCY; make serve's default otherwise)")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
                        help="the Redis database for the cache and the sessions; emptied at the start and the end")
    parser.add_argument("--members", type=int, default=20, help="bench accounts the signed-in visitors use")
    parser.add_argument("--buyers", type=int, default=10, help="bench accounts the buyers use")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, default=load.RESULTS / "soak.json", help="where the figures go")
    parser.add_argument("--strict", action="store_true", help="exit 1 on an error, a mismatch or p99 over 500 ms")
    return parser.parse_args(argv)


# --- The plan -----------------------------------------------------------------------------------


def soak_paths(rng: random.Random) -> dict[str, list[str]]:
    """The paths the visitors draw from, by kind, read from the data (Django set up)."""
    import re

    from catalogue.facets import SORTS
    from catalogue.models import Category, Product
    from producers.models import Producer

    public = Product.objects.public()
    ids = list(public.order_by("pk").values_list("pk", flat=True))
    picked = set(rng.sample(ids, min(len(ids), 400)))
    rows = list(public.filter(pk__in=picked).order_by("pk").values_list("slug", "name_en", "name_th", "category__slug"))
    pages = max(1, len(ids) // load.PAGE_SIZE)
    sorts = [sort.key for sort in SORTS]
    categories = sorted({category for *_names, category in rows} or set(Category.objects.values_list("slug", flat=True)[:20]))
    catalogue = ["/products/"] + [f"/products/?page={rng.randint(1, pages)}" for _ in range(20)]
    catalogue += [f"/products/?category={rng.choice(categories)}&sort={rng.choice(sorts)}" for _ in range(30)]
    words = sorted({word.lower() for _slug, name_en, _th, _c in rows for word in re.findall(r"[A-Za-z]{4,}", name_en)})
    words += sorted({word for _slug, _en, name_th, _c in rows for word in (name_th or "").split() if len(word) >= 3})
    searches = [f"/products/?q={word}" for word in rng.sample(words, min(len(words), 80))]
    producers = list(Producer.objects.public().order_by("pk").values_list("slug", flat=True))
    paths = {
        "product": [f"/products/{slug}/" for slug, *_rest in rows],
        "catalogue": catalogue,
        "search": searches or ["/products/?q=silk"],
        "producer": ["/producers/"] + [f"/producers/{slug}/" for slug in rng.sample(producers, min(len(producers), 150))],
        "home": ["/", "/th/", "/ja/"],
    }
    return {kind: sorted(set(found)) for kind, found in paths.items()}


def stock_of(products: list[int]) -> dict[int, int]:
    from catalogue.models import Product

    return dict(Product.objects.filter(pk__in=products).values_list("pk", "stock"))


def orders_of(buyers: list[str]) -> dict:
    from django.db.models import Sum

    from orders.models import Order, OrderLine

    orders = Order.objects.filter(buyer__username__in=buyers)
    units = OrderLine.objects.filter(order__in=orders).aggregate(units=Sum("quantity"))["units"] or 0
    return {"orders": orders.count(), "units": units}


# --- The server and its memory ------------------------------------------------------------------


def serve(args, env: dict, log: Path) -> subprocess.Popen:
    """`make serve` in a process group of its own, its output in `log`; returns once it answers /healthz."""
    server = subprocess.Popen([shutil.which("make") or "/usr/bin/make", "--no-print-directory", "serve", f"PORT={args.port}"],
                              cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"`make serve` exited while starting:\n{log.read_text()[-3000:]}")
        try:
            import http.client

            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    stop(server)
    raise SystemExit("`make serve` did not answer /healthz within 300 s")


def stop(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)


def runs_gunicorn(arguments: list[str]) -> bool:
    """The program (or the script Python runs) is gunicorn."""
    return any(Path(part).name == "gunicorn" for part in arguments[:2])


def memory(server: subprocess.Popen) -> dict[str, dict[int, float]]:
    """RSS in MB of each gunicorn worker and of the task worker, found under `make serve`."""
    import psutil

    found = {"gunicorn_workers": {}, "task_worker": {}}
    try:
        processes = psutil.Process(server.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return found
    for process in processes:
        try:
            arguments = process.cmdline()
            parent = process.parent()
            parent_arguments = parent.cmdline() if parent else []
            rss = round(process.memory_info().rss / 2**20, 1)
        except psutil.Error:
            continue
        command = " ".join(arguments)
        # A worker is a gunicorn process forked by the gunicorn master; the shell of make's recipe
        # names gunicorn too, but only inside its command string.
        if runs_gunicorn(arguments) and runs_gunicorn(parent_arguments):
            found["gunicorn_workers"][process.pid] = rss
        elif "gunicorn" not in command and ("worker" in command or "rqworker" in command):
            found["task_worker"][process.pid] = rss
    return found


class MemoryWatch(threading.Thread):
    """The workers' memory every few seconds, while the visitors run."""

    def __init__(self, server, every: float = 5.0):
        super().__init__(daemon=True)
        self.server, self.every, self.samples, self.done = server, every, [], threading.Event()

    def run(self):
        while not self.done.is_set():
            self.samples.append((round(time.time(), 1), memory(self.server)))
            self.done.wait(self.every)

    def stop(self):
        self.done.set()
        self.join(10)
        self.samples.append((round(time.time(), 1), memory(self.server)))


# --- Locust ---------------------------------------------------------------------------------------


def run_locust(args, seconds: float, plan_file: Path, csv_prefix: Path) -> dict:
    """Locust headless for `seconds`; returns its figures from the CSV it writes."""
    env = dict(os.environ, SOAK_PLAN=str(plan_file), PYTHONPATH=str(ROOT))
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary",
        "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", f"{int(seconds)}s",
        "--host", f"http://127.0.0.1:{args.port}", "--csv", str(csv_prefix), "--stop-timeout", "10",
        "--exit-code-on-error", "0", "--loglevel", "WARNING",
    ]
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + 180)
    if completed.returncode != 0:
        raise SystemExit(f"Locust failed ({completed.returncode}):\n{completed.stderr[-3000:]}")
    rows = list(csv.DictReader(Path(f"{csv_prefix}_stats.csv").open(encoding="utf-8")))
    failures = list(csv.DictReader(Path(f"{csv_prefix}_failures.csv").open(encoding="utf-8")))

    def figures(row):
        return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1), "p50_ms": float(row["50%"] or 0), "p99_ms": float(row["99%"] or 0)}

    by_name = {row["Name"]: figures(row) for row in rows if row["Name"] != "Aggregated"}
    total = figures(next(row for row in rows if row["Name"] == "Aggregated"))
    return {"total": total, "by_name": by_name,
            "failures": [{"name": row["Name"], "error": row["Error"], "count": int(row["Occurrences"])} for row in failures]}


# --- The run ----------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def steady_figures(steady_file: Path, seconds: float) -> dict:
    """Requests, rate, p50, p99 and errors of the requests sent after the warm-up (the cold start
    of a 100,000-product catalogue, every cache empty, is not the rate the site holds), in all
    and by name."""
    rows = json.loads(steady_file.read_text(encoding="utf-8")) if steady_file.exists() else []

    def figures(chosen):
        times = [ms for _name, ms, _failed in chosen]
        return {"requests": len(chosen), "rps": round(len(chosen) / seconds, 1) if seconds else 0.0,
                "p50_ms": round(percentile(times, 0.50)), "p99_ms": round(percentile(times, 0.99)),
                "failures": sum(1 for *_rest, failed in chosen if failed)}

    names = sorted({name for name, _ms, _failed in rows})
    return {"seconds": round(seconds, 1), "total": figures(rows),
            "by_name": {name: figures([row for row in rows if row[0] == name]) for name in names}}


# A worker's memory is flat when it grew at most this much from the end of the warm-up to the end
# of the run (its bounded copy of cached pages filling up is most of what is left).
MEMORY_GROWTH_LIMIT = 0.25


def memory_flat(memory: dict) -> bool:
    rows = memory["gunicorn_workers"] + memory["task_worker"]
    return bool(rows) and all(
        row["start_mb"] and row["end_mb"] and row["end_mb"] <= row["start_mb"] * (1 + MEMORY_GROWTH_LIMIT) for row in rows
    )


def summary_of_memory(samples, warmed_at: float) -> dict:
    """Each worker's RSS (MB) when the server had started, at the start of the measured part (the
    warm-up over: the workers' caches filled) and at the end of the run."""
    boot, last = samples[0][1], samples[-1][1]
    start = next((found for at, found in samples if at >= warmed_at), last)
    result = {}
    for kind in ("gunicorn_workers", "task_worker"):
        pids = sorted(set(boot[kind]) | set(start[kind]) | set(last[kind]))
        result[kind] = [{"pid": pid, "boot_mb": boot[kind].get(pid), "start_mb": start[kind].get(pid),
                         "end_mb": last[kind].get(pid)} for pid in pids]
    return result


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    seconds = args.seconds if args.seconds is not None else args.minutes * 60
    # The server gets the environment as it was given, not what the bench settings add to it
    # (no pool and no statement limit, for the seeding): it runs the production configuration.
    given = dict(os.environ)
    load.setup_django(args.redis)
    from django.db import connections

    from bench.__main__ import sales_terms_ensure
    from catalogue.models import Product

    pending = load.migrations_pending()
    if pending:
        raise SystemExit(f"The database lacks migrations ({', '.join(pending)}); the soak does not apply them.")
    if not Product.objects.public().exists():
        raise SystemExit("The catalogue is empty: run `python -m bench --seed-only` first.")
    sales_terms_ensure()
    rng = random.Random(args.seed)
    print("Choosing the paths…", flush=True)
    paths = soak_paths(rng)
    members = load.accounts_ensure(MEMBER_PREFIX, args.members)
    buyers = load.accounts_ensure(BUYER_PREFIX, args.buyers)
    products = load.stocked_products(rng, 200)
    if not products:
        raise SystemExit("No public product has 50 or more in stock for the buyers.")
    load.carts_empty(members + buyers)
    load.orders_undo(buyers)  # a run stopped half-way left its orders
    stock_before = stock_of(products)
    connections.close_all()

    work = Path(tempfile.mkdtemp(prefix="otop-soak-"))
    plan_file = work / "plan.json"
    warmup = min(args.warmup, seconds / 3)
    # Counted from Locust's start (the server is up by then); the plan is read when Locust starts.
    steady_file = work / "steady.json"
    plan = {
        "paths": paths, "weights": WEIGHTS, "members": members, "buyers": buyers, "products": products,
        "wait_min": args.wait[0], "wait_max": args.wait[1], "steady_file": str(steady_file),
    }
    env = dict(
        given, REDIS_URL=args.redis, EMBEDDED_DATABASE_NAME=os.environ["EMBEDDED_DATABASE_NAME"], EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        # The bench buyers each place dozens of unpaid orders; the fair-stock limits would refuse them.
        ORDERS_UNPAID_ORDERS_PER_ACCOUNT="1000000", ORDERS_UNPAID_UNITS_PER_PRODUCT="1000000",
        # Each sign-in counts against the address, and all of them come from 127.0.0.1.
        AXES_FAILURE_LIMIT="1000000", RATE_LIMIT_SIGNUP_CLIENT="1000000/h",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    load.redis_flush(args.redis)
    print(f"Starting `make serve` on 127.0.0.1:{args.port}…", flush=True)
    server = serve(args, env, work / "serve.log")
    try:
        watch = MemoryWatch(server)
        watch.start()
        print(f"Locust: {args.users} users (spawn rate {args.spawn_rate}/s) for {seconds:g} s…", flush=True)
        started, warmed_at = time.monotonic(), time.time() + warmup
        plan_file.write_text(json.dumps(plan | {"measured_from": warmed_at}))
        locust = run_locust(args, seconds, plan_file, work / "locust")
        elapsed = time.monotonic() - started
        watch.stop()
    finally:
        stop(server)

    placed = orders_of(buyers)
    stock_after = stock_of(products)
    taken = sum(stock_before[pk] - stock_after.get(pk, 0) for pk in stock_before)
    cleanup = load.orders_undo(buyers)
    load.carts_empty(members + buyers)
    load.redis_flush(args.redis)  # the run's pages and sessions, which the stock put back makes stale
    restored = stock_of(products) == stock_before
    checkouts = locust["by_name"].get("checkout: place", {"requests": 0, "failures": 0})
    succeeded = checkouts["requests"] - checkouts["failures"]
    total = locust["total"]
    result = {
        "config": {name: str(value) if isinstance(value, Path) else value for name, value in vars(args).items()}
        | {"seconds": seconds, "cpus": os.cpu_count()},
        "requests": total["requests"], "rps": total["rps"], "p50_ms": total["p50_ms"], "p99_ms": total["p99_ms"],
        "errors": total["failures"], "failures": locust["failures"], "by_name": locust["by_name"],
        "checkouts_succeeded": succeeded, "orders_placed": placed["orders"], "units_ordered": placed["units"],
        "stock_taken": taken,
        # Every unit ordered came out of stock, and every checkout Locust saw succeed placed an
        # order (one cut off by the end of the run may be placed without Locust counting it).
        "consistent": placed["units"] == taken and placed["orders"] >= succeeded,
        "steady": steady_figures(work / "steady.json", seconds - warmup),
        "memory": summary_of_memory(watch.samples, warmed_at), "memory_samples": watch.samples,
        "cleanup": cleanup | {"stock_restored": restored}, "run_seconds": round(elapsed, 1),
    }
    result["memory_flat"] = memory_flat(result["memory"])
    report(result)
    print(f"The server's log: {work / 'serve.log'}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(f"Figures in {args.json}")
    steady = result["steady"]["total"]
    ok = (result["errors"] == 0 and result["consistent"] and restored and result["memory_flat"]
          and steady["requests"] > 0 and steady["p99_ms"] < P99_TARGET_MS)
    return 1 if args.strict and not ok else 0


def report(result: dict) -> None:
    config = result["config"]
    print()
    print(f"Soak: `make serve` on {config['cpus']} CPUs, {config['users']} Locust users for {config['seconds']:g} s")
    steady = result["steady"]
    print(f"  After the warm-up ({steady['seconds']:g} s): {steady['total']['requests']} requests, "
          f"{steady['total']['rps']} req/s, p50 {steady['total']['p50_ms']:g} ms, p99 {steady['total']['p99_ms']:g} ms "
          f"(target < {P99_TARGET_MS}), {steady['total']['failures']} errors")
    print(f"  The whole run, the cold start included: {result['requests']} requests, {result['rps']} req/s, "
          f"p50 {result['p50_ms']:g} ms, p99 {result['p99_ms']:g} ms, {result['errors']} errors")
    for failure in result["failures"]:
        print(f"    {failure['count']} x {failure['name']}: {failure['error'][:160]}")
    print(f"{'  request (after the warm-up)':28} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, row in sorted(steady["by_name"].items()):
        print(f"  {name:26} {row['requests']:>7} {row['rps']:>7} {row['p50_ms']:>8g} {row['p99_ms']:>8g} {row['failures']:>7}")
    print(f"  Orders placed: {result['orders_placed']} with {result['units_ordered']} units; stock taken: "
          f"{result['stock_taken']} units; checkouts Locust saw succeed: {result['checkouts_succeeded']}: "
          f"{'consistent' if result['consistent'] else 'MISMATCH'}")
    print(f"  Memory (RSS MB: at boot, after the warm-up -> at the end; flat, growing at most "
          f"{MEMORY_GROWTH_LIMIT:.0%} after the warm-up: {'yes' if result['memory_flat'] else 'NO'}):")
    for kind, label in (("gunicorn_workers", "gunicorn worker"), ("task_worker", "task worker")):
        rows = result["memory"][kind]
        if not rows:
            print(f"    {label}: none running")
        for row in rows:
            print(f"    {label} {row['pid']}: {row['boot_mb']}, {row['start_mb']} -> {row['end_mb']}")
    cleanup = result["cleanup"]
    print(f"  Afterwards: {cleanup['orders_deleted']} orders deleted, {cleanup['units_returned']} units put back; "
          f"stock as before: {'yes' if cleanup['stock_restored'] else 'NO'}")


if __name__ == "__main__":
    raise SystemExit(main())
