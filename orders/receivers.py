"""Loose side effects of the marketplace's rows."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import PaymentSlip


@receiver(post_delete, sender=PaymentSlip)
def erase_slip_image(sender, instance: PaymentSlip, using: str, **kwargs) -> None:
    """A slip's image goes with its row, however the row is deleted (a service, a cascade, the
    admin). Only once the deletion is committed: a deletion rolled back keeps both."""
    name, storage = instance.image.name, instance.image.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name), using=using, robust=True)
