import time

from django.core.management.base import BaseCommand

from places.services import places_load


class Command(BaseCommand):
    help = "Load the place tree (Thailand to tambon, other countries' provinces) from the data packages. Idempotent."

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = places_load()
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Places loaded in {elapsed:.1f} s: {summary}"))
