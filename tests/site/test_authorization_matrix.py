"""Who may do what, for every URL of the site: the authorisation matrix.

Every URL pattern (walked from the URL configuration) has one row in MATRIX below, giving the
answer each role gets to a GET and to a POST with an empty body (CSRF not enforced, redirects
not followed). A new URL without a row fails the suite, and so does a row whose URL is gone.
The Django admin is one rule for all its models instead of rows (staff get in, nobody else).

A POST whose cell has no `*` must leave every app table as it was: an empty form changes
nothing, and a role that may not act changes nothing.

Cells, in the order of ROLES (anonymous buyer other_buyer member_a manager_a manager_b
organiser_a organiser_b staff):
    200 403 404 405 400   that status
    login   302 to the log-in page, with this URL as `next`
    admin   302 to the admin's log-in page, with this URL as `next`
    reg     302 to the producer registration (the dashboard of someone in no group)
    302     302 anywhere else (a form's "back to the page", a step done)
    ...*    that answer, and the request may change the database (leave the group, decline an invitation)

A row's keyword arguments fill the URL from the world of tests/site/authorization_world.py
(`number="order_a.number"`); a URL about a kind of object the world lacks needs one more object
there. The admin's own pages are rows; each model's pages follow the admin rule at the end.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from tests.site.authorization_world import ROLES, client_as, db, fingerprint, fingerprint_changes, media_root, world  # noqa: F401

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


# --- The URL configuration, walked ----------------------------------------------------------------


def site_patterns(patterns=None, namespace: tuple = (), route: str = "", localised: bool = False):
    """(key, route, localised) for every URL pattern: the key is the pattern's full name
    (`orders:order_detail`), or its route for an unnamed one. The admin's per-model patterns,
    covered by the admin rule, are left out."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield from admin_site_patterns(pattern, route + str(pattern.pattern))
                continue
            yield from site_patterns(
                pattern.url_patterns,
                namespace + ((pattern.namespace,) if pattern.namespace else ()),
                route + str(pattern.pattern),
                localised or isinstance(pattern.pattern, LocalePrefixPattern),
            )
        elif isinstance(pattern, URLPattern):
            key = ":".join((*namespace, pattern.name)) if pattern.name else route + str(pattern.pattern)
            yield key, route + str(pattern.pattern), localised


def admin_model_url_names() -> set[str]:
    return {url.name for model_admin in admin.site._registry.values() for url in model_admin.get_urls() if url.name}


def admin_site_patterns(resolver: URLResolver, route: str):
    """The admin's own pages (index, login, app lists...) as rows; each registered model's pages
    (and the admin's unnamed redirects and catch-all) are the admin rule's."""
    per_model = admin_model_url_names()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLPattern) and pattern.name and pattern.name not in per_model:
            yield f"admin:{pattern.name}", route + str(pattern.pattern), True


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


# --- Asking ------------------------------------------------------------------------------------

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
REGISTER = reverse("producers:register")
LANGUAGE_PREFIX = re.compile(r"^/(th|ja)(?=/)")


def answer_of(response, path: str) -> str:
    """The response as a matrix cell (without the change mark). A redirect to a log-in page must
    bring the visitor back to `path`."""
    if response.status_code == 302:
        target = urlsplit(response["Location"])
        page = LANGUAGE_PREFIX.sub("", target.path)
        if page in (LOGIN, ADMIN_LOGIN):
            assert parse_qs(target.query).get("next") == [path], f"the log-in page is asked to come back here: {target}"
            return "login" if page == LOGIN else "admin"
        if page == REGISTER:
            return "reg"
    return str(response.status_code)


def ask(world, role: str, method: str, url: str):
    client = client_as(world, role)
    return client.get(url) if method == "GET" else client.post(url)


# --- The matrix ---------------------------------------------------------------------------------


def cells():
    for key, expected in MATRIX.items():
        for method in METHODS:
            for role, cell in zip(ROLES, expected["cells"][method], strict=True):
                yield pytest.param(key, role, method, cell, id=f"{key} {role} {method}")


@pytest.mark.parametrize(("key", "role", "method", "expected"), list(cells()))
def test_url_answers_each_role_as_the_matrix_says(world, db, key, role, method, expected):
    url = url_of(key, world)

    response = ask(world, role, method, url)

    assert answer_of(response, url) == expected.rstrip("*"), f"{method} {url} as {role}"
    if method == "POST" and not expected.endswith("*"):
        changed = fingerprint_changes(world.baseline, fingerprint())
        assert not changed, f"POST {url} as {role} answered {expected} but changed {', '.join(changed)}"


def test_every_url_pattern_has_a_row():
    missing = [f"{key} ({route})" for key, route, _localised in site_patterns() if key not in MATRIX]

    assert not missing, (
        "These URL patterns have no row in the authorisation matrix: " + "; ".join(missing) + ". "
        "Add one row each to MATRIX in tests/site/test_authorization_matrix.py, saying what each role gets, "
        'e.g. "orders:slip": row("login 200 404 ...", "login 405 405 ...", pk="slip_a.pk").'
    )


def test_every_row_is_a_url_pattern():
    patterns = {key for key, _route, _localised in site_patterns()}

    gone = sorted(set(MATRIX) - patterns)

    assert not gone, f"Rows of MATRIX in tests/site/test_authorization_matrix.py for URLs that no longer exist: {gone}"


# --- The same in Thai and Japanese --------------------------------------------------------------

# The /th/ and /ja/ pages are the same views; a few private pages show they are guarded the same.
LOCALISED_SPOT_CHECKS = ["orders:order_detail", "producers:payment", "catalogue:listing_update", "events:organiser_event", "producers:verification_queue"]


@pytest.mark.parametrize("language", ["th", "ja"])
@pytest.mark.parametrize("key", LOCALISED_SPOT_CHECKS)
def test_thai_and_japanese_urls_answer_like_the_english_ones(world, db, key, language):
    url = f"/{language}{url_of(key, world)}"

    answers = [answer_of(ask(world, role, "GET", url), url) for role in ROLES]

    assert answers == MATRIX[key]["cells"]["GET"], f"GET {url} for {ROLES}"


# --- The admin ----------------------------------------------------------------------------------


def admin_pages():
    for model, model_admin in admin.site._registry.items():
        for page in ("changelist", "add"):
            for role in ROLES:
                for method in METHODS:
                    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
                    yield pytest.param(name, model_admin, role, method, id=f"{name} {role} {method}")


@pytest.mark.parametrize(("name", "model_admin", "role", "method"), list(admin_pages()))
def test_admin_lets_in_staff_only(world, db, rf, name, model_admin, role, method):
    """Every model's list and "add" page in the admin: staff get it (or a 403 where the admin
    adds no such rows by hand); everyone else is sent to the admin's log-in; an empty POST
    changes nothing."""
    with translation.override(settings.LANGUAGE_CODE):
        url = reverse(name)
    if role == "staff":
        staff_request = rf.get(url)
        staff_request.user = world.user("staff")
        may_add = name.endswith("_changelist") or model_admin.has_add_permission(staff_request)
        expected = "200" if may_add else "403"
    else:
        expected = "admin"

    response = ask(world, role, method, url)

    assert answer_of(response, url) == expected, f"{method} {url} as {role}"
    if method == "POST":
        changed = fingerprint_changes(world.baseline, fingerprint())
        assert not changed, f"POST {url} as {role} changed {', '.join(changed)}"

