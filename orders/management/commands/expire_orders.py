from django.core.management.base import BaseCommand

from orders.services import orders_expire


class Command(BaseCommand):
    help = "Cancel unpaid orders past the time their producer allows, and return their stock. Run it from cron."

    def handle(self, *args, **options):
        expired = orders_expire()
        self.stdout.write(self.style.SUCCESS(f"{expired} unpaid order(s) expired."))
