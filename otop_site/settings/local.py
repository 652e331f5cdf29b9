"""Settings for `make run` on a developer's machine: the site as visitors see it.

DEBUG stays off unless DEBUG=1, so error pages are the styled ones and WhiteNoise serves the
collected static files, as in production.
"""

from .base import *  # noqa: F403
