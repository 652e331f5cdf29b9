"""The cached page fragments (catalogue/cache.py, events/cache.py): used, and renewed after every
change that alters a page. Tests elsewhere run with the page cache switched off; these switch a
local-memory cache on."""

from decimal import Decimal

import pytest
from django.core.cache import caches

from catalogue import services
from catalogue.models import Product
from events import services as event_services
from events.models import Event
from producers.services import producer_set_state
from tests.factories import EventFactory, UserFactory


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages-under-test"},
    }
    caches["pages"].clear()
    yield caches["pages"]
    caches["pages"].clear()


@pytest.fixture
def silk(make_product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_product(name_en="Cached silk", price=Decimal("850.00"), stock=10, status=Product.Status.PUBLISHED)


def test_product_page_comes_from_the_cache_until_the_product_changes(client, page_cache, silk, django_capture_on_commit_callbacks):
    url = f"/products/{silk.slug}/"
    assert "850" in client.get(url).content.decode()
    # A write that bypasses the services is not seen: the page really comes from the cache.
    Product.objects.filter(pk=silk.pk).update(price=Decimal("999.00"))
    assert "999" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(product=silk, price=Decimal("1200.00"))
    body = client.get(url).content.decode()
    assert "1,200" in body and "850" not in body


def test_stock_set_in_the_dashboard_shows_at_once(client, page_cache, silk, django_capture_on_commit_callbacks):
    url = f"/products/{silk.slug}/"
    assert "10 in stock" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.product_set_stock(product=silk, stock=3)
    assert "3 in stock" in client.get(url).content.decode()


def test_catalogue_results_renew_when_a_product_is_published(client, page_cache, silk, make_product, django_capture_on_commit_callbacks):
    assert "Cached silk" in client.get("/products/").content.decode()
    assert "Fresh indigo" not in client.get("/products/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_product(name_en="Fresh indigo", status=Product.Status.PUBLISHED)
    assert "Fresh indigo" in client.get("/products/").content.decode()


def test_a_suspended_producers_cached_product_disappears(client, page_cache, silk, django_capture_on_commit_callbacks):
    url = f"/products/{silk.slug}/"
    assert client.get(url).status_code == 200
    staff = UserFactory(username="cache-staff", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        producer_set_state(producer=silk.producer, to_state="suspended", by=staff, reason="Checking the FDA number.")
    assert client.get(url).status_code == 404
    assert "Cached silk" not in client.get("/products/").content.decode()


def test_the_floor_plan_renews_when_stalls_are_laid_out(client, places, page_cache, django_capture_on_commit_callbacks):
    organiser = UserFactory(username="cache-organiser", is_staff=True)
    event = EventFactory(status=Event.Status.OPEN)
    url = f"/events/{event.slug}/"
    assert "0 of 3 stalls" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        zone = event_services.zone_save(event=event, by=organiser, code="B", name="Food")
        event_services.stall_grid_create(event=event, by=organiser, zone=zone, rows=1, columns=3)
    assert "0 of 3 stalls have an exhibitor" in client.get(url).content.decode()
