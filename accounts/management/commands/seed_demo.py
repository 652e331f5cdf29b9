import os
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_create, demo_buyers_create
from catalogue.cache import catalogue_changed
from catalogue.demo_listings import demo_products_create
from catalogue.search_index import producers_reindex, products_reindex
from catalogue.services import categories_load
from events.demo import demo_events_create
from places.services import places_load
from orders.demo import demo_orders_create, demo_sales_terms_create
from producers.demo import demo_producers_create
from producers.models import Producer


class Command(BaseCommand):
    help = (
        "Fill the database with a believable demo site: places, the four demo accounts "
        f"({', '.join(a[0] for a in DEMO_ACCOUNTS)}; password {DEMO_PASSWORD}), producers and events."
    )

    def add_arguments(self, parser):
        parser.add_argument("--producers", type=int, default=150, help="how many producers (default 150)")
        parser.add_argument(
            "--products-per-producer", type=int, nargs=2, default=[2, 6], metavar=("MIN", "MAX"),
            help="how many products each producer lists (default 2 6)",
        )
        parser.add_argument("--orders", type=int, default=40, help="how many demo orders (default 40)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed, for repeatable data")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when producers exist already")
        parser.add_argument("--force", action="store_true", help="run even under production settings")

    def step(self, label: str):
        self.stdout.write(f"  {label}…", ending="")
        self.stdout.flush()
        self._started = time.monotonic()

    def done(self, detail: str = ""):
        self.stdout.write(self.style.SUCCESS(f" done in {time.monotonic() - self._started:.1f} s") + (f" ({detail})" if detail else ""))

    def handle(self, *args, producers, products_per_producer, orders, seed, if_empty, force, **options):
        # SETTINGS_MODULE is None while settings are overridden (as in every test); the environment
        # still names the module then.
        settings_module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        if settings_module.endswith("production") and not force:
            raise CommandError("seed_demo creates accounts with a published password; refusing under production settings (use --force).")
        if producers < 0:
            raise CommandError("--producers must be 0 or more.")
        if not 0 <= products_per_producer[0] <= products_per_producer[1]:
            raise CommandError("--products-per-producer needs 0 <= MIN <= MAX.")
        if if_empty and Producer.objects.exists():
            self.stdout.write("The database has data already; seed_demo --if-empty does nothing.")
            return
        rng = random.Random(seed)
        self.stdout.write(self.style.MIGRATE_HEADING("Seeding the demo site"))
        self.step("places")
        counts = places_load()
        self.done(f"{sum(counts.values())} places")
        categories_load()
        self.step("demo accounts")
        accounts = demo_accounts_create()
        self.done(", ".join(accounts))
        self.step(f"{producers} producers")
        created = demo_producers_create(rng=rng, count=producers, managers=[accounts["producer"]])
        self.done()
        self.step("products")
        low, high = products_per_producer
        count = demo_products_create(rng=rng, producers=created, per_producer=(low, high))
        self.done(f"{count} products")
        self.step("sales terms and orders")
        # Demo orders would e-mail their buyers and producers: not while seeding.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            demo_sales_terms_create(rng=rng, producers=created)
            buyers = [accounts["visitor"], *demo_buyers_create(rng=rng, count=8)]
            placed = demo_orders_create(rng=rng, buyers=buyers, count=orders)
        self.done(f"{placed} orders")
        self.step("events")
        events = demo_events_create(organisers=[accounts["organiser"]], rng=rng)
        self.done(f"{len(events)} events")
        self.step("search index")
        indexed = producers_reindex() + products_reindex()
        self.done(f"{indexed} documents")
        catalogue_changed()
        self.stdout.write(self.style.SUCCESS(f"Demo site ready. Log in as {', '.join(accounts)} with the password {DEMO_PASSWORD}."))
