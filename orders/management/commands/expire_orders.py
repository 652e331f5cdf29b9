from django.core.management.base import BaseCommand

from orders.services import orders_expire


class Command(BaseCommand):
    help = (
        "Cancel unpaid orders past the time their producer allows, and return their stock, now. "
        "The task worker does it every minute on its own (orders.tasks.orders_expire_due, docs/tasks.md)."
    )

    def handle(self, *args, **options):
        expired = orders_expire()
        self.stdout.write(self.style.SUCCESS(f"{expired} unpaid order(s) expired."))
