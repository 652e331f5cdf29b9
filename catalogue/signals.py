"""Invalidate cached catalogue pages when the rows they show change (a loose side effect).

Saves and deletes through the ORM arrive here, the admin's included. Services that write with
QuerySet.update() or bulk operations call catalogue_changed() themselves.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from producers.models import Producer, ProducerPhoto

from .cache import catalogue_changed
from .models import Category, Certification, Product, ProductPhoto

WATCHED = (Product, ProductPhoto, Certification, Category, Producer, ProducerPhoto)


@receiver(post_save)
@receiver(post_delete)
def invalidate_catalogue(sender, **kwargs):
    if sender in WATCHED:
        catalogue_changed()
