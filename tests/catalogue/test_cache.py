"""The cached page fragments (catalogue/cache.py, events/cache.py): used, and renewed after every
change that alters a page. Tests elsewhere run with the page cache switched off; these switch a
local-memory cache on."""

import gzip
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue import services
from catalogue.models import Product
from events import services as event_services
from events.models import Event
from producers.services import producer_set_state
from core.cache import CSRF_PLACEHOLDER
from tests.factories import EventFactory, UserFactory, published_event, stall_at




@pytest.fixture
def silk(make_product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_product(name_en="Cached silk", price=Decimal("850.00"), stock=10, status=Product.Status.PUBLISHED)


def test_product_page_comes_from_the_cache_until_the_product_changes(client, page_cache, silk, django_capture_on_commit_callbacks):
    url = f"/products/{silk.slug}/"
    assert 'content="850.00"' in client.get(url).content.decode()
    # A write that bypasses the services is not seen: the page really comes from the cache.
    Product.objects.filter(pk=silk.pk).update(price=Decimal("999.00"))
    assert 'content="999.00"' not in client.get(url).content.decode()
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


# --- Whole pages for visitors without a session (otop_site/page_cache.py) ----------------------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_visitor_without_a_session_gets_the_kept_page_with_a_token_of_their_own(page_cache, silk):
    url = f"/products/{silk.slug}/"
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [first.get(url).content.decode(), second.get(url).content.decode()]
    assert all(CSRF_PLACEHOLDER not in page for page in pages)
    tokens = [TOKEN.search(page).group(1) for page in pages]
    assert tokens[0] != tokens[1]
    # The token put in works: the first visitor puts the product in the cart.
    response = first.post("/cart/add/", {"csrfmiddlewaretoken": tokens[0], "product": silk.pk, "quantity": 1})
    assert response.status_code == 302
    # With a session now, they get their own page: the header counts their cart.
    assert re.search(r'aria-label="items in cart">1<', first.get(url).content.decode())
    assert re.search(r'aria-label="items in cart">0<', second.get(url).content.decode())


def test_the_kept_page_is_served_without_a_query_or_rendering(client, page_cache, silk, django_assert_num_queries):
    url = f"/products/{silk.slug}/"
    client.get(url)
    with django_assert_num_queries(0):
        assert "Cached silk" in Client().get(url).content.decode()


def test_signed_in_visitors_get_their_own_page_from_the_shared_parts(client, page_cache, silk):
    url = f"/products/{silk.slug}/"
    client.get(url)
    buyer = UserFactory(username="cache-buyer")
    client.force_login(buyer)
    client.get(url)  # the signed-in page's parts are the same as everyone's: kept already
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url).content.decode()
    # Only the visitor's own bits are asked: the session, the user with their roles, the cart
    # count and the favourite; nothing of the product, its producer or events.
    asked = [query["sql"] for query in queries.captured_queries]
    assert len(asked) <= 4, asked
    shared_tables = ('"catalogue_product"', '"catalogue_productphoto"', '"events_stallassignment"', '"producers_producer"')
    assert not any(table in sql for sql in asked for table in shared_tables), asked
    assert "Add to favourites" in body and "10 in stock" in body
    assert "Add to favourites" not in Client().get(url).content.decode()


@pytest.fixture
def running_fair(db, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        return published_event(name="OTOP City 2026", starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=9))


def test_the_kept_product_page_says_where_the_producer_exhibits_once_the_stall_is_given(
    client, page_cache, silk, running_fair, django_capture_on_commit_callbacks, monkeypatch
):
    url = f"/products/{silk.slug}/"
    assert "B-12" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        stall_at(running_fair, silk.producer, code="B-12")
    # Kept for today, before the fair; the next morning the same page names the stall.
    assert "B-12" not in client.get(url).content.decode()
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    body = client.get(url).content.decode()
    assert "OTOP City 2026" in body and "B-12" in body


def test_the_kept_event_page_is_compressed_and_goes_when_the_event_is_withdrawn(
    page_cache, running_fair, django_capture_on_commit_callbacks, django_assert_num_queries
):
    url = f"/events/{running_fair.slug}/"
    browser = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    first = browser.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = browser.get(url)
    assert again["Content-Encoding"] == "gzip"
    assert "OTOP City 2026" in gzip.decompress(again.content).decode()
    assert "OTOP City 2026" in Client().get(url).content.decode()  # no gzip asked: plain
    with django_capture_on_commit_callbacks(execute=True):
        running_fair.status = Event.Status.DRAFT
        running_fair.save()
    assert browser.get(url).status_code == 404


def test_the_catalogue_page_with_its_filters_is_kept_whole_for_visitors_without_a_session(
    client, page_cache, silk, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = "/products/?country=TH&sort=price"
    assert "Cached silk" in client.get(url).content.decode()
    with django_assert_num_queries(0):
        again = Client().get(url)
    assert "Cached silk" in again.content.decode()
    assert "Cached silk" not in Client().get("/products/?country=JP").content.decode()  # its own page
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(product=silk, name_en="Renamed silk")
    assert "Renamed silk" in Client().get(url).content.decode()


def test_a_place_renamed_in_the_admin_shows_on_the_kept_product_page(client, page_cache, silk, django_capture_on_commit_callbacks):
    url = f"/products/{silk.slug}/"
    province = silk.producer.province
    assert "Renamed Province" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        province.name_en = "Renamed Province"
        province.save()
    assert "Renamed Province" in client.get(url).content.decode()


# --- Keys from the parameters a page reads ----------------------------------------------------------


def kept_entries() -> int:
    """Entries in the shared page cache (rows of the cache table in production) and in the
    worker's own copy."""
    return len(caches["pages"]._cache) + len(caches["pages-local"]._cache)


def test_junk_and_reordered_parameters_share_the_catalogues_kept_page(page_cache, silk):
    first = Client().get("/products/?country=TH&sort=price")
    assert first.status_code == 200 and "Cached silk" in first.content.decode()
    entries = kept_entries()
    for url in [
        "/products/?sort=price&country=TH",
        "/products/?country=TH&sort=price&utm_source=line&fbclid=abc123",
        "/products/?junk=1&country=TH&q=&stars=&sort=price&page=1",
        "/products/?country=%20TH%20&sort=price&in_stock=",
        "/products/?country=JP&country=TH&sort=price",  # the form reads the last value
    ]:
        response = Client().get(url)
        assert response.status_code == 200 and "Cached silk" in response.content.decode(), url
        assert kept_entries() == entries, url
        # Rendered from the parameters it reads: no visitor's junk in its links.
        assert "utm_source" not in response.content.decode() and "junk" not in response.content.decode()
    Client().get("/products/?country=TH&sort=-price")  # another page: kept on its own
    assert kept_entries() > entries


def test_junk_parameters_share_the_catalogues_results_for_signed_in_visitors_too(client, page_cache, silk):
    client.force_login(UserFactory(username="cache-shopper"))
    assert "Cached silk" in client.get("/products/?category=silk").content.decode()
    entries = kept_entries()
    assert "Cached silk" in client.get("/products/?utm_campaign=x&category=silk&").content.decode()
    partial = client.get("/products/?ref=mail&category=silk", HTTP_X_PARTIAL="results")
    assert "Cached silk" in partial.content.decode()
    assert kept_entries() == entries


def test_a_catalogue_page_with_an_invalid_value_shows_the_error_and_is_not_kept(page_cache, silk):
    Client().get("/products/")
    entries = kept_entries()
    for value in ["abc", "9", "1e999"]:
        response = Client().get("/products/", {"stars": value, "min_price": value})
        assert response.status_code == 200
        page = response.content.decode()
        assert "Cached silk" in page  # the unfiltered result
        assert "Some filters were not understood" in page and CSRF_PLACEHOLDER not in page
        assert kept_entries() == entries, value


def test_a_catalogue_page_number_past_the_end_shows_the_last_page_and_is_not_kept(page_cache, silk):
    """Each number up to MAX_PAGE would otherwise keep one more copy of the same last page."""
    Client().get("/products/")
    entries = kept_entries()  # whole pages and the results fragments
    for number in ["2", "77", "999999"]:
        response = Client().get("/products/", {"page": number})
        assert response.status_code == 200 and "Cached silk" in response.content.decode()
        assert kept_entries() == entries, number


@pytest.mark.parametrize("junk", ["?utm_source=line", "?utm_source=fb&fbclid=1", "?page=2&q=silk"])
def test_junk_parameters_share_the_kept_product_page(page_cache, silk, junk, django_assert_num_queries):
    url = f"/products/{silk.slug}/"
    Client().get(url)
    entries = kept_entries()
    with django_assert_num_queries(0):
        response = Client().get(url + junk)
    assert response.status_code == 200 and "Cached silk" in response.content.decode()
    assert kept_entries() == entries
    assert junk.lstrip("?").split("&")[0] not in response.content.decode()


def test_junk_parameters_share_the_kept_event_page(page_cache, running_fair, django_assert_num_queries):
    url = f"/events/{running_fair.slug}/"
    Client().get(url)
    entries = kept_entries()
    with django_assert_num_queries(0):
        response = Client().get(url + "?utm_source=qr&stall=B-12")
    assert response.status_code == 200 and "OTOP City 2026" in response.content.decode()
    assert kept_entries() == entries


def test_signed_in_visitors_get_the_listings_shared_results(client, page_cache, silk):
    Client().get("/products/?country=TH")  # kept by a visitor without a session
    client.force_login(UserFactory(username="cache-lister"))
    client.get("/products/?country=TH")
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/products/?country=TH").content.decode()
    asked = [query["sql"] for query in queries.captured_queries]
    # The session, the user with their roles, the cart count: nothing of the catalogue.
    assert len(asked) <= 3, asked
    assert not any('"catalogue_product"' in sql for sql in asked), asked
    assert "Cached silk" in body and "Log out" in body
