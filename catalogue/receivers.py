"""Invalidate cached catalogue pages when the rows they show change (a loose side effect).

Saves and deletes through the ORM arrive here, the admin's included. Services that write with
QuerySet.update() or bulk operations call catalogue_changed() themselves. A producer's change
of verification state (producers' `producer_state_changed`) shows or hides its products.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from places.models import Place
from producers.models import Producer, ProducerPhoto
from producers.signals import producer_state_changed

from .cache import catalogue_changed
from .models import Category, Certification, Product, ProductPhoto
from .search_index import reindex_later
from .services import product_visibility_sync

# A place renamed (in the admin) shows on every page naming it.
WATCHED = (Product, ProductPhoto, Certification, Category, Producer, ProducerPhoto, Place)


@receiver(post_save)
@receiver(post_delete)
def invalidate_catalogue(sender, **kwargs):
    if sender in WATCHED:
        catalogue_changed()


@receiver(post_save, sender=Product)
def reindex_product(sender, instance, **kwargs):
    reindex_later(product_ids=[instance.pk])


@receiver(post_save, sender=Certification)
@receiver(post_delete, sender=Certification)
def reindex_certified_product(sender, instance, **kwargs):
    reindex_later(product_ids=[instance.product_id])


@receiver(post_save, sender=Producer)
def reindex_producer(sender, instance, update_fields=None, **kwargs):
    # A change of state only does not change any word.
    if update_fields and set(update_fields) <= {"state", "updated_at", "logo"}:
        return
    reindex_later(producer_ids=[instance.pk])


@receiver(producer_state_changed)
def show_or_hide_products(sender, producer, **kwargs):
    """A producer verified shows its published products; one suspended or pending hides them."""
    product_visibility_sync(producer=producer)
