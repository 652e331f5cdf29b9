"""The caching subsystem (core/cache.py): versions renewed once committed, lagging versions held
for at most their lag, fragments kept by what they show, and the list in docs/caching.md."""

import re
import time
from pathlib import Path

import pytest
from django.db import transaction
from django.http import QueryDict
from django.template import Context, Template
from django.utils import translation

from core import cache

DOCS = Path(__file__).resolve().parents[2] / "docs" / "caching.md"


@pytest.fixture
def lagging(settings):
    """A version declared with a one-second lag, for these tests."""
    settings.CACHE_TEST_LAG = 1
    version = cache.declare("test-lagging", lag="CACHE_TEST_LAG", renewed_by="these tests")
    yield version
    cache.VERSIONS.pop("test-lagging")


def test_a_token_stays_until_renewed_and_changes_once_committed(page_cache, transactional_db):
    (first,) = cache.tokens("test:one")
    assert cache.tokens("test:one") == [first]
    with transaction.atomic():
        cache.renew("test:one")
        assert cache.tokens("test:one") == [first], "renewed before the commit"
    (second,) = cache.tokens("test:one")
    assert second != first


def test_a_renewal_rolled_back_renews_nothing(page_cache, transactional_db):
    (first,) = cache.tokens("test:two")
    with pytest.raises(RuntimeError), transaction.atomic():
        cache.renew("test:two")
        raise RuntimeError
    assert cache.tokens("test:two") == [first]


def test_a_lagging_version_renews_at_once_then_holds_changes_for_at_most_its_lag(page_cache, lagging, transactional_db):
    key = lagging.key()
    (first,) = cache.tokens(key)
    cache.renew(key)  # out of any hold: at once
    (second,) = cache.tokens(key)
    assert second != first
    cache.renew(key)  # within the hold: due, not yet
    assert cache.tokens(key) == [second]
    time.sleep(1.1)
    (third,) = cache.tokens(key)
    assert third != second, "still behind the data after its lag"
    assert cache.tokens(key) == [third], "renewed once, not at every read"


def test_a_quiet_lagging_version_is_left_alone(page_cache, lagging, transactional_db):
    key = lagging.key()
    cache.renew(key)
    (token,) = cache.tokens(key)
    time.sleep(1.1)
    assert cache.tokens(key) == [token]


def test_a_fragment_is_rendered_once_per_token_and_language(page_cache, db):
    template = Template('{% load caching %}{% fragment "test-fragment" token %}{{ counter.next }}{% endfragment %}')

    class Counter:
        count = 0

        def next(self):
            self.count += 1
            return self.count

    counter = Counter()
    assert template.render(Context({"token": "a", "counter": counter})) == "1"
    assert template.render(Context({"token": "a", "counter": counter})) == "1"
    assert template.render(Context({"token": "b", "counter": counter})) == "2"
    with translation.override("th"):
        assert template.render(Context({"token": "b", "counter": counter})) == "3"


def test_the_fragment_tag_needs_a_name():
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template("{% load caching %}{% fragment %}x{% endfragment %}")


def test_query_of_keeps_the_named_parameters_in_one_spelling():
    params = QueryDict("utm_source=line&country=TH&page=1&q=+silk+&country=JP&empty=")
    assert cache.query_of(params, ["q", "country", "empty", "page"]).urlencode() == "q=silk&country=JP"
    assert cache.query_of(QueryDict("page=3"), ["page"]).urlencode() == "page=3"


def test_every_declared_version_is_listed_with_its_lag_in_the_docs():
    import accounts.cache  # noqa: F401 - declares its versions
    import catalogue.cache  # noqa: F401
    import orders.cache  # noqa: F401
    import events.cache  # noqa: F401
    import producers.cache  # noqa: F401

    text = DOCS.read_text()
    listed = set(re.findall(r"^\| `([a-z-]+)(?::<[^>]+>)?` \|", text, flags=re.MULTILINE))
    declared = {name for name in cache.VERSIONS if not name.startswith("test")}
    assert declared <= listed, f"not in docs/caching.md: {declared - listed}"
    assert listed <= declared, f"listed but not declared: {listed - declared}"
