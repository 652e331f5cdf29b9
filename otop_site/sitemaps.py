from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalogue.models import Product
from events.models import Event
from producers.models import Producer


class StaticPagesSitemap(Sitemap):
    changefreq = "daily"
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return ["home", "catalogue:product_list", "catalogue:producer_list", "events:event_list"]

    def location(self, item):
        return reverse(item)


class ProductSitemap(Sitemap):
    changefreq = "weekly"
    limit = 10000
    i18n = True
    alternates = True

    def items(self):
        return Product.objects.public().only("slug", "updated_at").order_by("pk")

    def location(self, product):
        return reverse("catalogue:product_detail", args=[product.slug])

    def lastmod(self, product):
        return product.updated_at


class ProducerSitemap(Sitemap):
    changefreq = "weekly"
    i18n = True
    alternates = True

    def items(self):
        return Producer.objects.public().only("slug", "updated_at").order_by("pk")

    def location(self, producer):
        return reverse("producers:producer_detail", args=[producer.slug])

    def lastmod(self, producer):
        return producer.updated_at


class EventSitemap(Sitemap):
    changefreq = "daily"
    i18n = True
    alternates = True

    def items(self):
        return Event.objects.public().only("slug").order_by("pk")

    def location(self, event):
        return reverse("events:event_detail", args=[event.slug])


SITEMAPS = {"pages": StaticPagesSitemap, "products": ProductSitemap, "producers": ProducerSitemap, "events": EventSitemap}
