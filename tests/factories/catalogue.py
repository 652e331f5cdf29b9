"""Catalogue: listings made through the services, so currency, reference price,
province and country always agree with the producer and the origin."""

from decimal import Decimal

import factory
from django.utils import timezone
from faker import Faker

from catalogue import services
from catalogue.models import Category, Product, ProductPhoto
from orders.models import SalesTerms
from producers.onboarding import sales_readiness
from tests.producers import imagefiles

from .producers import ProducerFactory

faker_th = Faker("th_TH")
faker_ja = Faker("ja_JP")


class ProductFactory(factory.Factory):
    """A listing created by `catalogue.services.product_create` (a draft).

    Extra keywords: `certifications` (a list of dicts, as the service takes them), `photos` (how
    many real photos to add through the service), `status` (published or archived: a photo is
    added first when needed) and `published_at` (to order the catalogue deterministically).
    """

    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    category = factory.LazyFunction(lambda: Category.objects.get(slug="silk"))
    name_en = factory.Sequence(lambda n: f"Mudmee silk scarf {n}")
    name_th = factory.LazyFunction(lambda: f"สินค้าของ{faker_th.first_name()}")
    name_ja = factory.LazyFunction(lambda: f"{faker_ja.last_name()}のシルク")
    description_en = "Hand-woven mudmee silk, dyed with lac and indigo."
    price = Decimal("850.00")
    stock = 10
    unit = "1 piece"

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("Listings are only made through the services: use ProductFactory()")

    @classmethod
    def _create(cls, model_class, *, certifications=None, photos=0, status=Product.Status.DRAFT, published_at=None, **fields):
        product = services.product_create(certifications=certifications, **fields)
        for _ in range(photos):
            add_photo(product)
        if status != Product.Status.DRAFT:
            if status == Product.Status.PUBLISHED:
                product = publish(product)
            else:
                product = services.product_set_status(product=product, status=status)
        if published_at is not None:
            Product.objects.filter(pk=product.pk).update(published_at=published_at)
            product.published_at = published_at
        return product


def add_photo(product: Product, *, alt_text: str = "", name: str = "photo.jpg") -> ProductPhoto:
    """Add a real (decoded, re-encoded) JPEG through the service."""
    return services.product_add_photo(product=product, upload=imagefiles.good_jpeg(name), alt_text=alt_text)


def publish(product: Product, *, published_at=None) -> Product:
    """Publish a listing, adding a photo first if it has none, and first letting its producer
    take cash on delivery if buyers could not pay it at all (a plain ProducerFactory group has
    no payout details): a product is published only when buyers can pay for it."""
    if not product.photos.exists():
        add_photo(product)
    if not sales_readiness(product.producer).can_sell:
        accept_cash_on_delivery(product.producer)
    product = services.product_set_status(product=product, status=Product.Status.PUBLISHED)
    if published_at is not None:
        Product.objects.filter(pk=product.pk).update(published_at=published_at)
        product.published_at = published_at
    return product


def accept_cash_on_delivery(producer) -> SalesTerms:
    """Let `producer` take cash on delivery (keeping its other terms): buyers can then pay it
    for a shipped order without any payout details."""
    terms, _created = SalesTerms.objects.update_or_create(producer=producer, defaults={"accepts_cash_on_delivery": True})
    producer._state.fields_cache["sales_terms"] = terms  # the instance may remember it had none
    return terms


def minutes_ago(minutes: int):
    """The time `minutes` ago, to order listings by when they were published."""
    return timezone.now() - timezone.timedelta(minutes=minutes)
