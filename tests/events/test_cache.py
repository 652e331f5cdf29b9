"""The cached event and product pages (events/cache.py): they renew with the changes visitors see
(and only those), a browser refusing gzip gets them plain, and star ratings lapse with the local
day."""

import gzip
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from catalogue.models import Product
from core.cache import tokens
from events import services
from events.cache import EVENTS_VERSION_KEY
from events.models import Event, StallApplication, StallAssignment
from tests.factories import EventFactory, ProducerFactory, ProductFactory, UserFactory, log_in

ACCEPTED = StallApplication.State.ACCEPTED


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def _page(url: str, **headers) -> str:
    """The page as a new visitor without a session sees it (the cached one when the cache is on)."""
    response = Client(**headers).get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- The cached event and product pages --------------------------------------------------------------


@pytest.fixture
def running_fair(places, categories, staff, make_application):
    """A published fair that runs today, with A-1 and A-2 free; a producer with a published
    product, accepted and waiting for a stall."""
    today = timezone.localdate()
    event = EventFactory(
        name="OTOP City Today", slug="otop-city-today", status=Event.Status.OPEN, starts_on=today, ends_on=today + timedelta(days=3)
    )
    zone = services.zone_save(event=event, by=staff, code="A", name="Silk hall")
    services.stall_grid_create(event=event, by=staff, zone=zone, rows=1, columns=2)
    producer = ProducerFactory(name_en="Ban Chiang Potters", slug="ban-chiang-potters", state="verified")
    product = ProductFactory(producer=producer, name_en="Red-swirl jar", status=Product.Status.PUBLISHED)
    application = make_application(event, producer=producer, state=ACCEPTED)
    services.event_set_status(event=event, by=staff, status=Event.Status.CLOSED)
    services.event_set_status(event=event, by=staff, status=Event.Status.PUBLISHED)
    return {
        "event": event, "producer": producer, "application": application, "stalls": {s.code: s for s in event.stalls.all()},
        "event_url": f"/events/{event.slug}/", "product_url": f"/products/{product.slug}/",
    }


def test_a_check_in_and_a_fee_keep_the_cached_event_and_product_pages(
    page_cache, running_fair, staff, django_capture_on_commit_callbacks, django_assert_num_queries
):
    fair = running_fair
    assignment = services.stall_assign(application=fair["application"], stall=fair["stalls"]["A-1"], by=staff)
    assert "now: stall A-1" in _page(fair["product_url"])
    assert "Ban Chiang Potters" in _page(fair["event_url"])
    (version,) = tokens(EVENTS_VERSION_KEY)

    with django_capture_on_commit_callbacks(execute=True):
        services.exhibitor_check_in(assignment=assignment, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.stall_fee_set(assignment=assignment, by=staff, state=StallAssignment.Fee.PAID)

    assignment.refresh_from_db()
    assert assignment.checked_in_at is not None and assignment.fee_state == StallAssignment.Fee.PAID
    assert tokens(EVENTS_VERSION_KEY) == [version]
    with django_assert_num_queries(0):
        assert "Ban Chiang Potters" in _page(fair["event_url"])
        assert "now: stall A-1" in _page(fair["product_url"])


def test_an_assignment_a_swap_and_unpublishing_show_at_once_on_the_cached_pages(
    page_cache, running_fair, staff, django_capture_on_commit_callbacks
):
    fair = running_fair
    event, name = fair["event"], "Ban Chiang Potters"
    assert name not in _page(fair["event_url"])
    assert "now: stall" not in _page(fair["product_url"])

    with django_capture_on_commit_callbacks(execute=True):
        services.stall_assign(application=fair["application"], stall=fair["stalls"]["A-1"], by=staff)
    assert f"<title>A-1 · {name}</title>" in _page(fair["event_url"])
    assert "At OTOP City Today now: stall A-1" in _page(fair["product_url"])

    with django_capture_on_commit_callbacks(execute=True):
        services.stalls_swap(event=event, first=fair["stalls"]["A-1"], second=fair["stalls"]["A-2"], by=staff)
    body = _page(fair["event_url"])
    assert f"<title>A-2 · {name}</title>" in body and f"<title>A-1 · {name}</title>" not in body
    product_page = _page(fair["product_url"])
    assert "now: stall A-2" in product_page and "now: stall A-1" not in product_page

    with django_capture_on_commit_callbacks(execute=True):
        services.event_set_status(event=event, by=staff, status=Event.Status.CLOSED)
    body = _page(fair["event_url"])
    assert name not in body and "0 of 2 stalls have an exhibitor." in body
    assert "now: stall" not in _page(fair["product_url"])


def test_a_browser_refusing_gzip_gets_the_cached_event_page_plain(page_cache, running_fair):
    url = running_fair["event_url"]
    compressed = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br").get(url)
    assert compressed["Content-Encoding"] == "gzip"
    assert "OTOP City Today" in gzip.decompress(compressed.content).decode()

    refused = Client(HTTP_ACCEPT_ENCODING="gzip;q=0").get(url)

    assert refused.status_code == 200
    assert not refused.has_header("Content-Encoding")
    assert "OTOP City Today" in refused.content.decode()
    assert "Accept-Encoding" in refused["Vary"]


# --- Star ratings lapse with the local day ------------------------------------------------------------


def test_a_star_rating_lapses_on_the_cached_product_page_when_the_year_turns(
    client, page_cache, places, categories, monkeypatch
):
    this_year = timezone.localdate().year
    # OTOP stars stand two years: awarded two years ago, valid to the end of this year.
    product = ProductFactory(
        producer=ProducerFactory(state="verified"), name_en="Lac-dyed mudmee", star_scheme="otop", star_rating=4,
        star_year=this_year - 2, status=Product.Status.PUBLISHED,
    )
    url = f"/products/{product.slug}/"
    log_in(client, UserFactory(username="star-buyer"))
    body = client.get(url).content.decode()
    assert f"valid to {this_year}" in body and "(lapsed)" not in body

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(this_year + 1, 1, 2))

    assert "(lapsed)" in client.get(url).content.decode()
    assert "(lapsed)" in _page(url)
