from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from django.db.models import Exists

        from accounts.roles import register_role
        from core.cache import page_shows

        from . import receivers  # noqa: F401 - connects the floor plan cache invalidation
        from .cache import EVENTS_VERSION_KEY
        from .models import EventOrganiser

        register_role("is_organiser", lambda user: Exists(EventOrganiser.objects.filter(user=user)), held_in=EventOrganiser)
        # Product and producer pages show where the producer exhibits today (events_tags.stall_notes),
        # the home page the next events.
        for page in ("product", "producer", "home"):
            page_shows(page, EVENTS_VERSION_KEY)
