"""Who may do what, for every URL of the site: the authorisation matrix that test_matrix.py asks.

Every URL pattern has one row in MATRIX below, giving the answer each role gets to a GET and to a
POST with an empty body (CSRF not enforced, redirects not followed). A POST whose cell has no `*`
must leave every app table as it was.

Cells, in the order of ROLES (anonymous buyer other_buyer member_a manager_a manager_b
organiser_a organiser_b staff):
    200 403 404 405 400   that status
    login   302 to the log-in page, with this URL as `next`
    admin   302 to the admin's log-in page, with this URL as `next`
    reg     302 to the producer registration (the dashboard of someone in no group)
    302     302 anywhere else (a form's "back to the page", a step done)
    ...*    that answer, and the request may change the database (leave the group, decline an invitation)

A row's keyword arguments fill the URL from the world of world.py
(`number="order_a.number"`); a URL about a kind of object the world lacks needs one more object
there. The admin's own pages are rows; each model's pages follow the admin rule (test_matrix.py).
"""

import re

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests.site.authorization.world import ROLES

METHODS = ("GET", "POST")


def row(get: str, post: str, **kwargs: str) -> dict:
    """One URL's expected answers: nine cells for GET, nine for POST (see the module's docstring),
    and its URL arguments as dotted paths into the world (`number="order_a.number"`)."""
    cells = {"GET": get.split(), "POST": post.split()}
    for method, answers in cells.items():
        assert len(answers) == len(ROLES), f"{method} needs {len(ROLES)} cells, one per role: {answers}"
    return {"cells": cells, "kwargs": kwargs}


# fmt: off
MATRIX = {
    #                                        GET                                                      POST
    #                                        anon  buyer other mem_a man_a man_b org_a org_b staff    anon  buyer other mem_a man_a man_b org_a org_b staff
    "healthz":                          row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  "),
    "readyz":                           row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  "),
    "robots_txt":                       row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  "),
    "sitemap":                          row("200   200   200   200   200   200   200   200   200  ", "200   200   200   200   200   200   200   200   200  "),  # sitemaps and media answer any method, changing nothing
    "sitemap_section":                  row("200   200   200   200   200   200   200   200   200  ", "200   200   200   200   200   200   200   200   200  ", section="sitemap_section"),
    "^media/(?P<path>.*)$":             row("200   200   200   200   200   200   200   200   200  ", "200   200   200   200   200   200   200   200   200  ", path="product_photo_a.image.name"),
    "home":                             row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  "),
    "catalogue:product_list":           row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  "),
    "catalogue:product_detail":         row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  ", slug="product_a.slug"),
    "catalogue:suggest":                row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  "),
    "catalogue:listings":               row("login reg   reg   200   200   200   reg   reg   reg  ", "login reg   reg   405   405   405   reg   reg   reg  "),
    "catalogue:listing_create":         row("login reg   reg   200   200   200   reg   reg   reg  ", "login reg   reg   200   200   200   reg   reg   reg  "),
    "catalogue:listing_import":         row("login reg   reg   200   200   200   reg   reg   reg  ", "login reg   reg   200   200   200   reg   reg   reg  "),
    "catalogue:listing_import_preview": row("login reg   reg   200   200   404   reg   reg   reg  ", "login reg   reg   302   302   404   reg   reg   reg  ", token="import_token_a"),  # the file is group A's: B's manager cannot see it; an empty POST is an unknown action
    "catalogue:listing_export":         row("login reg   reg   200   200   200   reg   reg   reg  ", "login reg   reg   405   405   405   reg   reg   reg  "),
    "catalogue:listing_update":         row("login reg   reg   200   200   404   reg   reg   reg  ", "login reg   reg   200   200   404   reg   reg   reg  ", pk="product_a.pk"),  # the product is group A's: a 404 for B
    "catalogue:listing_action":         row("login reg   reg   405   405   405   reg   reg   reg  ", "login reg   reg   302   302   404   reg   reg   reg  ", pk="product_a.pk"),
    "catalogue:listing_photos":         row("login reg   reg   200   200   404   reg   reg   reg  ", "login reg   reg   200   200   404   reg   reg   reg  ", pk="product_a.pk"),
    "catalogue:listing_photo_action":   row("login reg   reg   405   405   405   reg   reg   reg  ", "login reg   reg   302   302   404   reg   reg   reg  ", pk="product_a.pk", photo_id="product_photo_a.pk"),
    "orders:cart":                      row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  "),
    "orders:cart_add":                  row("405   405   405   405   405   405   405   405   405  ", "302   302   302   302   302   302   302   302   302  "),  # an empty form: back with a message
    "orders:cart_update":               row("405   405   405   405   405   405   405   405   405  ", "302   302   302   302   302   302   302   302   302  "),
    "orders:checkout":                  row("login 302   200   302   302   302   302   302   302  ", "login 302   200   302   302   302   302   302   302  "),  # the others' carts are empty: back to the cart
    "orders:order_list":                row("login 200   200   200   200   200   200   200   200  ", "login 405   405   405   405   405   405   405   405  "),
    "orders:order_slip":                row("404   200   404   200   200   404   404   404   200  ", "405   405   405   405   405   405   405   405   405  ", number="order_a.number", slip_id="slip_a.pk"),  # the buyer, the group's members and staff
    "orders:manage_order_slip":         row("404   200   404   200   200   404   404   404   200  ", "405   405   405   405   405   405   405   405   405  ", number="order_a.number", slip_id="slip_a.pk"),
    "accounts:signup_sent":             row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  "),
    "accounts:email_confirm":           row("200   200   200   200   200   200   200   200   200  ", "login login 302*  login login login login login login", token="email_token"),  # the link confirms only for its own account (other_buyer's); anyone else is asked to log in as it
    "accounts:email_confirmation_resend": row("login 405   405   405   405   405   405   405   405  ", "login 302   302   302   302   302   302   302   302  "),
    "orders:order_detail":              row("login 200   404   404   404   404   404   404   404  ", "login 302   404   404   404   404   404   404   404  ", number="order_a.number"),  # the buyer's own order only
    "orders:favourites":                row("login 200   200   200   200   200   200   200   200  ", "login 405   405   405   405   405   405   405   405  "),
    "orders:favourite_toggle":          row("login 405   405   405   405   405   405   405   405  ", "login 404   404   404   404   404   404   404   404  "),
    "orders:manage_orders":             row("login reg   reg   200   200   200   reg   reg   reg  ", "login reg   reg   405   405   405   reg   reg   reg  "),
    "orders:manage_orders_csv":         row("login reg   reg   200   200   200   reg   reg   reg  ", "login reg   reg   405   405   405   reg   reg   reg  "),
    "orders:manage_order":              row("login reg   reg   200   200   404   reg   reg   reg  ", "login reg   reg   302   302   404   reg   reg   reg  ", number="order_a.number"),  # an empty POST is an unknown action
    "orders:packing_slip":              row("login reg   reg   200   200   404   reg   reg   reg  ", "login reg   reg   405   405   405   reg   reg   reg  ", number="order_a.number"),
    "orders:sales_terms":               row("login reg   reg   403   200   200   reg   reg   reg  ", "login reg   reg   403   200   200   reg   reg   reg  "),  # managers only
    "events:event_list":                row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  "),
    "events:event_detail":              row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  ", slug="event_a.slug"),
    "events:exhibitors":                row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  ", slug="event_a.slug"),
    "events:my_applications":           row("login reg   reg   200   200   200   reg   reg   reg  ", "login reg   reg   405   405   405   reg   reg   reg  "),
    "events:apply":                     row("login reg   reg   200   200   200   reg   reg   reg  ", "login reg   reg   200   200   302*  reg   reg   reg  ", slug="event_a.slug"),  # group A has applied already; group B's manager applies for B
    "events:withdraw":                  row("login reg   reg   405   405   405   reg   reg   reg  ", "login reg   reg   302*  302*  404   reg   reg   reg  ", pk="application_a.pk"),  # any member of the group may withdraw its application
    "events:organiser_home":            row("login 404   404   404   404   404   200   200   200  ", "login 404   404   404   404   404   200   200   200  "),  # any organiser may make a new event (an empty form is refused)
    "events:organiser_event":           row("login 404   404   404   404   404   200   404   200  ", "login 404   404   404   404   404   405   404   405  ", slug="event_a.slug"),  # event A: its organiser and staff; B's organiser gets a 404
    "events:organiser_event_edit":      row("login 404   404   404   404   404   200   404   200  ", "login 404   404   404   404   404   200   404   200  ", slug="event_a.slug"),
    "events:organiser_status":          row("login 404   404   404   404   404   405   404   405  ", "login 404   404   404   404   404   302   404   302  ", slug="event_a.slug"),
    "events:organiser_layout":          row("login 404   404   404   404   404   200   404   200  ", "login 404   404   404   404   404   302   404   302  ", slug="event_a.slug"),
    "events:organiser_stall_find":      row("login 404   404   404   404   404   302   404   302  ", "login 404   404   404   404   404   405   404   405  ", slug="event_a.slug"),
    "events:organiser_stall":           row("login 404   404   404   404   404   200   404   200  ", "login 404   404   404   404   404   302   404   302  ", slug="event_a.slug", pk="stall_a.pk"),
    "events:organiser_applications":    row("login 404   404   404   404   404   200   404   200  ", "login 404   404   404   404   404   302   404   302  ", slug="event_a.slug"),
    "events:organiser_plan":            row("login 404   404   404   404   404   200   404   200  ", "login 404   404   404   404   404   200   404   200  ", slug="event_a.slug"),
    "events:organiser_plan_print":      row("login 404   404   404   404   404   200   404   200  ", "login 404   404   404   404   404   405   404   405  ", slug="event_a.slug"),
    "events:organiser_proposal":        row("login 404   404   404   404   404   405   404   405  ", "login 404   404   404   404   404   302   404   302  ", slug="event_a.slug"),
    "events:organiser_stalls_csv":      row("login 404   404   404   404   404   200   404   200  ", "login 404   404   404   404   404   405   404   405  ", slug="event_a.slug"),
    "events:organiser_signs":           row("login 404   404   404   404   404   200   404   200  ", "login 404   404   404   404   404   405   404   405  ", slug="event_a.slug"),
    "events:organiser_check_in":        row("login 404   404   404   404   404   200   404   200  ", "login 404   404   404   404   404   302   404   302  ", slug="event_a.slug"),
    "events:organiser_tariff":          row("login 404   404   404   404   404   200   404   200  ", "login 404   404   404   404   404   200   404   200  ", slug="event_a.slug"),  # an empty form is shown again with its errors
    "events:organiser_organisers":      row("login 404   404   404   404   404   200   404   200  ", "login 404   404   404   404   404   302   404   302  ", slug="event_a.slug"),
    "events:organiser_join":            row("login 200   200   200   200   200   200   200   200  ", "login 302   302   302   302   302   302   302   302  ", slug="event_a.slug", token="organiser_join_token"),  # anyone signed in sees the page (only other_buyer's confirmed address may accept); an empty answer changes nothing
    "events:invoice":                   row("login reg   reg   404   404   404   reg   reg   reg  ", "login reg   reg   405   405   405   reg   reg   reg  ", pk="application_a.pk"),  # group A's application holds no stall: nothing to invoice
    "catalogue:producer_list":          row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  "),
    "producers:producer_detail":        row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  ", slug="group_a.slug"),
    "producers:dashboard":              row("login 200   200   200   200   200   200   200   200  ", "login 405   405   405   405   405   405   405   405  "),  # without a group: an invitation list and a link to register
    "producers:switch":                 row("login reg   reg   405   405   405   reg   reg   reg  ", "login reg   reg   404   404   404   reg   reg   reg  "),
    "producers:register":               row("login 200   200   200   200   200   200   200   200  ", "login 200   200   200   200   200   200   200   200  "),
    "producers:register_place":         row("reg   reg   reg   reg   reg   reg   reg   reg   reg  ", "reg   reg   reg   reg   reg   reg   reg   reg   reg  "),  # step 2 without step 1: back to step 1 (which asks to log in)
    "producers:profile":                row("login reg   reg   200   200   200   reg   reg   reg  ", "login reg   reg   200   200   200   reg   reg   reg  "),
    "producers:payment":                row("login reg   reg   403   200   200   reg   reg   reg  ", "login reg   reg   403   200   200   reg   reg   reg  "),  # an empty form lacks the manager's password: changes nothing
    "producers:payout_review_queue":    row("login 403   403   403   403   403   403   403   200  ", "login 403   403   403   403   403   403   403   405  "),  # staff only
    "producers:payout_change_review":   row("login 403   403   403   403   403   403   403   405  ", "login 403   403   403   403   403   403   403   302  ", pk="payout_change_a.pk"),  # staff: an empty decision is refused with a message
    "producers:photos":                 row("login reg   reg   200   200   200   reg   reg   reg  ", "login reg   reg   200   200   200   reg   reg   reg  "),
    "producers:logo":                   row("login reg   reg   200   200   200   reg   reg   reg  ", "login reg   reg   200   200   200   reg   reg   reg  "),
    "producers:photo_delete":           row("login reg   reg   405   405   405   reg   reg   reg  ", "login reg   reg   302*  302*  404   reg   reg   reg  ", photo_id="producer_photo_a.pk"),  # any member may delete a gallery photo
    "producers:members":                row("login reg   reg   200   200   200   reg   reg   reg  ", "login reg   reg   200   200   200   reg   reg   reg  "),
    "producers:member_change":          row("login reg   reg   403   405   405   reg   reg   reg  ", "login reg   reg   403   302   404   reg   reg   reg  ", membership_id="membership_member_a.pk"),  # managers only; the membership is group A's
    "producers:leave":                  row("login reg   reg   405   405   405   reg   reg   reg  ", "login reg   reg   302*  302   302   reg   reg   reg  "),  # member A leaves; a group's only manager may not
    "producers:invitation":             row("login 404   200   404   404   404   404   404   404  ", "login 404   302*  404   404   404   404   404   404  ", token="invitation_a.token"),  # addressed to other_buyer; an empty answer declines it
    "producers:verification_queue":     row("login 403   403   403   403   403   403   403   200  ", "login 403   403   403   403   403   403   403   405  "),  # staff only
    "producers:producer_state":         row("login 403   403   403   403   403   403   403   405  ", "login 403   403   403   403   403   403   403   302  ", pk="group_a.pk"),
    "accounts:signup":                  row("200   302   302   302   302   302   302   302   302  ", "200   302   302   302   302   302   302   302   302  "),  # logged in: to the profile
    "accounts:login":                   row("200   302   302   302   302   302   302   302   302  ", "200   302   302   302   302   302   302   302   302  "),
    "accounts:logout":                  row("405   405   405   405   405   405   405   405   405  ", "302   302   302   302   302   302   302   302   302  "),
    "accounts:profile":                 row("login 200   200   200   200   200   200   200   200  ", "login 200   200   200   200   200   200   200   200  "),
    "accounts:password_change":         row("login 200   200   200   200   200   200   200   200  ", "login 200   200   200   200   200   200   200   200  "),
    "accounts:password_reset":          row("200   200   200   200   200   200   200   200   200  ", "200   200   200   200   200   200   200   200   200  "),
    "accounts:password_reset_done":     row("200   200   200   200   200   200   200   200   200  ", "405   405   405   405   405   405   405   405   405  "),
    "accounts:password_reset_confirm":  row("302   302   302   302   302   302   302   302   302  ", "302   302   302   302   302   302   302   302   302  ", uidb64="reset_uid", token="reset_token"),  # a valid link goes on to the set-password page
    "admin:index":                      row("admin admin admin admin admin admin admin admin 200  ", "admin admin admin admin admin admin admin admin 200  "),
    "admin:login":                      row("200   200   200   200   200   200   200   200   302  ", "200   200   200   200   200   200   200   200   200  "),  # staff are logged in already: to the admin's index
    "admin:logout":                     row("302   302   302   302   302   302   302   302   405  ", "302   302   302   302   302   302   302   302   302  "),  # 302: to the admin's index (staff: logged out)
    "admin:password_change":            row("admin admin admin admin admin admin admin admin 200  ", "admin admin admin admin admin admin admin admin 200  "),
    "admin:password_change_done":       row("admin admin admin admin admin admin admin admin 200  ", "admin admin admin admin admin admin admin admin 405  "),
    "admin:autocomplete":               row("admin admin admin admin admin admin admin admin 403  ", "admin admin admin admin admin admin admin admin 405  "),
    "admin:jsi18n":                     row("admin admin admin admin admin admin admin admin 200  ", "admin admin admin admin admin admin admin admin 405  "),
    "admin:view_on_site":               row("admin admin admin admin admin admin admin admin 404  ", "admin admin admin admin admin admin admin admin 404  ", content_type_id="producer_type.pk", object_id="group_a.pk"),  # producers have no public URL method the admin knows
    "admin:app_list":                   row("admin admin admin admin admin admin admin admin 200  ", "admin admin admin admin admin admin admin admin 200  ", app_label="admin_app"),
}
# fmt: on


def url_of(key: str, world) -> str:
    """The row's URL, its arguments filled from the world."""
    kwargs = {name: str(world.resolve(path)) for name, path in MATRIX[key]["kwargs"].items()}
    if ":" in key or not key.startswith(("^", "media")):
        try:
            with translation.override(settings.LANGUAGE_CODE):
                return reverse(key, kwargs=kwargs)
        except NoReverseMatch:
            pass
    # An unnamed pattern: its route with the arguments put in.
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: kwargs[m.group(1)], key)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m.group(1)], route)
    return "/" + route.strip("^$")
