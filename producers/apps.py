from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProducersConfig(AppConfig):
    name = "producers"
    verbose_name = _("Producers")

    def ready(self):
        from django.db.models import Exists

        from accounts.roles import register_role

        from .models import ProducerMembership
        from .onboarding import photos_step, profile_step, register_step, verification_step

        register_role("is_producer", lambda user: Exists(ProducerMembership.objects.filter(user=user)), held_in=ProducerMembership)
        # The onboarding checklist's own steps; the apps above add theirs in between (30–50).
        register_step(10, profile_step)
        register_step(20, photos_step)
        register_step(60, verification_step)
