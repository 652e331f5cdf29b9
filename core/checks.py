"""System checks of the site's own settings (`manage.py check`, run before every command)."""

from pathlib import Path

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def private_files_outside_media(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Private files (payment slips, listing spreadsheets) must not lie under MEDIA_ROOT, whose
    files anyone may fetch under /media/: they would have a public address after all."""
    if not getattr(settings, "PRIVATE_ROOT", None) or not settings.MEDIA_ROOT:
        return []
    private, media = Path(settings.PRIVATE_ROOT).resolve(), Path(settings.MEDIA_ROOT).resolve()
    if private == media or media in private.parents:
        return [
            checks.Error(
                f"PRIVATE_ROOT ({private}) is inside MEDIA_ROOT ({media}): payment slips would be served publicly.",
                hint="Set PRIVATE_ROOT to a folder outside MEDIA_ROOT (the default is var/private beside var/media).",
                id="otop.E001",
            )
        ]
    return []
