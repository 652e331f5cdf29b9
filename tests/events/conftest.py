"""Fixtures for the event tests. Each area keeps its fixtures in its own module, pulled in here."""

from tests.events.conftest_organiser import *  # noqa: F403
