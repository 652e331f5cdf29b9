from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from . import receivers  # noqa: F401 - connects the erasing of slip images, the cart adopted at log-in and the product pages renewed when a reviewer is renamed
