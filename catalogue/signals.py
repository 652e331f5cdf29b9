"""Invalidate cached catalogue pages when the rows they show change (a loose side effect).

Saves and deletes through the ORM arrive here, the admin's included. Services that write with
QuerySet.update() or bulk operations call catalogue_changed() themselves.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from places.models import Place
from producers.models import Producer, ProducerPhoto

from .cache import catalogue_changed
from .search_index import reindex_later
from .models import Category, Certification, Product, ProductPhoto

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


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def renew_pages_with_reviews(sender, instance, update_fields=None, **kwargs):
    """A product page shows its reviewers' first names: renew the pages when a reviewer's changes."""
    from orders.models import Review

    if update_fields is not None and not {"first_name", "last_name"} & set(update_fields):
        return
    if Review.objects.filter(buyer=instance).exists():
        catalogue_changed()
