from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProducersConfig(AppConfig):
    name = "producers"
    verbose_name = _("Producers")

    def ready(self):
        from django.db.models import Exists

        from accounts.roles import register_role

        from .models import ProducerMembership

        register_role("is_producer", lambda user: Exists(ProducerMembership.objects.filter(user=user)), held_in=ProducerMembership)
