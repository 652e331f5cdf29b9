from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares and no domain owns: view helpers, images, exports, localisation and
    the demo-seeding command. It imports no other app of the project."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
