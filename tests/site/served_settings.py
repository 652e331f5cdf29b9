"""The settings `make run` serves the site with, for a server a test starts in a subprocess.

Only the static files differ: they are served from the source folders (no `collectstatic`
before each test run), so the pages render without a manifest.
"""

from otop_site.settings.local import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
