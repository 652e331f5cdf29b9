"""Confirmed e-mail addresses: the link that confirms one, pending changes of address, and answers
that do not tell which addresses have accounts (the throttles on what sends e-mail are in
test_ratelimits.py)."""

import re
import time
from datetime import timedelta
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from tests.factories import NEW_PASSWORD, TEST_PASSWORD, UserFactory, profile_form_data, signup_form_data

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
PROFILE = "/accounts/profile/"
RESET = "/accounts/password/reset/"
RESEND = "/accounts/email/confirm-again/"


def logged_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def confirmation_link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/email/confirm/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def page(response, *addresses: str) -> str:
    """The body without what differs by nature (the CSRF token, the address typed)."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    for number, address in enumerate(addresses):
        body = body.replace(address, f"ADDRESS{number}")
    return body


# --- Sign-up and the confirmation link --------------------------------------------------------


def test_the_signup_link_confirms_the_address_and_logs_in_once(client, db, sending):
    sending.post(client, SIGNUP, signup_form_data())
    link = confirmation_link_in(sending.outbox[0])
    user = User.objects.get(username="newcomer")
    assert logged_in_user_id(client) is None

    shown = client.get(link)
    assert shown.status_code == 200
    assert "Confirm <strong>newcomer@example.com</strong> as the address of the account <strong>newcomer</strong>?" in shown.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None, "opening the link changes nothing until the button is pressed"

    confirmed = client.post(link, follow=True)

    user.refresh_from_db()
    assert confirmed.redirect_chain == [(PROFILE, 302)]
    assert "Thank you, newcomer@example.com is confirmed. You are logged in." in confirmed.content.decode()
    assert user.email_verified_at is not None
    assert logged_in_user_id(client) == str(user.pk)

    again = Client().post(link)
    assert again.status_code == 200 and "This link no longer works" in again.content.decode()
    assert "This link no longer works" in Client().get(link).content.decode()
    assert logged_in_user_id(client) == str(user.pk)


def test_a_confirmation_link_expires_after_three_days(db, sending, settings):
    assert settings.EMAIL_CONFIRMATION_MAX_AGE == 3 * 24 * 3600
    now = time.time()
    late_browser, prompt_browser = Client(), Client()
    with mock.patch("time.time", return_value=now - timedelta(days=3, minutes=1).total_seconds()):
        sending.post(late_browser, SIGNUP, signup_form_data(username="late", email="late@example.com"))
    with mock.patch("time.time", return_value=now - timedelta(days=2, hours=23).total_seconds()):
        sending.post(prompt_browser, SIGNUP, signup_form_data(username="prompt", email="prompt@example.com"))
    late_link, prompt_link = (confirmation_link_in(message) for message in sending.outbox)

    late = late_browser.post(late_link)
    prompt = prompt_browser.post(prompt_link)

    assert "This link no longer works" in late.content.decode()
    assert not User.objects.get(username="late").email_verified
    assert prompt.status_code == 302
    assert User.objects.get(username="prompt").email_verified


@pytest.mark.parametrize("token", ["forged", "WzEsImFiYyJd:1vQ:xyz", "a" * 300, "ก:ข:ค", "e30:1vQ:x"])
def test_a_forged_confirmation_link_does_not_work(client, db, token):
    user = UserFactory(username="malee", email_verified_at=None)

    assert "This link no longer works" in client.get(f"/accounts/email/confirm/{token}/").content.decode()
    assert "This link no longer works" in client.post(f"/accounts/email/confirm/{token}/").content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None and logged_in_user_id(client) is None


def test_confirming_an_address_another_account_confirmed_meanwhile_fails_clearly(db, sending):
    first_browser, client = Client(), Client()
    sending.post(first_browser, SIGNUP, signup_form_data(username="first", email="shared@example.com"))
    sending.post(client, SIGNUP, signup_form_data(username="second", email="Shared@Example.com"))
    first_link, second_link = (confirmation_link_in(message) for message in sending.outbox)
    assert first_browser.post(first_link).status_code == 302

    refused = client.post(second_link)

    assert refused.status_code == 200
    assert "Another account has confirmed Shared@example.com in the meantime" in refused.content.decode()
    assert User.objects.get(username="second").email_verified_at is None
    assert logged_in_user_id(client) is None


def test_signup_answers_the_same_for_a_new_and_a_taken_address(db, sending):
    UserFactory(username="owner", email="owner@example.com")
    new, taken = Client(), Client()

    new_answer = sending.post(new, SIGNUP, signup_form_data(username="alpha", email="fresh@example.com"))
    taken_answer = sending.post(taken, SIGNUP, signup_form_data(username="bravo", email="OWNER@example.com"))

    assert (new_answer.status_code, new_answer["Location"]) == (taken_answer.status_code, taken_answer["Location"])
    assert new_answer.content == taken_answer.content
    assert page(new.get(new_answer["Location"]), "fresh@example.com") == page(taken.get(taken_answer["Location"]), "OWNER@example.com")
    assert not User.objects.get(username="bravo").email_verified
    assert [message.to for message in sending.outbox] == [["fresh@example.com"], ["owner@example.com"]]
    assert "/accounts/email/confirm/" in sending.outbox[0].body
    assert "/accounts/email/confirm/" not in sending.outbox[1].body


def test_signup_again_with_the_same_user_name_does_not_tell_whether_the_address_was_taken(db, sending):
    """The user name of a sign-up is taken afterwards whether or not its address had an account:
    otherwise signing up again with that name (refused or not) would tell the two apart."""
    UserFactory(username="owner", email="owner@example.com")
    sending.post(Client(), SIGNUP, signup_form_data(username="probe-a", email="fresh@example.com"))
    sending.post(Client(), SIGNUP, signup_form_data(username="probe-b", email="owner@example.com"))

    after_new = sending.post(Client(), SIGNUP, signup_form_data(username="probe-a", email="other-a@example.com"))
    after_taken = sending.post(Client(), SIGNUP, signup_form_data(username="probe-b", email="other-b@example.com"))

    assert after_new.status_code == after_taken.status_code == 200
    assert page(after_new, "other-a@example.com", "probe-a") == page(after_taken, "other-b@example.com", "probe-b")
    assert "This user name is taken." in after_taken.content.decode()


def test_the_account_signed_up_with_a_taken_address_cannot_confirm_it(client, db, sending):
    owner = UserFactory(username="owner", email="owner@example.com")
    sending.post(Client(), SIGNUP, signup_form_data(username="squatter", email="owner@example.com"))
    client.post(LOGIN, {"username": "squatter", "password": NEW_PASSWORD})
    sending.outbox.clear()

    sending.post(client, RESEND, {"next": PROFILE})

    # The owner is told again; no link that could confirm the address goes anywhere.
    assert [message.to for message in sending.outbox] == [["owner@example.com"]]
    assert "/accounts/email/confirm/" not in sending.outbox[0].body
    assert list(User.objects.with_verified_email("owner@example.com")) == [owner]


def test_signup_form_answers_the_same_when_the_address_is_taken_and_the_form_is_wrong(db):
    UserFactory(username="owner", email="owner@example.com")

    new = Client().post(SIGNUP, signup_form_data(email="fresh@example.com", password2="differs"))
    taken = Client().post(SIGNUP, signup_form_data(email="owner@example.com", password2="differs"))

    assert new.status_code == taken.status_code == 200
    assert page(new, "fresh@example.com") == page(taken, "owner@example.com")


@pytest.mark.parametrize("username", ["malee@example.com", "mal@ee", "@malee"])
def test_signup_refuses_a_user_name_with_an_at_sign(client, db, username):
    response = client.post(SIGNUP, signup_form_data(username=username))

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["Enter a user name of letters, digits and ./+/-/_ only (no @)."]
    assert not User.objects.exists()


def test_the_account_model_refuses_a_user_name_with_an_at_sign(db):
    """Everywhere a user name is set (the admin, createsuperuser) validates the model's field."""
    with pytest.raises(ValidationError) as refused:
        User(username="malee@example.com", email="malee@example.com").full_clean()

    assert "username" in refused.value.message_dict
    User(username="mälee.k+shop-1_th", email="malee@example.com").full_clean(exclude=["password"])


def test_an_unconfirmed_account_logs_in_by_user_name_but_not_by_its_address(db):
    user = UserFactory(username="malee", email="malee@example.com", email_verified_at=None)

    by_address = Client().post(LOGIN, {"username": "malee@example.com", "password": TEST_PASSWORD})
    by_name = Client().post(LOGIN, {"username": "malee", "password": TEST_PASSWORD})

    assert by_address.status_code == 200
    assert by_name.status_code == 302
    assert by_name.wsgi_request.user == user


def test_the_e_mails_are_plain_text_without_html_entities(db, sending):
    UserFactory(username="owner", email="o'neil&co@example.com")

    sending.post(Client(), SIGNUP, signup_form_data(username="darcy", email="d'arcy+shop@example.com"))
    sending.post(Client(), SIGNUP, signup_form_data(username="other", email="o'neil&co@example.com"))

    link_mail, notice = sending.outbox
    assert "d'arcy+shop@example.com" in link_mail.body and "Hello darcy," in link_mail.body
    assert "&#x27;" not in link_mail.body + notice.body and "&amp;" not in link_mail.body + notice.body
    assert "Hello owner," in notice.body


# --- The site-wide notice and its button ------------------------------------------------------


def test_an_unconfirmed_account_sees_a_notice_with_a_button_that_sends_the_link_again(client, db, sending):
    user = UserFactory(username="malee", email="malee@example.com", email_verified_at=None)
    client.force_login(user)

    body = client.get("/").content.decode()
    assert "Please confirm your e-mail address, malee@example.com" in body
    assert f'<form method="post" action="{RESEND}"' in body

    response = sending.post(client, RESEND, {"next": "/orders/"}, follow=True)

    assert response.redirect_chain == [("/orders/", 302)]
    assert "We sent the link again to malee@example.com." in response.content.decode()
    assert [message.to for message in sending.outbox] == [["malee@example.com"]]
    assert client.post(confirmation_link_in(sending.outbox[0])).status_code == 302
    user.refresh_from_db()
    assert user.email_verified


def test_a_confirmed_account_sees_no_notice(client, buyer):
    client.force_login(buyer)

    assert "Please confirm your e-mail address" not in client.get("/").content.decode()


def test_the_resend_button_does_not_follow_a_next_outside_the_site(client, db, sending):
    client.force_login(UserFactory(email_verified_at=None))

    response = sending.post(client, RESEND, {"next": "https://evil.example/"})

    assert response["Location"] == PROFILE


# --- Changing the address ---------------------------------------------------------------------


def test_a_new_address_counts_only_once_its_link_is_opened(client, buyer, sending):
    client.force_login(buyer)

    sending.post(client, PROFILE, profile_form_data(email="malee@mail.example"))

    buyer.refresh_from_db()
    assert (buyer.email, buyer.pending_email) == ("buyer@example.com", "malee@mail.example")
    assert User.objects.by_login("buyer@example.com").get() == buyer
    assert not User.objects.by_login("malee@mail.example").exists()
    to_new, to_old = (next(m for m in sending.outbox if m.to == [address]) for address in ("malee@mail.example", "buyer@example.com"))
    assert "asked to change its e-mail address to malee@mail.example" in to_old.body
    assert "/accounts/email/confirm/" not in to_old.body

    assert client.post(confirmation_link_in(to_new)).status_code == 302

    buyer.refresh_from_db()
    assert (buyer.email, buyer.pending_email) == ("malee@mail.example", "")
    assert buyer.email_verified
    assert User.objects.by_login("malee@mail.example").get() == buyer


def test_asking_for_another_address_retires_the_earlier_link(client, buyer, sending):
    client.force_login(buyer)
    sending.post(client, PROFILE, profile_form_data(email="first@mail.example"))
    sending.post(client, PROFILE, profile_form_data(email="second@mail.example"))
    first_link = confirmation_link_in(next(m for m in sending.outbox if m.to == ["first@mail.example"]))

    response = Client().post(first_link)

    assert "This link no longer works" in response.content.decode()
    buyer.refresh_from_db()
    assert (buyer.email, buyer.pending_email) == ("buyer@example.com", "second@mail.example")


def test_the_profile_answers_the_same_for_a_new_and_a_taken_address(db, sending):
    UserFactory(username="owner", email="owner@example.com")
    one, two = UserFactory(username="kanyarat"), UserFactory(username="somsak")
    new, taken = Client(), Client()
    new.force_login(one)
    taken.force_login(two)

    new_answer = sending.post(new, PROFILE, profile_form_data(email="fresh@example.com"))
    taken_answer = sending.post(taken, PROFILE, profile_form_data(email="owner@example.com"))

    assert (new_answer.status_code, new_answer["Location"]) == (taken_answer.status_code, taken_answer["Location"]) == (302, PROFILE)
    assert new_answer.content == taken_answer.content
    new_page, taken_page = new.get(PROFILE), taken.get(PROFILE)
    assert page(new_page, "fresh@example.com", "kanyarat") == page(taken_page, "owner@example.com", "somsak")
    owner_mail = [message for message in sending.outbox if message.to == ["owner@example.com"]]
    assert len(owner_mail) == 1 and "/accounts/email/confirm/" not in owner_mail[0].body


# --- Password reset ---------------------------------------------------------------------------


def test_password_reset_to_an_unconfirmed_address_sends_nothing_and_says_the_same(db, sending):
    UserFactory(username="squatter", email="victim@example.com", email_verified_at=None)
    UserFactory(username="owner", email="owner@example.com")

    unconfirmed = sending.post(Client(), RESET, {"email": "victim@example.com"})
    confirmed = sending.post(Client(), RESET, {"email": "owner@example.com"})

    assert unconfirmed["Location"] == confirmed["Location"] == "/accounts/password/reset/sent/"
    assert [message.to for message in sending.outbox] == [["owner@example.com"]]


def test_password_reset_does_not_go_to_a_pending_address(client, buyer, sending):
    client.force_login(buyer)
    sending.post(client, PROFILE, profile_form_data(email="new@mail.example"))
    sent_before = len(sending.outbox)

    sending.post(Client(), RESET, {"email": "new@mail.example"})

    assert len(sending.outbox) == sent_before


def test_the_profile_offers_the_link_for_a_pending_address_again(client, buyer, sending):
    client.force_login(buyer)
    sending.post(client, PROFILE, profile_form_data(email="new@mail.example"))

    body = client.get(PROFILE).content.decode()
    again = sending.post(client, RESEND, {"next": PROFILE})

    assert "Waiting for confirmation: <strong>new@mail.example</strong>" in body
    assert f'action="{RESEND}"' in body
    assert again["Location"] == PROFILE
    assert sending.outbox[-1].to == ["new@mail.example"] and "/accounts/email/confirm/" in sending.outbox[-1].body


def test_a_link_opened_in_another_browser_confirms_nothing_until_one_logs_in_as_the_account(db, sending):
    """The link proves the address, not who made the account: someone may sign up with another
    person's address and wait for its owner to click. Only the browser that signed up, or someone
    logged in as the account, confirms."""
    sending.post(Client(), SIGNUP, signup_form_data(username="stranger", email="owner@mail.example"))
    link = confirmation_link_in(sending.outbox[0])
    owners_browser = Client()

    page_shown = owners_browser.get(link).content.decode()
    answer = owners_browser.post(link)

    assert "Log in as stranger to confirm it." in page_shown
    assert ">Confirm</button>" not in page_shown
    assert "If you did not make this account, ignore the e-mail" in page_shown
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/?" + urlencode({"next": link})
    assert logged_in_user_id(owners_browser) is None
    assert not User.objects.get(username="stranger").email_verified

    # Whoever knows the account's password may log in and confirm.
    logged_in = Client()
    logged_in.post("/accounts/login/", {"username": "stranger", "password": NEW_PASSWORD})
    assert logged_in.post(link).status_code == 302
    assert User.objects.get(username="stranger").email_verified
