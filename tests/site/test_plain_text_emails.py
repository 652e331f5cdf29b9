"""Plain-text e-mails show names as written: no HTML entities (&amp; &lt; &#x27; …) in the text
part or the subject, while the HTML part stays escaped."""

from pathlib import Path

import pytest
from django.core import mail

from catalogue.services import categories_load
from orders import services as order_services
from orders.models import Order
from producers import services as producer_services
from producers.models import ProducerMembership
from tests.factories import ADDRESS, ProducerMembershipFactory, UserFactory, listing, make_shop, place_one

TRICKY = "Tom & Jerry's <Silk> \"Best\""
ENTITIES = ("&amp;", "&lt;", "&gt;", "&#x27;", "&#39;", "&quot;", "&#34;")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def assert_plain(text: str) -> None:
    assert TRICKY in text, text
    assert not any(entity in text for entity in ENTITIES), text


@pytest.fixture
def tricky_shop(places):
    categories_load()
    return make_shop(name_en=TRICKY, name=TRICKY, contact_email="orders@tricky.example", own_language="en")


def test_order_emails_show_names_and_notes_as_written(tricky_shop, django_capture_on_commit_callbacks):
    manager = UserFactory(username="tricky-manager", email="manager@tricky.example", language="en")
    ProducerMembershipFactory(producer=tricky_shop, user=manager, role=ProducerMembership.Role.MANAGER)
    buyer = UserFactory(username="tricky-buyer", email="buyer@tricky.example", language="en")
    product = listing(tricky_shop, name_en=TRICKY)
    with django_capture_on_commit_callbacks(execute=True):
        order = place_one(buyer, product, address=ADDRESS | {"email": "buyer@tricky.example"})
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_transition(order=order, to_state=Order.State.CANCELLED, by=manager, note=TRICKY)

    assert len(mail.outbox) >= 4
    for message in mail.outbox:
        assert_plain(message.body)
        assert not any(entity in message.subject for entity in ENTITIES)
        (html, _mimetype), = message.alternatives
        assert "Tom &amp; Jerry" in html and "&lt;Silk&gt;" in html  # the HTML part stays escaped
    cancelled = [m for m in mail.outbox if "cancelled" in m.subject and m.to == ["buyer@tricky.example"]]
    assert cancelled and f"Reason: {TRICKY}" in cancelled[0].body


def test_the_invitation_email_shows_the_group_name_as_written(tricky_shop, django_capture_on_commit_callbacks):
    manager = UserFactory(username="tricky-inviter", email="inviter@tricky.example")
    ProducerMembershipFactory(producer=tricky_shop, user=manager, role=ProducerMembership.Role.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        producer_services.membership_invite(producer=tricky_shop, by=manager, invitee="newcomer@tricky.example")
    (message,) = mail.outbox
    assert_plain(message.body)
    assert TRICKY in message.subject and not any(entity in message.subject for entity in ENTITIES)


def test_the_password_reset_email_shows_the_user_name_as_written(client, db, django_capture_on_commit_callbacks):
    # Sign-up does not allow such a name today, but an older or imported account may hold one.
    UserFactory(username=TRICKY, email="tricky@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "tricky@example.com"})
    (message,) = mail.outbox
    assert_plain(message.body)
    assert not any(entity in message.subject for entity in ENTITIES)


def test_every_plain_text_email_template_renders_without_html_escaping():
    """The one rule for text e-mails: each .txt template under an email/ folder switches
    autoescape off around all it renders, subject lines included."""
    found = sorted(TEMPLATES.glob("**/email/*.txt"))
    assert len(found) >= 4
    for path in found:
        source = path.read_text(encoding="utf-8")
        body = source.split("%}", 1)[1] if source.startswith("{% load") else source
        assert body.startswith("{% autoescape off %}"), f"{path} escapes HTML in a text e-mail"
        assert source.rstrip().endswith("{% endautoescape %}"), path
