from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from producers.onboarding import register_sales_check, register_step

        from . import receivers  # noqa: F401 - connects the erasing of slip images, the cart adopted at log-in and the product pages renewed when a reviewer is renamed
        from .onboarding import payment_details_step, sales_readiness_of, sales_terms_step

        # Buyers must be able to pay a group before its products are published (catalogue's
        # product_set_status asks), and the onboarding checklist shows how they can.
        register_sales_check(sales_readiness_of)
        register_step(30, payment_details_step)
        register_step(40, sales_terms_step)
