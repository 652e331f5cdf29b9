"""Security headers on every response, the session cookie's flags, CSRF on forms."""

import re

import pytest
from django.test import Client

from accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

PAGES = [
    "/",
    "/th/",
    "/accounts/login/",
    "/accounts/signup/",
    "/robots.txt",
    "/sitemap.xml",
    "/healthz",
    "/no-such-page/",
]


def csrf_token_of(response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match, "the form carries a CSRF token"
    return match.group(1)


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, places, path):
    response = client.get(path)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"], "no inline or third-party scripts"
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_error_responses_carry_the_security_headers_too(places):
    response = Client(raise_request_exception=False).get("/th/no-such-page/")

    assert response.status_code == 404
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"


def test_session_cookie_is_http_only_and_same_site(client, db):
    UserFactory(username="malee")

    response = client.post("/accounts/login/", {"username": "malee", "password": TEST_PASSWORD})

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_csrf_cookie_is_same_site(db):
    response = Client().get("/accounts/login/")

    assert response.cookies["csrftoken"]["samesite"] == "Lax"


def test_login_without_a_csrf_token_is_refused(db):
    UserFactory(username="malee")
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/accounts/login/", {"username": "malee", "password": TEST_PASSWORD})

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert "sessionid" not in response.cookies
    assert "_auth_user_id" not in browser.session


def test_login_with_the_forms_csrf_token_is_accepted(db):
    user = UserFactory(username="malee")
    browser = Client(enforce_csrf_checks=True)
    token = csrf_token_of(browser.get("/accounts/login/"))

    response = browser.post(
        "/accounts/login/", {"username": "malee", "password": TEST_PASSWORD, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(user.pk)


def test_signup_without_a_csrf_token_is_refused_and_creates_nothing(db):
    browser = Client(enforce_csrf_checks=True)
    form = {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password1": "Khon-Kaen-silk-2026",
        "password2": "Khon-Kaen-silk-2026",
        "language": "en",
    }

    refused = browser.post("/accounts/signup/", form)
    assert refused.status_code == 403
    assert not User.objects.filter(username="newcomer").exists()

    token = csrf_token_of(browser.get("/accounts/signup/"))
    accepted = browser.post("/accounts/signup/", form | {"csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert User.objects.filter(username="newcomer").exists()


def test_logout_without_a_csrf_token_is_refused(db):
    user = UserFactory(username="malee")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = browser.post("/accounts/logout/")

    assert response.status_code == 403
    assert browser.session["_auth_user_id"] == str(user.pk), "still logged in"


def test_user_written_text_is_escaped(client, db):
    response = client.post(
        "/accounts/login/", {"username": '<script>alert("x")</script>', "password": "wrong-password"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;" in body
