"""The catalogue's background work: search documents rebuilt after a change, and the facet
counts folded (docs/tasks.md)."""

from core.tasks import background_task, enqueue_after_commit

from .cache import listings_changed
from .models import Product
from .search_index import producers_reindex, products_reindex
from .services import facet_counts_compact


@background_task
def search_reindex(*, product_ids: list[int], producer_ids: list[int]) -> int:
    """Rebuild the search documents of these products and producers (a producer's products too).

    Safe to run twice, and beside a later change: a product changed since it was read is left to
    its own reindex (search_index._write's guard)."""
    done = 0
    if producer_ids:
        done += producers_reindex(producer_ids)
        done += products_reindex(Product.objects.filter(producer_id__in=producer_ids).values_list("pk", flat=True))
    if product_ids:
        done += products_reindex(product_ids)
    # The page cache's version moved on when the change committed: a search cached since holds
    # the old documents, so move it on again.
    listings_changed()
    return done


def search_reindex_later(*, product_ids=(), producer_ids=()) -> None:
    """Rebuild these documents in a worker once the current transaction commits. Until then a
    search finds the product by its previous words; its page and listings show the change at once
    (they read the product's columns, not its document)."""
    enqueue_after_commit(search_reindex, product_ids=sorted(set(product_ids)), producer_ids=sorted(set(producer_ids)))


@background_task
def facet_counts_fold() -> None:
    """Fold the facet counts' added rows (periodic: settings.TASKS_SCHEDULE), so a listing's
    counts add up a few rows per combination."""
    facet_counts_compact()
