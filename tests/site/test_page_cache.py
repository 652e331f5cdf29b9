"""The page cache's rules (core/cache.py): who takes a gzipped page."""

import pytest
from django.test import RequestFactory

from core.cache import accepts_gzip


@pytest.mark.parametrize(
    ("header", "takes_gzip"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("*", True),
        ("br;q=1, gzip;q=0.5", True),
        ("", False),
        ("identity", False),
        ("gzip;q=0", False),
        ("gzip;q=0.0, br", False),
        ("*;q=0", False),
    ],
)
def test_accepts_gzip_follows_the_weights_of_accept_encoding(header, takes_gzip):
    assert accepts_gzip(RequestFactory().get("/", HTTP_ACCEPT_ENCODING=header)) is takes_gzip
