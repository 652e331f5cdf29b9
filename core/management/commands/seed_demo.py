import os
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.demo import DemoSite, demo_steps


class Command(BaseCommand):
    """Every app's demo steps (core/demo.py), in their order, each timed."""

    @property
    def help(self) -> str:
        summaries = [step.summary for step in demo_steps() if step.summary]
        listed = ", ".join(summaries[:-1]) + " and " + summaries[-1] if len(summaries) > 1 else "".join(summaries)
        return f"Fill the database with a believable demo site: {listed}."

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
        steps = demo_steps()
        if if_empty and any(step.present() for step in steps if step.present):
            self.stdout.write("The database has data already; seed_demo --if-empty does nothing.")
            return
        site = DemoSite(
            rng=random.Random(seed),
            options={"producers": producers, "products_per_producer": products_per_producer, "orders": orders},
        )
        self.stdout.write(self.style.MIGRATE_HEADING("Seeding the demo site"))
        for demo in steps:
            if demo.label:
                self.step(demo.label.format(**site.options))
            detail = demo.run(site)
            if demo.label:
                self.done(detail)
        self.stdout.write(self.style.SUCCESS(" ".join(["Demo site ready.", *site.notes])))
