"""The throttles on everything that sends e-mail (accounts/ratelimits.py): sign-up per client
address and per e-mail address, password reset, the confirmation link sent again, and the change
of address."""

from django.test import Client

from accounts.models import User
from tests.factories import UserFactory, profile_form_data, signup_form_data

SIGNUP = "/accounts/signup/"
PROFILE = "/accounts/profile/"
RESET = "/accounts/password/reset/"
RESEND = "/accounts/email/confirm-again/"
THROTTLED = "Too many attempts in a short time"


def assert_throttled(response):
    assert response.status_code == 429
    assert THROTTLED in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert "form" in response.context, "the form is shown again"


def test_signup_is_throttled_per_client_address(db, sending, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"signup-client": "2/h"}
    for number in range(2):
        answer = sending.post(Client(), SIGNUP, signup_form_data(username=f"user{number}", email=f"user{number}@example.com"), REMOTE_ADDR="203.0.113.9")
        assert answer.status_code == 302

    third = sending.post(Client(), SIGNUP, signup_form_data(username="user3", email="user3@example.com"), REMOTE_ADDR="203.0.113.9")
    elsewhere = sending.post(Client(), SIGNUP, signup_form_data(username="user4", email="user4@example.com"), REMOTE_ADDR="198.51.100.1")

    assert_throttled(third)
    assert third.context["form"]["username"].value() == "user3"
    assert not User.objects.filter(username="user3").exists()
    assert elsewhere.status_code == 302
    assert len(sending.outbox) == 3


def test_signup_is_throttled_per_email_address(db, sending, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"signup-email": "1/h"}
    UserFactory(username="owner", email="owner@example.com")
    sending.post(Client(), SIGNUP, signup_form_data(username="first", email="owner@example.com"), REMOTE_ADDR="203.0.113.1")

    second = sending.post(Client(), SIGNUP, signup_form_data(username="second", email="OWNER@example.com "), REMOTE_ADDR="203.0.113.2")

    assert_throttled(second)
    assert len(sending.outbox) == 1, "the owner is told once, not once per attempt"


def test_the_per_address_throttle_counts_tagged_spellings_of_one_mailbox(db, sending, settings):
    """owner+1@ and owner+2@ land in owner@'s mailbox at most providers: one limit for all."""
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"signup-email": "1/h"}
    sending.post(Client(), SIGNUP, signup_form_data(username="first", email="owner+1@example.com"), REMOTE_ADDR="203.0.113.1")

    second = sending.post(Client(), SIGNUP, signup_form_data(username="second", email=" Owner+2@Example.com"), REMOTE_ADDR="203.0.113.2")

    assert_throttled(second)
    assert len(sending.outbox) == 1


def test_password_reset_is_throttled_per_address_and_per_client(db, sending, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"password-reset-email": "1/h", "password-reset-client": "2/h"}
    UserFactory(username="owner", email="owner@example.com")
    UserFactory(username="other", email="other@example.com")

    first = sending.post(Client(), RESET, {"email": "owner@example.com"}, REMOTE_ADDR="203.0.113.1")
    same_address = sending.post(Client(), RESET, {"email": "Owner@Example.com"}, REMOTE_ADDR="203.0.113.2")
    other_address = sending.post(Client(), RESET, {"email": "other@example.com"}, REMOTE_ADDR="203.0.113.1")
    same_client = sending.post(Client(), RESET, {"email": "nobody@example.com"}, REMOTE_ADDR="203.0.113.1")

    assert first.status_code == other_address.status_code == 302
    assert_throttled(same_address)
    assert_throttled(same_client)
    assert [message.to for message in sending.outbox] == [["owner@example.com"], ["other@example.com"]]


def test_the_signup_throttle_counts_ipv4_clients_seen_through_an_ipv6_socket_apart(db, sending, settings):
    """A server bound to [::] sees IPv4 clients as ::ffff:a.b.c.d; they all share one /64."""
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"signup-client": "1/h"}
    sending.post(Client(), SIGNUP, signup_form_data(username="first", email="first@example.com"), REMOTE_ADDR="::ffff:203.0.113.1")

    other_client = sending.post(Client(), SIGNUP, signup_form_data(username="second", email="second@example.com"), REMOTE_ADDR="::ffff:198.51.100.9")
    same_client = sending.post(Client(), SIGNUP, signup_form_data(username="third", email="third@example.com"), REMOTE_ADDR="203.0.113.1")

    assert other_client.status_code == 302
    assert_throttled(same_client)


def test_the_resend_button_is_throttled_per_account(client, db, sending, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"confirmation-resend": "2/h"}
    client.force_login(UserFactory(username="malee", email_verified_at=None))
    for _attempt in range(2):
        assert sending.post(client, RESEND).status_code == 302

    third = sending.post(client, RESEND, REMOTE_ADDR="198.51.100.7")

    assert third.status_code == 429
    assert THROTTLED in third.content.decode()
    assert "Send the link again" in third.content.decode()
    assert len(sending.outbox) == 2


def test_the_email_change_is_throttled_per_account(client, buyer, sending, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"email-change": "1/h"}
    client.force_login(buyer)
    sending.post(client, PROFILE, profile_form_data(email="first@mail.example"))
    sent = len(sending.outbox)

    again = sending.post(client, PROFILE, profile_form_data(email="second@mail.example", first_name="Malee"))
    names_only = sending.post(client, PROFILE, profile_form_data(email="first@mail.example", first_name="Malee"))

    assert_throttled(again)
    assert names_only.status_code == 302, "names and language are not throttled"
    buyer.refresh_from_db()
    assert buyer.pending_email == "first@mail.example" and buyer.first_name == "Malee"
    assert len(sending.outbox) == sent


def test_the_signup_throttle_counts_an_ipv6_client_by_its_network(db, sending, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"signup-client": "1/h"}
    sending.post(Client(), SIGNUP, signup_form_data(username="first", email="first@example.com"), REMOTE_ADDR="2001:db8:1:2::10")

    same_network = sending.post(Client(), SIGNUP, signup_form_data(username="second", email="second@example.com"), REMOTE_ADDR="2001:db8:1:2:ffff::1")

    assert same_network.status_code == 429
    assert len(sending.outbox) == 1
