"""Helpers for tests of pages (not a test module: nothing here is collected)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client, url: str, *, warm: bool = True) -> int:
    """How many queries answering GET `url` costs (it must answer 200). With `warm`, the page is
    asked for once first, so what is loaded once per process or session (content types, the
    language, the session) is not counted as the page's cost."""
    if warm:
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)
