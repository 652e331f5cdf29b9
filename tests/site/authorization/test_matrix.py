"""Who may do what, for every URL of the site: the authorisation matrix (matrix.py) asked.

Every URL pattern (walked from the URL configuration) has one row in MATRIX, giving the answer
each role gets to a GET and to a POST with an empty body (CSRF not enforced, redirects not
followed). A new URL without a row fails the suite, and so does a row whose URL is gone. The
Django admin is one rule for all its models instead of rows (staff get in, nobody else).

A POST whose cell has no `*` must leave every app table as it was: an empty form changes
nothing, and a role that may not act changes nothing.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from tests.site.authorization.matrix import MATRIX, METHODS, url_of
from tests.site.authorization.world import ROLES, client_as, fingerprint, fingerprint_changes

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
        "Add one row each to MATRIX in tests/site/authorization/matrix.py, saying what each role gets, "
        'e.g. "orders:slip": row("login 200 404 ...", "login 405 405 ...", pk="slip_a.pk").'
    )


def test_every_row_is_a_url_pattern():
    patterns = {key for key, _route, _localised in site_patterns()}

    gone = sorted(set(MATRIX) - patterns)

    assert not gone, f"Rows of MATRIX in tests/site/authorization/matrix.py for URLs that no longer exist: {gone}"


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

