"""Account pages: sign up, log in by user name or e-mail, log out, profile,
passwords, and the lock against password guessing."""

import re

import pytest
from django.core import mail

from accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
PROFILE = "/accounts/profile/"
GOOD_PASSWORD = "Khon-Kaen-silk-2026"
LOCKED_HEADING = "Too many failed log-ins"
LOCKED_EXPLANATION = (
    "After 10 wrong passwords we lock log-ins to this account and from this address for a while, "
    "to protect against guessing."
)


def signup_form(**changes) -> dict:
    return {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "language": "en",
    } | changes


def logged_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def field_errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


# --- Sign up ----------------------------------------------------------------------------------


def test_signup_page_shows_the_form(client, db):
    response = client.get(SIGNUP)

    body = response.content.decode()
    assert response.status_code == 200
    for name in ("username", "email", "password1", "password2", "language"):
        assert f'name="{name}"' in body
        assert f'<label for="id_{name}">' in body


def test_signup_form_starts_in_the_language_of_the_page(client, db):
    response = client.get("/th" + SIGNUP)

    assert '<option value="th" selected>' in response.content.decode()


def test_signup_creates_an_unconfirmed_account_and_does_not_log_it_in(client, db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, signup_form(language="ja"), follow=True)

    user = User.objects.get(username="newcomer")
    assert response.redirect_chain == [("/accounts/signup/sent/", 302)]
    assert logged_in_user_id(client) is None
    assert user.email == "newcomer@example.com" and user.email_verified_at is None
    assert user.language == "ja"
    assert user.check_password(GOOD_PASSWORD)
    assert "We sent a link to <strong>newcomer@example.com</strong>. Open it to finish creating your account." in response.content.decode()
    assert [message.to for message in mailoutbox] == [["newcomer@example.com"]]


def test_signup_refuses_a_user_name_taken_in_another_case(client, db):
    UserFactory(username="newcomer", email="first@example.com")

    response = client.post(SIGNUP, signup_form(username="NewComer"))

    assert response.status_code == 200
    assert field_errors(response, "username") == ["This user name is taken."]
    assert "This user name is taken." in response.content.decode()
    assert User.objects.count() == 1
    assert logged_in_user_id(client) is None


def test_signup_with_a_confirmed_address_makes_an_unconfirmed_account_and_says_the_same(client, db):
    UserFactory(username="first", email="newcomer@example.com")

    response = client.post(SIGNUP, signup_form(email="NEWCOMER@example.COM"), follow=True)

    assert response.redirect_chain == [("/accounts/signup/sent/", 302)]
    assert "We sent a link to" in response.content.decode()
    assert not User.objects.get(username="newcomer").email_verified
    assert logged_in_user_id(client) is None


@pytest.mark.parametrize(
    ("password", "complaint"),
    [("abc12", "too short"), ("password1", "too common"), ("3141592653589", "entirely numeric")],
)
def test_signup_refuses_a_weak_password(client, db, password, complaint):
    response = client.post(SIGNUP, signup_form(password1=password, password2=password))

    assert response.status_code == 200
    assert any(complaint in error for error in field_errors(response, "password1"))
    assert not User.objects.filter(username="newcomer").exists()


def test_signup_refuses_passwords_that_differ(client, db):
    response = client.post(SIGNUP, signup_form(password2=GOOD_PASSWORD + "!"))

    assert response.status_code == 200
    assert field_errors(response, "password2") == ["The two passwords differ."]
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.parametrize("username", ["has space", "semi;colon", "<b>bold</b>", ""])
def test_signup_refuses_a_malformed_user_name(client, db, username):
    response = client.post(SIGNUP, signup_form(username=username))

    assert response.status_code == 200
    assert field_errors(response, "username")
    assert User.objects.count() == 0


def test_signup_sends_a_logged_in_user_to_the_profile(client, buyer):
    client.force_login(buyer)

    assert client.get(SIGNUP)["Location"] == PROFILE


# --- Log in and out ---------------------------------------------------------------------------


@pytest.mark.parametrize("login", ["somchai", "SOMCHAI", "Somchai", "somchai@example.com", "SomChai@Example.COM"])
def test_login_accepts_the_user_name_or_email_in_any_case(client, db, login):
    user = UserFactory(username="somchai", email="somchai@example.com")

    response = client.post(LOGIN, {"username": login, "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user_id(client) == str(user.pk)


def test_login_form_takes_a_full_length_email_address(client, db):
    """E-mail addresses may have 254 characters, more than a user name's 150."""
    long_email = "k" * 200 + "@example.com"
    user = UserFactory(username="longmail", email=long_email)

    body = client.get(LOGIN).content.decode()
    response = client.post(LOGIN, {"username": long_email, "password": TEST_PASSWORD})

    assert re.search(r'<input type="text" name="username"[^>]* maxlength="254"', body)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_login_refuses_a_wrong_password(client, db):
    UserFactory(username="somchai")

    response = client.post(LOGIN, {"username": "somchai", "password": "not-the-password"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert logged_in_user_id(client) is None


def test_login_refuses_an_inactive_account(client, db):
    UserFactory(username="somchai", is_active=False)

    response = client.post(LOGIN, {"username": "somchai", "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert logged_in_user_id(client) is None


def test_login_follows_next_within_the_site_only(client, db):
    UserFactory(username="somchai")

    inside = client.post(LOGIN, {"username": "somchai", "password": TEST_PASSWORD, "next": PROFILE})
    client.logout()
    outside = client.post(LOGIN, {"username": "somchai", "password": TEST_PASSWORD, "next": "https://evil.example/"})

    assert inside["Location"] == PROFILE
    assert outside["Location"] == "/"


def test_logout_is_a_post_that_ends_the_session(client, buyer):
    client.force_login(buyer)

    assert client.get(LOGOUT).status_code == 405
    assert logged_in_user_id(client) == str(buyer.pk)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user_id(client) is None
    assert client.get(PROFILE)["Location"] == f"{LOGIN}?next={PROFILE}"


def test_header_shows_the_logged_in_user_and_a_logout_form(client, buyer):
    client.force_login(buyer)

    body = client.get(PROFILE).content.decode()

    assert f"<summary>{buyer.short_name}</summary>" in body
    assert f'<form method="post" action="{LOGOUT}">' in body


# --- Profile and password change --------------------------------------------------------------


def test_profile_needs_a_logged_in_user(client, db):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={PROFILE}"


def test_profile_edit_saves_the_changes_and_keeps_a_new_email_waiting(client, buyer):
    client.force_login(buyer)

    response = client.post(
        PROFILE,
        {"first_name": "Malee", "last_name": "Srisuk", "email": "malee@mail.example", "language": "th"},
        follow=True,
    )

    buyer.refresh_from_db()
    body = response.content.decode()
    assert response.redirect_chain == [(PROFILE, 302)]
    assert "Your profile is saved." in body
    assert "To use malee@mail.example, open the link we sent to it. Until then your address stays buyer@example.com." in body
    assert (buyer.first_name, buyer.last_name, buyer.email, buyer.language) == ("Malee", "Srisuk", "buyer@example.com", "th")
    assert buyer.pending_email == "malee@mail.example"


def test_profile_edit_to_another_accounts_email_changes_nothing_that_counts(client, buyer):
    UserFactory(username="somchai", email="somchai@example.com")
    client.force_login(buyer)

    response = client.post(PROFILE, {"first_name": "", "last_name": "", "email": "Somchai@Example.com", "language": "en"})

    assert response.status_code == 302
    buyer.refresh_from_db()
    assert buyer.email == "buyer@example.com" and buyer.pending_email == "Somchai@example.com"


def test_password_change_sets_the_new_password_and_keeps_the_session(client, buyer):
    client.force_login(buyer)

    response = client.post(
        "/accounts/password/change/",
        {"old_password": TEST_PASSWORD, "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
        follow=True,
    )

    buyer.refresh_from_db()
    assert response.redirect_chain == [(PROFILE, 302)]
    assert "Your password is changed." in response.content.decode()
    assert buyer.check_password(GOOD_PASSWORD)
    assert logged_in_user_id(client) == str(buyer.pk), "changing the password does not log the user out"


def test_password_change_refuses_a_wrong_old_password_or_a_weak_new_one(client, buyer):
    client.force_login(buyer)

    wrong_old = client.post(
        "/accounts/password/change/",
        {"old_password": "guess", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    weak_new = client.post(
        "/accounts/password/change/",
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert wrong_old.status_code == 200 and field_errors(wrong_old, "old_password")
    assert weak_new.status_code == 200 and field_errors(weak_new, "new_password2")
    buyer.refresh_from_db()
    assert buyer.check_password(TEST_PASSWORD)


# --- Password reset ---------------------------------------------------------------------------


def reset_link_in(message, site_url: str = "http://127.0.0.1:8000") -> str:
    """The path of the reset link, which starts with the site's address (SITE_URL)."""
    match = re.search(re.escape(site_url) + r"(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_password_reset_link_starts_with_the_site_address_not_the_requests_host(
    client, db, settings, django_capture_on_commit_callbacks
):
    """Behind the load balancer the request's host is a web node's (or lacks the served port)."""
    settings.SITE_URL = "https://otop.example:8443"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "node-a.internal"]
    UserFactory(username="malee", email="malee@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "malee@example.com"}, HTTP_HOST="node-a.internal")

    message = mail.outbox[0]
    assert reset_link_in(message, "https://otop.example:8443")
    assert "node-a.internal" not in message.body and "node-a.internal" not in message.alternatives[0][0]
    assert 'href="https://otop.example:8443/accounts/password/reset/' in message.alternatives[0][0]


def test_password_reset_sends_an_email_whose_link_sets_a_new_password(client, db, django_capture_on_commit_callbacks):
    user = UserFactory(username="malee", email="malee@example.com")

    # Sent by a worker (here the tests' immediate backend) once the request's work commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "MALEE@example.com"})

    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["malee@example.com"]
    assert message.subject == "Choose a new password for OTOP Marketplace"
    assert "Hello malee," in message.body
    assert message.alternatives and message.alternatives[0][1] == "text/html"

    link = reset_link_in(message)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]

    done = client.post(set_password_url, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}, follow=True)

    assert done.redirect_chain[-1][0] == LOGIN
    assert "Your new password is set. Log in with it." in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)
    assert client.post(LOGIN, {"username": "malee", "password": GOOD_PASSWORD}).status_code == 302

    used_again = client.get(link, follow=True)
    assert "This link no longer works" in used_again.content.decode()


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_password_reset_link_with_a_forged_token_does_not_work(client, db):
    UserFactory(username="malee", email="malee@example.com")

    response = client.get("/accounts/password/reset/MQ/forged-token/", follow=True)

    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


# --- Lock against password guessing -----------------------------------------------------------


def fail_login(client, login: str, address: str):
    return client.post(LOGIN, {"username": login, "password": "wrong-guess"}, REMOTE_ADDR=address)


def assert_locked(response):
    body = response.content.decode()
    assert response.status_code == 429
    assert LOCKED_HEADING in body
    assert LOCKED_EXPLANATION in body
    assert 'href="/accounts/password/reset/"' in body


def test_nine_failures_do_not_lock_the_account(client, db):
    UserFactory(username="somchai")
    for attempt in range(9):
        assert fail_login(client, "somchai", f"10.0.0.{attempt + 1}").status_code == 200

    response = client.post(LOGIN, {"username": "somchai", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.1.1")

    assert response.status_code == 302


def test_login_locks_account_after_ten_failures(client, db):
    UserFactory(username="somchai")
    for _attempt in range(9):
        assert fail_login(client, "somchai", "10.0.0.1").status_code == 200

    tenth = fail_login(client, "somchai", "10.0.0.1")
    right_password = client.post(LOGIN, {"username": "somchai", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.1")

    assert_locked(tenth)
    assert_locked(right_password)
    assert logged_in_user_id(client) is None


def test_locked_account_stays_locked_from_a_different_address(client, db):
    UserFactory(username="somchai")
    for attempt in range(10):
        fail_login(client, "somchai", f"10.0.0.{attempt + 1}")

    response = client.post(LOGIN, {"username": "somchai", "password": TEST_PASSWORD}, REMOTE_ADDR="192.0.2.77")

    assert_locked(response)
    assert logged_in_user_id(client) is None


def test_account_lock_counts_every_spelling_of_the_login(client, db):
    """Ten failures for one account lock it, whether they named it by user name or e-mail, in any case."""
    UserFactory(username="somchai", email="somchai@example.com")
    spellings = ["somchai", "SOMCHAI", "Somchai", "somchai@example.com", "SOMCHAI@EXAMPLE.COM"]
    for attempt in range(10):
        fail_login(client, spellings[attempt % len(spellings)], f"10.0.0.{attempt + 1}")

    response = client.post(LOGIN, {"username": "somchai", "password": TEST_PASSWORD}, REMOTE_ADDR="192.0.2.77")

    assert_locked(response)
    assert logged_in_user_id(client) is None


def test_login_locks_an_address_after_ten_failures_for_other_accounts(client, db):
    for number in range(11):
        UserFactory(username=f"member{number}")
    for number in range(10):
        fail_login(client, f"member{number}", "198.51.100.7")

    from_that_address = client.post(
        LOGIN, {"username": "member10", "password": TEST_PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    from_elsewhere = client.post(LOGIN, {"username": "member10", "password": TEST_PASSWORD}, REMOTE_ADDR="203.0.113.5")

    assert_locked(from_that_address)
    assert from_elsewhere.status_code == 302


def test_a_successful_login_clears_earlier_failures(client, db):
    UserFactory(username="somchai")
    for _attempt in range(9):
        fail_login(client, "somchai", "10.0.0.1")
    assert client.post(LOGIN, {"username": "somchai", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.1").status_code == 302
    client.post(LOGOUT)

    for _attempt in range(5):
        assert fail_login(client, "somchai", "10.0.0.1").status_code == 200
    response = client.post(LOGIN, {"username": "somchai", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 302


# --- Behind a reverse proxy -------------------------------------------------------------------

PROXY = "10.1.0.2"


def fail_login_through_proxy(client, login: str, forwarded_for: str):
    return client.post(
        LOGIN, {"username": login, "password": "wrong-guess"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for
    )


def test_behind_a_proxy_one_guessers_address_is_locked_not_everybody_elses(client, db, settings):
    settings.PROXY_COUNT = 1
    for number in range(11):
        UserFactory(username=f"member{number}")
    for number in range(10):
        fail_login_through_proxy(client, f"member{number}", "198.51.100.7")

    guesser = client.post(
        LOGIN, {"username": "member10", "password": TEST_PASSWORD}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    someone_else = client.post(
        LOGIN, {"username": "member10", "password": TEST_PASSWORD}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )

    assert_locked(guesser)
    assert someone_else.status_code == 302, "other visitors behind the same proxy still log in"


def test_behind_a_proxy_a_forged_forwarded_for_does_not_escape_the_lock(client, db, settings):
    """The client writes the left part of X-Forwarded-For; only the proxy's own entry counts."""
    settings.PROXY_COUNT = 1
    for number in range(11):
        UserFactory(username=f"member{number}")
    for number in range(10):
        fail_login_through_proxy(client, f"member{number}", f"192.0.2.{number + 1}, 198.51.100.7")

    response = client.post(
        LOGIN,
        {"username": "member10", "password": TEST_PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.7",
    )

    assert_locked(response)


def test_without_a_proxy_forwarded_for_is_ignored(client, db):
    for number in range(11):
        UserFactory(username=f"member{number}")
    for number in range(10):
        client.post(
            LOGIN,
            {"username": f"member{number}", "password": "wrong-guess"},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number + 1}",
        )

    response = client.post(
        LOGIN, {"username": "member10", "password": TEST_PASSWORD}, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.99"
    )

    assert_locked(response)
