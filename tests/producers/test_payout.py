"""Payout details (bank account, PromptPay ID): the manager's password, the masked history, the
notice to every manager, and a new group's change held until staff approve it."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from orders.models import PaymentMethod, SalesTerms
from orders.services import payment_methods_for
from producers import services
from producers.models import PayoutChange, Producer, ProducerMembership, mask_payout_value
from tests.factories import (
    TEST_PASSWORD,
    UserFactory,
    checkout_post,
    fill_cart,
    listing,
    log_in,
    place_one,
    producer_admin_form_data,
    settle,
)

PAYMENT_PAGE = "/dashboard/payment/"
NEW_DETAILS = {
    "bank_name": "Kasikorn",
    "bank_account_name": "Somsri Jaidee",
    "bank_account_number": "987-6-54321-0",
    "promptpay_id": "0899998888",
}


def details_of(producer: Producer) -> dict:
    producer.refresh_from_db()
    return {name: getattr(producer, name) for name in services.PAYMENT_FIELDS}


def change_payment(producer, by, password=TEST_PASSWORD, **fields):
    return services.producer_update_payment(producer=producer, by=by, password=password, **(fields or NEW_DETAILS))


@pytest.fixture
def second_manager(group_a):
    user = UserFactory(username="kanya", first_name="Kanya", email="kanya@example.com", language="ja")
    ProducerMembership.objects.create(producer=group_a, user=user, role=ProducerMembership.Role.MANAGER)
    return user


@pytest.fixture
def shop_a(group_a):
    """group_a with details in force and sales terms taking bank transfer and PromptPay."""
    Producer.objects.filter(pk=group_a.pk).update(
        bank_name="Krungthai", bank_account_name="Tha Sawang Silk Weavers", bank_account_number="123-4-56789-0",
        promptpay_id="",
    )
    SalesTerms.objects.create(producer=group_a, accepts_bank_transfer=True, accepts_promptpay=True)
    group_a.refresh_from_db()
    return group_a


# --- the masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, shown", [("987-6-54321-0", "••••21-0"), ("0899998888", "••••8888"), ("Krungthai", "••••thai"), ("1234", "••••"), ("", "")]
)
def test_payout_values_are_masked_but_for_their_last_four_characters(value, shown):
    assert mask_payout_value(value) == shown


# --- the password --------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["not-my-password", ""])
def test_a_wrong_or_missing_password_changes_nothing(manager_a, group_a, password, django_capture_on_commit_callbacks):
    settle(group_a)
    before = details_of(group_a)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        change_payment(group_a, manager_a, password=password)

    assert "password" in error.value.message_dict
    assert details_of(group_a) == before
    assert not PayoutChange.objects.exists()
    assert mail.outbox == []


def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(manager_a, group_a, monkeypatch):
    settle(group_a)
    for _attempt in range(5):
        with pytest.raises(ValidationError):
            change_payment(group_a, manager_a, password="guess")

    with pytest.raises(ValidationError) as error:
        change_payment(group_a, manager_a)

    assert "Too many wrong passwords" in str(error.value)
    assert details_of(group_a)["promptpay_id"] == ""
    # A quarter of an hour later the manager may try again.
    later = services.time.time() + 16 * 60
    monkeypatch.setattr(services.time, "time", lambda: later)
    change_payment(group_a, manager_a)
    assert details_of(group_a)["promptpay_id"] == "0899998888"


@pytest.mark.django_db(transaction=True)
def test_wrong_passwords_sent_at_once_are_all_counted(manager_a, group_a, monkeypatch):
    """Guesses sent in parallel (one stolen session, many tabs) must not all read the same count
    and slip past the limit: eight at once give five wrong-password answers and three refusals."""
    import threading
    import time

    from django.db import connection

    settle(group_a)
    check = type(manager_a).check_password

    def slow_check(user, raw_password):
        time.sleep(0.2)  # long enough for every guess to have read the count without the lock
        return check(user, raw_password)

    monkeypatch.setattr(type(manager_a), "check_password", slow_check)
    answers, start = [], threading.Barrier(8)

    def guess(number):
        try:
            start.wait()
            change_payment(group_a, manager_a, password=f"guess{number}")
        except ValidationError as error:
            answers.append("locked" if "Too many wrong passwords" in str(error) else "wrong")
        except Exception as error:  # noqa: BLE001 - the test reports whatever happened
            answers.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answers) == ["locked"] * 3 + ["wrong"] * 5


def test_the_wrong_password_count_is_per_account(manager_a, group_a, second_manager):
    settle(group_a)
    for _attempt in range(5):
        with pytest.raises(ValidationError):
            change_payment(group_a, second_manager, password="guess")

    change_payment(group_a, manager_a)

    assert details_of(group_a)["promptpay_id"] == "0899998888"


def test_the_payment_page_asks_for_the_password_and_a_wrong_one_is_a_form_error(client, manager_a, group_a):
    settle(group_a)
    log_in(client, manager_a)

    assert 'name="password"' in client.get(PAYMENT_PAGE).content.decode()
    wrong = client.post(PAYMENT_PAGE, NEW_DETAILS | {"password": "nope"})
    missing = client.post(PAYMENT_PAGE, NEW_DETAILS)

    assert wrong.status_code == 200 and "That is not your password" in wrong.context["form"].errors["password"][0]
    assert missing.status_code == 200 and "password" in missing.context["form"].errors
    assert details_of(group_a)["bank_account_number"] == ""
    assert not PayoutChange.objects.exists()


# --- who may -------------------------------------------------------------------------------------


def test_a_plain_member_cannot_change_the_payout_details_on_the_page_or_through_the_service(client, member_a, group_a):
    settle(group_a)
    log_in(client, member_a)

    assert client.get(PAYMENT_PAGE).status_code == 403
    assert client.post(PAYMENT_PAGE, NEW_DETAILS | {"password": TEST_PASSWORD}).status_code == 403
    with pytest.raises(PermissionDenied):
        change_payment(group_a, member_a)
    assert details_of(group_a)["bank_account_number"] == ""
    assert not PayoutChange.objects.exists()


def test_a_manager_of_another_group_cannot_change_the_payout_details(manager_b, group_a):
    with pytest.raises(PermissionDenied):
        change_payment(group_a, manager_b)

    assert not PayoutChange.objects.exists()


# --- an established group: in force at once, recorded and told -----------------------------------


def test_an_established_groups_change_is_in_force_at_once_and_recorded_masked(manager_a, shop_a):
    settle(shop_a)

    change = change_payment(shop_a, manager_a)

    assert change.state == PayoutChange.State.APPLIED and change.changed_by == manager_a
    assert details_of(shop_a) == NEW_DETAILS
    recorded = {item["field"]: (item["old"], item["new"]) for item in change.changes}
    assert recorded == {
        "bank_name": ("••••thai", "••••korn"),
        "bank_account_name": ("••••vers", "••••idee"),
        "bank_account_number": ("••••89-0", "••••21-0"),
        "promptpay_id": ("", "••••8888"),
    }
    assert change.proposed == {}, "the full values live only on the producer once in force"


def test_only_the_fields_that_differ_are_recorded(manager_a, shop_a):
    settle(shop_a)

    change = change_payment(shop_a, manager_a, **(details_of(shop_a) | {"promptpay_id": "0812345678"}))

    assert [item["field"] for item in change.changes] == ["promptpay_id"]


def test_the_details_in_force_again_are_refused_as_no_change(manager_a, shop_a):
    settle(shop_a)

    with pytest.raises(ValidationError):
        change_payment(shop_a, manager_a, **details_of(shop_a))

    assert not PayoutChange.objects.exists()


def test_every_manager_and_no_plain_member_is_told_in_their_own_language(
    manager_a, second_manager, member_a, group_a, django_capture_on_commit_callbacks
):
    settle(group_a)

    with django_capture_on_commit_callbacks(execute=True):
        change_payment(group_a, manager_a)

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {manager_a.email, second_manager.email}
    english, japanese = by_address[manager_a.email], by_address[second_manager.email]
    for message in (english, japanese):
        assert "Somsri (somsri)" in message.body
        assert "••••21-0" in message.body and "987-6-54321-0" not in message.body
        assert "0899998888" not in message.body and "••••8888" in message.body
        assert "help@otop.example" in message.body
        assert "&amp;" not in message.body and "&#" not in message.body
    assert "If this was not you" in english.body
    assert "Account number" in english.body
    assert "口座番号" in japanese.body, "the field names in the Japanese manager's language"
    assert "年" in japanese.body, "the time as Japanese write it"


def test_the_notice_is_sent_only_after_the_change_commits(manager_a, group_a, django_capture_on_commit_callbacks):
    settle(group_a)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        change_payment(group_a, manager_a)
    assert mail.outbox == []

    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_the_one_who_made_the_change_is_told_even_after_leaving_the_managers(
    manager_a, second_manager, group_a, staff, django_capture_on_commit_callbacks
):
    change = change_payment(group_a, manager_a)  # a new group: held
    ProducerMembership.objects.filter(producer=group_a, user=manager_a).update(role=ProducerMembership.Role.MEMBER)

    with django_capture_on_commit_callbacks(execute=True):
        services.payout_change_review(change=change, by=staff, approve=False, note="We could not confirm the account.")

    assert {message.to[0] for message in mail.outbox} == {manager_a.email, second_manager.email}
    assert "We could not confirm the account." in mail.outbox[0].body


# --- what makes a group new ----------------------------------------------------------------------


def test_a_group_is_new_until_verified_thirty_days_ago_with_no_manager_newer_than_that(group_a, manager_a, settings):
    settings.PAYOUT_REVIEW_DAYS = 30
    assert services.payout_review_needed(producer=group_a), "verified just now (no record: since registration)"

    settle(group_a, days=29)
    assert services.payout_review_needed(producer=group_a), "verified 29 days ago"

    settle(group_a, days=31)
    assert not services.payout_review_needed(producer=group_a)

    Producer.objects.filter(pk=group_a.pk).update(state=Producer.State.PENDING)
    group_a.refresh_from_db()
    assert services.payout_review_needed(producer=group_a), "not verified"


def test_a_manager_who_joined_lately_makes_the_group_new_again(group_a, manager_a):
    settle(group_a)
    newcomer = UserFactory(username="newcomer")
    membership = ProducerMembership.objects.create(producer=group_a, user=newcomer, role=ProducerMembership.Role.MEMBER)
    assert not services.payout_review_needed(producer=group_a), "a new plain member does not"

    membership.role = ProducerMembership.Role.MANAGER
    membership.save()

    assert services.payout_review_needed(producer=group_a)


def test_a_reinstated_group_is_new_again(group_a, manager_a, staff):
    settle(group_a)
    services.producer_suspend(producer=group_a, by=staff, reason="Fake photos.")
    services.producer_verify(producer=group_a, by=staff)

    assert services.payout_review_needed(producer=group_a)


# --- a new group: held until staff decide --------------------------------------------------------


def test_a_new_groups_change_is_held_and_the_old_details_stay_in_force(manager_a, shop_a):
    before = details_of(shop_a)

    change = change_payment(shop_a, manager_a)

    assert change.state == PayoutChange.State.HELD
    assert details_of(shop_a) == before
    assert change.proposed == {name: NEW_DETAILS[name] for name in services.PAYMENT_FIELDS}


def test_a_held_change_is_not_used_at_checkout_nor_on_the_order_page(client, buyer, manager_a, shop_a, staff):
    from catalogue.services import categories_load

    categories_load()
    scarf = listing(shop_a, name_en="Mudmee silk scarf")
    change = change_payment(shop_a, manager_a)
    log_in(client, buyer)

    # PromptPay had no ID in force: checkout does not offer it while the new one is held.
    assert PaymentMethod.PROMPTPAY not in payment_methods_for(Producer.objects.get(pk=shop_a.pk))
    fill_cart(buyer, (scarf, 1))
    checkout_page = client.get("/checkout/").content.decode()
    assert f'name="payment_{shop_a.pk}" value="bank_transfer"' in checkout_page
    assert 'value="promptpay"' not in checkout_page
    response = client.post("/checkout/", checkout_post({shop_a.pk: {"payment": "promptpay"}}, token="t-held"))
    assert response.status_code == 200, "PromptPay is refused"
    # The bank transfer order tells the buyer to pay the account in force, not the held one.
    order = place_one(buyer, scarf, 1)
    order_page = client.get(f"/orders/{order.number}/").content.decode()
    assert "123-4-56789-0" in order_page and "987-6-54321-0" not in order_page

    services.payout_change_review(change=change, by=staff, approve=True)

    assert PaymentMethod.PROMPTPAY in payment_methods_for(Producer.objects.get(pk=shop_a.pk))
    order_page = client.get(f"/orders/{order.number}/").content.decode()
    assert "987-6-54321-0" in order_page and "123-4-56789-0" not in order_page


def test_approval_puts_the_held_change_in_force_and_tells_the_managers(
    manager_a, second_manager, shop_a, staff, django_capture_on_commit_callbacks
):
    change = change_payment(shop_a, manager_a)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        approved = services.payout_change_review(change=change, by=staff, approve=True, note="Checked by phone.")

    assert details_of(shop_a) == NEW_DETAILS
    assert approved.state == PayoutChange.State.APPROVED
    assert (approved.reviewed_by, approved.review_note, approved.proposed) == (staff, "Checked by phone.", {})
    assert approved.reviewed_at is not None
    assert {message.to[0] for message in mail.outbox} == {manager_a.email, second_manager.email}
    assert all("approved" in message.subject for message in mail.outbox if message.to[0] == manager_a.email)


def test_rejection_leaves_the_details_in_force_and_needs_a_note(manager_a, shop_a, staff):
    before = details_of(shop_a)
    change = change_payment(shop_a, manager_a)

    with pytest.raises(ValidationError):
        services.payout_change_review(change=change, by=staff, approve=False, note="  ")
    change.refresh_from_db()
    assert change.state == PayoutChange.State.HELD

    services.payout_change_review(change=change, by=staff, approve=False, note="Account name is not the group's.")

    change.refresh_from_db()
    assert change.state == PayoutChange.State.REJECTED and change.proposed == {}
    assert details_of(shop_a) == before


def test_a_change_is_reviewed_once_and_by_staff_only(manager_a, shop_a, staff):
    change = change_payment(shop_a, manager_a)

    with pytest.raises(PermissionDenied):
        services.payout_change_review(change=change, by=manager_a, approve=True)
    services.payout_change_review(change=change, by=staff, approve=False, note="No.")
    with pytest.raises(ValidationError):
        services.payout_change_review(change=change, by=staff, approve=True)

    assert details_of(shop_a)["bank_account_number"] == "123-4-56789-0"


def test_a_new_change_replaces_the_held_one(manager_a, second_manager, shop_a, staff):
    first = change_payment(shop_a, manager_a)

    second = change_payment(shop_a, second_manager, **(NEW_DETAILS | {"promptpay_id": "0811112222"}))

    first.refresh_from_db()
    assert first.state == PayoutChange.State.REPLACED and first.proposed == {}
    assert second.state == PayoutChange.State.HELD
    assert PayoutChange.objects.filter(producer=shop_a, state=PayoutChange.State.HELD).get() == second
    with pytest.raises(ValidationError):
        services.payout_change_review(change=first, by=staff, approve=True)
    services.payout_change_review(change=second, by=staff, approve=True)
    assert details_of(shop_a)["promptpay_id"] == "0811112222"


def test_the_database_holds_at_most_one_held_change_per_group(manager_a, group_a):
    PayoutChange.objects.create(producer=group_a, changed_by=manager_a, state=PayoutChange.State.HELD)

    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutChange.objects.create(producer=group_a, changed_by=manager_a, state=PayoutChange.State.HELD)


def test_removing_details_is_in_force_at_once_even_for_a_new_group(manager_a, shop_a):
    change = change_payment(shop_a, manager_a, bank_name="", bank_account_name="", bank_account_number="")

    assert change.state == PayoutChange.State.APPLIED
    assert details_of(shop_a)["bank_account_number"] == ""
    assert PaymentMethod.BANK_TRANSFER not in payment_methods_for(Producer.objects.get(pk=shop_a.pk))


def test_the_page_says_a_change_is_held(client, manager_a, shop_a):
    log_in(client, manager_a)

    response = client.post(PAYMENT_PAGE, NEW_DETAILS | {"password": TEST_PASSWORD}, follow=True)

    page = response.content.decode()
    assert "held for review" in page
    assert PayoutChange.objects.get().state == PayoutChange.State.HELD
    page = client.get(PAYMENT_PAGE).content.decode()
    assert "A change waits for review by our staff." in page
    assert "987-6-54321-0" not in page, "the held values are shown masked"
    assert 'value="123-4-56789-0"' in page, "the form shows the details in force"


# --- the history ---------------------------------------------------------------------------------


def test_the_dashboard_history_shows_payout_changes_masked_beside_verification(client, manager_a, member_a, shop_a, staff):
    held = change_payment(shop_a, manager_a)
    services.payout_change_review(change=held, by=staff, approve=False, note="Call us, please.")
    services.producer_suspend(producer=shop_a, by=staff, reason="Checking the account.")

    for user in (manager_a, member_a):
        page = log_in(client, user).get("/dashboard/").content.decode()
        assert "Changes of the payment details" in page and "Verification history" in page
        assert "Rejected by staff" in page and "Call us, please." in page
        assert "••••21-0" in page and "987-6-54321-0" not in page
        assert "Checking the account." in page


# --- staff review --------------------------------------------------------------------------------


def test_staff_approve_on_the_staff_page_and_others_get_403(client, manager_a, shop_a, staff):
    change = change_payment(shop_a, manager_a)
    url = f"/staff/payout-changes/{change.pk}/review/"

    log_in(client, manager_a)
    assert client.get("/staff/payout-changes/").status_code == 403
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert details_of(shop_a)["bank_account_number"] == "123-4-56789-0"

    log_in(client, staff)
    page = client.get("/staff/payout-changes/").content.decode()
    assert "987-6-54321-0" in page, "staff see the full proposed account to check it"
    assert client.post(url, {"decision": "maybe"}).status_code == 302
    assert client.post(url, {"decision": "reject", "note": ""}).status_code == 302
    change.refresh_from_db()
    assert change.state == PayoutChange.State.HELD
    assert client.post(url, {"decision": "approve", "note": "ok"}).status_code == 302
    assert details_of(shop_a) == NEW_DETAILS
    assert client.post("/staff/payout-changes/999999/review/", {"decision": "approve"}).status_code == 404


def test_staff_approve_and_reject_held_changes_with_the_admin_actions(admin_client, manager_a, manager_b, shop_a, group_b):
    approve = change_payment(shop_a, manager_a)
    reject = change_payment(group_b, manager_b)
    changelist = "/admin/producers/payoutchange/"

    admin_client.post(changelist, {"action": "approve_selected", "_selected_action": [approve.pk]})
    admin_client.post(changelist, {"action": "reject_selected", "_selected_action": [reject.pk]})

    approve.refresh_from_db()
    reject.refresh_from_db()
    assert approve.state == PayoutChange.State.APPROVED and details_of(shop_a) == NEW_DETAILS
    assert reject.state == PayoutChange.State.REJECTED and details_of(group_b)["bank_account_number"] == ""
    assert admin_client.get(f"{changelist}{approve.pk}/change/").status_code == 200



def test_staff_editing_the_details_in_the_admin_is_recorded_and_told(
    admin_client, manager_a, shop_a, django_capture_on_commit_callbacks
):

    held = change_payment(shop_a, manager_a)
    data = producer_admin_form_data(shop_a) | details_of(shop_a) | {"bank_account_number": "555-5-55555-5"}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/producers/producer/{shop_a.pk}/change/", data)

    assert response.status_code == 302
    assert details_of(shop_a)["bank_account_number"] == "555-5-55555-5"
    latest = PayoutChange.objects.filter(producer=shop_a).first()
    assert latest.state == PayoutChange.State.APPLIED and latest.changed_by.username == "admin"
    assert [item["field"] for item in latest.changes] == ["bank_account_number"]
    held.refresh_from_db()
    assert held.state == PayoutChange.State.REPLACED
    assert any(manager_a.email in message.to and "••••55-5" in message.body for message in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_two_managers_changing_at_once_leave_exactly_one_held_change(group_a, manager_a, second_manager, monkeypatch):
    """Each change pauses after reading what is held; the lock on the producer makes the second
    wait for the first, so it replaces the first instead of crashing into it."""
    import threading
    import time

    from django.db import connection

    rule = services.payout_review_needed

    def slow_rule(*, producer):
        time.sleep(0.5)
        return rule(producer=producer)

    monkeypatch.setattr(services, "payout_review_needed", slow_rule)
    results, start = {}, threading.Barrier(2)

    def change(user, promptpay_id):
        try:
            start.wait()
            results[user.username] = change_payment(group_a, user, **(NEW_DETAILS | {"promptpay_id": promptpay_id}))
        except Exception as error:  # noqa: BLE001 - the test reports whatever happened
            results[user.username] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=change, args=(manager_a, "0811111111")),
        threading.Thread(target=change, args=(second_manager, "0822222222")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(result, PayoutChange) for result in results.values()), results
    assert sorted(PayoutChange.objects.values_list("state", flat=True)) == ["held", "replaced"]
    assert details_of(group_a)["promptpay_id"] == ""


def test_staff_who_manage_the_group_cannot_approve_its_change_but_other_staff_can(manager_a, shop_a, staff):
    """Four eyes: a staff member who is also the group's manager asks for a change; another
    member of staff must approve it."""
    manager_a.is_staff = True
    manager_a.save(update_fields=["is_staff"])
    change = change_payment(shop_a, manager_a)
    before = details_of(shop_a)

    with pytest.raises(ValidationError, match="Another member of staff"):
        services.payout_change_review(change=change, by=manager_a, approve=True)
    assert details_of(shop_a) == before
    change.refresh_from_db()
    assert change.state == PayoutChange.State.HELD

    services.payout_change_review(change=change, by=staff, approve=True)
    assert details_of(shop_a) == NEW_DETAILS
