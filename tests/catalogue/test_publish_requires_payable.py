"""A product is published only when buyers can pay its producer with at least one way of
delivery: in the publish service, the producer's Publish button, the admin's bulk action and the
import. The refusal says what is missing and where it is done; nothing changes."""

import csv
import html
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalogue import importing, services
from catalogue.models import Product
from orders.models import SalesTerms
from producers import services as producer_services
from producers.models import PayoutChange, Producer
from tests.factories import (
    TEST_PASSWORD,
    ProducerMembershipFactory,
    UserFactory,
    accept_cash_on_delivery,
    add_photo,
    log_in,
    published_event,
    stall_at,
)

CANNOT = "cannot be published yet: buyers could not pay you for it with any way of delivery"


@pytest.fixture
def draft(make_product, group_a):
    """A draft with a photo, of group A: a verified group with no payout details and no sales
    terms of its own (the standard ones: bank transfer and paying at the stall)."""
    product = make_product(name_en="Lac-dyed silk scarf")
    add_photo(product)
    return product


def publish(product: Product) -> Product:
    return services.product_set_status(product=product, status=Product.Status.PUBLISHED)


def status_of(product: Product) -> tuple[str, bool]:
    product.refresh_from_db()
    return product.status, product.visible


def give_payout_details(producer: Producer, **fields) -> None:
    Producer.objects.filter(pk=producer.pk).update(**fields)
    producer.refresh_from_db()


# --- the service ---------------------------------------------------------------------------------


def test_publishing_is_refused_while_nobody_could_pay_the_producer_and_nothing_changes(draft):
    with pytest.raises(ValidationError) as refused:
        publish(draft)
    assert refused.value.code == "cannot_be_paid"
    message = refused.value.messages[0]
    assert message.startswith(f"Lac-dyed silk scarf {CANNOT}")
    assert "add a bank account or a PromptPay ID" in message
    assert "accept cash on delivery in your sales terms" in message
    assert "take a stall at a coming fair and accept paying at the stall" in message
    assert status_of(draft) == ("draft", False)
    assert Product.objects.get(pk=draft.pk).published_at is None


@pytest.mark.parametrize(
    ("details", "terms"),
    [
        ({"bank_name": "Krungthai", "bank_account_name": "Tha Sawang", "bank_account_number": "123-4-56789-0"}, None),
        ({"promptpay_id": "0812345678"}, {"accepts_bank_transfer": False, "accepts_promptpay": True}),
        ({}, {"accepts_cash_on_delivery": True}),
    ],
    ids=["bank account", "promptpay", "cash on delivery"],
)
def test_one_way_to_pay_for_a_shipped_order_is_enough_to_publish(draft, group_a, details, terms):
    give_payout_details(group_a, **details)
    if terms is not None:
        SalesTerms.objects.create(producer=group_a, **terms)
    publish(draft)
    assert status_of(draft) == ("published", True)


def test_pick_up_and_pay_at_a_stall_at_a_coming_event_is_enough_to_publish(draft, group_a):
    stall_at(published_event(), group_a)
    publish(draft)
    assert status_of(draft) == ("published", True)


def test_a_stall_at_an_event_that_is_over_does_not_count(draft, group_a):
    today = timezone.localdate()
    stall_at(published_event(starts_on=today - timedelta(days=6), ends_on=today - timedelta(days=1)), group_a)
    with pytest.raises(ValidationError, match=CANNOT):
        publish(draft)


def test_a_stall_without_paying_there_or_ahead_does_not_count(draft, group_a):
    stall_at(published_event(), group_a)
    SalesTerms.objects.create(producer=group_a, accepts_pay_at_stall=False)
    with pytest.raises(ValidationError, match="accept paying at your stall in your sales terms"):
        publish(draft)


def test_payout_details_the_producer_does_not_accept_do_not_count(draft, group_a):
    give_payout_details(group_a, bank_account_number="123-4-56789-0")
    SalesTerms.objects.create(producer=group_a, accepts_bank_transfer=False, accepts_pay_at_stall=False)
    with pytest.raises(ValidationError, match="accept bank transfer or PromptPay in your sales terms"):
        publish(draft)


def test_a_promptpay_id_does_not_let_a_group_selling_in_yen_be_paid(make_product, oita_group):
    give_payout_details(oita_group, promptpay_id="0812345678")
    SalesTerms.objects.create(producer=oita_group, accepts_bank_transfer=False, accepts_promptpay=True)
    product = make_product(producer=oita_group, name_en="Kabosu ponzu", category="seasonings-and-condiments")
    add_photo(product)
    with pytest.raises(ValidationError, match="add a bank account, so buyers can pay by transfer"):
        publish(product)


def test_payout_details_held_for_review_do_not_count_until_staff_approve_them(draft, group_a):
    manager = UserFactory(username="held-manager")
    ProducerMembershipFactory(producer=group_a, user=manager, role="manager")
    change = producer_services.producer_update_payment(
        producer=group_a, by=manager, password=TEST_PASSWORD,
        bank_name="Krungthai", bank_account_name="Tha Sawang", bank_account_number="987-6-54321-0",
    )
    assert change.state == PayoutChange.State.HELD
    with pytest.raises(ValidationError, match="wait until our staff approve the payment details you sent"):
        publish(draft)
    producer_services.payout_change_review(change=change, by=UserFactory(username="approver", is_staff=True), approve=True)
    publish(draft)
    assert status_of(draft) == ("published", True)


def test_a_product_of_a_producer_who_can_no_longer_be_paid_can_still_be_archived(draft, group_a):
    accept_cash_on_delivery(group_a)
    publish(draft)
    SalesTerms.objects.filter(producer=group_a).update(accepts_cash_on_delivery=False)
    services.product_set_status(product=draft, status=Product.Status.ARCHIVED)
    assert status_of(draft) == ("archived", False)
    with pytest.raises(ValidationError, match=CANNOT):
        publish(draft)


# --- the producer's Publish button -----------------------------------------------------------------


def action_url(product: Product) -> str:
    return f"/dashboard/products/{product.pk}/action/"


def manager_of(producer: Producer, *, role: str = "manager"):
    user = UserFactory(username=f"{role}-of-{producer.slug}")
    ProducerMembershipFactory(producer=producer, user=user, role=role)
    return user


def test_the_listings_page_says_why_publishing_is_not_possible_yet_beside_the_buttons(client, draft, group_a):
    log_in(client, manager_of(group_a))
    text = html.unescape(client.get("/dashboard/products/").content.decode())
    assert 'id="publish-blocked"' in text
    assert 'value="published" class="button button--small" aria-describedby="publish-blocked"' in text
    assert "You cannot publish products yet" in text
    assert 'href="/dashboard/payment/"' in text and 'href="/dashboard/sales-terms/"' in text


def test_the_listings_page_has_no_such_notice_once_buyers_can_pay(client, draft, group_a):
    accept_cash_on_delivery(group_a)
    log_in(client, manager_of(group_a))
    text = client.get("/dashboard/products/").content.decode()
    assert "publish-blocked" not in text


def test_pressing_publish_explains_what_is_missing_with_links_and_publishes_nothing(client, draft, group_a):
    log_in(client, manager_of(group_a))
    response = client.post(action_url(draft), {"action": "published"}, follow=True)
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1 and CANNOT in shown[0]
    assert '<a href="/dashboard/payment/">Payment details</a>' in shown[0]
    assert '<a href="/dashboard/events/">Events and stalls</a>' in shown[0]
    assert '<a href="/dashboard/payment/">Payment details</a>' in response.content.decode()
    assert status_of(draft) == ("draft", False)


def test_a_plain_member_pressing_publish_gets_no_link_to_the_managers_pages(client, draft, group_a):
    log_in(client, manager_of(group_a, role="member"))
    response = client.post(action_url(draft), {"action": "published"}, follow=True)
    (shown,) = [str(message) for message in response.context["messages"]]
    assert CANNOT in shown and "/dashboard/payment/" not in shown and "/dashboard/sales-terms/" not in shown
    assert '<a href="/dashboard/events/">' in shown
    assert status_of(draft) == ("draft", False)


def test_the_button_still_says_when_the_photo_is_missing(client, make_product, group_a):
    product = make_product(name_en="No photo yet")
    log_in(client, manager_of(group_a))
    response = client.post(action_url(product), {"action": "published"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Add at least one photo before you publish."]


# --- the admin's bulk action and the import ---------------------------------------------------------


def test_staff_publishing_in_bulk_meet_the_same_rule(staff_client, draft, make_product, group_b):
    accept_cash_on_delivery(group_b)
    payable = make_product(producer=group_b, name_en="Khon Kaen mudmee", photos=1)
    response = staff_client.post(
        "/admin/catalogue/product/", {"action": "publish_selected", "_selected_action": [draft.pk, payable.pk]}, follow=True
    )
    shown = [str(message) for message in response.context["messages"]]
    assert "1 listing published." in shown
    assert any(message.startswith("Lac-dyed silk scarf: ") and CANNOT in message for message in shown)
    assert status_of(draft) == ("draft", False) and status_of(payable) == ("published", True)


def csv_of(rows: list[dict]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_an_import_that_publishes_a_product_nobody_could_pay_for_is_refused_whole(draft, group_a):
    data = csv_of([{"slug": draft.slug, "category": "silk", "name_en": "Lac-dyed silk scarf", "price": "900", "status": "published"}])
    rows = importing.listings_parse(data).rows
    report = importing.listings_check(producer=group_a, rows=rows)
    assert [(problem.column, CANNOT in problem.message) for problem in report.problems] == [("status", True)]
    with pytest.raises(importing.ImportRejected):
        importing.listings_import(producer=group_a, rows=rows)
    draft.refresh_from_db()
    assert (draft.status, draft.price) == ("draft", 850)


def test_an_import_of_drafts_is_not_held_up_by_the_rule(draft, group_a):
    data = csv_of([{"slug": draft.slug, "category": "silk", "name_en": "Lac-dyed silk scarf", "price": "900", "status": "draft"}])
    importing.listings_import(producer=group_a, rows=importing.listings_parse(data).rows)
    draft.refresh_from_db()
    assert (draft.status, draft.price) == ("draft", 900)
