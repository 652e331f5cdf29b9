"""Personal pages carry `Cache-Control: private` (and `no-store` where they hold personal data),
so no shared cache keeps one person's cart, orders or dashboard for the next; public pages for
visitors without a session keep their shared caching."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.cache import get_max_age

from catalogue.services import categories_load
from events import services as event_services
from otop_site.middleware import is_personal_area
from producers import services as producer_services
from producers.models import ProducerMembership
from tests.factories import (
    OrganiserFactory,
    ProducerMembershipFactory,
    UserFactory,
    add_photo,
    listing,
    log_in,
    make_shop,
    place_one,
)


def directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def world(places):
    """A buyer with an order, the shop's manager, an organiser with a laid-out event, staff."""
    categories_load()
    shop = make_shop(name_en="Private Weavers", slug="private-weavers")
    manager = UserFactory(username="private-manager")
    ProducerMembershipFactory(producer=shop, user=manager, role=ProducerMembership.Role.MANAGER)
    product = listing(shop, name_en="Private scarf")
    add_photo(product)
    buyer = UserFactory(username="private-buyer")
    order = place_one(buyer, product)
    invitation = producer_services.membership_invite(producer=shop, by=manager, invitee=buyer.username)
    organiser = UserFactory(username="private-organiser")
    event = OrganiserFactory(user=organiser).event
    zone = event_services.zone_save(event=event, by=organiser, code="B", name="Food")
    (stall,) = event_services.stall_grid_create(event=event, by=organiser, zone=zone, rows=1, columns=1)
    staff = UserFactory(username="private-staff", is_staff=True, is_superuser=True)
    return {
        "buyer": buyer, "manager": manager, "organiser": organiser, "staff": staff, "shop": shop,
        "product": product, "order": order, "invitation": invitation, "event": event,
        "stall": stall,
    }


def owner_pages(world) -> list[tuple[str, str]]:
    """(owner, path) for each personal page, each opened by the person it belongs to (200)."""
    order, product, event = world["order"], world["product"], world["event"]
    return [
        ("buyer", reverse("orders:cart")),
        ("buyer", reverse("orders:checkout")),
        ("buyer", reverse("orders:order_list")),
        ("buyer", reverse("orders:order_detail", args=[order.number])),
        ("buyer", reverse("orders:favourites")),
        ("buyer", reverse("accounts:profile")),
        ("buyer", reverse("accounts:password_change")),
        ("buyer", reverse("producers:invitation", args=[world["invitation"].token])),
        ("buyer", reverse("producers:register")),
        ("manager", reverse("producers:dashboard")),
        ("manager", reverse("producers:profile")),
        ("manager", reverse("producers:payment")),
        ("manager", reverse("producers:photos")),
        ("manager", reverse("producers:members")),
        ("manager", reverse("orders:manage_orders")),
        ("manager", reverse("orders:manage_orders_csv")),
        ("manager", reverse("orders:manage_order", args=[order.number])),
        ("manager", reverse("orders:packing_slip", args=[order.number])),
        ("manager", reverse("orders:sales_terms")),
        ("manager", reverse("catalogue:listings")),
        ("manager", reverse("catalogue:listing_create")),
        ("manager", reverse("catalogue:listing_import")),
        ("manager", reverse("catalogue:listing_export")),
        ("manager", reverse("catalogue:listing_update", args=[product.pk])),
        ("manager", reverse("catalogue:listing_photos", args=[product.pk])),
        ("manager", reverse("events:my_applications")),
        ("organiser", reverse("events:organiser_home")),
        ("organiser", reverse("events:organiser_event", args=[event.slug])),
        ("organiser", reverse("events:organiser_event_edit", args=[event.slug])),
        ("organiser", reverse("events:organiser_layout", args=[event.slug])),
        ("organiser", reverse("events:organiser_stall", args=[event.slug, world["stall"].pk])),
        ("organiser", reverse("events:organiser_applications", args=[event.slug])),
        ("organiser", reverse("events:organiser_plan", args=[event.slug])),
        ("organiser", reverse("events:organiser_plan_print", args=[event.slug])),
        ("organiser", reverse("events:organiser_stalls_csv", args=[event.slug])),
        ("organiser", reverse("events:organiser_signs", args=[event.slug])),
        ("organiser", reverse("events:organiser_check_in", args=[event.slug])),
        ("staff", reverse("producers:verification_queue")),
        ("staff", reverse("admin:index")),
        ("staff", "/th" + reverse("orders:order_list")),
    ]


def test_every_personal_page_is_private_and_not_stored_for_its_owner(world):
    clients = {role: log_in(Client(), world[role]) for role in ("buyer", "manager", "organiser", "staff")}
    clients["buyer"].post(reverse("orders:cart_add"), {"product": world["product"].pk, "quantity": 1})  # for /checkout/
    pages = owner_pages(world)
    for role, path in pages:
        response = clients[role].get(path, follow=path.startswith("/th/"))
        assert response.status_code == 200, (role, path, response.status_code)
        assert {"private", "no-store"} <= directives(response), (path, response.get("Cache-Control"))
        assert "public" not in directives(response), path
    assert len(pages) >= 39


def _routes(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if getattr(entry, "app_name", None) == "admin":
                continue  # the admin's own patterns: its index is walked with the owners above
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _example_path(route: str) -> str:
    """A concrete path for a route: each <converter:name> filled with a value of its shape."""
    values = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: values.get(m.group(1) or "str", "x"), route).lstrip("^").rstrip("$")


def test_every_route_of_the_personal_areas_answers_private_no_store_whatever_the_answer(world):
    """Generated from the URL configuration, so a personal page added later is covered: signed in
    or not, found or not, allowed or not, its answer is never kept by a shared cache."""
    paths = sorted({_example_path(route) for route in _routes(get_resolver()) if is_personal_area(_example_path(route))})
    assert len(paths) >= 50
    signed_in = log_in(Client(raise_request_exception=False), world["buyer"])
    anonymous = Client(raise_request_exception=False)
    for client in (signed_in, anonymous):
        for path in paths:
            for response in (client.get(path), client.post(path, {})):
                assert response.status_code != 500, path
                assert {"private", "no-store"} <= directives(response), (path, response.status_code, response.get("Cache-Control"))


PUBLIC_PAGES = ["/", "/products/", "/producers/", "/events/", "/th/products/"]


def test_a_public_page_seen_by_a_signed_in_visitor_is_private(world):
    client = log_in(Client(), world["buyer"])
    paths = [*PUBLIC_PAGES, reverse("catalogue:product_detail", args=[world["product"].slug]),
             reverse("producers:producer_detail", args=[world["shop"].slug])]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "private" in directives(response) and "public" not in directives(response), path


def test_a_visitor_with_only_a_cart_gets_private_pages(world):
    client = Client()
    client.post(reverse("orders:cart_add"), {"product": world["product"].pk, "quantity": 1})
    assert "sessionid" in client.cookies
    response = client.get(reverse("catalogue:product_detail", args=[world["product"].slug]))
    assert "private" in directives(response)


def test_public_pages_for_visitors_without_a_session_stay_shareable(world, page_cache):
    client = Client()
    for path in [*PUBLIC_PAGES, reverse("catalogue:product_detail", args=[world["product"].slug])]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert not directives(response) & {"private", "no-store"}, (path, response.get("Cache-Control"))
    suggest = client.get(reverse("catalogue:suggest"), {"q": "scarf"})
    assert "public" in directives(suggest) and get_max_age(suggest) == 60
