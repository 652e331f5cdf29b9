"""The catalogue's loose side effects: cached pages renewed and search documents rebuilt when
the rows they show change.

Saves and deletes through the ORM arrive here, the admin's included; services that write with
QuerySet.update() or bulk operations renew what they change themselves (catalogue/cache.py). A
producer's change of verification state (producers' `producer_state_changed`) shows or hides
its products.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from places.models import Place
from core import cache
from producers.cache import PRODUCER
from producers.models import Producer, ProducerMembership, ProducerPhoto
from producers.signals import producer_state_changed

from .cache import producer_changed, products_changed, site_changed
from .models import Category, Certification, Product, ProductPhoto
from .services import product_visibility_sync
from .tasks import search_reindex_later


@receiver(post_save, sender=Product)
@receiver(post_delete, sender=Product)
def renew_product(sender, instance, **kwargs):
    products_changed([instance.slug])


@receiver(post_save, sender=ProductPhoto)
@receiver(post_delete, sender=ProductPhoto)
@receiver(post_save, sender=Certification)
@receiver(post_delete, sender=Certification)
def renew_product_of_part(sender, instance, **kwargs):
    slug = Product.objects.filter(pk=instance.product_id).values_list("slug", flat=True).first()
    if slug:
        products_changed([slug])


@receiver(post_save, sender=Producer)
@receiver(post_delete, sender=Producer)
@receiver(post_save, sender=ProducerPhoto)
@receiver(post_delete, sender=ProducerPhoto)
def renew_producer(sender, instance, **kwargs):
    producer_changed(instance.pk if sender is Producer else instance.producer_id)


@receiver(post_save, sender=ProducerMembership)
@receiver(post_delete, sender=ProducerMembership)
def renew_producer_page_of_member(sender, instance, **kwargs):
    """A producer's page names its members (their first names)."""
    slug = Producer.objects.filter(pk=instance.producer_id).values_list("slug", flat=True).first()
    if slug:
        cache.renew(PRODUCER.key(slug))


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="catalogue.renew_producer_pages_of_member")
def renew_producer_pages_of_renamed_member(sender, instance, update_fields=None, **kwargs):
    """A producer's page names its members by their first names (or user names)."""
    if update_fields is not None and not {"first_name", "last_name", "username"} & set(update_fields):
        return
    slugs = Producer.objects.filter(memberships__user=instance).values_list("slug", flat=True)
    cache.renew(*(PRODUCER.key(slug) for slug in slugs))


@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Place)
@receiver(post_delete, sender=Place)
def renew_site(sender, **kwargs):
    """A category or a place renamed (in the admin) shows on every page naming it."""
    site_changed()


@receiver(post_save, sender=Product)
def reindex_product(sender, instance, **kwargs):
    search_reindex_later(product_ids=[instance.pk])


@receiver(post_save, sender=Certification)
@receiver(post_delete, sender=Certification)
def reindex_certified_product(sender, instance, **kwargs):
    search_reindex_later(product_ids=[instance.product_id])


@receiver(post_save, sender=Producer)
def reindex_producer(sender, instance, update_fields=None, **kwargs):
    # A change of state only does not change any word.
    if update_fields and set(update_fields) <= {"state", "updated_at", "logo"}:
        return
    search_reindex_later(producer_ids=[instance.pk])


@receiver(producer_state_changed)
def show_or_hide_products(sender, producer, **kwargs):
    """A producer verified shows its published products; one suspended or pending hides them."""
    product_visibility_sync(producer=producer)
