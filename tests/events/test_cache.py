"""The public floor plan and the cached pages around it: suspended producers vanish from the plan,
stall sizes and free stalls' codes are drawn, the cached event and product pages renew with the
changes visitors see (and only those), gzip is sent only to those who take it, and star ratings
lapse with the local day."""

import gzip
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from catalogue.models import Product
from events import services
from events.cache import EVENTS_VERSION_KEY
from events.models import Event, StallApplication, StallAssignment
from otop_site.page_cache import accepts_gzip
from producers.services import producer_set_state
from tests.factories import EventFactory, ProducerFactory, ProductFactory, UserFactory, log_in

ACCEPTED = StallApplication.State.ACCEPTED
SVG = re.compile(r'<svg class="floor-plan__svg".*?</svg>', re.S)
FREE_GROUP = re.compile(r'<g class="free" aria-hidden="true">(.*?)</g>', re.S)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield




@pytest.fixture
def staff(db):
    return UserFactory(username="plan-staff", is_staff=True)


def _svg(body: str) -> str:
    return SVG.search(body).group()


def _free_group(body: str) -> str:
    return "".join(FREE_GROUP.findall(_svg(body)))


def _page(url: str, **headers) -> str:
    """The page as a new visitor without a session sees it (the cached one when the cache is on)."""
    response = Client(**headers).get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Suspended producers on the public plan -------------------------------------------------------


@pytest.fixture
def published_fair(places, staff, make_application):
    """A published fair with one row of three stalls; two exhibitors, in A-1 and A-2."""
    event = EventFactory(name="OTOP Fair Khon Kaen", slug="plan-fair", status=Event.Status.OPEN)
    zone = services.zone_save(event=event, by=staff, code="A", name="Silk hall")
    stalls = services.stall_grid_create(event=event, by=staff, zone=zone, rows=1, columns=3)
    exhibitors = []
    for number, name in enumerate(["Tha Sawang Silk Weavers", "Chonnabot Mudmee Group"]):
        producer = ProducerFactory(name_en=name, slug=f"plan-exhibitor-{number}", state="verified")
        application = make_application(event, producer=producer, state=ACCEPTED)
        services.stall_assign(application=application, stall=stalls[number], by=staff)
        exhibitors.append(producer)
    services.event_set_status(event=event, by=staff, status=Event.Status.CLOSED)
    services.event_set_status(event=event, by=staff, status=Event.Status.PUBLISHED)
    return event, exhibitors


def test_a_suspended_producers_stall_shows_as_free_until_they_are_verified_again(
    page_cache, published_fair, staff, django_capture_on_commit_callbacks
):
    event, (suspended, other) = published_fair
    url = f"/events/{event.slug}/"
    body = _page(url)
    assert suspended.display_name in body and f'href="/producers/{suspended.slug}/"' in body
    assert "2 of 3 stalls have an exhibitor." in body

    with django_capture_on_commit_callbacks(execute=True):
        producer_set_state(producer=suspended, to_state="suspended", by=staff, reason="The FDA number does not match.")

    body = _page(url)
    assert suspended.display_name not in body
    assert f"/producers/{suspended.slug}/" not in body
    assert "1 of 3 stalls have an exhibitor." in body
    assert re.search(r"<text [^>]*>A-1</text>", _free_group(body))
    assert other.display_name in body and f'href="/producers/{other.slug}/"' in body
    # The stall is still theirs: only what visitors see changed.
    assert StallAssignment.objects.filter(event=event, producer=suspended, stall__code="A-1").exists()

    with django_capture_on_commit_callbacks(execute=True):
        producer_set_state(producer=suspended, to_state="verified", by=staff)

    body = _page(url)
    assert f'<a href="/producers/{suspended.slug}/" class="stall"><title>A-1 · {suspended.display_name}</title>' in body
    assert "2 of 3 stalls have an exhibitor." in body
    assert not re.search(r"<text [^>]*>A-1</text>", _free_group(body))


# --- Stall sizes and free stalls in the SVG --------------------------------------------------------


def test_a_stall_of_another_size_carries_its_size_and_a_free_stall_its_code(client, places, staff):
    event = EventFactory(slug="sizes-fair", status=Event.Status.OPEN)
    standard = services.zone_save(event=event, by=staff, code="A", name="Silk hall")
    wide = services.zone_save(event=event, by=staff, code="B", name="Food hall")
    services.stall_grid_create(event=event, by=staff, zone=standard, rows=1, columns=1, origin_y=Decimal(10))
    services.stall_grid_create(event=event, by=staff, zone=wide, rows=1, columns=1, width=Decimal(6), depth=Decimal(2))

    free = _free_group(client.get(f"/events/{event.slug}/").content.decode())

    # 6 m × 2 m at the hall's corner (2 m margin, 10 units a metre), its code in the middle.
    assert '<rect x="20" y="20" width="60" height="20"/><text x="50" y="33">B-1</text>' in free
    # The standard 3 m × 3 m stall leaves its size to the stylesheet.
    assert '<rect x="20" y="120"/><text x="35" y="138">A-1</text>' in free


def _css_rules(css: str) -> list[tuple[str, dict]]:
    """(selector, {property: value}) for every rule, those inside @media included."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {}
        for declaration in body.split(";"):
            name, _colon, value = declaration.partition(":")
            if value.strip():
                declarations[name.strip().lower()] = value.strip()
        for selector in selectors.split(","):
            rules.append((" ".join(selector.split()), declarations))
    return rules


def test_the_stylesheet_sizes_only_the_rects_without_a_width_of_their_own():
    with open(finders.find("css/site.css"), encoding="utf-8") as stylesheet:
        rules = _css_rules(stylesheet.read())
    # Every rule that reaches the plan's rects: `.floor-plan__svg rect`, `.floor-plan__svg .free rect`, …
    plan_rects = [(selector, declarations) for selector, declarations in rules if re.search(r"\.floor-plan__svg\b.*\brect\S*$", selector)]
    assert plan_rects, "no rule for the plan's stalls"
    for selector, declarations in plan_rects:
        if selector.endswith("rect:not([width])"):
            continue
        assert not {"width", "height"} & set(declarations), f"{selector} forces the size of every stall"
    standard = [declarations for selector, declarations in plan_rects if selector == ".floor-plan__svg rect:not([width])"]
    assert standard and standard[0].get("width") == "30px" and standard[0].get("height") == "30px"


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
    version = page_cache.get(EVENTS_VERSION_KEY)
    assert version is not None

    with django_capture_on_commit_callbacks(execute=True):
        services.exhibitor_check_in(assignment=assignment, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.stall_fee_set(assignment=assignment, by=staff, state=StallAssignment.Fee.PAID)

    assignment.refresh_from_db()
    assert assignment.checked_in_at is not None and assignment.fee_state == StallAssignment.Fee.PAID
    assert page_cache.get(EVENTS_VERSION_KEY) == version
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


# --- Accept-Encoding --------------------------------------------------------------------------------


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
