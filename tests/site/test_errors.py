"""Error pages and /healthz: styled, in the visitor's language, 503 when the database is down."""

import json
import time

import pytest
from django.test import Client
from django.utils import translation

STYLESHEET = '<link rel="stylesheet" href="/static/css/site.css">'


def translated(text: str, language: str) -> str:
    """The page text in Thai or Japanese; it must really be translated, not fall back to English."""
    with translation.override(language):
        result = translation.gettext(text)
    assert result != text, f"{text!r} has no {language} translation"
    return result


def assert_styled_page(response, *, code: int, heading: str, language: str = "en") -> str:
    body = response.content.decode()
    assert response.status_code == code
    assert response["Content-Type"].startswith("text/html")
    assert f'<html lang="{language}">' in body
    assert STYLESHEET in body, "the error page uses the site's stylesheet"
    assert '<header class="site-header">' in body
    assert f'<p class="error-page__code">{code}</p>' in body
    assert heading in body
    return body


# --- 404 --------------------------------------------------------------------------------------


def test_unknown_page_is_a_styled_404_in_english(client, db):
    response = client.get("/no-such-page/")

    body = assert_styled_page(response, code=404, heading="We could not find that page")
    assert '<a class="button" href="/">' in body


@pytest.mark.parametrize("language", ["th", "ja"])
def test_unknown_page_under_a_language_prefix_is_a_styled_404_in_that_language(client, db, language):
    response = client.get(f"/{language}/no-such-page/")

    body = assert_styled_page(response, code=404, heading=translated("We could not find that page", language), language=language)
    assert translated("Go to the home page", language) in body
    assert f'<a class="button" href="/{language}/">' in body, "the way home stays in the visitor's language"


@pytest.mark.parametrize("path", ["/producers/%00%ff/../../etc/passwd", "/products/?q=%00", "/%ff%fe/"])
def test_a_malformed_address_is_answered_without_a_500(visitor_client, db, path):
    response = visitor_client.get(path)

    assert 400 <= response.status_code < 500


# --- 403 --------------------------------------------------------------------------------------


@pytest.mark.urls("tests.site.urls")
def test_forbidden_page_is_a_styled_403(client, db):
    response = client.get("/test-errors/forbidden/")

    body = assert_styled_page(response, code=403, heading="You are not allowed to do that")
    assert "not yours" not in body, "the reason stays in the logs"


@pytest.mark.urls("tests.site.urls")
def test_forbidden_page_in_thai_keeps_the_language(client, db):
    response = client.get("/th/test-errors/forbidden/")

    assert_styled_page(response, code=403, heading=translated("You are not allowed to do that", "th"), language="th")


def test_expired_csrf_token_is_a_styled_403(db):
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})

    assert_styled_page(response, code=403, heading="This form has expired")


# --- 500 --------------------------------------------------------------------------------------


@pytest.mark.urls("tests.site.urls")
def test_a_bug_in_a_view_is_a_styled_500(visitor_client, db):
    response = visitor_client.get("/test-errors/broken/")

    body = assert_styled_page(response, code=500, heading="Something went wrong on our side")
    assert "a bug in a view" not in body
    assert "Traceback" not in body


# --- 503 and /healthz -------------------------------------------------------------------------


def test_healthz_answers_200_json_when_the_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "up"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_served_at_exactly_that_path(client, db):
    with_slash = client.get("/healthz/")
    in_thai = client.get("/th/healthz")

    assert with_slash.status_code == 404, "/healthz/ neither answers nor redirects"
    assert "Location" not in with_slash
    assert in_thai.status_code == 404


def test_healthz_only_answers_get(client, db):
    assert client.post("/healthz").status_code == 405


def test_healthz_answers_503_json_when_the_database_is_down(client, database_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "unavailable", "database": "down"}


def test_healthz_answers_503_within_a_second_when_the_database_hangs(client, database_hangs):
    answers = []
    for _ in range(3):
        started = time.monotonic()
        response = client.get("/healthz")
        answers.append((response.status_code, time.monotonic() - started))

    assert [status for status, _seconds in answers] == [503, 503, 503]
    assert max(seconds for _status, seconds in answers) < 1, "a check never waits with a hung server"
    assert json.loads(response.content) == {"status": "unavailable", "database": "down"}


def test_pages_answer_a_styled_503_when_the_database_is_down(visitor_client, database_down):
    response = visitor_client.get("/")

    body = assert_styled_page(response, code=503, heading="The marketplace is briefly unavailable")
    assert response["Retry-After"] == "30"
    assert "OperationalError" not in body


def test_the_503_page_keeps_the_visitors_language(visitor_client, database_down):
    response = visitor_client.get("/ja/")

    assert_styled_page(
        response, code=503, heading=translated("The marketplace is briefly unavailable", "ja"), language="ja"
    )


def test_logging_in_while_the_database_is_down_is_a_503(visitor_client, database_down):
    response = visitor_client.post("/accounts/login/", {"username": "somchai", "password": "a-Long-test-passw0rd"})

    assert_styled_page(response, code=503, heading="The marketplace is briefly unavailable")



def test_every_pool_connection_busy_is_a_styled_503_that_says_the_site_is_busy(rf):
    """A pool that hands out no connection in time is a crowd, not a database down."""
    from django.db.utils import OperationalError
    from psycopg_pool import PoolTimeout

    from otop_site.views import server_error

    request = rf.get("/products/")
    try:
        raise OperationalError("couldn't get a connection after 4.00 sec") from PoolTimeout("timeout")
    except OperationalError:
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Very many people are using the marketplace" in body
    assert "cannot reach our database" not in body


@pytest.mark.parametrize("error", ["database", "bug"])
def test_the_error_pages_render_without_the_cache_which_may_live_in_the_database_that_is_down(rf, monkeypatch, error):
    """Served from the database cache (no Redis), every kept header part would reach for the
    database that is down: the error pages render each part anew and never read the cache."""
    from django.db.utils import OperationalError

    from core import cache
    from otop_site.views import server_error

    def cache_unreachable(*args, **kwargs):
        raise OperationalError("the cache's database does not answer")

    monkeypatch.setattr(cache, "get", cache_unreachable)
    monkeypatch.setattr(cache, "put", cache_unreachable)
    request = rf.get("/products/")
    try:
        raise OperationalError("connection failed") if error == "database" else RuntimeError("a bug in a view")
    except (OperationalError, RuntimeError):
        response = server_error(request)

    expected = 503 if error == "database" else 500
    body = assert_styled_page(response, code=expected, heading="briefly unavailable" if error == "database" else "")
    assert 'id="site-search"' in body, "the header's search box is rendered live"
