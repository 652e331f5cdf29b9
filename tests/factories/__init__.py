"""Factories and builders for the tests, one module per app, with Faker in English, Thai and
Japanese. Listings, carts and orders are made through the services, so the tests start from
states the site itself can reach. Everything is importable from `tests.factories`."""

from .accounts import BACKEND, NEW_PASSWORD, TEST_PASSWORD, UserFactory, log_in, profile_form_data, signup_form_data
from .catalogue import ProductFactory, accept_cash_on_delivery, add_photo, minutes_ago, publish
from .events import EventFactory, OrganiserFactory, published_event, stall_at
from .orders import ADDRESS, ORDER_NUMBER, cart_of, checkout_post, fill_cart, listing, make_shop, member_of, place_one, place_order
from .places import tambon_of, thai_tambon
from .producers import ProducerFactory, ProducerMembershipFactory, ProducerPhotoFactory, producer_admin_form_data, settle

__all__ = [
    "ADDRESS",
    "BACKEND",
    "NEW_PASSWORD",
    "ORDER_NUMBER",
    "TEST_PASSWORD",
    "EventFactory",
    "OrganiserFactory",
    "ProducerFactory",
    "ProducerMembershipFactory",
    "ProducerPhotoFactory",
    "ProductFactory",
    "UserFactory",
    "accept_cash_on_delivery",
    "add_photo",
    "cart_of",
    "checkout_post",
    "fill_cart",
    "listing",
    "log_in",
    "make_shop",
    "member_of",
    "minutes_ago",
    "place_one",
    "place_order",
    "producer_admin_form_data",
    "profile_form_data",
    "publish",
    "published_event",
    "settle",
    "signup_form_data",
    "stall_at",
    "tambon_of",
    "thai_tambon",
]
