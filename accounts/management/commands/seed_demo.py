import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_create
from events.demo import demo_events_create
from places.services import places_load
from producers.demo import demo_producers_create
from producers.models import Producer


class Command(BaseCommand):
    help = (
        "Fill the database with a believable demo site: places, the four demo accounts "
        f"({', '.join(a[0] for a in DEMO_ACCOUNTS)}; password {DEMO_PASSWORD}), producers and events."
    )

    def add_arguments(self, parser):
        parser.add_argument("--producers", type=int, default=150, help="how many producers (default 150)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed, for repeatable data")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when producers exist already")
        parser.add_argument("--force", action="store_true", help="run even under production settings")

    def step(self, label: str):
        self.stdout.write(f"  {label}…", ending="")
        self.stdout.flush()
        self._started = time.monotonic()

    def done(self, detail: str = ""):
        self.stdout.write(self.style.SUCCESS(f" done in {time.monotonic() - self._started:.1f} s") + (f" ({detail})" if detail else ""))

    def handle(self, *args, producers, seed, if_empty, force, **options):
        if settings.SETTINGS_MODULE.endswith("production") and not force:
            raise CommandError("seed_demo creates accounts with a published password; refusing under production settings (use --force).")
        if producers < 0:
            raise CommandError("--producers must be 0 or more.")
        if if_empty and Producer.objects.exists():
            self.stdout.write("The database has data already; seed_demo --if-empty does nothing.")
            return
        rng = random.Random(seed)
        self.stdout.write(self.style.MIGRATE_HEADING("Seeding the demo site"))
        self.step("places")
        counts = places_load()
        self.done(f"{sum(counts.values())} places")
        self.step("demo accounts")
        accounts = demo_accounts_create()
        self.done(", ".join(accounts))
        self.step(f"{producers} producers")
        demo_producers_create(rng=rng, count=producers, managers=[accounts["producer"]])
        self.done()
        self.step("events")
        events = demo_events_create(organisers=[accounts["organiser"]])
        self.done(f"{len(events)} events")
        self.stdout.write(self.style.SUCCESS(f"Demo site ready. Log in as {', '.join(accounts)} with the password {DEMO_PASSWORD}."))
