"""Loose side effects of the marketplace's rows, and of logging in."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalogue.cache import products_changed
from catalogue.models import Product

from .cache import cart_changed, visitor_changed
from .models import Cart, CartItem, FavouriteProducer, FavouriteProduct, PaymentSlip, Review
from .services import SESSION_CART_KEY, cart_merge


@receiver(user_logged_in, dispatch_uid="orders.adopt_session_cart")
def adopt_session_cart(sender, request, user, **kwargs) -> None:
    """The cart put together before logging in joins the account's cart, whichever way the person
    logged in (the log-in form, a confirmation link). Django keeps the session's data when it
    renews the session's key at log-in, so the cart's id is still there."""
    session = getattr(request, "session", None)
    if session is None:
        return
    anonymous_cart_id = session.pop(SESSION_CART_KEY, None)
    if anonymous_cart_id:
        cart_merge(user=user, anonymous_cart_id=anonymous_cart_id)


@receiver(post_delete, sender=PaymentSlip)
def erase_slip_image(sender, instance: PaymentSlip, using: str, **kwargs) -> None:
    """A slip's image goes with its row, however the row is deleted (a service, a cascade, the
    admin). Only once the deletion is committed: a deletion rolled back keeps both."""
    name, storage = instance.image.name, instance.image.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name), using=using, robust=True)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="orders.renew_pages_with_reviews")
def renew_pages_with_reviews(sender, instance, update_fields=None, **kwargs) -> None:
    """A product page shows its reviewers' first names: renew the pages when a reviewer's changes."""
    if update_fields is not None and not {"first_name", "last_name", "username"} & set(update_fields):
        return
    slugs = list(Review.objects.filter(buyer=instance, product__isnull=False).values_list("product__slug", flat=True))
    if slugs:
        products_changed(slugs, cards=False)


@receiver(post_save, sender=Review)
@receiver(post_delete, sender=Review)
def renew_page_of_reviewed_product(sender, instance: Review, **kwargs) -> None:
    """A review written, hidden or removed (the admin's included) shows on its product's page."""
    slug = Product.objects.filter(pk=instance.product_id).values_list("slug", flat=True).first()
    if slug:
        products_changed([slug], cards=False)


@receiver(post_save, sender=CartItem)
@receiver(post_delete, sender=CartItem)
def renew_cart_count(sender, instance: CartItem, **kwargs) -> None:
    """An item added, changed or removed (checkout and the admin included) changes the header's count."""
    cart_changed(instance)


@receiver(post_save, sender=Cart)
@receiver(post_delete, sender=Cart)
@receiver(post_save, sender=FavouriteProduct)
@receiver(post_delete, sender=FavouriteProduct)
@receiver(post_save, sender=FavouriteProducer)
@receiver(post_delete, sender=FavouriteProducer)
def renew_visitor_bits(sender, instance, **kwargs) -> None:
    """A cart given to or taken from an account, a favourite added or removed."""
    visitor_changed(instance.user_id)
