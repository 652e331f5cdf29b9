import time

from django.core.management.base import BaseCommand

from catalogue.cache import site_changed
from catalogue.search_index import producers_reindex, products_reindex


class Command(BaseCommand):
    help = "Rebuild the search documents of every product and producer, in batches (the catalogue stays writable)."

    def handle(self, *args, **options):
        started = time.monotonic()
        producers = producers_reindex()
        self.stdout.write(f"  {producers} producers")

        def progress(done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            self.stdout.write(f"\r  products {done}/{total} ({elapsed:.0f} s)", ending="")
            self.stdout.flush()

        products = products_reindex(progress=progress)
        site_changed()  # cached pages (search results among them) were built from the old documents
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Reindexed {producers} producers and {products} products in {time.monotonic() - started:.1f} s."))
